package presets

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
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
	// trial, whichever is later), as nlb_tools lays it out.
	end := math.Max(obsEnd, stops[len(stops)-1])
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
	bins, err := newBinner(base, factor, units)
	if err != nil {
		return fail("%v", err)
	}
	grid := preprocess.Grid{T0: 0, Width: p.Bins.WidthMS / 1000, Bins: bins.rows}
	// The behaviour is read and decimated while the spikes are binned.
	type behResult struct {
		m   *behGrid
		err error
	}
	behc := make(chan behResult, 1)
	go func() {
		m, err := onGrid(src, n.Behaviour, base, factor, p.Bins.DecimateOrder, grid.Bins)
		behc <- behResult{m, err}
	}()
	if streaming {
		err = stream.EachUnits(n.Units, func(first int, trains [][]float64) error {
			if first < 0 || first+len(trains) > units {
				return fmt.Errorf("%s: more spike trains than units", n.Units)
			}
			// Units count into their own bins: in parallel.
			parallel(len(trains), func(k int) { bins.add(first+k, trains[k]) })
			return nil
		})
	} else {
		for u, t := range trains {
			bins.add(u, t)
		}
	}
	br := <-behc
	if err != nil {
		return fail("%v", err)
	}
	if bins.overflow {
		return fail("%s: more than 65535 spikes of one unit in one %v ms bin: not spike times in seconds?", n.Units, p.Bins.WidthMS)
	}
	if br.err != nil {
		return fail("%v", br.err)
	}
	counts, beh := &bins.counts, br.m

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
	if b.x == nil || countTrue(b.fit) == 0 {
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
	return rec, p.settings(), nil
}

// counts holds spike counts unit by unit, each unit's bins contiguous:
// unit u's count in row r is data[u·rows + r]. Counts per bin fit 16 bits
// (65535 spikes in 45 ms would be 1.5 MHz); more is reported as an error. Counting a train touches few
// memory pages, and smoothing reads each unit's trial as one run.
type counts struct {
	rows, units int
	data        []uint16
	overflow    bool // some bin got more than 65535 spikes
}

// binner bins spike times on the base grid and sums groups of factor base
// bins, as preprocess.BinSpikes followed by preprocess.Rebin does
// (nlb_tools: 1 ms bins, then resample; a trailing partial group dropped),
// without making the dense base-grid matrix: each spike's base bin is
// computed as nlb_tools computes it and counted in its group directly. At
// 1 ms the dense matrix of an hour of 180 units would take 5 GB.
type binner struct {
	counts
	base     preprocess.Grid
	factor   int
	inv      float64 // 1 / factor
	invWidth float64 // 1 / base.Width
}

func newBinner(base preprocess.Grid, factor, units int) (*binner, error) {
	if factor < 1 || base.Bins < factor || base.Bins > math.MaxInt32 {
		return nil, fmt.Errorf("preprocess: cannot rebin %d bins by a factor of %d", base.Bins, factor)
	}
	rows := base.Bins / factor
	return &binner{counts: counts{rows: rows, units: units, data: make([]uint16, rows*units)},
		base: base, factor: factor, inv: 1 / float64(factor), invWidth: 1 / base.Width}, nil
}

// add counts the spikes of unit u. Different units may be added from
// different goroutines at once.
func (b *binner) add(u int, times []float64) {
	col := b.data[u*b.rows : (u+1)*b.rows]
	// Locals, so that the loop keeps them in registers.
	base, t0, invWidth, inv, factor, rows := b.base, b.base.T0, b.invWidth, b.inv, b.factor, b.rows
	limit := rows * factor
	for _, t := range times {
		// The base bin is Index(t), nlb_tools' int(round(t/width, 6)),
		// and the analysis bin that base bin over factor. Away from
		// base-bin edges the base bin is the integer part of t/width, for
		// which v = t·(1/width) is as good and far cheaper: below 1e9
		// bins the two differ by less than 1e-6, so more than 1e-5 from
		// an edge (where the rounding to 6 decimals matters) they have
		// the same integer part; and then the analysis bin is the
		// integer part of v/factor, whose product form v·(1/factor), off
		// by less than 2.2e-7/factor, is more than 1e-5/factor from an
		// integer. Near edges, and below 1 (where int() truncates toward
		// zero), Index decides.
		v := (t - t0) * invWidth
		if v >= 1 && v < 1e9 {
			if f := v - float64(int64(v)); f > 1e-5 && f < 1-1e-5 {
				if q := int(v * inv); q < rows {
					col[q]++
					if col[q] == 0 {
						b.overflow = true
					}
				}
				continue
			}
		}
		i := base.Index(t)
		if uint(i) >= uint(limit) {
			continue
		}
		q := i / factor
		col[q]++
		if col[q] == 0 {
			b.overflow = true
		}
	}
}

// matrix returns the counts as samples × units.
func (c *counts) matrix() *mat.Dense {
	m := mat.NewDense(c.rows, max(c.units, 1), nil)
	for u := 0; u < c.units; u++ {
		for r, v := range c.data[u*c.rows : (u+1)*c.rows] {
			m.Set(r, u, float64(v))
		}
	}
	return m
}

// binRebin bins all trains and returns the counts as samples × units.
func binRebin(trains [][]float64, base preprocess.Grid, factor int) (*mat.Dense, error) {
	b, err := newBinner(base, factor, len(trains))
	if err != nil {
		return nil, err
	}
	for u, t := range trains {
		b.add(u, t)
	}
	return b.matrix(), nil
}

// onGrid reads a behavioural TimeSeries onto the base grid by its sample
// times and decimates it to the analysis grid. Missing samples (gaps, NaN)
// are filled by linear interpolation for the filter and are NaN again
// afterwards where the kept sample was missing (nlb_tools' resample).
func onGrid(src NWBSource, path string, base preprocess.Grid, q, order, bins int) (*behGrid, error) {
	data, times, _, err := src.TimeSeries(path)
	if err != nil {
		return nil, err
	}
	dec, err := preprocess.NewDecimator(q, order)
	if err != nil {
		return nil, err
	}
	// Samples are placed at their nearest base bin, as nlb_tools matches
	// them to its timestamps.
	pos := make([]int32, len(times))
	increasing := true
	invWidth := 1 / base.Width
	for s, t := range times {
		// round(t/width), as t·(1/width) unless that is within 1e-6 of
		// a half (it is off by far less everywhere).
		v := t * invWidth
		i := math.Round(v)
		if math.Abs(math.Abs(v-i)-0.5) < 1e-6 {
			i = math.Round(t / base.Width)
		}
		pos[s] = -1
		if i >= 0 && i < float64(base.Bins) {
			pos[s] = int32(i)
		}
		increasing = increasing && pos[s] >= 0 && (s == 0 || pos[s] > pos[s-1])
	}
	raw := data.RawMatrix()
	if increasing && len(pos) > 0 && !hasNaN(raw) {
		// Samples in time order on distinct bins, none NaN (the common
		// case): the filled base-grid columns would be the samples, lines
		// between them across gaps, and the first and last held before and
		// after, so the decimation reads them from the samples instead of
		// from a base-grid copy of every channel.
		return &behGrid{raw: raw, pos: pos, baseBins: base.Bins, q: q, dec: dec, bins: bins}, nil
	}
	g := &behGrid{cols: make([][]float64, raw.Cols), gap: make([][]bool, raw.Cols), dec: dec, bins: bins, baseBins: base.Bins}
	for j := range g.cols {
		g.cols[j] = make([]float64, base.Bins)
		g.gap[j] = make([]bool, bins)
	}
	var placed []int
	if increasing {
		placed = placeIncreasing(g.cols, g.gap, q, pos, raw)
	} else {
		placed = make([]int, raw.Cols)
		parallel(raw.Cols, func(j int) {
			col := g.cols[j]
			for i := range col {
				col[i] = math.NaN()
			}
			for s, i := range pos {
				if i >= 0 {
					col[i] = raw.Data[s*raw.Stride+j]
				}
			}
			missing := fillLinear(col)
			placed[j] = len(col) - countTrue(missing)
			for r := range g.gap[j] {
				g.gap[j][r] = missing[r*q]
			}
		})
	}
	for _, n := range placed {
		if n == 0 {
			return nil, fmt.Errorf("%s: no sample falls on the recording's time grid", path)
		}
	}
	return g, nil
}

// placeIncreasing puts the samples (rows of data) at base bins pos[s],
// which increase with s, each channel in its column, and fills the bins
// between them as fillLinear does (interpolation between non-NaN samples,
// the nearest one at the ends; NaN samples count as missing), in one pass.
// gap[j][r] reports that bin r·q got no sample of channel j. It returns
// how many bins each channel's samples filled.
func placeIncreasing(cols [][]float64, gap [][]bool, q int, pos []int32, data blas64.General) []int {
	k := len(cols)
	placed := make([]int, k)
	last := make([]int, k) // the last bin with a sample of each channel
	for j := range cols {
		last[j] = -1
		for r := range gap[j] {
			gap[j][r] = true
		}
	}
	next, nextBin := 0, 0 // the next analysis bin r, and its base bin r·q
	for s, p32 := range pos {
		i := int(p32)
		for nextBin < i {
			next, nextBin = next+1, nextBin+q
		}
		onBin := nextBin == i && next < len(gap[0])
		row := data.Data[s*data.Stride : s*data.Stride+k]
		for j, x := range row {
			if x != x { // NaN
				continue
			}
			col, l := cols[j], last[j]
			if l == -1 {
				for b := 0; b < i; b++ {
					col[b] = x
				}
			} else if i > l+1 {
				for b := l + 1; b < i; b++ {
					f := float64(b-l) / float64(i-l)
					col[b] = col[l] + f*(x-col[l])
				}
			}
			col[i] = x
			last[j] = i
			placed[j]++
			if onBin {
				gap[j][next] = false
			}
		}
	}
	for j, col := range cols {
		if l := last[j]; l >= 0 {
			for b := l + 1; b < len(col); b++ {
				col[b] = col[l]
			}
		}
	}
	return placed
}

// behGrid is behaviour on the analysis grid: each channel on the base grid
// with its gaps filled, decimated (scipy.signal.decimate) sample by sample
// when asked, and NaN where the base-grid sample at the start of the bin
// was missing (nlb_tools' resample). Only the samples the design uses are
// computed.
//
// A series whose samples lie on increasing bins, none NaN, is not copied
// onto the base grid: raw holds it (sample s on base bin pos[s]), and row
// computes the filter's span from it as placeIncreasing fills the columns
// (lines between samples across gaps, the first and last held before and
// after them).
type behGrid struct {
	cols     [][]float64
	gap      [][]bool // gap[j][r]: channel j had no sample at the start of bin r
	dec      *preprocess.Decimator
	bins     int
	baseBins int // the length of each base-grid column

	raw  blas64.General // the samples, or no rows
	pos  []int32        // the base bin of each sample, increasing
	q    int            // base bins per analysis bin
	span []float64      // scratch for the values of one filter span
}

// channels returns the number of behavioural channels.
func (g *behGrid) channels() int {
	if g.cols == nil {
		return g.raw.Cols
	}
	return len(g.cols)
}

// row writes analysis row i, one value a channel, to dst.
func (g *behGrid) row(i int, dst []float64) {
	if g.cols == nil {
		g.regularRow(i, dst)
		return
	}
	for j, col := range g.cols {
		if g.gap[j][i] {
			dst[j] = math.NaN()
		} else {
			dst[j] = g.dec.At(col, i)
		}
	}
}

// regularRow is row for samples on increasing bins without NaN: the same
// values, bit for bit, as the base-grid columns give (TestRegularBehaviour).
func (g *behGrid) regularRow(i int, dst []float64) {
	raw, pos := g.raw, g.pos
	b := int32(i * g.q)
	if _, found := slices.BinarySearch(pos, b); !found {
		for j := range dst[:raw.Cols] {
			dst[j] = math.NaN() // no sample at the start of the bin
		}
		return
	}
	start, count := g.dec.Span(i, g.baseBins)
	if cap(g.span) < count {
		g.span = make([]float64, count)
	}
	xs := g.span[:count]
	first, _ := slices.BinarySearch(pos, int32(start)) // the first sample on or after start
	for j := range dst[:raw.Cols] {
		s := first
		for m := range xs {
			bin := int32(start + m)
			for s < len(pos) && pos[s] < bin {
				s++
			}
			switch {
			case s < len(pos) && pos[s] == bin:
				xs[m] = raw.Data[s*raw.Stride+j]
			case s == 0: // before the first sample
				xs[m] = raw.Data[j]
			case s == len(pos): // after the last
				xs[m] = raw.Data[(len(pos)-1)*raw.Stride+j]
			default: // between samples s−1 and s, as placeIncreasing fills it
				l, r := pos[s-1], pos[s]
				lv, rv := raw.Data[(s-1)*raw.Stride+j], raw.Data[s*raw.Stride+j]
				f := float64(bin-l) / float64(r-l)
				xs[m] = lv + f*(rv-lv)
			}
		}
		dst[j] = g.dec.AtSpan(xs, i, g.baseBins)
	}
}

// hasNaN reports whether m holds a NaN.
func hasNaN(m blas64.General) bool {
	for r := 0; r < m.Rows; r++ {
		for _, v := range m.Data[r*m.Stride : r*m.Stride+m.Cols] {
			if v != v {
				return true
			}
		}
	}
	return false
}

// parallel calls fn(i) for i = 0 … n−1 from up to GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
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

// builder makes the recording's arrays: activity rates (Hz), behaviour,
// trial or segment ids, and the fit window as the mask.
type builder struct {
	x, z  *mat.Dense
	trial []int
	fit   []bool
	unit  string
	notes []string
}

func (b *builder) recording(file string, grid preprocess.Grid) *ingest.Recording {
	return &ingest.Recording{
		Name: file, Activity: b.x, Kind: ingest.Rates, BinWidth: grid.Width,
		Behaviour: b.z, Trials: b.trial, Mask: b.fit,
		Sources: []ingest.Source{{Role: "recording", Path: file}},
	}
}

// alloc sizes the arrays for t samples.
func (b *builder) alloc(t, units, k int) {
	b.x = mat.NewDense(t, units, nil)
	b.z = mat.NewDense(t, k, nil)
	b.trial = make([]int, t)
	b.fit = make([]bool, t)
	b.unit = "Hz"
}

// unitGroup is how many units share a cache line of an activity row.
const unitGroup = 8

// smoothCol smooths seg, one unit's counts over a trial or segment, as one
// segment (numpy.convolve(…, 'same')), and writes the rates of its rows
// from … to−1 to activity rows out, out+1, … in column u; sm is scratch of
// seg's length.
func (b *builder) smoothCol(u int, seg []float64, from, to, out int, kernel []float64, scale float64, sm []float64) {
	smooth1(sm, seg, kernel)
	raw := b.x.RawMatrix()
	for r := from; r < to; r++ {
		raw.Data[(out+r-from)*raw.Stride+u] = sm[r] * scale
	}
}

// smooth1 writes numpy.convolve(x, kernel, 'same') to y: the sums of
// preprocess.Smooth, in the same order (so the same bits), for one column.
func smooth1(y, x, kernel []float64) {
	m, l := len(kernel), len(x)
	shift := (m - 1) / 2
	// y[i] = Σ_k kernel[k]·x[i + shift − k] over the k that land inside x;
	// for lo ≤ i < hi all of them do.
	lo, hi := m-1-shift, l-shift
	edge := func(i int) {
		var acc float64
		for k, w := range kernel {
			if src := i + shift - k; src >= 0 && src < l {
				acc += w * x[src]
			}
		}
		y[i] = acc
	}
	for i := 0; i < min(lo, l); i++ {
		edge(i)
	}
	for i := lo; i < hi; i++ {
		win := x[i+shift-m+1 : i+shift+1]
		var acc float64
		for k, w := range kernel {
			acc += w * win[m-1-k]
		}
		y[i] = acc
	}
	for i := max(hi, lo); i < l; i++ {
		edge(i)
	}
}

// aligned cuts each kept trial around its alignment event, smooths it with
// its margins, and keeps the rows in the fit window (trial time) and the
// rows the lag pairs them with: the rows the design reads, which are those
// Build gives from the whole trials.
func (b *builder) aligned(src NWBSource, table string, keep []int, grid preprocess.Grid, c *counts, beh *behGrid,
	kernel []float64, p *Preset) error {
	align, err := src.FloatColumn(table, p.Trials.Align)
	if err != nil {
		return err
	}
	lag := p.settings().Lag(grid.Width)
	margin := p.Smooth.MarginMS / 1000
	type cut struct {
		w        preprocess.Window
		trial    int
		from, to int // grid rows kept
		out      int // their first activity row
	}
	var cuts []cut
	total := 0
	for _, tr := range keep {
		w, _ := preprocess.Align(grid, align[tr], p.Trials.WindowMS[0]/1000, p.Trials.WindowMS[1]/1000, margin)
		w, ok := clip(w, grid)
		if !ok {
			b.notes = append(b.notes, fmt.Sprintf("trial %d: window outside the recording, left out", tr))
			continue
		}
		if w.Rows() < len(kernel) {
			return fmt.Errorf("trial %d: preprocess: a segment of %d bins is shorter than the %d-bin smoothing kernel", tr, w.Rows(), len(kernel))
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
			continue // no sample of this trial is fitted
		}
		from, to := max(w.InnerFrom, min(first, first-lag)), min(w.InnerTo, max(last, last-lag)+1)
		cuts = append(cuts, cut{w: w, trial: tr, from: from, to: to, out: total})
		total += to - from
	}
	if total == 0 {
		return nil
	}
	b.alloc(total, c.units, beh.channels())
	scale := 1 / grid.Width
	raw := b.x.RawMatrix()
	// Units are done in groups that share the cache lines of the activity
	// rows they write, trial after trial along their counts.
	parallel((c.units+unitGroup-1)/unitGroup, func(g int) {
		for _, ct := range cuts {
			for u := g * unitGroup; u < min((g+1)*unitGroup, c.units); u++ {
				seg := c.data[u*c.rows+ct.w.From : u*c.rows+ct.w.To]
				for i := ct.from; i < ct.to; i++ {
					raw.Data[(ct.out+i-ct.from)*raw.Stride+u] = smoothAt(seg, i-ct.w.From, kernel) * scale
				}
			}
		}
	})
	for _, ct := range cuts {
		for i := ct.from; i < ct.to; i++ {
			r := ct.out + i - ct.from
			beh.row(i, b.z.RawRowView(r))
			b.trial[r] = ct.trial
			tm := ct.w.TimeMS(grid, i)
			b.fit[r] = tm >= p.Fit.WindowMS[0] && tm < p.Fit.WindowMS[1]
		}
	}
	return nil
}

// smoothAt returns element i of numpy.convolve(seg, kernel, 'same'), with
// preprocess.Smooth's sums in the same order (so the same bits).
func smoothAt(seg []uint16, i int, kernel []float64) float64 {
	shift := (len(kernel) - 1) / 2
	if len(kernel) == 6 && i >= 3 && i+2 < len(seg) {
		// σ = bin width: all six taps inside, the same sums unrolled.
		w := seg[i-3 : i+3]
		acc := kernel[0] * float64(w[5])
		acc += kernel[1] * float64(w[4])
		acc += kernel[2] * float64(w[3])
		acc += kernel[3] * float64(w[2])
		acc += kernel[4] * float64(w[1])
		acc += kernel[5] * float64(w[0])
		return acc
	}
	var acc float64
	for k, w := range kernel {
		if src := i + shift - k; src >= 0 && src < len(seg) {
			acc += w * float64(seg[src])
		}
	}
	return acc
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
	c *counts, bg *behGrid, kernel []float64, p *Preset) error {
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
	if len(rows) < len(kernel) {
		return fmt.Errorf("preprocess: a segment of %d bins is shorter than the %d-bin smoothing kernel", len(rows), len(kernel))
	}
	b.alloc(len(rows), c.units, bg.channels())
	scale := 1 / grid.Width
	parallel((c.units+unitGroup-1)/unitGroup, func(g int) {
		buf := make([]float64, 2*len(rows))
		for u := g * unitGroup; u < min((g+1)*unitGroup, c.units); u++ {
			col := c.data[u*c.rows : (u+1)*c.rows]
			seg := buf[:len(rows)]
			for r, i := range rows {
				seg[r] = float64(col[i])
			}
			b.smoothCol(u, seg, 0, len(rows), 0, kernel, scale, buf[len(rows):])
		}
	})
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
		bg.row(rows[r], b.z.RawRowView(r))
		b.trial[r], b.fit[r] = id, fit
	}
	return nil
}
