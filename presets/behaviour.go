package presets

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/bufpool"
	"github.com/oblique-neuro/oblique/internal/par"
	"github.com/oblique-neuro/oblique/preprocess"
)

// The behaviour of the NWB layouts: a TimeSeries put on the base grid by its
// sample times, decimated to the analysis grid (scipy.signal.decimate) on
// the rows the recording holds only, and NaN where the base-grid sample at
// the start of the bin was missing (nlb_tools' resample). Missing samples
// (gaps, NaN) are filled by linear interpolation for the filter.
//
// A series whose samples lie on increasing bins (the common case) is not
// copied onto the base grid: the filled base-grid columns would be the
// samples, lines between them across gaps, and the first and last held
// before and after, so the decimation reads them from the samples (regular).
// From a SeriesStreamer such a series is read a block at a time, its
// timestamps first, then the samples the rows read, so that it is never in
// memory whole. A series with NaN among the samples the rows read, or out
// of time order, is put on base-grid columns (behGrid).

// behaviour reads a behavioural TimeSeries on its own goroutine and, once
// started with the grid and the rows the recording holds, puts it on them.
type behaviour struct {
	job     chan behJob
	out     chan behOut
	started bool
}

type behJob struct {
	base           preprocess.Grid
	q, order, bins int
	rows           []int // analysis-grid rows wanted, in order
}

type behOut struct {
	z   *mat.Dense
	err error
}

// readBehaviour starts reading the TimeSeries at path from src: the whole
// series, or from a SeriesStreamer what describes it.
func readBehaviour(src NWBSource, path string) *behaviour {
	b := &behaviour{job: make(chan behJob, 1), out: make(chan behOut, 1)}
	go func() {
		var (
			sr         SeriesReader
			data       *mat.Dense
			times      []float64
			err        error
			stream, ok = src.(SeriesStreamer)
		)
		if ok {
			sr, err = stream.OpenSeries(path)
		} else {
			data, times, _, err = src.TimeSeries(path)
		}
		j, started := <-b.job
		if !started || err != nil {
			b.out <- behOut{err: err}
			return
		}
		var z *mat.Dense
		if sr != nil {
			z, err = streamRows(sr, j)
			if errors.Is(err, errIrregular) {
				data, times, _, err = src.TimeSeries(path)
				sr = nil
			}
		}
		if sr == nil && err == nil {
			z, err = seriesRows(data, times, path, j)
		}
		b.out <- behOut{z: z, err: err}
	}()
	return b
}

// start hands the goroutine the rows to compute.
func (b *behaviour) start(j behJob) {
	b.started = true
	b.job <- j
}

// wait returns the behaviour on the rows given to start.
func (b *behaviour) wait() (*mat.Dense, error) {
	o := <-b.out
	b.out <- behOut{} // for stop
	return o.z, o.err
}

// stop waits for the goroutine to finish, telling it first that no rows
// will come if none came, so that the file is not read after it is
// closed.
func (b *behaviour) stop() {
	if !b.started {
		close(b.job)
	}
	<-b.out
}

// errIrregular says that a streamed series is not regular (samples out of
// order or off the grid, NaN read, or empty): it is read whole instead.
var errIrregular = errors.New("not a regular series")

// seriesBlock is how many samples streamRows reads at a time.
var seriesBlock = 1 << 14 // a variable for the tests

// streamRows returns the series of sr on the rows of j, reading it a block
// at a time: first its times, which must place the samples on increasing
// bins (else errIrregular), then the samples the rows read, which must not
// be NaN (else errIrregular).
func streamRows(sr SeriesReader, j behJob) (*mat.Dense, error) {
	n, k := sr.Rows(), sr.Cols()
	if n == 0 || k == 0 {
		return nil, errIrregular
	}
	g, err := newRegular(k, j)
	if err != nil {
		return nil, err
	}
	// One buffer: a block of times first, then a block of samples and the
	// samples one row reads (at most its filter's span and the sample on
	// either side) kept from the block before.
	buf := buffers.Get((seriesBlock + j.order + 3) * k)
	defer buffers.Put(buf)
	invWidth := 1 / j.base.Width
	for start := 0; start < n; start += seriesBlock {
		times, err := sr.ReadTimes(start, min(seriesBlock, n-start), buf[:min(seriesBlock, n-start)])
		if err != nil {
			return nil, err
		}
		for _, t := range times {
			if !g.rs.addTime(t, j.base.Width, invWidth, j.base.Bins) {
				return nil, errIrregular
			}
		}
	}
	fetch := func(s0, s1 int) error {
		w1 := g.w0 + len(g.win)/k
		if s0 >= g.w0 && s1 <= w1 {
			return nil
		}
		keep := 0
		if s0 >= g.w0 && s0 < w1 {
			keep = w1 - s0
			copy(buf, g.win[(s0-g.w0)*k:])
		}
		from := s0 + keep
		c := min(len(buf)/k-keep, n-from)
		if from+c < s1 {
			return fmt.Errorf("internal error: samples %d…%d do not fit the buffer", s0, s1)
		}
		if c > 0 {
			dst := buf[keep*k : (keep+c)*k]
			d, err := sr.ReadData(from, c, dst)
			if err != nil {
				return err
			}
			if len(d) != len(dst) {
				return fmt.Errorf("%d values read for %d samples of %d channels", len(d), c, k)
			}
			if &d[0] != &dst[0] {
				copy(dst, d)
			}
		}
		g.w0, g.win = s0, buf[:(keep+c)*k]
		return nil
	}
	z := mat.NewDense(len(j.rows), k, nil)
	nan, err := g.rows(j.rows, z, fetch)
	if err != nil {
		return nil, err
	}
	if nan {
		return nil, errIrregular
	}
	return z, nil
}

// buffers holds streamRows' buffers, so that analysing file after file does
// not take fresh memory for each.
var buffers bufpool.Pool

// seriesRows returns the series data (one row a sample), sampled at times
// (s), on the rows of j.
func seriesRows(data *mat.Dense, times []float64, path string, j behJob) (*mat.Dense, error) {
	raw := data.RawMatrix()
	if raw.Rows != len(times) {
		return nil, fmt.Errorf("%s: %d samples but %d times", path, raw.Rows, len(times))
	}
	g, err := newRegular(raw.Cols, j)
	if err != nil {
		return nil, err
	}
	z := mat.NewDense(len(j.rows), raw.Cols, nil)
	invWidth := 1 / j.base.Width
	regular := len(times) > 0
	for _, t := range times {
		if regular = g.rs.addTime(t, j.base.Width, invWidth, j.base.Bins); !regular {
			break
		}
	}
	if regular {
		g.win = raw.Data[:len(times)*raw.Cols]
		if raw.Stride != raw.Cols {
			g.win = mat.DenseCopyOf(data).RawMatrix().Data
		}
		if nan, _ := g.rows(j.rows, z, nil); !nan {
			return z, nil
		}
	}
	bg, err := onGrid(raw, times, path, j)
	if err != nil {
		return nil, err
	}
	for r, i := range j.rows {
		bg.row(i, z.RawRowView(r))
	}
	return z, nil
}

// binOf returns the base bin of time t on a grid of bins bins of width
// width (invWidth = 1/width), the nearest one, as nlb_tools matches samples
// to its timestamps; −1 when t is off the grid (or NaN).
func binOf(t, width, invWidth float64, bins int) int {
	// round(t/width), as t·(1/width) unless that is within 1e-6 of a
	// half (it is off by far less everywhere).
	v := t * invWidth
	i := math.Round(v)
	if math.Abs(math.Abs(v-i)-0.5) < 1e-6 {
		i = math.Round(t / width)
	}
	if i >= 0 && i < float64(bins) {
		return int(i)
	}
	return -1
}

// runs holds the base bins of the samples of a series whose samples lie on
// increasing bins, as runs of samples on consecutive bins.
type runs struct {
	r []run
	n int // samples
}

// run says that samples s … s+n−1 lie on bins b … b+n−1.
type run struct{ s, b, n int }

// add appends the next sample, on bin b; it reports false, and adds
// nothing, when b is off the grid (−1) or not after the last sample's bin.
func (rs *runs) add(b int) bool {
	if b < 0 {
		return false
	}
	if k := len(rs.r); k > 0 {
		last := &rs.r[k-1]
		switch end := last.b + last.n; {
		case b < end:
			return false
		case b == end:
			last.n++
			rs.n++
			return true
		}
	}
	rs.r = append(rs.r, run{s: rs.n, b: b, n: 1})
	rs.n++
	return true
}

// addTime appends the next sample, at time t, on its base bin (binOf) as
// add does. A sample on the bin after the last sample's, the common case,
// is seen without rounding: more than 0.4999 bins from a half, binOf's
// nearest bin is that one.
func (rs *runs) addTime(t, width, invWidth float64, bins int) bool {
	if k := len(rs.r); k > 0 {
		last := &rs.r[k-1]
		if e := last.b + last.n; e < bins {
			if d := t*invWidth - float64(e); d > -0.4999 && d < 0.4999 {
				last.n++
				rs.n++
				return true
			}
		}
	}
	return rs.add(binOf(t, width, invWidth, bins))
}

// at returns the first run whose last bin is bin or later (len when none).
func (rs *runs) at(bin int) int {
	return sort.Search(len(rs.r), func(k int) bool { return rs.r[k].b+rs.r[k].n > bin })
}

// first returns the first sample on bin or later (n when none).
func (rs *runs) first(bin int) int {
	k := rs.at(bin)
	if k == len(rs.r) {
		return rs.n
	}
	if r := rs.r[k]; bin > r.b {
		return r.s + bin - r.b
	}
	return rs.r[k].s
}

// on reports whether a sample lies on bin.
func (rs *runs) on(bin int) bool {
	k := rs.at(bin)
	return k < len(rs.r) && bin >= rs.r[k].b
}

// regular is a series whose samples lie on increasing bins of the base
// grid, and the samples w0, w0+1, … of it that win holds (row-major, k
// values a sample).
type regular struct {
	rs       runs
	k        int // channels
	dec      *preprocess.Decimator
	baseBins int
	q        int // base bins per analysis bin
	w0       int
	win      []float64
	span     []float64 // scratch for the values of one filter span
}

func newRegular(k int, j behJob) (*regular, error) {
	dec, err := preprocess.NewDecimator(j.q, j.order)
	if err != nil {
		return nil, err
	}
	return &regular{k: k, dec: dec, baseBins: j.base.Bins, q: j.q}, nil
}

// samples returns the samples [s0, s1) that row reads for analysis row i:
// those on the bins of the filter's span and the nearest one on either side
// of it (the ends of the lines across gaps, or the sample held before the
// first or after the last).
func (g *regular) samples(i int) (s0, s1 int) {
	start, count := g.dec.Span(i, g.baseBins)
	return max(g.rs.first(start)-1, 0), min(g.rs.first(start+count)+1, g.rs.n)
}

// rows writes the series on the analysis-grid rows rows to z (row r of z
// for rows[r]), taking the rows in time order and calling fetch (when not
// nil) to have win hold the samples each reads. nan reports a NaN among
// those samples, where the base-grid columns would differ (z is then
// incomplete).
func (g *regular) rows(rows []int, z *mat.Dense, fetch func(s0, s1 int) error) (nan bool, err error) {
	order := make([]int, len(rows))
	for r := range order {
		order[r] = r
	}
	if !slices.IsSorted(rows) {
		slices.SortStableFunc(order, func(a, b int) int { return rows[a] - rows[b] })
	}
	checked := 0 // the samples before it that a row reads are not NaN
	for _, r := range order {
		i := rows[r]
		if g.rs.on(i * g.q) { // else row writes NaN and reads no sample
			s0, s1 := g.samples(i)
			if fetch != nil {
				if err := fetch(s0, s1); err != nil {
					return false, err
				}
			}
			if from := max(s0, checked); from < s1 {
				for _, v := range g.win[(from-g.w0)*g.k : (s1-g.w0)*g.k] {
					if v != v {
						return true, nil
					}
				}
			}
			checked = max(checked, s1)
		}
		g.row(i, z.RawRowView(r))
	}
	return false, nil
}

// row writes analysis row i, one value a channel, to dst: the values, bit
// for bit, that the base-grid columns give (TestRegularBehaviour), NaN when
// no sample lies on the bin's first base bin i·q. win must hold the samples
// samples(i) names.
func (g *regular) row(i int, dst []float64) {
	if !g.rs.on(i * g.q) {
		for j := range dst[:g.k] {
			dst[j] = math.NaN()
		}
		return
	}
	start, count := g.dec.Span(i, g.baseBins)
	rs, k := g.rs.r, g.k
	first := g.rs.at(start)
	if r := rs[first]; start >= r.b && start+count <= r.b+r.n {
		// The span lies on one run: its samples are consecutive rows
		// of win.
		off := (r.s + start - r.b - g.w0) * k
		for j := range dst[:k] {
			dst[j] = g.dec.AtStrided(g.win, off+j, k, i, g.baseBins)
		}
		return
	}
	if cap(g.span) < count {
		g.span = make([]float64, count)
	}
	xs := g.span[:count]
	val := func(s, j int) float64 { return g.win[(s-g.w0)*k+j] }
	for j := range dst[:k] {
		r, m := first, 0
		for m < count {
			bin := start + m
			switch {
			case r == len(rs): // after the last sample: held
				v := val(g.rs.n-1, j)
				for ; m < count; m++ {
					xs[m] = v
				}
			case bin >= rs[r].b: // on run r
				s := rs[r].s + bin - rs[r].b
				e := min(rs[r].b+rs[r].n, start+count)
				for ; bin < e; bin, m, s = bin+1, m+1, s+1 {
					xs[m] = val(s, j)
				}
				r++
			case r == 0: // before the first sample: held
				v := val(0, j)
				for e := min(rs[0].b, start+count); bin < e; bin, m = bin+1, m+1 {
					xs[m] = v
				}
			default: // between the last sample of run r−1 and the first of run r, as placeIncreasing fills it
				l, rb := rs[r-1].b+rs[r-1].n-1, rs[r].b
				lv, rv := val(rs[r].s-1, j), val(rs[r].s, j)
				for e := min(rb, start+count); bin < e; bin, m = bin+1, m+1 {
					f := float64(bin-l) / float64(rb-l)
					xs[m] = lv + f*(rv-lv)
				}
			}
		}
		dst[j] = g.dec.AtSpan(xs, i, g.baseBins)
	}
}

// onGrid puts a series (data, one row a sample, sampled at times in s) on
// base-grid columns, its gaps and NaN filled (fillLinear).
func onGrid(raw blas64.General, times []float64, path string, j behJob) (*behGrid, error) {
	dec, err := preprocess.NewDecimator(j.q, j.order)
	if err != nil {
		return nil, err
	}
	q, base := j.q, j.base
	// Samples are placed at their nearest base bin, as nlb_tools matches
	// them to its timestamps.
	pos := make([]int32, len(times))
	increasing := true
	invWidth := 1 / base.Width
	for s, t := range times {
		pos[s] = int32(binOf(t, base.Width, invWidth, base.Bins))
		increasing = increasing && pos[s] >= 0 && (s == 0 || pos[s] > pos[s-1])
	}
	if !increasing {
		// Samples placed by their times would hide a series written out of
		// order (or reversed): refused, as in the other NWB layouts.
		if first, n := backwards(times); n > 0 {
			return nil, backwardsError(path, times, first)
		}
	}
	g := &behGrid{cols: make([][]float64, raw.Cols), gap: make([][]bool, raw.Cols), dec: dec}
	for c := range g.cols {
		g.cols[c] = make([]float64, base.Bins)
		g.gap[c] = make([]bool, j.bins)
	}
	var placed []int
	if increasing {
		placed = placeIncreasing(g.cols, g.gap, q, pos, raw)
	} else {
		placed = make([]int, raw.Cols)
		par.For(raw.Cols, 0, func(c int) {
			col := g.cols[c]
			for i := range col {
				col[i] = math.NaN()
			}
			for s, i := range pos {
				if i >= 0 {
					col[i] = raw.Data[s*raw.Stride+c]
				}
			}
			missing := fillLinear(col)
			placed[c] = len(col) - countTrue(missing)
			for r := range g.gap[c] {
				g.gap[c][r] = missing[r*q]
			}
		}, nil)
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

// behGrid is a series on base-grid columns, its gaps filled: each channel
// decimated sample by sample when asked, NaN where the channel had no
// sample at the start of the bin.
type behGrid struct {
	cols [][]float64
	gap  [][]bool // gap[j][r]: channel j had no sample at the start of bin r
	dec  *preprocess.Decimator
}

// row writes analysis row i, one value a channel, to dst.
func (g *behGrid) row(i int, dst []float64) {
	for j, col := range g.cols {
		if g.gap[j][i] {
			dst[j] = math.NaN()
		} else {
			dst[j] = g.dec.At(col, i)
		}
	}
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
