package decode

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// Design is a view of the samples and features of an activity matrix X
// (T×N, row-major) and its behaviour z (T×K) that a fit uses. The view is
// read in place, a block of rows at a time: a subset of neurons or of
// samples is never copied whole, so the subsampling analyses cost no more
// memory than a few blocks per worker.
type Design struct {
	X, Z *mat.Dense
	// Rows lists the samples used (nil: all of X's rows) and Cols the
	// features (nil: all of X's columns); both in the order given.
	Rows, Cols []int
}

// Samples returns the number of samples of the view.
func (d Design) Samples() int {
	if d.Rows != nil {
		return len(d.Rows)
	}
	t, _ := d.X.Dims()
	return t
}

// Features returns the number of features (columns) of the view.
func (d Design) Features() int {
	if d.Cols != nil {
		return len(d.Cols)
	}
	_, n := d.X.Dims()
	return n
}

// Outputs returns the number of behaviour channels (0 without Z).
func (d Design) Outputs() int {
	if d.Z == nil {
		return 0
	}
	_, k := d.Z.Dims()
	return k
}

// check reports a view whose rows, columns or behaviour do not fit X.
func (d Design) check() error {
	t, n := d.X.Dims()
	if d.Z != nil {
		if tz, _ := d.Z.Dims(); tz != t {
			return fmt.Errorf("decode: %d samples of activity but %d of behaviour", t, tz)
		}
	}
	for _, r := range d.Rows {
		if r < 0 || r >= t {
			return fmt.Errorf("decode: sample %d outside 0…%d", r, t-1)
		}
	}
	for _, c := range d.Cols {
		if c < 0 || c >= n {
			return fmt.Errorf("decode: feature %d outside 0…%d", c, n-1)
		}
	}
	return nil
}

func (d Design) row(i int) int {
	if d.Rows != nil {
		return d.Rows[i]
	}
	return i
}

// columns returns the columns of X that the features at positions pos
// (nil: all) refer to.
func (d Design) columns(pos []int) []int {
	out := make([]int, 0, d.Features())
	if pos == nil {
		for j := 0; j < d.Features(); j++ {
			out = append(out, d.col(j))
		}
		return out
	}
	for _, j := range pos {
		out = append(out, d.col(j))
	}
	return out
}

func (d Design) col(j int) int {
	if d.Cols != nil {
		return d.Cols[j]
	}
	return j
}

// gather copies samples [lo, hi) of the view, columns cols of X, minus
// shift (one per column; nil for none), into dst (row-major, stride
// len(cols)).
func (d Design) gather(lo, hi int, cols []int, shift, dst []float64) {
	p := len(cols)
	raw := d.X.RawMatrix()
	whole := identity(cols)
	for i := lo; i < hi; i++ {
		src := raw.Data[d.row(i)*raw.Stride:]
		out := dst[(i-lo)*p : (i-lo+1)*p]
		if whole {
			// Every column in order: no index to follow.
			src = src[:p]
			if shift == nil {
				copy(out, src)
				continue
			}
			for c, v := range src {
				out[c] = v - shift[c]
			}
			continue
		}
		if shift == nil {
			for c, j := range cols {
				out[c] = src[j]
			}
			continue
		}
		for c, j := range cols {
			out[c] = src[j] - shift[c]
		}
	}
}

// identity reports whether cols is 0, 1, …, len(cols)−1.
func identity(cols []int) bool {
	for c, j := range cols {
		if c != j {
			return false
		}
	}
	return true
}

// gatherZ copies samples [lo, hi) of the behaviour minus mean into dst.
func (d Design) gatherZ(lo, hi int, mean, dst []float64) {
	k := len(mean)
	for i := lo; i < hi; i++ {
		src := d.Z.RawRowView(d.row(i))
		out := dst[(i-lo)*k : (i-lo+1)*k]
		for o, v := range src {
			out[o] = v - mean[o]
		}
	}
}

// Materialise returns copies of the view's activity and behaviour as
// matrices of their own.
func (d Design) Materialise() (x, z *mat.Dense) {
	t, n, k := d.Samples(), d.Features(), d.Outputs()
	x = mat.NewDense(t, n, nil)
	d.gather(0, t, d.columns(nil), nil, x.RawMatrix().Data)
	if k > 0 {
		z = mat.NewDense(t, k, nil)
		d.gatherZ(0, t, make([]float64, k), z.RawMatrix().Data)
	}
	return x, z
}

// Moments are what a fit needs from a design besides passes over its rows:
// the column means, the constant columns, the centred Gram matrix XcᵀXc and
// the cross products Xcᵀzc and zcᵀzc (Xc, zc centred over the samples).
// The moments of a subset of the features are sub-blocks of these (Sub):
// the neuron-subsampling fits never recompute a Gram matrix.
type Moments struct {
	Samples, Features, Outputs int
	// Mean holds the column means of X (for a constant column its value
	// exactly, so that centring makes it exactly zero) and Constant the
	// positions of the constant columns, in order.
	Mean     []float64
	Constant []int
	// ZMean holds the means of the outputs.
	ZMean []float64

	// xx is XcᵀXc (Features×Features, row-major, both triangles), xz is
	// Xcᵀzc (Features×Outputs) and zz the sums of squares of zc. Moments
	// from Sub read xx from their parent at positions pos.
	xx, xz, zz []float64
	parent     *Moments
	pos        []int
}

// gram returns (XcᵀXc)ᵢⱼ.
func (m *Moments) gram(i, j int) float64 {
	if m.parent != nil {
		return m.parent.gram(m.pos[i], m.pos[j])
	}
	return m.xx[i*m.Features+j]
}

// Row blocks. chunkRows rows are gathered and multiplied at a time (few
// enough for the products to run on one goroutine); the rows are cut into
// segments of segmentRows, which workers take in parallel and whose partial
// sums are added in segment order, so that no result depends on the number
// of workers.
const (
	chunkRows   = 256
	segmentRows = 4096
)

// NewMoments computes the moments of a design in two passes over its rows,
// on up to workers goroutines (0: GOMAXPROCS). The result does not depend
// on workers.
func NewMoments(d Design, workers int) (*Moments, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	t, n, k := d.Samples(), d.Features(), d.Outputs()
	if t == 0 {
		return nil, fmt.Errorf("decode: no samples")
	}
	m := &Moments{Samples: t, Features: n, Outputs: k}
	cols := d.columns(nil)
	m.Mean, m.Constant = columnStats(d, cols, workers)
	m.ZMean = make([]float64, k)
	for i := 0; i < t && k > 0; i++ {
		for o, v := range d.Z.RawRowView(d.row(i)) {
			m.ZMean[o] += v
		}
	}
	for o := range m.ZMean {
		m.ZMean[o] /= float64(t)
	}
	m.xx, m.xz, m.zz = products(d, cols, m.Mean, m.ZMean, workers)
	return m, nil
}

// products returns XsᵀXs (full, row-major), Xsᵀzc and the sums of squares
// of zc over the design's samples, for Xs the columns cols of X minus shift
// (nil: none) and zc the behaviour minus zmean (len(zmean) outputs; none
// when it is empty).
func products(d Design, cols []int, shift, zmean []float64, workers int) (xx, xz, zz []float64) {
	t, n, k := d.Samples(), len(cols), len(zmean)
	type part struct{ xx, xz, zz []float64 }
	segments := (t + segmentRows - 1) / segmentRows
	inPlace := d.Rows == nil && identity(cols)
	var total part
	ordered(segments, workers, func(s int) part {
		p := part{make([]float64, n*n), make([]float64, n*k), make([]float64, k)}
		xb := make([]float64, chunkRows*n)
		zb := make([]float64, chunkRows*k)
		tmp := make([]float64, n*n)
		for lo := s * segmentRows; lo < min((s+1)*segmentRows, t); lo += chunkRows {
			hi := min(lo+chunkRows, t, (s+1)*segmentRows)
			b := hi - lo
			if !inPlace || k > 0 {
				d.gather(lo, hi, cols, shift, xb)
			}
			if inPlace {
				// Every sample and column: the product reads X
				// itself, shifted as it packs.
				raw := d.X.RawMatrix()
				linalg.Syrk(n, b, raw.Data[lo*raw.Stride:], raw.Stride, shift, tmp, n)
			} else {
				linalg.Syrk(n, b, xb, n, nil, tmp, n)
			}
			for i := 0; i < n; i++ {
				row, add := p.xx[i*n:(i+1)*n], tmp[i*n:(i+1)*n]
				for j := i; j < n; j++ {
					row[j] += add[j]
				}
			}
			if k > 0 {
				d.gatherZ(lo, hi, zmean, zb)
				linalg.Gemm(true, false, n, k, b, xb, n, zb, k, 1, p.xz, k)
				for i, v := range zb[:b*k] {
					p.zz[i%k] += v * v
				}
			}
		}
		return p
	}, func(s int, p part) {
		if s == 0 {
			total = p
			return
		}
		addTo(total.xx, p.xx)
		addTo(total.xz, p.xz)
		addTo(total.zz, p.zz)
	})
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			total.xx[i*n+j] = total.xx[j*n+i]
		}
	}
	return total.xx, total.xz, total.zz
}

// columnStats returns the means of the columns cols over the design's
// samples and the positions of the constant ones (see linalg.ColumnStats),
// summing segments of samples on up to workers goroutines.
func columnStats(d Design, cols []int, workers int) (mean []float64, constant []int) {
	t, n := d.Samples(), len(cols)
	first := make([]float64, n)
	d.gather(0, 1, cols, nil, first)
	type part struct {
		sum    []float64
		varies []bool
	}
	var total part
	raw := d.X.RawMatrix()
	ordered((t+segmentRows-1)/segmentRows, workers, func(s int) part {
		p := part{make([]float64, n), make([]bool, n)}
		whole := identity(cols)
		for i := s * segmentRows; i < min((s+1)*segmentRows, t); i++ {
			src := raw.Data[d.row(i)*raw.Stride:]
			if whole {
				for c, v := range src[:n] {
					p.sum[c] += v
					if v != first[c] {
						p.varies[c] = true
					}
				}
				continue
			}
			for c, j := range cols {
				v := src[j]
				p.sum[c] += v
				if v != first[c] {
					p.varies[c] = true
				}
			}
		}
		return p
	}, func(s int, p part) {
		if s == 0 {
			total = p
			return
		}
		addTo(total.sum, p.sum)
		for c, v := range p.varies {
			total.varies[c] = total.varies[c] || v
		}
	})
	mean = total.sum
	for c := range mean {
		mean[c] /= float64(t)
		if !total.varies[c] {
			constant = append(constant, c)
			mean[c] = first[c]
		}
	}
	return mean, constant
}

func addTo(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}

// Sub returns the moments of the features at positions pos (a subset, in
// the order given): those NewMoments computes on the design restricted to
// them. The Gram matrix is not copied: the subset reads m's.
func (m *Moments) Sub(pos []int) *Moments {
	n, k := len(pos), m.Outputs
	s := &Moments{Samples: m.Samples, Features: n, Outputs: k, ZMean: m.ZMean, zz: m.zz, parent: m, pos: pos}
	s.Mean = make([]float64, n)
	s.xz = make([]float64, n*k)
	constant := make(map[int]bool, len(m.Constant))
	for _, c := range m.Constant {
		constant[c] = true
	}
	for a, i := range pos {
		s.Mean[a] = m.Mean[i]
		if constant[i] {
			s.Constant = append(s.Constant, a)
		}
		copy(s.xz[a*k:(a+1)*k], m.xz[i*k:(i+1)*k])
	}
	return s
}

// ordered runs work(i) for i in [0, n) on up to workers goroutines (0:
// GOMAXPROCS) and hands each result to reduce in increasing i, on the
// calling goroutine. At most 2·workers results wait to be reduced.
func ordered[R any](n, workers int, work func(i int) R, reduce func(i int, r R)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			reduce(i, work(i))
		}
		return
	}
	type result struct {
		i int
		r R
	}
	var (
		wg      sync.WaitGroup
		next    = make(chan int)
		results = make(chan result, workers)
		tokens  = make(chan struct{}, 2*workers)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results <- result{i, work(i)}
			}
		}()
	}
	go func() {
		for i := 0; i < n; i++ {
			tokens <- struct{}{}
			next <- i
		}
		close(next)
		wg.Wait()
		close(results)
	}()
	pending := make(map[int]R)
	want := 0
	for res := range results {
		pending[res.i] = res.r
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			reduce(want, r)
			<-tokens
			want++
		}
	}
}
