package presets

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/words"
	"github.com/oblique-neuro/oblique/preprocess"
)

// The general NWB layouts: nwb-continuous (the whole session or the
// intervals of a table, no alignment), nwb-aligned (trials of any
// TimeIntervals table aligned to a column) and nwb-per-trial (one sample per
// trial). They read everything they use into memory and work on it simply:
// these files are small. README "NWB layouts" says what they compute.

const (
	layoutAligned    = "nwb-aligned"
	layoutContinuous = "nwb-continuous"
	layoutPerTrial   = "nwb-per-trial"
)

// TableSource is an NWBSource that can also read what the general NWB
// layouts select on: any unit column and the units' electrodes.
type TableSource interface {
	NWBSource
	// UnitTable reads the units table at path.
	UnitTable(path string) (*UnitTable, error)
	// Values reads one column of a table, one value a row: its numbers
	// (floats, for numeric and bool columns) or its strings, whichever it
	// holds (the other is nil).
	Values(table, column string) (floats []float64, strs []string, err error)
}

// UnitTable is a units table as the general layouts use it.
type UnitTable struct {
	ID     []int64
	Trains [][]float64 // spike times (s), one train a unit
	// ObsEnd is the latest end of an observation interval (0: none).
	ObsEnd float64
	// Electrodes holds each unit's rows of ElectrodeTable (nil: the table
	// has no electrodes column).
	Electrodes     [][]int64
	ElectrodeTable string
}

// UnitSelection is [units] (or a behaviour entry's units): which units to
// keep. Every condition set must hold.
type UnitSelection struct {
	IDs        []int64            `toml:"ids"`
	Where      map[string][]any   `toml:"where"`
	Min        map[string]float64 `toml:"min"`
	Max        map[string]float64 `toml:"max"`
	Electrodes map[string][]any   `toml:"electrodes"`
	MinSpikes  int                `toml:"min_spikes"`
}

// BehaviourEntry is one [[behaviour]] source.
type BehaviourEntry struct {
	Series   string         `toml:"series"`
	Kind     string         `toml:"kind"` // series (default), events, units, column
	Columns  []int          `toml:"columns"`
	Channels []string       `toml:"channels"`
	Smooth   bool           `toml:"smooth"`
	Units    *UnitSelection `toml:"units"`
	Column   string         `toml:"column"`
}

func (e BehaviourEntry) kind() string {
	if e.Kind == "" {
		return "series"
	}
	return e.Kind
}

// validateGeneral checks the keys of the general layouts (and that the
// other layouts do not set them).
func (p *Preset) validateGeneral() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("preset %s: %s", p.Name, fmt.Sprintf(format, args...))
	}
	for k, v := range p.Trials.Max {
		if math.IsNaN(v) {
			return bad("[trials] max.%s = NaN: want a number", k)
		}
	}
	for _, v := range []float64{p.NWB.StartS, p.NWB.StopS} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return bad("[nwb] start_s = %v, stop_s = %v: want finite times ≥ 0", p.NWB.StartS, p.NWB.StopS)
		}
	}
	general := p.Layout == layoutAligned || p.Layout == layoutContinuous || p.Layout == layoutPerTrial
	if !general {
		if len(p.Behaviours) > 0 || len(p.NWB.Activity) > 0 || p.Trials.Relative || len(p.Trials.Max) > 0 ||
			p.NWB.StartS != 0 || p.NWB.StopS != 0 || !p.Units.empty() {
			return bad("[[behaviour]], [units], [nwb] activity/start_s/stop_s and [trials] max/relative are keys of the %s, %s and %s layouts, not of %s",
				layoutAligned, layoutContinuous, layoutPerTrial, p.Layout)
		}
		return nil
	}
	switch {
	case p.Bins.BaseMS != 0:
		return bad("[bins] base_ms is not used by layout %s (spikes are counted at width_ms): remove it", p.Layout)
	case p.Bins.DecimateOrder != 0:
		return bad("[bins] decimate_order is not used by layout %s (behaviour is averaged per bin): remove it", p.Layout)
	case p.NWB.Behaviour != "" || len(p.NWB.Channels) > 0 || p.NWB.Recut != "":
		return bad("[nwb] behaviour, channels and recut belong to nwb-trials: layout %s takes [[behaviour]] entries", p.Layout)
	case (p.NWB.Units == "") == (len(p.NWB.Activity) == 0):
		return bad("set exactly one of [nwb] units and [nwb] activity")
	case len(p.Behaviours) == 0:
		return bad("no [[behaviour]] entry: layout %s needs at least one", p.Layout)
	case p.Layout != layoutContinuous && p.NWB.Trials == "":
		return bad("layout %s needs [nwb] trials (a TimeIntervals table)", p.Layout)
	case p.NWB.StopS != 0 && p.NWB.StopS <= p.NWB.StartS:
		return bad("[nwb] stop_s %v is not after start_s %v", p.NWB.StopS, p.NWB.StartS)
	case (p.NWB.StartS != 0 || p.NWB.StopS != 0) && (p.Layout != layoutContinuous || p.NWB.Trials != ""):
		return bad("[nwb] start_s and stop_s bound a whole-session %s recording (no [nwb] trials)", layoutContinuous)
	case p.Units.MinSpikes < 0:
		return bad("[units] min_spikes = %d: want a count ≥ 0", p.Units.MinSpikes)
	case p.NWB.Units == "" && !p.Units.empty():
		return bad("[units] selects units, but the activity is [nwb] activity")
	}
	if !(p.Bins.WidthMS > 0) && p.Layout != layoutPerTrial {
		return bad("[bins] width_ms = %v: want a positive bin width", p.Bins.WidthMS)
	}
	if p.Smooth.SigmaMS > 0 && p.Layout != layoutPerTrial {
		if _, err := preprocess.GaussianKernel(p.Smooth.SigmaMS, p.Bins.WidthMS); err != nil {
			return fmt.Errorf("preset %s: [smooth] sigma_ms: %w", p.Name, err)
		}
	}
	if p.Layout == layoutPerTrial {
		switch {
		case p.Smooth.SigmaMS != 0:
			return bad("[smooth] sigma_ms = %v: layout %s does not smooth (set 0 or remove it)", p.Smooth.SigmaMS, p.Layout)
		case p.Fit.LagMS != 0:
			return bad("[fit] lag_ms = %v: layout %s has one sample a trial, no lag (set 0 or remove it)", p.Fit.LagMS, p.Layout)
		case p.Fit.WindowMS != [2]float64{}:
			return bad("[fit] window_ms = %v: layout %s fits every trial's one sample, not a window of it (set [0, 0] or remove it)", p.Fit.WindowMS, p.Layout)
		case !(p.Trials.WindowMS[1] > p.Trials.WindowMS[0]):
			return bad("[trials] window_ms %s: want a window [from, to) with to > from", words.List(p.Trials.WindowMS[:]))
		}
	}
	if p.Layout == layoutAligned {
		if !(p.Trials.WindowMS[1] > p.Trials.WindowMS[0]) {
			return bad("[trials] window_ms %s: want a window [from, to) with to > from", words.List(p.Trials.WindowMS[:]))
		}
		if f, w := p.Fit.WindowMS, p.Trials.WindowMS; f != [2]float64{} && (f[1] <= w[0] || f[0] >= w[1]) {
			return bad("[fit] window_ms %v lies outside [trials] window_ms %v: no sample would be fitted", f, w)
		}
		// One trial's bins (window and margins) must fit in memory before
		// they are counted in an int.
		if err := checkBins((p.Trials.WindowMS[1]-p.Trials.WindowMS[0]+2*p.Smooth.MarginMS)/p.Bins.WidthMS, 1); err != nil {
			return fmt.Errorf("preset %s: one trial's window of %v ms with %v ms margins each side in %v ms bins %w: shorten [trials] window_ms or [smooth] margin_ms, or widen [bins] width_ms",
				p.Name, p.Trials.WindowMS[1]-p.Trials.WindowMS[0], p.Smooth.MarginMS, p.Bins.WidthMS, err)
		}
		for _, v := range []struct {
			key string
			ms  float64
		}{{"[trials] window_ms", p.Trials.WindowMS[1] - p.Trials.WindowMS[0]}, {"[smooth] margin_ms", p.Smooth.MarginMS}} {
			if _, ok := wholeBins(v.ms, p.Bins.WidthMS); !ok {
				return bad("%s: %v ms is not a whole number of %v ms bins", v.key, v.ms, p.Bins.WidthMS)
			}
		}
	}
	for i, e := range p.Behaviours {
		where := fmt.Sprintf("[[behaviour]] %d", i+1)
		switch e.kind() {
		case "series", "events":
			if e.Series == "" {
				return bad("%s: kind %s needs series = \"PATH\"", where, e.kind())
			}
			if e.kind() == "events" && (len(e.Columns) > 0 || len(e.Channels) > 1) {
				return bad("%s: an events series gives one channel (its event rate): columns does not apply", where)
			}
		case "units":
			if p.NWB.Units == "" {
				return bad("%s: kind units reads [nwb] units, which is not set", where)
			}
		case "column":
			if p.Layout != layoutPerTrial {
				return bad("%s: kind column is for layout %s", where, layoutPerTrial)
			}
			if e.Column == "" {
				return bad("%s: kind column needs column = \"NAME\"", where)
			}
		default:
			return bad("%s: unknown kind %q (series, events, units, column)", where, e.Kind)
		}
		if e.Units != nil && e.kind() != "units" {
			return bad("%s: units = {...} is for kind units", where)
		}
		if e.Smooth && (e.kind() != "series" || p.Layout == layoutPerTrial) {
			return bad("%s: smooth applies to a series in %s or %s", where, layoutAligned, layoutContinuous)
		}
	}
	return nil
}

func (u UnitSelection) empty() bool {
	return len(u.IDs) == 0 && len(u.Where) == 0 && len(u.Min) == 0 && len(u.Max) == 0 && len(u.Electrodes) == 0 && u.MinSpikes == 0
}

// wholeBins returns ms/width when it is a whole number (to 1e-9).
func wholeBins(ms, width float64) (int, bool) {
	q := ms / width
	n := math.Round(q)
	return int(n), math.Abs(q-n) <= 1e-9*math.Max(1, math.Abs(q))
}

// checkBins returns nil when bins rows of cols float64 values, twice over
// (the segments' matrices and the recording assembled from them), fit in
// the memory one input may take (inputfile.CheckSize), else its error
// ("needs …"). bins is a float64: it may be more than an int holds.
func checkBins(bins float64, cols int) error {
	need := 2 * 8 * bins * float64(max(cols, 1))
	if !(need < math.MaxInt64/2) { // NaN and +Inf too
		return inputfile.CheckSize(-1)
	}
	return inputfile.CheckSize(int64(need))
}

// segment is one trial or interval: bins k = 0 … bins−1 cover
// [t0 + k·width, t0 + (k+1)·width); rows from … to−1 are samples of the
// recording (the others are smoothing margins).
type segment struct {
	trial    int
	t0       float64
	bins     int
	from, to int
	zero     float64 // time (ms) of bin from's start relative to the fit window's origin
}

// gen is one run of a general layout.
type gen struct {
	src   TableSource
	file  string
	p     *Preset
	width float64 // bin width (s)
	notes []string
	// units read once
	units *UnitTable
}

func (g *gen) note(format string, args ...any) {
	g.notes = append(g.notes, fmt.Sprintf(format, args...))
}

// general runs the nwb-aligned, nwb-continuous and nwb-per-trial layouts.
func general(src NWBSource, file string, p *Preset) (*ingest.Recording, preprocess.Settings, error) {
	ts, ok := src.(TableSource)
	if !ok {
		return nil, preprocess.Settings{}, fmt.Errorf("%s: layout %s: this NWB reader cannot read unit tables", file, p.Layout)
	}
	g := &gen{src: ts, file: file, p: p, width: p.Bins.WidthMS / 1000}
	rec, err := g.run()
	if err != nil {
		if strings.Contains(err.Error(), file+": ") { // named already (by the NWB reader)
			return nil, preprocess.Settings{}, err
		}
		return nil, preprocess.Settings{}, fmt.Errorf("%s: %w", file, err)
	}
	return rec, p.settings(), nil
}

func (g *gen) run() (*ingest.Recording, error) {
	p := g.p
	// Spike trains (cleaned) of the units table, when used.
	var trains [][]float64
	if p.NWB.Units != "" {
		u, err := g.src.UnitTable(p.NWB.Units)
		if err != nil {
			return nil, err
		}
		if len(u.Trains) == 0 {
			return nil, fmt.Errorf("%s holds no units", p.NWB.Units)
		}
		g.units = u
		var d drops
		trains = make([][]float64, len(u.Trains))
		for i, t := range u.Trains {
			trains[i] = d.clean(t, p.NWB.StopS)
		}
		if s := d.String(); s != "" {
			n, rest, _ := strings.Cut(s, " ")
			g.note("%s spike times of %s dropped: %s", n, p.NWB.Units, rest)
		}
	}
	// Behaviour series and events, read first: their times bound the
	// session.
	beh := make([]behSource, len(p.Behaviours))
	for i, e := range p.Behaviours {
		if err := g.readBehaviour(&beh[i], e); err != nil {
			return nil, err
		}
	}
	var acts []behSource
	for _, path := range p.NWB.Activity {
		var b behSource
		if err := g.readBehaviour(&b, BehaviourEntry{Series: path}); err != nil {
			return nil, err
		}
		acts = append(acts, b)
	}
	end, endWhy := g.sessionEnd(trains, beh, acts)
	segs, err := g.segments(end, endWhy)
	if err != nil {
		return nil, err
	}
	if segs, err = g.checkKernel(segs); err != nil {
		return nil, err
	}
	// The units, then the columns: all must fit in memory before any is
	// allocated.
	var keep []int
	cols := 0
	if trains != nil {
		if keep, err = g.selectUnits(p.Units, trains, segs, "[units]"); err != nil {
			return nil, err
		}
		cols = len(keep)
	}
	for _, a := range acts {
		cols += a.cols()
	}
	for i, e := range p.Behaviours {
		if e.kind() == "units" {
			if err := g.behaviourUnits(&beh[i], e, trains, segs, keep); err != nil {
				return nil, fmt.Errorf("[[behaviour]] %d: %w", i+1, err)
			}
		}
		cols += beh[i].cols()
	}
	bins := 0
	for _, s := range segs {
		bins += s.bins
	}
	if err := checkBins(float64(bins), cols); err != nil {
		return nil, fmt.Errorf("%d bins of %d columns (activity and behaviour), which %w: widen [bins] width_ms, select fewer units, or a shorter time",
			bins, cols, err)
	}
	// Activity.
	var (
		xs      []*mat.Dense // per segment, bins × neurons
		neurons int
		actUnit = "Hz"
	)
	if trains != nil {
		xs = g.rates(pick(trains, keep), segs, true)
		neurons = len(keep)
	} else {
		xs = make([]*mat.Dense, len(segs))
		for i, a := range acts {
			part := g.seriesOn(a, segs, false)
			if g.kernel() != nil {
				// Smoothed like spike rates; a bin without a sample would
				// spread NaN over the kernel's width.
				if n := nanBins(part); n > 0 {
					return nil, fmt.Errorf("[nwb] activity %s has no sample in %s, which [smooth] sigma_ms %v cannot smooth across: set sigma_ms = 0 or widen [bins] width_ms",
						a.path, words.Count(n, "bin"), p.Smooth.SigmaMS)
				}
				for _, m := range part {
					g.smooth(m)
				}
			}
			for s := range segs {
				xs[s] = sideBySide(xs[s], part[s])
			}
			neurons += a.cols()
			if i == 0 {
				actUnit = a.unit
			} else if a.unit != actUnit {
				actUnit = ""
			}
		}
	}
	// Behaviour.
	zs := make([]*mat.Dense, len(segs))
	var channels, units []string
	for i, e := range p.Behaviours {
		part, names, unit, err := g.behaviourOn(beh[i], e, segs)
		if err != nil {
			return nil, fmt.Errorf("[[behaviour]] %d: %w", i+1, err)
		}
		for s := range segs {
			zs[s] = sideBySide(zs[s], part[s])
		}
		channels = append(channels, names...)
		if !slices.Contains(units, unit) {
			units = append(units, unit)
		}
	}
	rec := g.assemble(segs, xs, zs, neurons)
	if rec == nil {
		return nil, fmt.Errorf("no sample is left (%s)", strings.Join(g.notes, "; "))
	}
	rec.Channels = channels
	rec.Unit = strings.Join(units, ", ")
	rec.Sources = []ingest.Source{{Role: "recording", Path: g.file}}
	if p.NWB.Units != "" {
		rec.Sources = append(rec.Sources, ingest.Source{Role: "activity", Path: g.file, Key: p.NWB.Units})
	} else {
		rec.Sources = append(rec.Sources, ingest.Source{Role: "activity", Path: g.file, Key: strings.Join(p.NWB.Activity, ", ")})
		if actUnit != "" && actUnit != "Hz" {
			g.note("activity in %s (the series' values as they are)", actUnit)
		}
	}
	for _, e := range p.Behaviours {
		key := e.Series
		if e.kind() == "column" {
			key = p.NWB.Trials + ":" + e.Column
		} else if e.kind() == "units" {
			key = p.NWB.Units
		}
		rec.Sources = append(rec.Sources, ingest.Source{Role: "behaviour", Path: g.file, Key: key})
	}
	rec.Description = fmt.Sprintf("%s preset (%s): %d neurons, %d segments", p.Name, p.Layout, neurons, len(segs))
	rec.Notes = g.notes
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	return rec, nil
}

// drops counts the times a clean dropped, by reason.
type drops struct{ nan, inf, before, after int }

// clean returns the finite times of t in [0, stop] (stop 0: no end),
// sorted, counting the others.
func (d *drops) clean(t []float64, stop float64) []float64 {
	out := make([]float64, 0, len(t))
	for _, x := range t {
		switch {
		case math.IsNaN(x):
			d.nan++
		case math.IsInf(x, 0):
			d.inf++
		case x < 0:
			d.before++
		case stop > 0 && x > stop:
			d.after++
		default:
			out = append(out, x)
		}
	}
	if !sort.Float64sAreSorted(out) {
		sort.Float64s(out)
	}
	return out
}

// String says "N: a NaN, b infinite, …" or "" when nothing was dropped.
func (d drops) String() string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{d.nan, "NaN"}, {d.inf, "infinite"}, {d.before, "before 0 s"}, {d.after, "after [nwb] stop_s"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", d.nan+d.inf+d.before+d.after, strings.Join(parts, ", "))
}

// behSource is a behaviour (or activity) source read from the file.
type behSource struct {
	path   string
	data   *mat.Dense // series: samples × columns (selected)
	times  []float64  // series: sample times; events: cleaned event times
	unit   string
	names  []string
	events bool
	// units as behaviour: the cleaned trains of the units kept
	units [][]float64
}

func (b behSource) cols() int {
	if b.units != nil {
		return len(b.units)
	}
	if b.data == nil {
		return 1
	}
	_, c := b.data.Dims()
	return c
}

// readBehaviour reads a series or events entry (others need nothing).
func (g *gen) readBehaviour(b *behSource, e BehaviourEntry) error {
	if e.kind() != "series" && e.kind() != "events" {
		return nil
	}
	data, times, unit, err := g.src.TimeSeries(e.Series)
	if err != nil {
		return err
	}
	r, c := data.Dims()
	if r != len(times) {
		return fmt.Errorf("%s: data has %d rows but there are %d timestamps", e.Series, r, len(times))
	}
	if e.kind() == "series" {
		// A sample without a finite time has no bin (and a NaN would
		// break the bins' binary search): dropped, counted. Events are
		// counted by drops.clean below.
		if data, times, err = finiteTimes(data, times, e.Series, g); err != nil {
			return err
		}
		r = len(times)
	}
	// A series' samples must be in time order; events are only counted,
	// so their order does not matter (DANDI's ALM lick times are not in
	// order): noted.
	first, back := backwards(times)
	if back > 0 && e.kind() == "series" {
		return backwardsError(e.Series, times, first)
	}
	if back > 0 {
		g.note("%s: %d of %d event times are earlier than the one before (first at index %d): counted all the same", e.Series, back, len(times), first)
	}
	b.path, b.unit = e.Series, unit
	base := e.Series[strings.LastIndexByte(e.Series, '/')+1:]
	if e.kind() == "events" {
		var d drops
		b.times, b.events, b.unit = d.clean(times, g.p.NWB.StopS), true, "Hz"
		if s := d.String(); s != "" {
			n, rest, _ := strings.Cut(s, " ")
			noun := "event times"
			if n == "1" {
				noun = "event time"
			}
			g.note("%s %s of %s dropped: %s", n, noun, e.Series, strings.ReplaceAll(rest, "before 0 s", "before 0 s (outside the session)"))
		}
		b.names = []string{base}
		if len(e.Channels) == 1 {
			b.names = e.Channels
		}
		return nil
	}
	cols := e.Columns
	if len(cols) == 0 {
		for j := range c {
			cols = append(cols, j)
		}
	}
	for _, j := range cols {
		if j < 0 || j >= c {
			return fmt.Errorf("%s: column %d: the series has %d columns", e.Series, j, c)
		}
	}
	if len(e.Channels) > 0 && len(e.Channels) != len(cols) {
		return fmt.Errorf("%s: %d channel names for %d columns", e.Series, len(e.Channels), len(cols))
	}
	b.data = mat.NewDense(r, len(cols), nil)
	for i := range r {
		for k, j := range cols {
			b.data.Set(i, k, data.At(i, j))
		}
	}
	b.times = times
	b.names = e.Channels
	if len(b.names) == 0 {
		for _, j := range cols {
			b.names = append(b.names, fmt.Sprintf("%s[%d]", base, j))
		}
	}
	return nil
}

// finiteTimes returns the samples (rows of data) of the series at path
// whose time is finite, noting how many it dropped; an error when none is
// left.
func finiteTimes(data *mat.Dense, times []float64, path string, g *gen) (*mat.Dense, []float64, error) {
	var nan, inf int
	for _, t := range times {
		if math.IsNaN(t) {
			nan++
		} else if math.IsInf(t, 0) {
			inf++
		}
	}
	if nan+inf == 0 {
		return data, times, nil
	}
	r, c := data.Dims()
	if nan+inf == r {
		return nil, nil, fmt.Errorf("%s: no sample has a finite timestamp (%d NaN, %d infinite)", path, nan, inf)
	}
	var why []string
	if nan > 0 {
		why = append(why, fmt.Sprintf("%d with their timestamp NaN", nan))
	}
	if inf > 0 {
		why = append(why, fmt.Sprintf("%d infinite", inf))
	}
	g.note("%d of %d samples of %s dropped: %s", nan+inf, r, path, strings.Join(why, ", "))
	kept := mat.NewDense(r-nan-inf, c, nil)
	ts := make([]float64, 0, r-nan-inf)
	for i, t := range times {
		if !math.IsNaN(t) && !math.IsInf(t, 0) {
			kept.SetRow(len(ts), data.RawRowView(i))
			ts = append(ts, t)
		}
	}
	return kept, ts, nil
}

// sessionEnd returns the end of the recording (s) and what gave it.
func (g *gen) sessionEnd(trains [][]float64, beh, acts []behSource) (float64, string) {
	end, why := g.dataEnd(trains, beh, acts)
	if stop := g.p.NWB.StopS; stop > 0 {
		// A stop_s past the data pads the session with empty bins (zero
		// rates, no behaviour), which a decoder fits as silence: said.
		if end > 0 && stop > end+g.width {
			g.note("[nwb] stop_s %s s is after the data's end (%s s, %s): the %s s after it are bins without spikes or behaviour samples",
				words.Seconds(stop), words.Seconds(end), why, words.Seconds(stop-end))
		}
		return stop, "[nwb] stop_s"
	}
	return end, why
}

// dataEnd returns the latest time the file's data reach (the end of
// observation, the last spike, event or behaviour timestamp) and what it
// is.
func (g *gen) dataEnd(trains [][]float64, beh, acts []behSource) (float64, string) {
	end, why := 0.0, "nothing"
	up := func(t float64, w string) {
		if t > end && !math.IsInf(t, 0) {
			end, why = t, w
		}
	}
	if g.units != nil {
		up(g.units.ObsEnd, "end of observation")
	}
	for _, t := range trains {
		if len(t) > 0 {
			up(t[len(t)-1], "last spike")
		}
	}
	for _, b := range append(slices.Clip(beh), acts...) {
		for i := len(b.times) - 1; i >= 0; i-- {
			if !math.IsNaN(b.times[i]) {
				w := "last behaviour timestamp"
				if b.events {
					w = "last event"
				}
				up(b.times[i], w+" of "+b.path)
				break
			}
		}
	}
	return end, why
}

// noteOverlaps notes the trials whose window (length span s, starting at
// each segment's window start) overlaps the next trial's: their spikes are
// counted in both, as samples that are not independent.
func (g *gen) noteOverlaps(segs []segment, span float64, col string) {
	starts := make([]float64, len(segs))
	for i, s := range segs {
		starts[i] = s.t0 // per-trial: the window; aligned: after the margin bins
		if g.p.Layout != layoutPerTrial {
			starts[i] += float64(s.from) * g.width
		}
	}
	slices.Sort(starts)
	n, closest := 0, math.Inf(1)
	for i := 1; i < len(starts); i++ {
		if d := starts[i] - starts[i-1]; d < span {
			n++
			closest = math.Min(closest, d)
		}
	}
	if n > 0 {
		g.note("%d of %d trials' windows overlap the next trial's window (window_ms %s around %s is %s s long; the closest trials are %s s apart): spikes in the overlap are counted in both",
			n, len(segs), words.List(g.p.Trials.WindowMS[:]), col, words.Seconds(span), words.Seconds(closest))
	}
}

// segments returns the trials or intervals the recording holds.
func (g *gen) segments(end float64, endWhy string) ([]segment, error) {
	p := g.p
	w := g.width
	if p.NWB.Trials == "" { // whole-session continuous
		t0 := p.NWB.StartS
		nf := math.Floor((end - t0) / w)
		g.note("session %s–%s s (%s)", words.Seconds(t0), words.Seconds(end), endWhy)
		if !(nf >= 1) {
			return nil, fmt.Errorf("the session %s–%s s (%s) holds no %v ms bin", words.Seconds(t0), words.Seconds(end), endWhy, p.Bins.WidthMS)
		}
		if err := checkBins(nf, 1); err != nil {
			return nil, fmt.Errorf("the session %v–%v s (%s) in %v ms bins is %g bins, which %w: widen [bins] width_ms, or end the session with [nwb] stop_s",
				t0, end, endWhy, p.Bins.WidthMS, nf, err)
		}
		n := int(nf)
		return []segment{{trial: 0, t0: t0, bins: n, from: 0, to: n}}, nil
	}
	tab := p.NWB.Trials
	starts, err := g.src.FloatColumn(tab, "start_time")
	if err != nil {
		return nil, err
	}
	if len(starts) == 0 {
		return nil, fmt.Errorf("%s has no rows", tab)
	}
	stops, err := g.src.FloatColumn(tab, "stop_time")
	if err != nil && p.Layout == layoutContinuous {
		return nil, err
	}
	if err == nil {
		if len(stops) != len(starts) {
			return nil, fmt.Errorf("%s: %d start times and %d stop times", tab, len(starts), len(stops))
		}
		if note := nanStops(stops, tab); note != "" {
			if p.Layout == layoutContinuous {
				return nil, fmt.Errorf("stop_time is NaN in all %d rows of %s: layout %s needs interval ends", len(stops), tab, p.Layout)
			}
			g.note("%s", note)
		}
	}
	keep, selNotes, err := selectTrials(g.src, tab, len(starts), p.Trials)
	if err != nil {
		return nil, err
	}
	g.notes = append(g.notes, selNotes...)
	excluded := len(starts) - len(keep)
	var reasons []string
	if excluded > 0 {
		reasons = append(reasons, fmt.Sprintf("%d excluded by [trials] (%s)", excluded, p.Trials.describe()))
	}
	var segs []segment
	var nan, inf, outside, short int
	var total float64 // bins of segs
	if p.Layout == layoutContinuous {
		for _, i := range keep {
			a, b := starts[i], stops[i]
			if math.IsNaN(a) || math.IsNaN(b) {
				nan++
				continue
			}
			if math.IsInf(a, 0) || math.IsInf(b, 0) {
				inf++
				continue
			}
			nf := math.Floor((b - a) / w)
			if nf < 1 {
				short++
				continue
			}
			// Before 0 nothing is recorded (spike and event times there
			// are dropped) and after the end nothing is either: such bins
			// would read as silence.
			if a < 0 || a >= end {
				outside++
				continue
			}
			if total += nf; checkBins(total, 1) != nil {
				return nil, fmt.Errorf("the intervals of %s in %v ms bins are more than %g bins, which %w: widen [bins] width_ms, or select fewer or shorter intervals",
					tab, p.Bins.WidthMS, total, checkBins(total, 1))
			}
			n := int(nf)
			segs = append(segs, segment{trial: i, t0: a, bins: n, from: 0, to: n})
		}
		if nan > 0 {
			reasons = append(reasons, fmt.Sprintf("%d with start_time or stop_time NaN", nan))
		}
		if inf > 0 {
			reasons = append(reasons, fmt.Sprintf("%d with start_time or stop_time infinite", inf))
		}
		if short > 0 {
			reasons = append(reasons, fmt.Sprintf("%d shorter than one %v ms bin", short, p.Bins.WidthMS))
		}
		if outside > 0 {
			reasons = append(reasons, fmt.Sprintf("%d starting before 0 s or after the recording's end (%v s, %s)", outside, end, endWhy))
		}
	} else {
		col := p.Trials.Align
		if col == "" {
			col = "start_time"
		}
		align, err := g.src.FloatColumn(tab, col)
		if err != nil {
			return nil, err
		}
		if len(align) != len(starts) {
			return nil, fmt.Errorf("%s: column %s has %d rows for %d trials", tab, col, len(align), len(starts))
		}
		w0, w1 := p.Trials.WindowMS[0]/1000, p.Trials.WindowMS[1]/1000
		margin := p.Smooth.MarginMS / 1000
		inner, _ := wholeBins(p.Trials.WindowMS[1]-p.Trials.WindowMS[0], p.Bins.WidthMS)
		mb, _ := wholeBins(p.Smooth.MarginMS, p.Bins.WidthMS)
		for _, i := range keep {
			a := align[i]
			if p.Trials.Relative && col != "start_time" {
				a += starts[i]
			}
			if math.IsNaN(a) {
				nan++
				continue
			}
			if math.IsInf(a, 0) {
				inf++
				continue
			}
			var s segment
			if p.Layout == layoutPerTrial {
				s = segment{trial: i, t0: a + w0, bins: 1, from: 0, to: 1}
			} else {
				s = segment{trial: i, t0: a + w0 - margin, bins: inner + 2*mb, from: mb, to: mb + inner, zero: p.Trials.WindowMS[0]}
			}
			if s.t0 < 0 || (p.Layout == layoutPerTrial && a+w1 > end) ||
				(p.Layout != layoutPerTrial && s.t0+float64(s.bins)*w > end) {
				outside++
				continue
			}
			if total += float64(s.bins); checkBins(total, 1) != nil {
				return nil, fmt.Errorf("the trials of %s in %v ms bins are more than %g bins, which %w: shorten [trials] window_ms or [smooth] margin_ms, widen [bins] width_ms, or select fewer trials",
					tab, p.Bins.WidthMS, total, checkBins(total, 1))
			}
			segs = append(segs, s)
		}
		rel := ""
		if p.Trials.Relative && col != "start_time" {
			rel = " (+ start_time)"
		}
		if nan > 0 {
			reasons = append(reasons, fmt.Sprintf("%d with %s%s NaN", nan, col, rel))
		}
		if inf > 0 {
			reasons = append(reasons, fmt.Sprintf("%d with %s%s infinite", inf, col, rel))
		}
		if outside > 0 {
			reasons = append(reasons, fmt.Sprintf("%d with their window outside the recording (0–%s s, %s)", outside, words.Seconds(end), endWhy))
		}
		g.noteOverlaps(segs, w1-w0, col)
	}
	if len(reasons) > 0 {
		g.note("%d of %d trials of %s dropped: %s", len(starts)-len(segs), len(starts), tab, strings.Join(reasons, ", "))
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("no trial of %s is left (%d rows: %s)", tab, len(starts), strings.Join(reasons, ", "))
	}
	return segs, nil
}

// binWidth returns the width (s) of the bins of the segments: the bin
// width, or for nwb-per-trial the trial window.
func (g *gen) binWidth() float64 {
	if g.p.Layout == layoutPerTrial {
		return (g.p.Trials.WindowMS[1] - g.p.Trials.WindowMS[0]) / 1000
	}
	return g.width
}

// counts adds the spike counts of the train t on the bins of s to c (one
// value a bin).
func (g *gen) counts(c, t []float64, s segment) {
	w := g.binWidth()
	for i := sort.SearchFloat64s(t, s.t0); i < len(t); i++ {
		f := math.Floor((t[i] - s.t0) / w) // ≥ 0: t[i] ≥ t0
		if f >= float64(s.bins) {
			break
		}
		c[int(f)]++
	}
}

// count returns how many spikes of the train t counts puts on the bins of
// s.
func (g *gen) count(t []float64, s segment) int {
	w := g.binWidth()
	c := 0
	for i := sort.SearchFloat64s(t, s.t0); i < len(t); i++ {
		if math.Floor((t[i]-s.t0)/w) >= float64(s.bins) {
			break
		}
		c++
	}
	return c
}

// rates returns the rates (Hz) of trains on each segment's bins, smoothed
// when smooth and [smooth] sigma_ms > 0 (numpy.convolve 'same' over the
// segment's bins, margins included, then divided by the bin width).
func (g *gen) rates(trains [][]float64, segs []segment, smooth bool) []*mat.Dense {
	out := make([]*mat.Dense, len(segs))
	scale := 1 / g.binWidth()
	k := g.kernel()
	for s, seg := range segs {
		// A unit at a time in contiguous columns (a strided column of a
		// wide matrix is a cache miss a value).
		m := mat.NewDense(seg.bins, len(trains), nil)
		c, sm := make([]float64, seg.bins), make([]float64, seg.bins)
		for u, t := range trains {
			clear(c)
			g.counts(c, t, seg)
			col := c
			if smooth && k != nil {
				if err := preprocess.SmoothColumn(sm, c, k); err != nil {
					panic(err) // unreachable: checkKernel dropped the shorter segments
				}
				col = sm
			}
			for i := range col {
				col[i] *= scale
			}
			m.SetCol(u, col)
		}
		out[s] = m
	}
	return out
}

// kernel returns the smoothing kernel, nil for none.
func (g *gen) kernel() []float64 {
	if g.p.Smooth.SigmaMS == 0 || g.p.Layout == layoutPerTrial {
		return nil
	}
	k, _ := preprocess.GaussianKernel(g.p.Smooth.SigmaMS, g.p.Bins.WidthMS) // checked by segments' callers
	return k
}

// checkKernel drops the intervals of nwb-continuous shorter than the
// smoothing kernel (numpy.convolve 'same' would return more bins than it
// was given), with a note; in the other layouts a window shorter than the
// kernel is an error.
func (g *gen) checkKernel(segs []segment) ([]segment, error) {
	k := g.kernel()
	if k == nil {
		return segs, nil
	}
	kept := segs[:0:0]
	for _, s := range segs {
		if s.bins >= len(k) {
			kept = append(kept, s)
		}
	}
	if len(kept) == len(segs) {
		return segs, nil
	}
	if g.p.Layout != layoutContinuous || g.p.NWB.Trials == "" {
		return nil, fmt.Errorf("a window of %d bins is shorter than the %d-bin smoothing kernel ([smooth] sigma_ms %v): widen the window or its margins",
			segs[0].bins, len(k), g.p.Smooth.SigmaMS)
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("every interval of %s is shorter than the %d-bin smoothing kernel ([smooth] sigma_ms %v)", g.p.NWB.Trials, len(k), g.p.Smooth.SigmaMS)
	}
	g.note("%d of %d intervals of %s dropped: shorter than the %d-bin smoothing kernel", len(segs)-len(kept), len(segs), g.p.NWB.Trials, len(k))
	return kept, nil
}

// smooth smooths each column of m in place (no kernel: nothing). A
// segment shorter than the kernel has been dropped before.
func (g *gen) smooth(m *mat.Dense) {
	k := g.kernel()
	if k == nil {
		return
	}
	r, c := m.Dims()
	col, dst := make([]float64, r), make([]float64, r)
	for j := range c {
		mat.Col(col, j, m)
		if err := preprocess.SmoothColumn(dst, col, k); err != nil {
			panic(err) // unreachable: checkKernel dropped the shorter segments
		}
		m.SetCol(j, dst)
	}
}

// seriesOn puts a series on each segment's bins: the mean of the samples
// whose time falls in the bin, per column, NaN samples ignored, NaN when
// none.
func (g *gen) seriesOn(b behSource, segs []segment, smooth bool) []*mat.Dense {
	w := g.binWidth()
	_, c := b.data.Dims()
	out := make([]*mat.Dense, len(segs))
	for s, seg := range segs {
		sum := mat.NewDense(seg.bins, c, nil)
		n := make([]float64, seg.bins*c)
		for i := sort.SearchFloat64s(b.times, seg.t0); i < len(b.times); i++ {
			f := math.Floor((b.times[i] - seg.t0) / w) // ≥ 0: the times are finite and sorted
			if f >= float64(seg.bins) {
				break
			}
			k := int(f)
			for j := range c {
				if v := b.data.At(i, j); !math.IsNaN(v) {
					sum.Set(k, j, sum.At(k, j)+v)
					n[k*c+j]++
				}
			}
		}
		for k := range seg.bins {
			for j := range c {
				if n[k*c+j] == 0 {
					sum.Set(k, j, math.NaN())
				} else {
					sum.Set(k, j, sum.At(k, j)/n[k*c+j])
				}
			}
		}
		if smooth {
			g.smooth(sum)
		}
		out[s] = sum
	}
	return out
}

// nanBins counts the bins (rows) of ms that hold a NaN.
func nanBins(ms []*mat.Dense) int {
	n := 0
	for _, m := range ms {
		r, c := m.Dims()
		for i := range r {
			for j := range c {
				if math.IsNaN(m.At(i, j)) {
					n++
					break
				}
			}
		}
	}
	return n
}

// behaviourUnits selects the units of a kind = "units" entry among trains
// (the units table's, cleaned) into b. A unit that is also in the activity
// (activity: the rows [units] keeps) is an error: its rate would be
// decoded from itself.
func (g *gen) behaviourUnits(b *behSource, e BehaviourEntry, trains [][]float64, segs []segment, activity []int) error {
	sel := UnitSelection{}
	if e.Units != nil {
		sel = *e.Units
	}
	keep, err := g.selectUnits(sel, trains, segs, "units as behaviour")
	if err != nil {
		return err
	}
	var both []int64
	for _, u := range keep {
		if slices.Contains(activity, u) {
			both = append(both, g.units.ID[u])
		}
	}
	if len(both) > 0 {
		if len(both) == 1 {
			return fmt.Errorf("unit %d is both activity ([units]) and behaviour: its rate would be decoded from itself; leave it out of one side (ids, where)", both[0])
		}
		return fmt.Errorf("units %s are both activity ([units]) and behaviour: their rates would be decoded from themselves; leave them out of one side (ids, where)", words.List(both))
	}
	b.units = pick(trains, keep)
	b.names = make([]string, len(keep))
	for k, u := range keep {
		b.names[k] = fmt.Sprintf("unit %d", g.units.ID[u])
	}
	if len(e.Channels) > 0 {
		if len(e.Channels) != len(keep) {
			return fmt.Errorf("%d channel names for %d units", len(e.Channels), len(keep))
		}
		b.names = e.Channels
	}
	return nil
}

// behaviourOn puts one behaviour entry on the segments' bins.
func (g *gen) behaviourOn(b behSource, e BehaviourEntry, segs []segment) ([]*mat.Dense, []string, string, error) {
	switch e.kind() {
	case "series":
		return g.seriesOn(b, segs, e.Smooth), b.names, b.unit, nil
	case "events":
		return g.rates([][]float64{b.times}, segs, true), b.names, "Hz", nil
	case "units":
		return g.rates(b.units, segs, true), b.names, "Hz", nil
	case "column":
		v, err := g.src.FloatColumn(g.p.NWB.Trials, e.Column)
		if err != nil {
			return nil, nil, "", err
		}
		out := make([]*mat.Dense, len(segs))
		for s, seg := range segs {
			if seg.trial >= len(v) {
				return nil, nil, "", fmt.Errorf("%s: column %s has %d rows", g.p.NWB.Trials, e.Column, len(v))
			}
			out[s] = mat.NewDense(1, 1, []float64{v[seg.trial]})
		}
		name := e.Column
		if len(e.Channels) == 1 {
			name = e.Channels[0]
		}
		return out, []string{name}, "", nil
	}
	return nil, nil, "", fmt.Errorf("unknown kind %q", e.Kind)
}

func pick(trains [][]float64, keep []int) [][]float64 {
	out := make([][]float64, len(keep))
	for k, u := range keep {
		out[k] = trains[u]
	}
	return out
}

// sideBySide returns a with b's columns appended (b when a is nil).
func sideBySide(a, b *mat.Dense) *mat.Dense {
	if a == nil {
		return b
	}
	r, ca := a.Dims()
	_, cb := b.Dims()
	m := mat.NewDense(r, ca+cb, nil)
	m.Slice(0, r, 0, ca).(*mat.Dense).Copy(a)
	m.Slice(0, r, ca, ca+cb).(*mat.Dense).Copy(b)
	return m
}

// selectUnits returns the units (rows of the units table) that sel keeps,
// and notes how many when it drops some; none kept is an error saying
// what selected.
func (g *gen) selectUnits(sel UnitSelection, trains [][]float64, segs []segment, what string) ([]int, error) {
	u, tab := g.units, g.p.NWB.Units
	n := len(trains)
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = len(sel.IDs) == 0 || slices.Contains(sel.IDs, u.ID[i])
	}
	// why says what each rule keeps, has what the table holds (for the
	// error when no unit is left).
	var why, has []string
	if len(sel.IDs) > 0 {
		why = append(why, fmt.Sprintf("id in %s", words.List(sel.IDs)))
		has = append(has, fmt.Sprintf("ids %s", valuesPresent(nil, nil, u.ID)))
		var absent []int64
		for _, id := range sel.IDs {
			if !slices.Contains(u.ID, id) {
				absent = append(absent, id)
			}
		}
		if len(absent) > 0 {
			g.note("%s ids: %s not in %s, so they select none (%s has ids %s)", what, words.List(absent), tab, tab, valuesPresent(nil, nil, u.ID))
		}
	}
	for _, col := range sortedKeys(sel.Where) {
		fs, ss, err := g.src.Values(tab, col)
		if err != nil {
			return nil, err
		}
		m, unmatched, err := matcher(sel.Where[col], fs, ss, tab+"/"+col)
		if err != nil {
			return nil, err
		}
		for _, x := range unmatched {
			g.note("%s where: no unit of %s has %s %s, so it selects none (%s has %s)", what, tab, col, x, col, valuesPresent(fs, ss, nil))
		}
		if len(m) != n {
			return nil, fmt.Errorf("%s: column %s has %d rows for %d units", tab, col, len(m), n)
		}
		for i := range ok {
			ok[i] = ok[i] && m[i]
		}
		why = append(why, fmt.Sprintf("%s in %s", col, words.List(sel.Where[col])))
		has = append(has, fmt.Sprintf("%s %s", col, valuesPresent(fs, ss, nil)))
	}
	for _, b := range []struct {
		m  map[string]float64
		ge bool
	}{{sel.Min, true}, {sel.Max, false}} {
		for _, col := range sortedKeys(b.m) {
			v, err := g.src.FloatColumn(tab, col)
			if err != nil {
				return nil, err
			}
			if len(v) != n {
				return nil, fmt.Errorf("%s: column %s has %d rows for %d units", tab, col, len(v), n)
			}
			for i, x := range v {
				ok[i] = ok[i] && ((b.ge && x >= b.m[col]) || (!b.ge && x <= b.m[col]))
			}
			op := "≥"
			if !b.ge {
				op = "≤"
			}
			why = append(why, fmt.Sprintf("%s %s %v", col, op, b.m[col]))
			has = append(has, fmt.Sprintf("%s %s", col, valuesPresent(v, nil, nil)))
		}
	}
	if len(sel.Electrodes) > 0 {
		if u.Electrodes == nil {
			return nil, fmt.Errorf("%s has no electrodes column: [units] electrodes cannot select", tab)
		}
		for _, col := range sortedKeys(sel.Electrodes) {
			fs, ss, err := g.src.Values(u.ElectrodeTable, col)
			if err != nil {
				return nil, err
			}
			m, unmatched, err := matcher(sel.Electrodes[col], fs, ss, u.ElectrodeTable+"/"+col)
			if err != nil {
				return nil, err
			}
			for _, x := range unmatched {
				g.note("%s electrodes: no electrode of %s has %s %s, so it selects none (%s has %s)", what, u.ElectrodeTable, col, x, col, valuesPresent(fs, ss, nil))
			}
			for i := range ok {
				any := false
				for _, e := range u.Electrodes[i] {
					if e < 0 || int(e) >= len(m) {
						return nil, fmt.Errorf("%s/electrodes: unit %d refers to row %d of %s, which has %d rows", tab, u.ID[i], e, u.ElectrodeTable, len(m))
					}
					any = any || m[e]
				}
				ok[i] = ok[i] && any
			}
			why = append(why, fmt.Sprintf("electrodes' %s in %s", col, words.List(sel.Electrodes[col])))
			has = append(has, fmt.Sprintf("electrodes' %s %s", col, valuesPresent(fs, ss, nil)))
		}
	}
	if sel.MinSpikes > 0 {
		most := 0
		for i, t := range trains {
			if !ok[i] {
				continue
			}
			c := 0
			for _, s := range segs {
				c += g.count(t, s)
			}
			ok[i] = c >= sel.MinSpikes
			most = max(most, c)
		}
		why = append(why, fmt.Sprintf("≥ %d spikes", sel.MinSpikes))
		has = append(has, fmt.Sprintf("at most %s in a unit the other rules keep, in the analysed time", words.Count(most, "spike")))
	}
	var keep []int
	for i, v := range ok {
		if v {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 && n == 0 {
		return nil, fmt.Errorf("%s holds no units", tab)
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("no unit of %s is left after the %s selection (%s); %s has %s",
			tab, what, strings.Join(why, "; "), tab, strings.Join(has, "; "))
	}
	if len(keep) < n {
		g.note("%s: %d of %d units kept (%s)", what, len(keep), n, strings.Join(why, "; "))
	}
	return keep, nil
}

// maxPresent bounds the distinct values valuesPresent lists.
const maxPresent = 12

// valuesPresent describes a column's values for an error: the distinct
// strings (ss) with their counts, most frequent first, or the range of
// the numbers (fs), or the ids.
func valuesPresent(fs []float64, ss []string, ids []int64) string {
	switch {
	case ids != nil:
		if len(ids) <= maxPresent {
			return words.List(ids)
		}
		return fmt.Sprintf("%d ids from %d to %d", len(ids), slices.Min(ids), slices.Max(ids))
	case ss != nil:
		count := map[string]int{}
		for _, s := range ss {
			count[s]++
		}
		keys := sortedKeys(count)
		slices.SortStableFunc(keys, func(a, b string) int { return count[b] - count[a] })
		var parts []string
		for i, k := range keys {
			if i == maxPresent {
				parts = append(parts, fmt.Sprintf("and %d more", len(keys)-maxPresent))
				break
			}
			parts = append(parts, fmt.Sprintf("%q (%d)", k, count[k]))
		}
		return "values " + strings.Join(parts, ", ")
	}
	lo, hi, nan := math.Inf(1), math.Inf(-1), 0
	for _, x := range fs {
		if math.IsNaN(x) {
			nan++
			continue
		}
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	s := fmt.Sprintf("values from %g to %g", lo, hi)
	if lo > hi {
		s = "no number"
	}
	if nan > 0 {
		s += fmt.Sprintf(" (%d NaN)", nan)
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for c := range m {
		k = append(k, c)
	}
	sort.Strings(k)
	return k
}

// matcher says which rows of a column hold one of values: strings of a
// string column, numbers (exactly) of a numeric one.
func matcher(values []any, fs []float64, ss []string, col string) (m []bool, unmatched []string, err error) {
	if ss != nil {
		want := map[string]bool{}
		for _, v := range values {
			s, ok := v.(string)
			if !ok {
				return nil, nil, fmt.Errorf("%s holds strings: want string values, got %v", col, v)
			}
			want[s] = false
		}
		m = make([]bool, len(ss))
		for i, s := range ss {
			if _, ok := want[s]; ok {
				m[i], want[s] = true, true
			}
		}
		for _, v := range values {
			if s := v.(string); !want[s] {
				unmatched = append(unmatched, strconv.Quote(s))
			}
		}
		return m, unmatched, nil
	}
	var want []float64
	for _, v := range values {
		switch x := v.(type) {
		case int64:
			want = append(want, float64(x))
		case float64:
			want = append(want, x)
		case bool: // a bool column reads as 0 and 1
			want = append(want, map[bool]float64{false: 0, true: 1}[x])
		case string:
			f, err := strconv.ParseFloat(x, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s holds numbers: want numbers, got %q", col, x)
			}
			want = append(want, f)
		default:
			return nil, nil, fmt.Errorf("%s holds numbers: want numbers, got %v", col, v)
		}
	}
	m = make([]bool, len(fs))
	for i, f := range fs {
		m[i] = slices.Contains(want, f)
	}
	for _, w := range want {
		if !slices.Contains(fs, w) {
			unmatched = append(unmatched, fmt.Sprint(w))
		}
	}
	return m, unmatched, nil
}

// assemble stacks the rows from … to−1 of each segment into the
// recording. A row whose activity holds a NaN (a series without a sample
// in the bin) is removed and splits its segment; a row whose behaviour
// holds a NaN is kept but not fitted. The fit window ([fit] window_ms, all
// rows when [0, 0]) is in ms from the segment's start (continuous) or the
// alignment time (aligned).
func (g *gen) assemble(segs []segment, xs, zs []*mat.Dense, neurons int) *ingest.Recording {
	p := g.p
	_, k := zs[0].Dims()
	// At most every row of every segment: allocated once (appending
	// would copy a large recording over and again, and hold up to three
	// times its size at once).
	rows := 0
	for _, seg := range segs {
		rows += seg.to - seg.from
	}
	xr, zr := make([]float64, 0, rows*neurons), make([]float64, 0, rows*k)
	trial, fit := make([]int, 0, rows), make([]bool, 0, rows)
	id := 0
	var noBeh, noAct, total int
	all := p.Fit.WindowMS == [2]float64{} || p.Layout == layoutPerTrial
	for s, seg := range segs {
		broken := true
		for i := seg.from; i < seg.to; i++ {
			total++
			x, z := xs[s].RawRowView(i), zs[s].RawRowView(i)
			if slices.ContainsFunc(x, math.IsNaN) {
				noAct++
				broken = true
				continue
			}
			if broken {
				id++
				broken = false
			}
			xr, zr = append(xr, x...), append(zr, z...)
			trial = append(trial, id)
			tm := seg.zero + float64(i-seg.from)*p.Bins.WidthMS
			f := all || (tm >= p.Fit.WindowMS[0] && tm < p.Fit.WindowMS[1])
			if f && slices.ContainsFunc(z, math.IsNaN) {
				noBeh++
				f = false
			}
			fit = append(fit, f)
		}
	}
	if noAct > 0 {
		g.note("%d of %d samples without activity (no sample of the activity series in the bin) dropped", noAct, total)
	}
	if noBeh > 0 {
		g.note("%d of %d samples without behaviour dropped", noBeh, total)
	}
	if len(trial) == 0 || countTrue(fit) == 0 {
		return nil
	}
	w := g.binWidth()
	return &ingest.Recording{
		Name: g.file, Activity: mat.NewDense(len(trial), neurons, xr), Kind: ingest.Rates, BinWidth: w,
		Behaviour: mat.NewDense(len(trial), k, zr), Trials: trial, Mask: fit,
	}
}

// backwards returns the index of the first timestamp earlier than the one
// before it (−1 when none) and how many are (NaN compares false: not
// counted).
func backwards(times []float64) (first, n int) {
	first = -1
	for i := 1; i < len(times); i++ {
		if times[i] < times[i-1] {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	return first, n
}

// backwardsError is the error for a series whose timestamp first is
// earlier than the one before it.
func backwardsError(path string, times []float64, first int) error {
	return fmt.Errorf("%s: timestamps are not non-decreasing: timestamp %d (%v s) is before timestamp %d (%v s)",
		path, first, times[first], first-1, times[first-1])
}
