package decode

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// FitOptions configure FitDesign.
type FitOptions struct {
	// Path asks for the fitting-dimension curve (Fit.Path) over every
	// component.
	Path bool
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
	if t < cv.MinSamples() {
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
	tg := &targets{z: d.Z, mean: m.ZMean, c: dec.project(m.XZ, m.Outputs), zz: m.ZZ}
	kmax := 0
	if o.Path {
		kmax = dec.Rank()
	}
	return dec.fitStream(tg, alphas, kmax, o), nil
}

// fitStream is the leave-one-out fit of a decomposition that keeps its
// design, from one pass over the samples (stream), with the curve over the
// first kmax components.
func (d *Decomposition) fitStream(tg *targets, alphas []float64, kmax int, o FitOptions) *Fit {
	acc := d.stream(tg, alphas, kmax, o.Given, o.Workers)
	t, na, k := d.Samples, len(alphas), len(tg.mean)
	scores := make([]float64, na)
	for a := range alphas {
		scores[a] = -acc.loo[a] / float64(t*k)
	}
	best := argmax(scores)
	model := d.model(tg, alphas[best], d.Rank())
	model.Alphas, model.Scores = alphas, scores
	f := &Fit{Decomposition: d, Model: model, RhoGiven: math.NaN()}
	f.R2 = meanR2(acc.res[best*k:(best+1)*k], tg.zz)
	// ‖Xc‖² is the sum of the eigenvalues (the trace of XcᵀXc).
	nx2 := d.Total()
	f.Rho = ratio(acc.fit2[best], nx2, model.Coef)
	if o.Given != nil {
		f.RhoGiven = ratio(acc.given2, nx2, o.Given)
	}
	path := make([]float64, na)
	for j := 0; j < kmax; j++ {
		for a := range alphas {
			path[a] = -acc.path[j*na+a] / float64(t*k)
		}
		b := argmax(path)
		i := (j*na + b) * k
		f.Path = append(f.Path, PathPoint{K: j + 1, Alpha: alphas[b], R2: meanR2(acc.pres[i:i+k], tg.zz)})
	}
	return f
}

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
	// components, [k−1][α] and [k−1][α][output].
	path, pres []float64
}

func newAccum(alphas, outputs, kmax int) *accum {
	return &accum{
		loo: make([]float64, alphas), res: make([]float64, alphas*outputs), fit2: make([]float64, alphas),
		path: make([]float64, kmax*alphas), pres: make([]float64, kmax*alphas*outputs),
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

// stream makes one pass over the samples of the decomposition's design and
// accumulates, for every α of the grid, the leave-one-out errors of
// scikit-learn's _RidgeGCV: with H the hat matrix of the ridge fit with an
// unpenalised intercept, the error of sample i is (zᵢ − ẑᵢ)/(1 − Hᵢᵢ), with
// Hᵢᵢ = 1/T + Σⱼ Sᵢⱼ²/(λⱼ+α) and ẑᵢ = Σⱼ Sᵢⱼ·cⱼ/(λⱼ+α) (S the scores, c =
// Sᵀzc). For a block of samples, S comes from one product with the axes and
// the whole grid from two more: (S∘S)·M and S·B with M[j,a] = 1/(λⱼ+αₐ) and
// B[j, a·K+o] = c[j,o]/(λⱼ+αₐ).
//
// With kmax > 0 it also accumulates the fits from the first k = 1…kmax
// components, whose columns are orthogonal, so that adding component k adds
// one term to every prediction and every hat-matrix diagonal. given, if
// not nil, is a decoder whose ‖Xc·Givenᵀ‖² is summed too.
func (d *Decomposition) stream(tg *targets, alphas []float64, kmax int, given *mat.Dense, workers int) *accum {
	t, r, p := d.Samples, d.Rank(), len(d.cols)
	_, k := tg.c.Dims()
	na := len(alphas)
	m := gridFactors(d.Lambda, alphas)
	b := make([]float64, r*na*k)
	for j := 0; j < r; j++ {
		for a := range alphas {
			for o := 0; o < k; o++ {
				b[(j*na+a)*k+o] = tg.c.At(j, o) * m[j*na+a]
			}
		}
	}
	c := tg.c.RawMatrix()
	var gt []float64 // Givenᵀ on the varying features, p×K'
	kg := 0
	if given != nil {
		kg, _ = given.Dims()
		gt = make([]float64, p*kg)
		for a, j := range d.keep {
			for o := 0; o < kg; o++ {
				gt[a*kg+o] = given.At(o, j)
			}
		}
	}
	design := d.src
	design.Z = tg.z
	inv := 1 / float64(t)
	segments := (t + segmentRows - 1) / segmentRows
	var total *accum
	ordered(segments, workers, func(s int) *accum {
		acc := newAccum(na, k, kmax)
		xb := make([]float64, chunkRows*p)
		zb := make([]float64, chunkRows*k)
		sb := make([]float64, chunkRows*r)
		sq := make([]float64, chunkRows*r)
		hb := make([]float64, chunkRows*na)
		zh := make([]float64, chunkRows*na*k)
		gb := make([]float64, chunkRows*kg)
		h := make([]float64, na)
		zp := make([]float64, na*k)
		for lo := s * segmentRows; lo < min((s+1)*segmentRows, t); lo += chunkRows {
			hi := min(lo+chunkRows, t, (s+1)*segmentRows)
			rows := hi - lo
			design.gather(lo, hi, d.cols, d.keepMean, xb)
			design.gatherZ(lo, hi, tg.mean, zb)
			linalg.Gemm(false, false, rows, r, p, xb, p, d.w, r, 0, sb, r)
			for i, v := range sb[:rows*r] {
				sq[i] = v * v
			}
			linalg.Gemm(false, false, rows, na, r, sq, r, m, na, 0, hb, na)
			linalg.Gemm(false, false, rows, na*k, r, sb, r, b, na*k, 0, zh, na*k)
			for i := 0; i < rows; i++ {
				zr := zb[i*k : (i+1)*k]
				for a := 0; a < na; a++ {
					den := 1 - inv - hb[i*na+a]
					pr := zh[(i*na+a)*k : (i*na+a+1)*k]
					var e2 float64
					for o, zo := range zr {
						e := zo - pr[o]
						e2 += e * e
						acc.res[a*k+o] += e * e
						acc.fit2[a] += pr[o] * pr[o]
					}
					acc.loo[a] += e2 / (den * den)
				}
			}
			if given != nil {
				linalg.Gemm(false, false, rows, kg, p, xb, p, gt, kg, 0, gb, kg)
				for _, v := range gb[:rows*kg] {
					acc.given2 += v * v
				}
			}
			if kmax > 0 {
				pathRows(acc, sb[:rows*r], zb[:rows*k], m, c.Data, h, zp, r, na, k, kmax, inv)
			}
		}
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

// pathRows adds the rows of a block to the curve's sums: for each sample,
// the hat-matrix diagonal h and the predictions zp of every α grow by one
// term per component.
func pathRows(acc *accum, sb, zb, m, c, h, zp []float64, r, na, k, kmax int, inv float64) {
	rows := len(zb) / k
	for i := 0; i < rows; i++ {
		srow, zr := sb[i*r:(i+1)*r], zb[i*k:(i+1)*k]
		clear(h)
		clear(zp)
		for j := 0; j < kmax; j++ {
			sj := srow[j]
			cj := c[j*k : (j+1)*k]
			mj := m[j*na : (j+1)*na]
			lj := acc.path[j*na : (j+1)*na]
			rj := acc.pres[j*na*k : (j+1)*na*k]
			for a, f := range mj {
				h[a] += sj * sj * f
				pf := sj * f
				pa := zp[a*k : (a+1)*k]
				ra := rj[a*k : (a+1)*k]
				var e2 float64
				for o, zo := range zr {
					pa[o] += pf * cj[o]
					e := zo - pa[o]
					e2 += e * e
					ra[o] += e * e
				}
				den := 1 - inv - h[a]
				lj[a] += e2 / (den * den)
			}
		}
	}
}
