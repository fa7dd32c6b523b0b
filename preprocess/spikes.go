package preprocess

import (
	"fmt"
	"math"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Spike-time steps (METHODS.md §2). Each matches a named reference call:
// nlb_tools' binning and resampling (Binner), scipy.signal.windows.gaussian
// with numpy.convolve(…, 'same') (GaussianKernel, SmoothColumn, SmoothAt),
// and scipy.signal.decimate(x, q, n, ftype='fir') (Decimate, Decimator).

// Grid is a regular time grid: bin i covers [T0 + i·Width, T0 + (i+1)·Width)
// seconds.
type Grid struct {
	T0, Width float64
	Bins      int
}

// Start returns the start time of bin i.
func (g Grid) Start(i int) float64 { return g.T0 + float64(i)*g.Width }

// Index returns the bin holding time t as nlb_tools computes it:
// int(round((t − T0)/Width, 6)), truncating toward zero after rounding to
// six decimals so that a spike at 0.0449999999 s on a 1 ms grid counts in
// bin 45 as it does there. It can be outside [0, Bins).
func (g Grid) Index(t float64) int {
	q := (t - g.T0) / g.Width
	return int(roundDecimals(q, 6))
}

// roundDecimals rounds half to even at the given number of decimals, as
// numpy.round does.
func roundDecimals(x float64, d int) float64 {
	var p float64
	if d >= 0 && d < len(pow10) {
		p = pow10[d] // math.Pow(10, d), exactly, without its cost per spike
	} else {
		p = math.Pow(10, float64(d))
	}
	return math.RoundToEven(x*p) / p
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// GaussianKernel returns the smoothing kernel for a Gaussian of sd sigma on
// bins of width width (same unit): s = int(round(sigma/width)) bins and
// scipy.signal.windows.gaussian(6·s, s, sym=True) normalised to sum 1, as the
// paper and nlb_tools do. For sigma = width it has 6 taps. A kernel whose
// taps would take more memory than one input may (inputfile.CheckSize) is
// an error wrapping inputfile.ErrTooLarge.
func GaussianKernel(sigma, width float64) ([]float64, error) {
	q := math.RoundToEven(sigma / width) // Python's round is half-to-even
	if !(q >= 1) {
		return nil, fmt.Errorf("preprocess: Gaussian sd %g is under half a bin of %g: no smoothing kernel", sigma, width)
	}
	if need := 6 * 8 * q; !(need < math.MaxInt64/2) {
		return nil, fmt.Errorf("preprocess: Gaussian sd %g on bins of %g: a kernel of %g taps %w", sigma, width, 6*q, inputfile.CheckSize(-1))
	} else if err := inputfile.CheckSize(int64(need)); err != nil {
		return nil, fmt.Errorf("preprocess: Gaussian sd %g on bins of %g: a kernel of %g taps %w", sigma, width, 6*q, err)
	}
	s := int(q)
	m := 6 * s
	w := make([]float64, m)
	var sum float64
	for i := range w {
		n := float64(i) - float64(m-1)/2
		w[i] = math.Exp(-n * n / (2 * float64(s) * float64(s)))
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w, nil
}

// SmoothColumn writes numpy.convolve(x, kernel, 'same') to dst (len(x)
// values): dst[i] = Σ_k kernel[k]·x[i + (m−1)/2 − k] over the k that land
// inside x, m = len(kernel), summed in the order of k. A series shorter
// than the kernel is an error: numpy would return more samples than it was
// given.
func SmoothColumn(dst, x, kernel []float64) error {
	m, l := len(kernel), len(x)
	if l < m {
		return fmt.Errorf("preprocess: a segment of %d bins is shorter than the %d-bin smoothing kernel", l, m)
	}
	dst = dst[:l]
	shift := (m - 1) / 2
	// For lo ≤ i < hi every k lands inside x.
	lo, hi := m-1-shift, l-shift
	for i := 0; i < lo; i++ {
		dst[i] = SmoothAt(x, i, kernel)
	}
	for i := lo; i < hi; i++ {
		win := x[i+shift-m+1 : i+shift+1]
		var acc float64
		for k, w := range kernel {
			acc += w * win[m-1-k]
		}
		dst[i] = acc
	}
	for i := max(hi, lo); i < l; i++ {
		dst[i] = SmoothAt(x, i, kernel)
	}
	return nil
}

// SmoothAt returns element i of numpy.convolve(x, kernel, 'same'), as
// SmoothColumn computes it (the same sums in the same order, so the same
// bits), for callers that need some elements only; x may hold counts.
func SmoothAt[T uint16 | float64](x []T, i int, kernel []float64) float64 {
	shift := (len(kernel) - 1) / 2
	if len(kernel) == 6 && i >= 3 && i+2 < len(x) {
		// σ = bin width: all six taps inside, the same sums unrolled.
		w := x[i-3 : i+3]
		var acc float64
		acc += kernel[0] * float64(w[5])
		acc += kernel[1] * float64(w[4])
		acc += kernel[2] * float64(w[3])
		acc += kernel[3] * float64(w[2])
		acc += kernel[4] * float64(w[1])
		acc += kernel[5] * float64(w[0])
		return acc
	}
	var acc float64
	for k, w := range kernel {
		if src := i + shift - k; src >= 0 && src < len(x) {
			acc += w * float64(x[src])
		}
	}
	return acc
}

// SmoothRange writes elements from … to−1 of numpy.convolve(x, kernel,
// 'same'), each times scale, to dst[0], dst[stride], dst[2·stride], …:
// SmoothAt's values (the same sums in the same order, so the same bits)
// for a run of elements, as a column of a row-major matrix.
func SmoothRange[T uint16 | float64](dst []float64, stride int, x []T, from, to int, kernel []float64, scale float64) {
	m := len(kernel)
	shift := (m - 1) / 2
	// For lo ≤ i < hi every tap lands inside x.
	lo, hi := max(from, m-1-shift), min(to, len(x)-shift)
	o := 0
	for i := from; i < min(lo, to); i, o = i+1, o+stride {
		dst[o] = SmoothAt(x, i, kernel) * scale
	}
	if m == 6 && lo < hi {
		// σ = bin width: SmoothAt's unrolled sums.
		k0, k1, k2, k3, k4, k5 := kernel[0], kernel[1], kernel[2], kernel[3], kernel[4], kernel[5]
		_ = dst[o+(hi-lo-1)*stride]
		for i := lo; i < hi; i, o = i+1, o+stride {
			w := x[i-3 : i+3 : i+3]
			var acc float64
			acc += k0 * float64(w[5])
			acc += k1 * float64(w[4])
			acc += k2 * float64(w[3])
			acc += k3 * float64(w[2])
			acc += k4 * float64(w[1])
			acc += k5 * float64(w[0])
			dst[o] = acc * scale
		}
	} else {
		for i := lo; i < hi; i, o = i+1, o+stride {
			var acc float64
			for k, w := range kernel {
				acc += w * float64(x[i+shift-k])
			}
			dst[o] = acc * scale
		}
	}
	for i := max(hi, lo); i < to; i, o = i+1, o+stride {
		dst[o] = SmoothAt(x, i, kernel) * scale
	}
}

// FIRLowpass returns scipy.signal.firwin(taps, cutoff, window='hamming'):
// a windowed-sinc low-pass filter with cutoff relative to Nyquist, scaled
// to unit gain at zero frequency.
func FIRLowpass(taps int, cutoff float64) []float64 {
	h := make([]float64, taps)
	alpha := 0.5 * float64(taps-1)
	var sum float64
	for i := range h {
		m := float64(i) - alpha
		h[i] = cutoff * sinc(cutoff*m)
		// scipy's symmetric Hamming window (general_cosine):
		// 0.54 + 0.46·cos(φ) with φ from numpy.linspace(−π, π, taps).
		phi := -math.Pi + float64(i)*(2*math.Pi/float64(taps-1))
		if i == taps-1 {
			phi = math.Pi
		}
		h[i] *= 0.54 + 0.46*math.Cos(phi)
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// Decimate keeps every q-th sample of x after an anti-aliasing low-pass
// filter, as scipy.signal.decimate(x, q, n, ftype='fir') does (zero phase,
// through resample_poly): with b = firwin(n+1, 1/q, window='hamming') and n
// even, y[k] = Σᵢ b[i]·x[q·k + n/2 − i], x taken as zero outside its range,
// for k = 0 … ceil(len(x)/q) − 1. The paper uses n = 500.
func Decimate(x []float64, q, n int) ([]float64, error) {
	d, err := NewDecimator(q, n)
	if err != nil {
		return nil, err
	}
	if q == 1 {
		return append([]float64(nil), x...), nil
	}
	out := make([]float64, d.Len(len(x)))
	for k := range out {
		out[k] = d.At(x, k)
	}
	return out, nil
}

// Decimator computes single samples of Decimate's output, for code that
// needs only some of them.
type Decimator struct {
	q, n int
	r    []float64 // the filter reversed
}

// NewDecimator returns the decimator of Decimate(·, q, n).
func NewDecimator(q, n int) (*Decimator, error) {
	if q < 1 || n < 2 || n%2 != 0 {
		return nil, fmt.Errorf("preprocess: decimate needs q ≥ 1 and an even filter order n ≥ 2, got q = %d, n = %d", q, n)
	}
	d := &Decimator{q: q, n: n}
	if q > 1 {
		b := FIRLowpass(n+1, 1/float64(q))
		// Reversed, the filter runs forward along x: y[k] = Σⱼ r[j]·x[c−n+j]
		// with r[j] = b[n−j], j = n−i.
		d.r = make([]float64, n+1)
		for i, v := range b {
			d.r[n-i] = v
		}
	}
	return d, nil
}

// Len returns the length of the decimated series of n samples.
func (d *Decimator) Len(n int) int { return (n + d.q - 1) / d.q }

// At returns sample k of Decimate(x, q, n); 0 ≤ k < Len(len(x)).
func (d *Decimator) At(x []float64, k int) float64 {
	if d.q == 1 {
		return x[k]
	}
	rs, start := d.span(k, len(x))
	return taps(rs, x[start:start+len(rs)])
}

// Span returns the samples x[start], …, x[start+count−1] that sample k of
// the decimation of a series of length n reads (the others lie outside
// the filter).
func (d *Decimator) Span(k, n int) (start, count int) {
	if d.q == 1 {
		return k, 1
	}
	rs, start := d.span(k, n)
	return start, len(rs)
}

// AtSpan returns At(x, k) for a series x of length n from xs, the samples
// of x that Span(k, n) names: the same value, bit for bit, for callers
// that do not hold the whole series.
func (d *Decimator) AtSpan(xs []float64, k, n int) float64 {
	if d.q == 1 {
		return xs[0]
	}
	rs, _ := d.span(k, n)
	return taps(rs, xs[:len(rs)])
}

// AtStrided returns At(x, k) for a series x of length n whose samples the
// Span(k, n) names are xs[off], xs[off+stride], … (one channel of samples
// stored row by row): the same value, bit for bit.
func (d *Decimator) AtStrided(xs []float64, off, stride, k, n int) float64 {
	if d.q == 1 {
		return xs[off]
	}
	rs, _ := d.span(k, n)
	_ = xs[off+(len(rs)-1)*stride] // one bounds check
	var a0, a1, a2, a3 float64
	j, i := 0, off
	for ; j+4 <= len(rs); j, i = j+4, i+4*stride {
		a0 += rs[j] * xs[i]
		a1 += rs[j+1] * xs[i+stride]
		a2 += rs[j+2] * xs[i+2*stride]
		a3 += rs[j+3] * xs[i+3*stride]
	}
	for ; j < len(rs); j, i = j+1, i+stride {
		a0 += rs[j] * xs[i]
	}
	return (a0 + a1) + (a2 + a3)
}

// span returns the reversed taps that sample k of a series of length len
// applies, and the index of x the first of them multiplies.
func (d *Decimator) span(k, length int) (rs []float64, start int) {
	n := d.n
	c := d.q*k + n/2
	lo, hi := max(0, c-length+1), min(n, c) // the range of i
	// j = n−i runs from n−hi to n−lo, the index of x from c−hi to c−lo.
	return d.r[n-hi : n-lo+1], c - hi
}

// taps returns Σ rs[j]·xs[j] in the order At has always used (and
// AtStrided uses).
func taps(rs, xs []float64) float64 {
	xs = xs[:len(rs)]
	// Four partial sums break the chain of dependent additions.
	var a0, a1, a2, a3 float64
	j := 0
	for ; j+4 <= len(rs); j += 4 {
		a0 += rs[j] * xs[j]
		a1 += rs[j+1] * xs[j+1]
		a2 += rs[j+2] * xs[j+2]
		a3 += rs[j+3] * xs[j+3]
	}
	for ; j < len(rs); j++ {
		a0 += rs[j] * xs[j]
	}
	return (a0 + a1) + (a2 + a3)
}
