package pipeline

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/oblique-neuro/oblique/ingest/nwb"
	"github.com/oblique-neuro/oblique/internal/words"
)

// maxValues is the most distinct values of a column InitPreset lists in a
// comment.
const maxValues = 12

// InitPreset returns a starting preset for the NWB file at path, written
// from what Inspect sees (`oblique presets init FILE.nwb > my.toml`):
//
//   - the layout: nwb-aligned when the file has /intervals/trials, else
//     nwb-continuous;
//   - the activity: the units table, with its string columns (and the
//     string columns of the electrodes its electrodes column points into)
//     and their distinct values in comments, for [units] where and
//     electrodes; without units, the file's TimeSeries as activity;
//   - behaviour: every TimeSeries-shaped object (nested containers and
//     extension types included), the first as a [[behaviour]] entry and
//     the others commented out;
//   - the interval tables, their time columns (align candidates), their
//     other numeric columns (for [trials] min/max, or nwb-per-trial's
//     kind = "column") and the distinct values of their string columns
//     (for [trials] exclude).
//
// Comments say what each choice is and what to check. The text parses
// with presets.Parse; the result runs once the choices its comments ask
// for are made. The file must be NWB 2.x; a MATLAB file is refused.
func InitPreset(path string) (string, error) {
	kind, err := fileKind(path)
	if err != nil {
		return "", err
	}
	if kind != "nwb" {
		return "", fmt.Errorf("%s: presets init reads NWB files; for a MATLAB file start from a mat preset ('oblique presets bci-hennig')", path)
	}
	f, err := nwb.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	l, err := f.Inspect()
	if err != nil {
		return "", err
	}
	w := &initWriter{f: f, l: l}
	return w.write(filepath.Base(path)), nil
}

// stem returns the file name without its directory and extension: the
// name of an init preset, so that presets written for different files
// name their recordings apart.
func stem(base string) string {
	if s := strings.TrimSuffix(base, filepath.Ext(base)); s != "" {
		return s
	}
	return base
}

type initWriter struct {
	f *nwb.File
	l *nwb.Listing
	b strings.Builder
	// split, when the file has no behaviour series but two units or more,
	// holds the unit ids: the last is the behaviour, the others the
	// activity.
	split []int64
}

// neural tells a series of voltages (ElectricalSeries, LFP), which is
// not behaviour.
func neural(s nwb.SeriesSummary) bool {
	return strings.HasSuffix(s.Type, "ElectricalSeries") || strings.HasSuffix(s.Type, "LFP")
}

func (w *initWriter) line(format string, args ...any) { fmt.Fprintf(&w.b, format+"\n", args...) }

// tomlString returns s as a TOML string.
func tomlString(s string) string {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(map[string]string{"v": s}); err != nil {
		return `""`
	}
	return strings.TrimSpace(strings.TrimPrefix(buf.String(), "v = "))
}

func (w *initWriter) table(p string) *nwb.TableSummary {
	for i := range w.l.Tables {
		if w.l.Tables[i].Path == p {
			return &w.l.Tables[i]
		}
	}
	return nil
}

// intervals lists the TimeIntervals tables (and /intervals/*).
func (w *initWriter) intervals() []nwb.TableSummary {
	var out []nwb.TableSummary
	for _, t := range w.l.Tables {
		if t.Type == "TimeIntervals" || strings.HasPrefix(t.Path, "/intervals/") {
			out = append(out, t)
		}
	}
	return out
}

// distinct returns "a" (3), "b" (1), … for a string column of table p, or
// "" when it is not a plain string column or cannot be read.
func (w *initWriter) distinct(p string, c nwb.ColumnSummary) string {
	if c.Ragged || !strings.Contains(c.Dtype, "string") {
		return ""
	}
	col, err := w.f.ColumnValues(p, c.Name)
	if err != nil || col.Strings == nil {
		return ""
	}
	count := map[string]int{}
	for _, s := range col.Strings {
		count[s]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for i, k := range keys {
		if i == maxValues {
			parts = append(parts, fmt.Sprintf("and %d more", len(keys)-maxValues))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", tomlString(k), count[k]))
	}
	return strings.Join(parts, ", ")
}

func isFloat(c nwb.ColumnSummary) bool { return strings.HasPrefix(c.Dtype, "float") && !c.Ragged }

// relativeGuess tells whether column align of the trials table looks like
// times from start_time: below start_time in most trials after the first.
func (w *initWriter) relativeGuess(p, align string) (bool, string) {
	a, err1 := w.f.ColumnValues(p, align)
	s, err2 := w.f.ColumnValues(p, "start_time")
	if err1 != nil || err2 != nil || len(a.Floats) != len(s.Floats) || len(a.Floats) < 2 {
		return false, ""
	}
	below, n := 0, 0
	for i := range a.Floats {
		if math.IsNaN(a.Floats[i]) || math.IsNaN(s.Floats[i]) {
			continue
		}
		n++
		if a.Floats[i] < s.Floats[i] {
			below++
		}
	}
	if n == 0 {
		return false, ""
	}
	return 2*below > n, fmt.Sprintf("%s is below start_time in %d of %d trials", align, below, n)
}

func (w *initWriter) write(base string) string {
	l := w.l
	trials := w.table("/intervals/trials")
	layout := "nwb-continuous"
	if trials != nil {
		layout = "nwb-aligned"
	}
	name := stem(base)
	w.line("# A starting preset for %s (NWB %s), written by `oblique presets init`", base, l.Version)
	w.line("# from what `oblique inspect` sees. Check every choice marked CHECK, then, with")
	w.line("# this text saved as my.toml (any name ending in .toml):")
	w.line("#   oblique analyze -preset ./my.toml %s", base)
	w.line("# The README's \"User presets\" section documents every key.")
	w.line("# The recipe's name: its recordings are named NAME:FILE.")
	w.line("name = %s", tomlString(name))
	w.line("description = %s", tomlString("user preset for "+base))
	if trials != nil {
		w.line("# /intervals/trials exists: trial-aligned samples. Other layouts: nwb-continuous")
		w.line("# (every bin of the session or of each interval), nwb-per-trial (one sample a trial).")
	} else {
		w.line("# No /intervals/trials: continuous samples over the session (or over the rows")
		w.line("# of an interval table, [nwb] trials below). nwb-aligned or nwb-per-trial need one.")
	}
	w.line("layout = %s", tomlString(layout))
	w.line("")

	w.line("[nwb]")
	units := l.Units != nil
	var series, activity []nwb.SeriesSummary
	series = append(series, l.Series...)
	if units {
		w.line("# Activity: the spike trains of %s (%s, %s).", nwb.UnitsPath, words.Count(l.Units.Units, "unit"), words.Count(l.Units.Spikes, "spike"))
		w.line("units = %s", tomlString(nwb.UnitsPath))
	} else {
		w.line("# No units table: the activity is TimeSeries values, one neuron a column.")
		if len(series) > 1 {
			w.line("# CHECK: list the series that are the activity; the last one is the behaviour below.")
			var paths []string
			for _, s := range series[:len(series)-1] {
				paths = append(paths, tomlString(s.Path))
			}
			w.line("activity = [%s]", strings.Join(paths, ", "))
			activity, series = series[:len(series)-1], series[len(series)-1:]
		} else {
			w.line("# CHECK: the file has no TimeSeries to use as activity (inspect lists %d).", len(series))
			w.line("# activity = [\"/path/to/series\"]")
		}
	}
	iv := w.intervals()
	switch {
	case trials != nil:
		w.line("trials = %s", tomlString(trials.Path))
	case len(iv) > 0:
		w.line("# Interval tables: uncomment one to make each of its rows a segment.")
		for _, t := range iv {
			w.line("# trials = %s  # %d rows", tomlString(t.Path), t.Rows)
		}
	}
	if trials == nil {
		w.line("# Session bounds in s (0: from the data): start_s = 0, stop_s = 0")
	}
	w.line("")

	var cands, volts []nwb.SeriesSummary
	for _, s := range series {
		if neural(s) {
			volts = append(volts, s)
		} else {
			cands = append(cands, s)
		}
	}
	if units && len(cands) == 0 && l.Units.Units >= 2 {
		if t, err := w.f.Table(nwb.UnitsPath); err == nil && len(t.ID) >= 2 {
			w.split = t.ID
		}
	}
	// The bins are no finer than the sampling of the series on them: a bin
	// without a sample has no value.
	sampled := activity
	if len(cands) > 0 && seriesKind(cands[0]) == "series" {
		sampled = append(slices.Clip(sampled), cands[0])
	}
	width, why := binWidth(sampled)
	w.writeUnits()
	w.writeBehaviour(cands, volts)
	w.writeTrials(trials, iv, width)

	w.line("[bins]")
	if why != "" {
		w.line("# %s: bins no finer than that, so that each bin has a sample.", why)
	}
	w.line("width_ms = %g", width)
	w.line("")
	w.line("[smooth]")
	w.line("# Gaussian smoothing of the activity (sd; 0: none)%s.", map[bool]string{true: ", with margin_ms of data each side of a trial", false: ""}[trials != nil])
	sigma := max(defaultWidthMS, width)
	if !units {
		// A bin of a series without a sample (a gap) is NaN, which a
		// kernel would spread: the series' values are used as they are.
		sigma = 0
		w.line("# 0: the activity series are not smoothed (a gap in them would spread over the kernel).")
	}
	w.line("sigma_ms = %g", sigma)
	if trials != nil {
		w.line("margin_ms = %g", 2*sigma)
	}
	w.line("")
	w.line("[fit]")
	if trials != nil {
		w.line("# Fit samples in this window around the alignment time ([0, 0]: the whole trial),")
	} else {
		w.line("# Fit window relative to each segment's start ([0, 0]: all samples),")
	}
	w.line("# from activity lag_ms earlier.")
	w.line("window_ms = [0, 0]")
	w.line("lag_ms = 0")
	return w.b.String()
}

// writeUnits writes the [units] table: the columns one may filter on.
func (w *initWriter) writeUnits() {
	ut := w.table(nwb.UnitsPath)
	if w.l.Units == nil || ut == nil {
		return
	}
	w.line("[units]")
	if n := len(w.split); n > 0 {
		w.line("# CHECK: no behaviour series: the last unit's rate is the behaviour below,")
		w.line("# the other units the activity. Rules combine:")
		w.line("ids = %s", words.List(w.split[:n-1]))
	} else {
		w.line("# Every unit is used; to keep some, uncomment a rule (rules combine):")
		if ids := w.l.Units.IDs; len(ids) > 0 {
			w.line("# ids = %s  # of the unit ids: %s", words.List(ids[:min(2, len(ids))]), idsText(ids))
		}
	}
	some := false
	var electrodes bool
	for _, c := range ut.Columns {
		if c.Name == "electrodes" {
			electrodes = true
		}
		if v := w.distinct(ut.Path, c); v != "" {
			w.line("# where = { %s = [...] }  # values: %s", c.Name, v)
			some = true
		} else if isFloat(c) {
			w.line("# min = { %s = 0.0 }  # max too; a numeric column of the units", c.Name)
			some = true
		} else if c.Dtype == "bool" && !c.Ragged {
			w.line("# where = { %s = [false] }  # a true/false column of the units", c.Name)
			some = true
		}
	}
	if !some {
		w.line("# (the units table has no string or numeric column to filter on)")
	}
	if electrodes {
		if et := w.table("/general/extracellular_ephys/electrodes"); et != nil {
			for _, c := range et.Columns {
				if v := w.distinct(et.Path, c); v != "" && c.Name != "filtering" {
					w.line("# electrodes = { %s = [...] }  # through the units' electrodes: %s", c.Name, v)
				}
			}
		}
	}
	w.line("min_spikes = 0")
	w.line("")
}

// writeBehaviour writes one [[behaviour]] entry per candidate series, the
// first uncommented.
func (w *initWriter) writeBehaviour(series, volts []nwb.SeriesSummary) {
	for _, s := range volts {
		w.line("# %s is %s (voltages): not behaviour.", s.Path, s.Type)
	}
	if len(series) == 0 {
		w.line("# The file has no behaviour series: behaviour comes from units (kind = \"units\",")
		w.line("# a selection of units as rates) or, with nwb-per-trial, from trial-table columns")
		w.line("# (kind = \"column\", column = \"NAME\").")
		if n := len(w.split); n > 0 {
			w.line("[[behaviour]]")
			w.line("kind = \"units\"")
			w.line("units = { ids = %s }  # CHECK: which units are the behaviour (and not the activity)", words.List(w.split[n-1:]))
		} else {
			w.line("# CHECK: add a [[behaviour]] entry.")
		}
		w.line("")
		return
	}
	w.line("# Behaviour: candidate series (kind = \"series\": values averaged on the bins;")
	w.line("# \"events\": each timestamp an event, binned as a rate; \"units\": rates of")
	w.line("# units chosen with units = { ... }). CHECK which ones are the behaviour.")
	for i, s := range series {
		c := ""
		if i > 0 {
			c = "# "
		}
		time := fmt.Sprintf("%d timestamps", s.Timestamps)
		if s.Rate > 0 {
			time = fmt.Sprintf("%g Hz", s.Rate)
		}
		shape := make([]string, len(s.Shape))
		for j, d := range s.Shape {
			shape[j] = fmt.Sprint(d)
		}
		w.line("%s[[behaviour]]  # %s, data %s [%s], %s, unit %s", c, s.Type, s.Dtype, strings.Join(shape, "×"), time, tomlString(s.Unit))
		w.line("%sseries = %s", c, tomlString(s.Path))
		w.line("%skind = %s", c, tomlString(seriesKind(s)))
		if len(s.Shape) == 2 && s.Shape[1] > 1 {
			w.line("%s# columns = [0, 1]  # which of its %d columns (default all)", c, s.Shape[1])
		}
		if i == 0 {
			w.line("")
		}
	}
	w.line("")
}

// seriesKind guesses how a behaviour series is read: "events" for a
// one-dimensional series whose path ends in times or holds "event", else
// "series".
func seriesKind(s nwb.SeriesSummary) string {
	p := strings.ToLower(s.Path)
	if len(s.Shape) == 1 && (strings.Contains(p, "times") || strings.Contains(p, "event")) {
		return "events"
	}
	return "series"
}

// defaultWidthMS is the bin width (and smoothing sd) of an init preset
// whose series, if any, are sampled faster.
const defaultWidthMS = 50

// niceWidthsMS are the bin widths init chooses from.
var niceWidthsMS = []float64{50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 30000, 60000}

// sampleMS returns the mean interval between samples of s in ms, or 0 when
// it cannot be told (fewer than two samples, no finite bounds).
func sampleMS(s nwb.SeriesSummary) float64 {
	if s.Rate > 0 {
		return 1000 / s.Rate
	}
	if s.Timestamps >= 2 && !math.IsNaN(s.First) && !math.IsNaN(s.Last) && s.Last > s.First {
		return 1000 * (s.Last - s.First) / float64(s.Timestamps-1)
	}
	return 0
}

// binWidth returns the bin width (ms) for the series put on the bins: the
// first of niceWidthsMS at least the longest mean sample interval among
// them (within a relative 1e-9, the rounding of timestamps), and why when
// that is more than defaultWidthMS.
func binWidth(series []nwb.SeriesSummary) (float64, string) {
	slow, name := 0.0, ""
	for _, s := range series {
		if d := sampleMS(s); d > slow {
			slow, name = d, s.Path
		}
	}
	if slow <= defaultWidthMS {
		return defaultWidthMS, ""
	}
	width := niceWidthsMS[len(niceWidthsMS)-1]
	for _, v := range niceWidthsMS {
		if v >= slow*(1-1e-9) {
			width = v
			break
		}
	}
	width = max(width, math.Ceil(slow))
	return width, fmt.Sprintf("%s has a sample every %.4g ms", name, slow)
}

// writeTrials writes [trials]: for a trials table its selection and
// alignment; the other interval tables' columns in comments. Windows are
// whole numbers of bins of width ms.
func (w *initWriter) writeTrials(trials *nwb.TableSummary, iv []nwb.TableSummary, width float64) {
	if len(iv) == 0 {
		return
	}
	w.line("[trials]")
	perTrial := false
	for _, t := range iv {
		var times, nums, strs []string
		for _, c := range t.Columns {
			switch {
			case c.Name == "start_time" || c.Name == "stop_time":
			case isFloat(c) && w.timeLike(t.Path, c.Name):
				times = append(times, c.Name)
			case isNumeric(c):
				nums = append(nums, c.Name)
			}
			if v := w.distinct(t.Path, c); v != "" {
				strs = append(strs, fmt.Sprintf("#   %s: %s", c.Name, v))
			}
		}
		w.line("# %s (%d rows): align candidates (time columns): start_time%s", t.Path, t.Rows,
			strings.Join(append([]string{""}, times...), ", "))
		if len(nums) > 0 {
			w.line("#  other numeric columns, for min / max = { COLUMN = value }: %s", strings.Join(nums, ", "))
			perTrial = true
		}
		if len(strs) > 0 {
			w.line("#  string columns, for exclude = { COLUMN = [values] }:")
			for _, s := range strs {
				w.line("%s", s)
			}
		}
	}
	if perTrial {
		w.line("# One sample a trial, behaviour from a table's other numeric columns (above):")
		w.line("# layout = \"nwb-per-trial\", [nwb] trials = TABLE, sigma_ms = 0, and per column")
		w.line("#   [[behaviour]] kind = \"column\", column = \"NAME\"")
		w.line("# (as the README's pynapple-human-recognition example).")
	}
	if trials == nil {
		w.line("# With an interval table as [nwb] trials: exclude / min / max select its rows.")
		w.line("")
		return
	}
	align := "start_time"
	for _, c := range trials.Columns {
		if isFloat(c) && c.Name != "start_time" && c.Name != "stop_time" && w.timeLike(trials.Path, c.Name) {
			align = c.Name
			break
		}
	}
	w.line("# CHECK: the event the trials are aligned to, and the window around it.")
	w.line("align = %s", tomlString(align))
	if align != "start_time" {
		rel, why := w.relativeGuess(trials.Path, align)
		if why != "" {
			w.line("# Guessed from the file: %s.", why)
		}
		w.line("relative = %v  # true: %s holds times from each trial's start_time", rel, align)
	}
	w.line("window_ms = [%g, %g]", -width*math.Ceil(500/width), width*math.Ceil(1000/width))
	w.line("")
}

func isNumeric(c nwb.ColumnSummary) bool {
	return !c.Ragged && (strings.HasPrefix(c.Dtype, "float") || strings.HasPrefix(c.Dtype, "int") || strings.HasPrefix(c.Dtype, "uint"))
}

// timeLike tells whether float column name of interval table p holds
// times: its name says so (time, onset, offset), or most of its finite
// values lie within their row's [start_time, stop_time] (a NaN stop_time
// bounds nothing).
func (w *initWriter) timeLike(p, name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "time") || strings.Contains(n, "onset") || strings.Contains(n, "offset") {
		return true
	}
	v, err1 := w.f.ColumnValues(p, name)
	start, err2 := w.f.ColumnValues(p, "start_time")
	stop, err3 := w.f.ColumnValues(p, "stop_time")
	if err1 != nil || err2 != nil || err3 != nil || len(v.Floats) != len(start.Floats) || len(stop.Floats) != len(start.Floats) {
		return false
	}
	in, finite := 0, 0
	for i, x := range v.Floats {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		finite++
		if x >= start.Floats[i] && !(x > stop.Floats[i]) {
			in++
		}
	}
	return finite > 0 && 2*in > finite
}

// idsText lists unit ids for a comment: all up to maxValues, else the
// first ones and how many more.
func idsText(ids []int64) string {
	if len(ids) <= maxValues {
		return words.List(ids)
	}
	return fmt.Sprintf("%s and %d more", strings.TrimSuffix(words.List(ids[:maxValues]), "]")+", …]", len(ids)-maxValues)
}
