package presets

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/par"
	"github.com/oblique-neuro/oblique/internal/words"
	"github.com/oblique-neuro/oblique/preprocess"
)

// NWBSource is what the NWB layouts read from a file. Package
// presets/nwbsource provides it for NWB files; tests may substitute their
// own. Its methods may be called from two goroutines at once (the layout
// reads the behaviour while it bins the spikes).
type NWBSource interface {
	// Units returns every unit's spike times (s) in file order, whether
	// each is held out, and the latest end of any observation interval
	// (0 if the file has none).
	Units(path string) (trains [][]float64, heldout []bool, obsEnd float64, err error)
	// FloatColumn and StringColumn read one column of a table.
	FloatColumn(table, column string) ([]float64, error)
	StringColumn(table, column string) ([]string, error)
	// TimeSeries returns data (samples × channels, conversion applied) and
	// the time of each sample in seconds.
	TimeSeries(path string) (data *mat.Dense, times []float64, unit string, err error)
}

// UnitStreamer is an NWBSource that can also hand out the spike trains one
// unit at a time, so that a long recording's spike times need not all be in
// memory: nlb uses it when the source has it.
type UnitStreamer interface {
	// UnitsInfo returns what Units does, without the trains: their number.
	UnitsInfo(path string) (units int, heldout []bool, obsEnd float64, err error)
	// EachUnits calls fn with the spike times (s) of consecutive units
	// in file order, trains[k] being unit first+k, until every unit has
	// been passed; trains is only valid during the call.
	EachUnits(path string, fn func(first int, trains [][]float64) error) error
}

// SeriesStreamer is an NWBSource that can also read a TimeSeries a piece
// at a time, so that a long recording's behaviour need not all be in
// memory: nlb uses it when the source has it.
type SeriesStreamer interface {
	// OpenSeries opens the TimeSeries at path for reading in pieces.
	OpenSeries(path string) (SeriesReader, error)
}

// SeriesReader reads one TimeSeries a piece at a time.
type SeriesReader interface {
	// Rows returns the number of samples and Cols the number of values
	// (channels) of each.
	Rows() int
	Cols() int
	// ReadData reads samples start … start+count−1 (count ≥ 0), row-major
	// with the conversion applied, into dst when it is large enough (else
	// into a new slice), and returns them.
	ReadData(start, count int, dst []float64) ([]float64, error)
	// ReadTimes reads the times (s) of the same samples as ReadData does:
	// those TimeSeries returns.
	ReadTimes(start, count int, dst []float64) ([]float64, error)
}

// nlb runs the Neural Latents Benchmark processing (METHODS.md §2) on one
// NWB file and returns the recording (rates in Hz, behaviour on the same
// bins, per-sample trial or segment ids, the fit window as the mask) and
// the lag to apply.
//
// The trials are read first and decide which rows of the analysis grid the
// recording holds (plan); the spikes are then counted on the rows the
// smoothing of those reads only, while the behaviour, read on another
// goroutine from the start, is decimated on those rows only.
func nlb(src NWBSource, file string, p *Preset) (*ingest.Recording, preprocess.Settings, error) {
	n := p.NWB
	fail := func(format string, args ...any) (*ingest.Recording, preprocess.Settings, error) {
		if len(args) == 1 && format == "%v" {
			if e, ok := args[0].(error); ok {
				// Errors of the readers name the file already.
				if strings.HasPrefix(e.Error(), file+": ") {
					return nil, preprocess.Settings{}, e
				}
				return nil, preprocess.Settings{}, fmt.Errorf("%s: %w", file, e)
			}
		}
		return nil, preprocess.Settings{}, fmt.Errorf("%s: %s", file, fmt.Sprintf(format, args...))
	}
	beh := readBehaviour(src, n.Behaviour)
	defer beh.stop()
	starts, err := src.FloatColumn(n.Trials, "start_time")
	if err != nil {
		return fail("%v", err)
	}
	stops, err := src.FloatColumn(n.Trials, "stop_time")
	if err != nil {
		return fail("%v", err)
	}
	if len(starts) == 0 {
		return fail("%s has no trials", n.Trials)
	}
	if len(stops) != len(starts) {
		return fail("%s: %d start times and %d stop times", n.Trials, len(starts), len(stops))
	}
	var (
		trains  [][]float64
		units   int
		heldout []bool
		obsEnd  float64
	)
	stream, streaming := src.(UnitStreamer)
	if streaming {
		units, heldout, obsEnd, err = stream.UnitsInfo(n.Units)
	} else {
		trains, heldout, obsEnd, err = src.Units(n.Units)
		units = len(trains)
	}
	if err != nil {
		return fail("%v", err)
	}
	if units == 0 {
		return fail("%s holds no units", n.Units)
	}
	// The 1 ms grid runs from 0 to the end of observation (or of the last
	// trial, whichever is later), as nlb_tools lays it out. A file whose
	// stop_time is NaN in every trial (DANDI's ALM files) ends at the end
	// of observation, or without one at its last spike (its base bin
	// included).
	var notes []string
	lastStop := stops[len(stops)-1]
	end := math.Max(obsEnd, lastStop)
	if note := nanStops(stops, n.Trials); note != "" {
		notes = append(notes, note)
		end = obsEnd
		if end == 0 {
			end, err = lastSpike(src, n.Units, trains, streaming)
			if err != nil {
				return fail("%v", err)
			}
			// One base bin more, so that the last spike has a bin.
			end += p.Bins.BaseMS / 1000
		}
	}
	if bins := end / (p.Bins.BaseMS / 1000); !(end > 0) || !(bins < math.MaxInt32) {
		return fail("the recording would end at %v s (end of observation in %s: %v s; last trial's stop_time in %s: %v s), "+
			"which a %v ms grid cannot hold: not times in seconds?", end, n.Units, obsEnd, n.Trials, stops[len(stops)-1], p.Bins.BaseMS)
	}
	base, err := preprocess.GridFor(end, p.Bins.BaseMS/1000)
	if err != nil {
		return fail("%v", err)
	}
	factor := int(math.Round(p.Bins.WidthMS / p.Bins.BaseMS))
	if factor < 1 || math.Abs(float64(factor)*p.Bins.BaseMS-p.Bins.WidthMS) > 1e-9*p.Bins.WidthMS {
		return fail("preset %s: [bins] width_ms %v is not a multiple of base_ms %v", p.Name, p.Bins.WidthMS, p.Bins.BaseMS)
	}
	if base.Bins < factor {
		return fail("preprocess: cannot rebin %d bins by a factor of %d", base.Bins, factor)
	}
	grid := preprocess.Grid{T0: 0, Width: p.Bins.WidthMS / 1000, Bins: base.Bins / factor}

	keep, selNotes, err := selectTrials(src, n.Trials, len(starts), p.Trials)
	if err != nil {
		return fail("%v", err)
	}
	notes = append(notes, selNotes...)
	if len(keep) == 0 {
		return fail("no trial is left: [trials] excludes every one (%s)", p.Trials.describe())
	}
	excluded := len(starts) - len(keep)
	kernel, err := preprocess.GaussianKernel(p.Smooth.SigmaMS, p.Bins.WidthMS)
	if err != nil {
		return nil, preprocess.Settings{}, fmt.Errorf("%s: [smooth] sigma_ms: %w", file, err)
	}
	var pl *plan
	if p.Trials.Align != "" {
		align, err := src.FloatColumn(n.Trials, p.Trials.Align)
		if err != nil {
			return fail("%v", err)
		}
		pl, err = planAligned(align, keep, grid, len(kernel), p)
		if err != nil {
			return fail("%v", err)
		}
	} else {
		pl, err = planRecut(keep, starts, stops, grid, len(kernel))
		if err != nil {
			return fail("%v", err)
		}
	}
	if len(pl.rows) == 0 {
		return fail("no samples fall in the fit window %v ms", p.Fit.WindowMS)
	}
	if note := pl.dropped.note(excluded, len(starts), n.Trials, p, end); note != "" {
		notes = append(notes, note)
	}
	beh.start(behJob{base: base, q: factor, order: p.Bins.DecimateOrder, bins: grid.Bins, rows: pl.rows})

	bins, err := preprocess.NewBinner(base, factor, units, pl.counted)
	if err != nil {
		return fail("%v", err)
	}
	if streaming {
		err = stream.EachUnits(n.Units, func(first int, trains [][]float64) error {
			if first < 0 || first+len(trains) > units {
				return fmt.Errorf("%s: more spike trains than units", n.Units)
			}
			// Units count into their own bins: in parallel.
			par.For(len(trains), 0, func(k int) { bins.Add(first+k, trains[k]) }, nil)
			return nil
		})
	} else {
		par.For(len(trains), 0, func(u int) { bins.Add(u, trains[u]) }, nil)
	}
	if err != nil {
		return fail("%v", err)
	}
	if bins.Overflow() {
		return fail("%s: more than 65535 spikes of one unit in one %v ms bin: not spike times in seconds?", n.Units, p.Bins.WidthMS)
	}
	if note := droppedSpikes(bins, n.Units, base); note != "" {
		notes = append(notes, note)
	}
	b := builder{x: mat.NewDense(len(pl.rows), units, nil), trial: make([]int, len(pl.rows)), fit: make([]bool, len(pl.rows)), unit: "Hz"}
	if p.Trials.Align != "" {
		b.aligned(pl, grid, bins, kernel, p)
	} else if err := b.recut(pl, bins, kernel, grid); err != nil {
		return fail("%v", err)
	}
	z, err := beh.wait()
	if err != nil {
		return fail("%v", err)
	}
	b.z = z
	if p.Trials.Align == "" {
		if err := b.segments(src, n.Recut, pl.rows, base, grid, p); err != nil {
			return fail("%v", err)
		}
	}
	if countTrue(b.fit) == 0 {
		return fail("no samples fall in the fit window %v ms", p.Fit.WindowMS)
	}
	rec := b.recording(file, grid)
	rec.Sources = append(rec.Sources,
		ingest.Source{Role: "activity", Path: file, Key: n.Units},
		ingest.Source{Role: "behaviour", Path: file, Key: n.Behaviour})
	rec.Channels = n.Channels
	rec.Unit = b.unit
	rec.Description = fmt.Sprintf("%s preset: %d units (%d held out, merged), %d of %d trials",
		p.Name, units, countTrue(heldout), len(keep), len(starts))
	rec.Notes = notes
	return rec, p.settings(), nil
}

// plan says which rows of the analysis grid the recording holds and which
// the smoothing reads.
type plan struct {
	rows    []int // the grid row of each sample of the recording, in order
	counted []int // the grid rows whose spike counts the smoothing reads
	cuts    []cut // aligned trials
	dropped dropped
}

// dropped counts the selected trials a plan leaves out, by reason.
type dropped struct{ nan, inf, outside, unfitted int }

// note says how many trials were dropped and why ("" when none was).
func (d dropped) note(excluded, trials int, table string, p *Preset, end float64) string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{
		{excluded, fmt.Sprintf("excluded by [trials] (%s)", p.Trials.describe())},
		{d.nan, fmt.Sprintf("with %s NaN", p.Trials.Align)},
		{d.inf, fmt.Sprintf("with %s infinite", p.Trials.Align)},
		{d.outside, fmt.Sprintf("with their window outside the recording (0–%v s)", end)},
		{d.unfitted, fmt.Sprintf("without a bin in the fit window %v ms", p.Fit.WindowMS)},
	} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d trials of %s dropped: %s", excluded+d.nan+d.inf+d.outside+d.unfitted, trials, table, strings.Join(parts, ", "))
}

// lastSpike returns the latest spike time of the units table (NaN and
// infinite times aside), from the trains or, streaming, read again.
func lastSpike(src NWBSource, path string, trains [][]float64, streaming bool) (float64, error) {
	var end float64
	last := func(trains [][]float64) error {
		for _, t := range trains {
			for _, x := range t {
				if x > end && !math.IsInf(x, 1) {
					end = x
				}
			}
		}
		return nil
	}
	if !streaming {
		return end, last(trains)
	}
	err := src.(UnitStreamer).EachUnits(path, func(_ int, trains [][]float64) error { return last(trains) })
	return end, err
}

// cut is one aligned trial: grid rows [from, to) are kept, at recording rows
// out, out+1, …; the smoothing of trial window w reads rows [lo, hi).
type cut struct {
	w        preprocess.Window
	trial    int
	from, to int
	out      int
	lo, hi   int
}

// planAligned cuts each kept trial around its alignment event and keeps the
// rows in the fit window (trial time) and the rows the lag pairs them with:
// the rows the design reads, which are those Build gives from the whole
// trials. Each trial is smoothed with its margins, so the counts read are
// those of its kept rows and the kernel's reach around them within the
// window.
func planAligned(align []float64, keep []int, grid preprocess.Grid, taps int, p *Preset) (*plan, error) {
	if len(align) <= slices.Max(keep) {
		return nil, fmt.Errorf("%s: %d alignment times for %d trials", p.Trials.Align, len(align), slices.Max(keep)+1)
	}
	lag := p.settings().Lag(grid.Width)
	margin := p.Smooth.MarginMS / 1000
	shift := (taps - 1) / 2 // smoothing row i reads rows i+shift−taps+1 … i+shift
	pl := &plan{}
	for _, tr := range keep {
		if a := align[tr]; math.IsNaN(a) || math.IsInf(a, 0) {
			// Counted; Align's window of it would lie outside the grid.
			if math.IsNaN(a) {
				pl.dropped.nan++
			} else {
				pl.dropped.inf++
			}
			continue
		}
		w, _ := preprocess.Align(grid, align[tr], p.Trials.WindowMS[0]/1000, p.Trials.WindowMS[1]/1000, margin)
		w, ok := clip(w, grid)
		if !ok {
			pl.dropped.outside++
			continue // the window lies outside the recording
		}
		if w.Rows() < taps {
			return nil, fmt.Errorf("trial %d: preprocess: a segment of %d bins is shorter than the %d-bin smoothing kernel", tr, w.Rows(), taps)
		}
		first, last := -1, -1
		for i := w.InnerFrom; i < w.InnerTo; i++ {
			if tm := w.TimeMS(grid, i); tm >= p.Fit.WindowMS[0] && tm < p.Fit.WindowMS[1] {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			pl.dropped.unfitted++
			continue // no sample of this trial is fitted
		}
		from, to := max(w.InnerFrom, min(first, first-lag)), min(w.InnerTo, max(last, last-lag)+1)
		c := cut{w: w, trial: tr, from: from, to: to, out: len(pl.rows),
			lo: max(w.From, from+shift-taps+1), hi: min(w.To, to+shift)}
		pl.cuts = append(pl.cuts, c)
		for i := from; i < to; i++ {
			pl.rows = append(pl.rows, i)
		}
		for i := c.lo; i < c.hi; i++ {
			pl.counted = append(pl.counted, i)
		}
	}
	return pl, nil
}

// planRecut concatenates the kept trials, which are smoothed as one series.
func planRecut(keep []int, starts, stops []float64, grid preprocess.Grid, taps int) (*plan, error) {
	pl := &plan{}
	for _, tr := range keep {
		w, _ := preprocess.Span(grid, starts[tr], stops[tr])
		w, ok := clip(w, grid)
		if !ok {
			continue // outside the recording
		}
		for i := w.From; i < w.To; i++ {
			pl.rows = append(pl.rows, i)
		}
	}
	if len(pl.rows) == 0 {
		return nil, fmt.Errorf("no trial rows")
	}
	pl.counted = pl.rows
	return pl, nil
}

func countTrue(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

// selectTrials returns the trials to keep: not in an excluded category of
// a string column ([trials] exclude), at least [trials] min and at most
// [trials] max in a numeric column (NaN passes neither), and a note for
// each excluded value that no trial has (a misspelt value excludes
// nothing: say so).
func selectTrials(src NWBSource, table string, n int, t TrialSettings) (keep []int, notes []string, err error) {
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = true
	}
	for _, col := range sortedKeys(t.Exclude) {
		values := t.Exclude[col]
		v, err := src.StringColumn(table, col)
		if err != nil {
			return nil, nil, err
		}
		if len(v) != n {
			return nil, nil, fmt.Errorf("%s: column %s has %d rows for %d trials", table, col, len(v), n)
		}
		seen := map[string]bool{}
		for i, s := range v {
			seen[s] = true
			if slices.Contains(values, s) {
				ok[i] = false
			}
		}
		for _, x := range values {
			if !seen[x] {
				notes = append(notes, fmt.Sprintf("[trials] exclude: no trial of %s has %s %q, so it excludes none (%s has %s)",
					table, col, x, col, valuesPresent(nil, v, nil)))
			}
		}
	}
	for _, b := range []struct {
		m  map[string]float64
		ge bool
	}{{t.Min, true}, {t.Max, false}} {
		for _, col := range sortedKeys(b.m) {
			v, err := src.FloatColumn(table, col)
			if err != nil {
				return nil, nil, err
			}
			if len(v) != n {
				return nil, nil, fmt.Errorf("%s: column %s has %d rows for %d trials", table, col, len(v), n)
			}
			for i, x := range v {
				if (b.ge && !(x >= b.m[col])) || (!b.ge && !(x <= b.m[col])) {
					ok[i] = false
				}
			}
		}
	}
	for i, v := range ok {
		if v {
			keep = append(keep, i)
		}
	}
	return keep, notes, nil
}

// describe says which trials [trials] excludes, in the order selectTrials
// applies its rules: "split in [test], or delay < 448".
func (t TrialSettings) describe() string {
	var parts []string
	for _, c := range sortedKeys(t.Exclude) {
		parts = append(parts, fmt.Sprintf("%s in %s", c, words.Quoted(t.Exclude[c])))
	}
	for _, c := range sortedKeys(t.Min) {
		parts = append(parts, fmt.Sprintf("%s < %v", c, t.Min[c]))
	}
	for _, c := range sortedKeys(t.Max) {
		parts = append(parts, fmt.Sprintf("%s > %v", c, t.Max[c]))
	}
	return strings.Join(parts, ", or ")
}

// builder makes the recording's arrays: activity rates (Hz), behaviour,
// trial or segment ids, and the fit window as the mask.
type builder struct {
	x, z  *mat.Dense
	trial []int
	fit   []bool
	unit  string
}

func (b *builder) recording(file string, grid preprocess.Grid) *ingest.Recording {
	return &ingest.Recording{
		Name: file, Activity: b.x, Kind: ingest.Rates, BinWidth: grid.Width,
		Behaviour: b.z, Trials: b.trial, Mask: b.fit,
		Sources: []ingest.Source{{Role: "recording", Path: file}},
	}
}

// unitGroup is how many units share a cache line of an activity row.
const unitGroup = 8

// aligned writes the rates of the aligned trials of pl, each trial smoothed
// with its margins, their trial ids and the fit window.
func (b *builder) aligned(pl *plan, grid preprocess.Grid, c *preprocess.Binner, kernel []float64, p *Preset) {
	scale := 1 / grid.Width
	raw := b.x.RawMatrix()
	// Units are done in groups that share the cache lines of the activity
	// rows they write, trial after trial along their counts.
	par.For((c.Units+unitGroup-1)/unitGroup, 0, func(g int) {
		for _, ct := range pl.cuts {
			// The counted rows lo … hi−1 of the trial window are
			// consecutive rows of the counts. The smoothing of the kept
			// rows reads no row of the window outside them, and lo and hi
			// are the window's own ends where it reaches them: the sums
			// over seg are those over the whole window.
			at := c.Slot(ct.lo)
			for u := g * unitGroup; u < min((g+1)*unitGroup, c.Units); u++ {
				seg := c.Unit(u)[at : at+ct.hi-ct.lo]
				preprocess.SmoothRange(raw.Data[ct.out*raw.Stride+u:], raw.Stride, seg, ct.from-ct.lo, ct.to-ct.lo, kernel, scale)
			}
		}
	}, nil)
	for _, ct := range pl.cuts {
		for i := ct.from; i < ct.to; i++ {
			r := ct.out + i - ct.from
			b.trial[r] = ct.trial
			tm := ct.w.TimeMS(grid, i)
			b.fit[r] = tm >= p.Fit.WindowMS[0] && tm < p.Fit.WindowMS[1]
		}
	}
}

// clip cuts a trial window to the rows of the grid, as nlb_tools'
// make_trial_data slices its data frame by time: a trial that reaches past
// the end of the recording (or before its start) keeps the rows that exist,
// margins included. ok is false when none of the trial's inner rows exist.
func clip(w preprocess.Window, g preprocess.Grid) (preprocess.Window, bool) {
	w.From, w.To = max(w.From, 0), min(w.To, g.Bins)
	w.InnerFrom, w.InnerTo = max(w.InnerFrom, 0), min(w.InnerTo, g.Bins)
	return w, w.InnerFrom < w.InnerTo
}

// recut writes the rates of the concatenated trials of pl, smoothed as one
// series.
func (b *builder) recut(pl *plan, c *preprocess.Binner, kernel []float64, grid preprocess.Grid) error {
	scale := 1 / grid.Width
	rows := pl.rows
	raw := b.x.RawMatrix()
	errs := make([]error, (c.Units+unitGroup-1)/unitGroup)
	par.For(len(errs), 0, func(g int) {
		buf := make([]float64, 2*len(rows))
		seg, sm := buf[:len(rows)], buf[len(rows):]
		for u := g * unitGroup; u < min((g+1)*unitGroup, c.Units); u++ {
			col := c.Unit(u)
			for r, i := range rows {
				seg[r] = float64(col[c.Slot(i)])
			}
			if errs[g] = preprocess.SmoothColumn(sm, seg, kernel); errs[g] != nil {
				return
			}
			for r, v := range sm {
				raw.Data[r*raw.Stride+u] = v * scale
			}
		}
	}, nil)
	return errors.Join(errs...)
}

// segments cuts the concatenated trials again wherever the recut
// TimeSeries (MC_RTT's target position) changes, and sets the segment ids
// and the fit window, in time from each cut.
func (b *builder) segments(src NWBSource, on string, rows []int, base, grid preprocess.Grid, p *Preset) error {
	// The event series is sampled (not filtered) at each bin's start: the
	// sample placed on that base bin, as for the behaviour.
	data, times, _, err := src.TimeSeries(on)
	if err != nil {
		return err
	}
	factor := int(math.Round(grid.Width / base.Width))
	sample := make([]int32, grid.Bins) // sample at the start of each bin, or −1
	for i := range sample {
		sample[i] = -1
	}
	for s, t := range times {
		if i := int(math.Round(t / base.Width)); i >= 0 && i%factor == 0 && i/factor < len(sample) {
			sample[i/factor] = int32(s)
		}
	}
	_, k := data.Dims()
	events := make([][]float64, len(rows))
	for r, i := range rows {
		ev := make([]float64, k)
		for j := range ev {
			ev[j] = math.NaN()
			if s := sample[i]; s >= 0 {
				ev[j] = data.At(int(s), j)
			}
		}
		events[r] = ev
	}
	cuts := preprocess.ChangePoints(events)
	seg := -1
	next := 0
	for r := range rows {
		for next < len(cuts) && cuts[next] <= r {
			seg, next = next, next+1
		}
		fit := false
		id := -1
		if seg >= 0 && next < len(cuts) { // inside a complete segment
			id = seg
			t := float64(r-cuts[seg]) * grid.Width * 1000
			fit = t >= p.Fit.WindowMS[0] && t < p.Fit.WindowMS[1]
		}
		b.trial[r], b.fit[r] = id, fit
	}
	return nil
}

// nanStops returns the note for a trials table whose stop_time is NaN in
// every row (DANDI's ALM files), "" otherwise.
func nanStops(stops []float64, table string) string {
	if slices.ContainsFunc(stops, func(x float64) bool { return !math.IsNaN(x) }) {
		return ""
	}
	return fmt.Sprintf("stop_time is NaN in all %d trials of %s: trial ends not used", len(stops), table)
}

// droppedSpikes says how many spike times of the units table the binner
// left out as NaN, infinite or outside the recording's grid, or "" when
// none.
func droppedSpikes(bins *preprocess.Binner, units string, base preprocess.Grid) string {
	nan, inf, out := bins.Dropped()
	if nan+inf+out == 0 {
		return ""
	}
	var why []string
	for _, c := range []struct {
		n    int
		what string
	}{{nan, "NaN"}, {inf, "infinite"}, {out, fmt.Sprintf("outside the recording (%g–%g s)", base.T0, base.Start(base.Bins))}} {
		if c.n > 0 {
			why = append(why, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return fmt.Sprintf("%d spike times of %s dropped: %s", nan+inf+out, units, strings.Join(why, ", "))
}
