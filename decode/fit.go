package decode

import (
	"errors"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/bufpool"
	"github.com/oblique-neuro/oblique/internal/linalg"
)

// FitOptions configure FitDesign.
type FitOptions struct {
	// Path asks for the fitting-dimension curve (Fit.Path), k = 1…Rank.
	Path bool
	// PathUntil, when positive, ends the curve at the first k whose R²
	// exceeds PathUntil·R² (the relative rule of the fitting dimension,
	// METHODS.md §4), for fits that only need that k.
	PathUntil float64
	// Given is a decoder (outputs × features) whose ρ is wanted too, or nil.
	Given *mat.Dense
	// Workers is the number of goroutines for the passes over the samples
	// (0: GOMAXPROCS). The results do not depend on it.
	Workers int
}

// Fit is the decoder of a design with what the regime measures need.
type Fit struct {
	// Decomposition is the PCA of the design's activity. For designs
	// with more samples than features its scores are not stored; Scores
	// computes them.
	*Decomposition
	// Model is the cross-validated ridge decoder on all features and R2
	// its in-sample R².
	Model *Model
	R2    float64
	// Rho is ρ = ‖Xc·Wᵀ‖_F / (‖Xc‖_F·‖W‖_F) of the centred activity and
	// the fitted decoder; RhoGiven the same for FitOptions.Given (NaN
	// without one). Either is 0 when a norm is 0.
	Rho, RhoGiven float64
	// Path is the fit from the first k components, k = 1…Rank, when asked.
	Path []PathPoint
}

// FitDesign decomposes the design, fits the decoder of its behaviour and
// computes ρ (and the fitting-dimension curve when asked). m holds the
// design's moments or is nil.
//
// With efficient leave-one-out and more samples than features (the usual
// shape of a recording) the design is never copied: the decomposition comes
// from the Gram matrix in m (the eigenproblem of a features × features
// matrix), and the scores, the leave-one-out errors of every α, the
// in-sample residuals and the curve are accumulated in one pass over blocks
// of samples. Otherwise (fewer samples than features, or K-fold
// cross-validation) the view is copied and fitted whole.
func (cv CV) FitDesign(d Design, m *Moments, o FitOptions) (*Fit, error) {
	if err := cv.Validate(); err != nil {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	t, n := d.Samples(), d.Features()
	switch {
	case n == 0:
		return nil, errors.New("decode: no features")
	case d.Outputs() == 0:
		return nil, errors.New("decode: no behaviour to decode")
	case t < cv.MinSamples():
		return nil, errTooFew(t, cv.MinSamples())
	}
	if t <= n || cv.Folds >= 2 {
		return cv.fitCopy(d, o)
	}
	if m == nil {
		var err error
		if m, err = NewMoments(d, o.Workers); err != nil {
			return nil, err
		}
	}
	alphas := cv.alphas()
	dec, err := decomposeMoments(d, m, minOf(alphas))
	if err != nil {
		return nil, err
	}
	tg := &targets{z: d.Z, mean: m.ZMean, c: dec.project(m.xz, m.Outputs), zz: m.zz}
	return dec.fitStream(tg, alphas, o), nil
}

// fitStream is the leave-one-out fit of a decomposition that keeps its
// design, from passes over the samples (stream): one for the fit on every
// component and the curve's first window, and, when the curve is to stop
// at the fitting dimension (FitOptions.PathUntil) and has not reached it
// yet, one per further window, each twice as wide.
func (d *Decomposition) fitStream(tg *targets, alphas []float64, o FitOptions) *Fit {
	r := d.Rank()
	kmax := 0
	if o.Path {
		kmax = r
	}
	ps := pass{full: true, given: o.Given, k1: kmax}
	if o.PathUntil > 0 {
		ps.k1 = min(kmax, firstWindow)
	}
	acc := d.stream(tg, alphas, ps, o.Workers)
	t, na, k := d.Samples, len(alphas), len(tg.mean)
	scores := make([]float64, na)
	for a := range alphas {
		scores[a] = -acc.loo[a] / float64(t*k)
	}
	best := argmax(scores)
	model := d.model(tg, alphas[best], r)
	model.Alphas, model.Scores = alphas, scores
	f := &Fit{Decomposition: d, Model: model, RhoGiven: math.NaN()}
	f.R2 = meanR2(acc.res[best*k:(best+1)*k], tg.zz)
	// ‖Xc‖² is the sum of the eigenvalues (the trace of XcᵀXc).
	nx2 := d.Total()
	f.Rho = ratio(acc.fit2[best], nx2, model.Coef)
	if o.Given != nil {
		f.RhoGiven = ratio(acc.given2, nx2, o.Given)
	}
	for {
		for j := ps.k0; j < ps.k1; j++ {
			for a := range alphas {
				scores[a] = -acc.path[(j-ps.k0)*na+a] / float64(t*k)
			}
			b := argmax(scores)
			i := ((j-ps.k0)*na + b) * k
			pt := PathPoint{K: j + 1, Alpha: alphas[b], R2: meanR2(acc.pres[i:i+k], tg.zz)}
			f.Path = append(f.Path, pt)
			if o.PathUntil > 0 && pt.R2 > o.PathUntil*f.R2 {
				return f
			}
		}
		if ps.k1 >= kmax {
			return f
		}
		ps = pass{k0: ps.k1, k1: min(kmax, 2*ps.k1)}
		acc = d.stream(tg, alphas, ps, o.Workers)
	}
}

// firstWindow is the number of components in the curve's first pass when
// it stops at the fitting dimension (a variable for the tests).
var firstWindow = 32

// fitCopy is FitDesign on a copy of the view: the dual (samples ≤ features)
// and K-fold decoders work on whole matrices.
func (cv CV) fitCopy(d Design, o FitOptions) (*Fit, error) {
	x, z := d.Materialise()
	dec, err := Decompose(x)
	if err != nil {
		return nil, err
	}
	model, err := cv.FitDecomposed(x, dec, z)
	if err != nil {
		return nil, err
	}
	f := &Fit{Decomposition: dec, Model: model, R2: model.Score(x, z), RhoGiven: math.NaN()}
	xc, _, _ := linalg.CentredCopy(x)
	f.Rho = Rho(xc, model.Coef)
	if o.Given != nil {
		f.RhoGiven = Rho(xc, o.Given)
	}
	if o.Path {
		if f.Path, err = cv.Path(dec, z, dec.Rank()); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Rho is the correlation between activity and decoder in its experimental
// form, ρ = ‖X·Wᵀ‖_F / (‖X‖_F·‖W‖_F), for X (T×N) centred over samples and W
// the decoder (K×N). It is zero when either norm is zero.
func Rho(x, w mat.Matrix) float64 {
	nx, nw := mat.Norm(x, 2), mat.Norm(w, 2)
	if nx == 0 || nw == 0 {
		return 0
	}
	var p mat.Dense
	p.Mul(x, w.T())
	return mat.Norm(&p, 2) / (nx * nw)
}

// ratio is ρ from ‖Xc·Wᵀ‖² = xw2 and ‖Xc‖² = x2.
func ratio(xw2, x2 float64, w mat.Matrix) float64 {
	nw := mat.Norm(w, 2)
	if x2 == 0 || nw == 0 {
		return 0
	}
	return math.Sqrt(xw2) / (math.Sqrt(x2) * nw)
}

func meanR2(res, tot []float64) float64 {
	var s float64
	for o := range res {
		s += r2(res[o], tot[o])
	}
	return s / float64(len(res))
}

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = min(m, x)
	}
	return m
}

// accum holds the sums over samples that one pass accumulates.
type accum struct {
	loo  []float64 // per α: Σ squared leave-one-out errors
	res  []float64 // per α and output: Σ squared residuals
	fit2 []float64 // per α: ‖Xc·Wᵀ‖² = Σ squared predictions
	// given2 is ‖Xc·Givenᵀ‖².
	given2 float64
	// path and pres are loo and res of the fit from the first k
	// components, [k−k0−1][α] and [k−k0−1][α][output], for k in the
	// window (k0, k1].
	path, pres []float64
}

func newAccum(alphas, outputs, window int) *accum {
	return &accum{
		loo: make([]float64, alphas), res: make([]float64, alphas*outputs), fit2: make([]float64, alphas),
		path: make([]float64, window*alphas), pres: make([]float64, window*alphas*outputs),
	}
}

func (a *accum) add(b *accum) {
	addTo(a.loo, b.loo)
	addTo(a.res, b.res)
	addTo(a.fit2, b.fit2)
	a.given2 += b.given2
	addTo(a.path, b.path)
	addTo(a.pres, b.pres)
}

// pass says what one pass over the samples accumulates: the fit on every
// component (full, with given's ρ if not nil) and the curve for k in
// (k0, k1].
type pass struct {
	full   bool
	given  *mat.Dense
	k0, k1 int
}

// stream makes one pass over the samples of the decomposition's design and
// accumulates, for every α of the grid, the leave-one-out errors of
// scikit-learn's _RidgeGCV: with H the hat matrix of the ridge fit with an
// unpenalised intercept, the error of sample i is (zᵢ − ẑᵢ)/(1 − Hᵢᵢ), with
// Hᵢᵢ = 1/T + Σⱼ Sᵢⱼ²/(λⱼ+α) and ẑᵢ = Σⱼ Sᵢⱼ·cⱼ/(λⱼ+α) (S the scores, c =
// Sᵀzc). For a block of samples, Sᵀ comes from one product with the axes
// and the whole grid from two more: Mᵀ·(S∘S)ᵀ and Bᵀ·Sᵀ with M[j,a] =
// 1/(λⱼ+αₐ) and B[j, a·K+o] = c[j,o]/(λⱼ+αₐ).
//
// The curve adds the fits from the first k components. Their columns are
// orthogonal, so adding component k adds one term to every prediction and
// every hat-matrix diagonal; a window (k0, k1] starts from the sums over
// the first k0 components, two more products.
func (d *Decomposition) stream(tg *targets, alphas []float64, ps pass, workers int) *accum {
	t, r, p := d.Samples, d.Rank(), len(d.cols)
	_, k := tg.c.Dims()
	na := len(alphas)
	// Scores are needed up to component r for the full fit, else k1.
	rs := r
	if !ps.full {
		rs = ps.k1
	}
	m := gridFactors(d.Lambda, alphas)
	b := make([]float64, r*na*k)
	for j := 0; j < r; j++ {
		for a := range alphas {
			for o := 0; o < k; o++ {
				b[(j*na+a)*k+o] = tg.c.At(j, o) * m[j*na+a]
			}
		}
	}
	c := tg.c.RawMatrix().Data
	var gt []float64 // Givenᵀ on the varying features, p×K'
	kg := 0
	if ps.given != nil {
		kg, _ = ps.given.Dims()
		gt = make([]float64, p*kg)
		for a, j := range d.keep {
			for o := 0; o < kg; o++ {
				gt[a*kg+o] = ps.given.At(o, j)
			}
		}
	}
	design := d.src
	design.Z = tg.z
	inv := 1 / float64(t)
	window := ps.k1 - ps.k0
	segments := (t + segmentRows - 1) / segmentRows
	var total *accum
	ordered(segments, workers, func(s int) *accum {
		acc := newAccum(na, k, window)
		// The fixed operands packed once per segment for the products
		// with blocks of samples (linalg.PackedB: the block is read in
		// place, on this goroutine).
		pk := packPool.Get().(*packs)
		defer packPool.Put(pk)
		pk.w.Pack(false, p, rs, d.w, r)
		ls := pk.w.Stride()
		var lh, lz, lg int
		if ps.full {
			pk.m.Pack(false, r, na, m, na)
			pk.b.Pack(false, r, na*k, b, na*k)
			lh, lz = pk.m.Stride(), pk.b.Stride()
		}
		if window > 0 && ps.k0 > 0 {
			pk.m0.Pack(false, ps.k0, na, m, na)
			pk.b0.Pack(false, ps.k0, na*k, b, na*k)
			lh, lz = pk.m0.Stride(), pk.b0.Stride()
		}
		if ps.given != nil {
			pk.g.Pack(false, p, kg, gt, kg)
			lg = pk.g.Stride()
		}
		const n = chunkRows
		orig := bufs.Get(n * (p + 2*k + 2*ls + lh + lz + lg + na + na*k))
		buf := orig
		take := func(size int) []float64 {
			out := buf[:size:size]
			buf = buf[size:]
			return out
		}
		xb, zb, zct, sb, sq := take(n*p), take(n*k), take(n*k), take(n*ls), take(n*ls)
		hb, zh, gb := take(n*lh), take(n*lz), take(n*lg)
		ht, zt := take(n*na), take(n*na*k)
		for lo := s * segmentRows; lo < min((s+1)*segmentRows, t); lo += n {
			hi := min(lo+n, t, (s+1)*segmentRows)
			rows := hi - lo
			design.gather(lo, hi, d.cols, d.keepMean, xb)
			design.gatherZ(lo, hi, tg.mean, zb)
			// S = Xc·W (its first rs columns), then S∘S.
			pk.w.Mul(rows, xb, p, sb, ls, false)
			for i, v := range sb[:rows*ls] {
				sq[i] = v * v
			}
			if ps.full {
				pk.m.Mul(rows, sq, ls, hb, lh, false)
				pk.b.Mul(rows, sb, ls, zh, lz, false)
				for i := 0; i < rows; i++ {
					hi, zi, zr := hb[i*lh:i*lh+na], zh[i*lz:i*lz+na*k], zb[i*k:(i+1)*k]
					for a, h := range hi {
						den := 1 - inv - h
						pa := zi[a*k : (a+1)*k]
						ra := acc.res[a*k : (a+1)*k]
						var e2, f2 float64
						for o, zo := range zr {
							e := zo - pa[o]
							e2 += e * e
							ra[o] += e * e
							f2 += pa[o] * pa[o]
						}
						acc.loo[a] += e2 / (den * den)
						acc.fit2[a] += f2
					}
				}
			}
			if ps.given != nil {
				pk.g.Mul(rows, xb, p, gb, lg, false)
				for i := 0; i < rows; i++ {
					for _, v := range gb[i*lg : i*lg+kg] {
						acc.given2 += v * v
					}
				}
			}
			if window > 0 {
				// The sums over the first k0 components, then one
				// component at a time, in sample-contiguous layout.
				transpose(zct, zb, rows, k, k)
				if ps.k0 > 0 {
					pk.m0.Mul(rows, sq, ls, hb, lh, false)
					pk.b0.Mul(rows, sb, ls, zh, lz, false)
					transpose(ht, hb, rows, na, lh)
					transpose(zt, zh, rows, na*k, lz)
				} else {
					clear(ht[:na*rows])
					clear(zt[:na*k*rows])
				}
				pathRows(acc, sb, ls, zct, m, c, ht, zt, rows, na, k, ps.k0, ps.k1, inv)
			}
		}
		bufs.Put(orig)
		return acc
	}, func(s int, a *accum) {
		if s == 0 {
			total = a
			return
		}
		total.add(a)
	})
	return total
}

// packs are the operands a segment of a pass packs once: the axes W, the
// α-grid factors M and B (and their first k0 rows), a given decoder.
type packs struct{ w, m, b, m0, b0, g linalg.PackedB[float64] }

var packPool = sync.Pool{New: func() any { return new(packs) }}

// transpose writes the first cols columns of the rows×ld row-major src
// into dst as cols×rows.
func transpose(dst, src []float64, rows, cols, ld int) {
	for i := 0; i < rows; i++ {
		for j, v := range src[i*ld : i*ld+cols] {
			dst[j*rows+i] = v
		}
	}
}

// gridFactors returns 1/(λⱼ+αₐ) as a len(lambda)×len(alphas) row-major
// table.
func gridFactors(lambda, alphas []float64) []float64 {
	m := make([]float64, len(lambda)*len(alphas))
	for j, l := range lambda {
		for a, al := range alphas {
			m[j*len(alphas)+a] = 1 / (l + al)
		}
	}
	return m
}

// pathRows adds a block of samples to the curve's sums for the components
// k0 … k1−1. sb holds the scores (sample i, component j at sb[i·lds+j]),
// zct the centred outputs (output × sample), ht and zt the hat-matrix
// diagonals and predictions (α × sample and α·output × sample) over the
// components before k0, which it updates: for each component and α, one
// sweep over the samples.
func pathRows(acc *accum, sb []float64, lds int, zct, m, c, ht, zt []float64, rows, na, k, k0, k1 int, inv float64) {
	sj := make([]float64, rows)
	for j := k0; j < k1; j++ {
		for i := range sj {
			sj[i] = sb[i*lds+j]
		}
		cj := c[j*k : (j+1)*k]
		for a := 0; a < na; a++ {
			f := m[j*na+a]
			ha := ht[a*rows : (a+1)*rows]
			res := acc.pres[((j-k0)*na+a)*k : ((j-k0)*na+a+1)*k]
			var loo float64
			switch k {
			case 1:
				za, zo := zt[a*rows:(a+1)*rows], zct[:rows]
				g := f * cj[0]
				var r0 float64
				for i, s := range sj {
					h := ha[i] + s*s*f
					ha[i] = h
					p := za[i] + s*g
					za[i] = p
					e := zo[i] - p
					den := 1 - inv - h
					r0 += e * e
					loo += e * e / (den * den)
				}
				res[0] += r0
			case 2:
				// The usual two outputs (velocity) without an inner loop.
				za0, za1 := zt[2*a*rows:(2*a+1)*rows], zt[(2*a+1)*rows:(2*a+2)*rows]
				z0, z1 := zct[:rows], zct[rows:2*rows]
				g0, g1 := f*cj[0], f*cj[1]
				var r0, r1 float64
				for i, s := range sj {
					h := ha[i] + s*s*f
					ha[i] = h
					p0, p1 := za0[i]+s*g0, za1[i]+s*g1
					za0[i], za1[i] = p0, p1
					e0, e1 := z0[i]-p0, z1[i]-p1
					den := 1 - inv - h
					r0 += e0 * e0
					r1 += e1 * e1
					loo += (e0*e0 + e1*e1) / (den * den)
				}
				res[0] += r0
				res[1] += r1
			default:
				for i, s := range sj {
					h := ha[i] + s*s*f
					ha[i] = h
					var e2 float64
					for o := 0; o < k; o++ {
						za := zt[(a*k+o)*rows+i] + s*f*cj[o]
						zt[(a*k+o)*rows+i] = za
						e := zct[o*rows+i] - za
						e2 += e * e
						res[o] += e * e
					}
					den := 1 - inv - h
					loo += e2 / (den * den)
				}
			}
			acc.path[(j-k0)*na+a] += loo
		}
	}
}

// bufs recycles the blocks of the passes over the samples, so that the
// many fits of an analysis do not each allocate theirs.
var bufs bufpool.Pool
