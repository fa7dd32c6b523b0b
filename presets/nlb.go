package presets

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/preprocess"
)

// NWBSource is what the NWB layouts read from a file. The nwb package's
// File provides it; tests may substitute their own.
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

// nlb runs the Neural Latents Benchmark processing (METHODS.md §2) on one
// NWB file and returns the recording (rates in Hz, behaviour on the same
// bins, per-sample trial or segment ids, the fit window as the mask) and
// the lag to apply.
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
	trains, heldout, obsEnd, err := src.Units(n.Units)
	if err != nil {
		return fail("%v", err)
	}
	if len(trains) == 0 {
		return fail("%s holds no units", n.Units)
	}
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
	// The 1 ms grid runs from 0 to the end of observation (or of the last
	// trial, whichever is later), as nlb_tools lays it out.
	end := math.Max(obsEnd, stops[len(stops)-1])
	base, err := preprocess.GridFor(end, p.Bins.BaseMS/1000)
	if err != nil {
		return fail("%v", err)
	}
	factor := int(math.Round(p.Bins.WidthMS / p.Bins.BaseMS))
	counts, _ := preprocess.BinSpikes(trains, base)
	counts, err = preprocess.Rebin(counts, factor)
	if err != nil {
		return fail("%v", err)
	}
	grid := preprocess.Grid{T0: 0, Width: p.Bins.WidthMS / 1000, Bins: counts.RawMatrix().Rows}
	beh, err := onGrid(src, n.Behaviour, base, factor, p.Bins.DecimateOrder, grid.Bins)
	if err != nil {
		return fail("%v", err)
	}

	keep, err := selectTrials(src, n.Trials, len(starts), p.Trials)
	if err != nil {
		return fail("%v", err)
	}
	if len(keep) == 0 {
		return fail("no trial is left after the selection (%s)", p.Trials.describe())
	}
	kernel, err := preprocess.GaussianKernel(p.Smooth.SigmaMS, p.Bins.WidthMS)
	if err != nil {
		return fail("%v", err)
	}
	var b builder
	if p.Trials.Align != "" {
		err = b.aligned(src, n.Trials, keep, grid, counts, beh, kernel, p)
	} else {
		err = b.recut(src, n.Recut, keep, starts, stops, base, grid, counts, beh, kernel, p)
	}
	if err != nil {
		return fail("%v", err)
	}
	if len(b.rows) == 0 {
		return fail("no samples fall in the fit window %v ms", p.Fit.WindowMS)
	}
	rec := b.recording(file, grid, len(trains))
	rec.Channels = n.Channels
	rec.Unit = b.unit
	rec.Description = fmt.Sprintf("%s preset: %d units (%d held out, merged), %d of %d trials",
		p.Name, len(trains), countTrue(heldout), len(keep), len(starts))
	return rec, p.settings(), nil
}

// onGrid reads a behavioural TimeSeries onto the base grid by its sample
// times and decimates it to the analysis grid. Missing samples (gaps, NaN)
// are filled by linear interpolation for the filter and are NaN again
// afterwards where the kept sample was missing (nlb_tools' resample).
func onGrid(src NWBSource, path string, base preprocess.Grid, q, order, bins int) (*mat.Dense, error) {
	data, times, _, err := src.TimeSeries(path)
	if err != nil {
		return nil, err
	}
	_, k := data.Dims()
	col := make([]float64, base.Bins)
	out := mat.NewDense(bins, k, nil)
	for j := 0; j < k; j++ {
		for i := range col {
			col[i] = math.NaN()
		}
		for s, t := range times {
			// Samples are placed at their nearest base bin, as
			// nlb_tools matches them to its timestamps.
			i := int(math.Round(t / base.Width))
			if i >= 0 && i < base.Bins {
				col[i] = data.At(s, j)
			}
		}
		missing := fillLinear(col)
		if countTrue(missing) == len(col) {
			return nil, fmt.Errorf("%s: no sample falls on the recording's time grid", path)
		}
		y, err := preprocess.Decimate(col, q, order)
		if err != nil {
			return nil, err
		}
		for r := 0; r < bins; r++ {
			v := y[r]
			if missing[r*q] {
				v = math.NaN()
			}
			out.Set(r, j, v)
		}
	}
	return out, nil
}

// fillLinear fills NaN entries by linear interpolation between the nearest
// finite neighbours, and with the nearest finite value at the ends (as
// numpy.interp, and pandas' interpolate(limit_direction='both')). It
// returns which entries were missing.
func fillLinear(v []float64) []bool {
	missing := make([]bool, len(v))
	last := -1
	for i, x := range v {
		if math.IsNaN(x) {
			missing[i] = true
			continue
		}
		if last == -1 {
			for j := 0; j < i; j++ {
				v[j] = x
			}
		} else {
			for j := last + 1; j < i; j++ {
				f := float64(j-last) / float64(i-last)
				v[j] = v[last] + f*(x-v[last])
			}
		}
		last = i
	}
	if last >= 0 {
		for j := last + 1; j < len(v); j++ {
			v[j] = v[last]
		}
	}
	return missing
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
// a string column, and at least a minimum in a numeric column.
func selectTrials(src NWBSource, table string, n int, t TrialSettings) ([]int, error) {
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = true
	}
	for col, values := range t.Exclude {
		v, err := src.StringColumn(table, col)
		if err != nil {
			return nil, err
		}
		if len(v) != n {
			return nil, fmt.Errorf("%s: column %s has %d rows for %d trials", table, col, len(v), n)
		}
		for i, s := range v {
			for _, x := range values {
				if s == x {
					ok[i] = false
				}
			}
		}
	}
	for col, lo := range t.Min {
		v, err := src.FloatColumn(table, col)
		if err != nil {
			return nil, err
		}
		if len(v) != n {
			return nil, fmt.Errorf("%s: column %s has %d rows for %d trials", table, col, len(v), n)
		}
		for i, x := range v {
			if !(x >= lo) {
				ok[i] = false
			}
		}
	}
	var keep []int
	for i, v := range ok {
		if v {
			keep = append(keep, i)
		}
	}
	return keep, nil
}

func (t TrialSettings) describe() string {
	var parts []string
	for c, v := range t.Exclude {
		parts = append(parts, fmt.Sprintf("%s not in %v", c, v))
	}
	for c, v := range t.Min {
		parts = append(parts, fmt.Sprintf("%s ≥ %v", c, v))
	}
	return strings.Join(parts, ", ")
}

// builder accumulates the rows of the recording.
type builder struct {
	rows   [][]float64 // activity, Hz
	beh    [][]float64
	trial  []int
	fit    []bool
	unit   string
	notes  []string
	kernel int
}

func (b *builder) add(x, z []float64, trial int, fit bool) {
	b.rows = append(b.rows, x)
	b.beh = append(b.beh, z)
	b.trial = append(b.trial, trial)
	b.fit = append(b.fit, fit)
}

func (b *builder) recording(file string, grid preprocess.Grid, units int) *ingest.Recording {
	t := len(b.rows)
	x := mat.NewDense(t, units, nil)
	z := mat.NewDense(t, len(b.beh[0]), nil)
	for i := range b.rows {
		x.SetRow(i, b.rows[i])
		z.SetRow(i, b.beh[i])
	}
	return &ingest.Recording{
		Name: file, Activity: x, Kind: ingest.Rates, BinWidth: grid.Width,
		Behaviour: z, Trials: b.trial, Mask: b.fit,
		Sources: []ingest.Source{{Role: "recording", Path: file}},
	}
}

// aligned cuts each kept trial around its alignment event, smooths it with
// its margins, and keeps the inner rows; the fit window is in trial time.
func (b *builder) aligned(src NWBSource, table string, keep []int, grid preprocess.Grid, counts, beh *mat.Dense,
	kernel []float64, p *Preset) error {
	align, err := src.FloatColumn(table, p.Trials.Align)
	if err != nil {
		return err
	}
	margin := p.Smooth.MarginMS / 1000
	scale := 1 / grid.Width
	for _, tr := range keep {
		w, _ := preprocess.Align(grid, align[tr], p.Trials.WindowMS[0]/1000, p.Trials.WindowMS[1]/1000, margin)
		w, ok := clip(w, grid)
		if !ok {
			b.notes = append(b.notes, fmt.Sprintf("trial %d: window outside the recording, left out", tr))
			continue
		}
		block := mat.DenseCopyOf(counts.Slice(w.From, w.To, 0, counts.RawMatrix().Cols))
		sm, err := preprocess.Smooth(block, kernel, []preprocess.Segment{{From: 0, To: w.Rows()}})
		if err != nil {
			return fmt.Errorf("trial %d: %v", tr, err)
		}
		for i := w.InnerFrom; i < w.InnerTo; i++ {
			x := append([]float64(nil), sm.RawRowView(i-w.From)...)
			for j := range x {
				x[j] *= scale
			}
			t := w.TimeMS(grid, i)
			b.add(x, append([]float64(nil), beh.RawRowView(i)...), tr, t >= p.Fit.WindowMS[0] && t < p.Fit.WindowMS[1])
		}
	}
	b.unit = "Hz"
	return nil
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

// recut concatenates the kept trials, smooths the whole series, and cuts it
// again wherever the recut TimeSeries (MC_RTT's target position) changes;
// the fit window is in time from each cut.
func (b *builder) recut(src NWBSource, on string, keep []int, starts, stops []float64, base, grid preprocess.Grid,
	counts, beh *mat.Dense, kernel []float64, p *Preset) error {
	var rows []int
	for _, tr := range keep {
		w, _ := preprocess.Span(grid, starts[tr], stops[tr])
		w, ok := clip(w, grid)
		if !ok {
			b.notes = append(b.notes, fmt.Sprintf("trial %d: outside the recording, left out", tr))
			continue
		}
		for i := w.From; i < w.To; i++ {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("no trial rows")
	}
	cols := counts.RawMatrix().Cols
	series := mat.NewDense(len(rows), cols, nil)
	for r, i := range rows {
		series.SetRow(r, counts.RawRowView(i))
	}
	sm, err := preprocess.Smooth(series, kernel, []preprocess.Segment{{From: 0, To: len(rows)}})
	if err != nil {
		return err
	}
	// The event series is sampled (not filtered) at each bin's start.
	data, times, _, err := src.TimeSeries(on)
	if err != nil {
		return err
	}
	factor := int(math.Round(grid.Width / base.Width))
	at := make(map[int]int, len(times))
	for s, t := range times {
		at[int(math.Round(t/base.Width))] = s
	}
	_, k := data.Dims()
	events := make([][]float64, len(rows))
	for r, i := range rows {
		s, ok := at[i*factor]
		ev := make([]float64, k)
		for j := range ev {
			ev[j] = math.NaN()
			if ok {
				ev[j] = data.At(s, j)
			}
		}
		events[r] = ev
	}
	cuts := preprocess.ChangePoints(events)
	scale := 1 / grid.Width
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
		x := append([]float64(nil), sm.RawRowView(r)...)
		for j := range x {
			x[j] *= scale
		}
		b.add(x, append([]float64(nil), beh.RawRowView(rows[r])...), id, fit)
	}
	b.unit = "Hz"
	return nil
}
