package decode

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// DefaultAlphas returns the paper's penalty grid, numpy.logspace(-3, 6, 20).
func DefaultAlphas() []float64 { return Logspace(-3, 6, 20) }

// Logspace returns num values 10^e for e evenly spaced from lo to hi, computed
// as numpy.logspace does (numpy.linspace, then the power).
func Logspace(lo, hi float64, num int) []float64 {
	e := Linspace(lo, hi, num)
	for i, v := range e {
		e[i] = math.Pow(10, v)
	}
	return e
}

// Linspace returns num values evenly spaced from lo to hi inclusive, with the
// same rounding as numpy.linspace: lo + i·step, the last one set to hi. The
// product is rounded before the sum (the conversion stops the compiler from
// fusing them into one multiply-add, as it does on arm64), as NumPy does.
func Linspace(lo, hi float64, num int) []float64 {
	out := make([]float64, num)
	if num == 1 {
		out[0] = lo
		return out
	}
	step := (hi - lo) / float64(num-1)
	for i := range out {
		out[i] = float64(float64(i)*step) + lo
	}
	out[num-1] = hi
	return out
}

// CV configures a ridge regression with intercept whose penalty α is chosen
// by cross-validation. The zero value is the paper's setting and
// scikit-learn's RidgeCV default: α over DefaultAlphas, efficient
// leave-one-out.
type CV struct {
	// Alphas is the penalty grid; nil means DefaultAlphas.
	Alphas []float64
	// Folds selects K-fold cross-validation (contiguous folds, no
	// shuffling, scored by R², as RidgeCV(cv=K)); 0 means efficient
	// leave-one-out, scored by the mean squared LOO error.
	Folds int
}

func (cv CV) alphas() []float64 {
	if cv.Alphas == nil {
		return DefaultAlphas()
	}
	return cv.Alphas
}

// Validate reports a setting that cannot be used.
func (cv CV) Validate() error {
	if cv.Alphas != nil && len(cv.Alphas) == 0 {
		return errors.New("decode: empty α grid")
	}
	for _, a := range cv.Alphas {
		if !(a > 0) || math.IsInf(a, 0) {
			return fmt.Errorf("decode: α must be positive and finite, got %v", a)
		}
	}
	if cv.Folds == 1 || cv.Folds < 0 {
		return fmt.Errorf("decode: folds must be 0 (leave-one-out) or at least 2, got %d", cv.Folds)
	}
	return nil
}

// MinSamples is the fewest samples the cross-validation can use.
func (cv CV) MinSamples() int {
	if cv.Folds >= 2 {
		// Every training set needs two samples to centre and fit, every
		// test fold one.
		return max(cv.Folds, 3)
	}
	return 3
}

// Model is a fitted ridge decoder z ≈ X·Coefᵀ + Intercept.
type Model struct {
	// Alpha is the chosen penalty.
	Alpha float64
	// Coef is K×N: one row of weights per output.
	Coef *mat.Dense
	// Intercept has one entry per output.
	Intercept []float64
	// Alphas and Scores are the grid and its cross-validation score per α:
	// minus the mean squared leave-one-out error, or the mean test R² over
	// folds. The chosen α is the first with the highest score.
	Alphas, Scores []float64
}

// Predict returns X·Coefᵀ + Intercept.
func (m *Model) Predict(x mat.Matrix) *mat.Dense {
	t, _ := x.Dims()
	k, _ := m.Coef.Dims()
	out := mat.NewDense(t, k, nil)
	out.Mul(x, m.Coef.T())
	for i := 0; i < t; i++ {
		row := out.RawRowView(i)
		for j := range row {
			row[j] += m.Intercept[j]
		}
	}
	return out
}

// Score returns the R² of the model's predictions of z from x.
func (m *Model) Score(x, z mat.Matrix) float64 { return R2(z, m.Predict(x)) }

// R2 is the coefficient of determination averaged uniformly over outputs,
// as scikit-learn's r2_score: an output with no variance scores 1 when it is
// predicted exactly and 0 otherwise.
func R2(z, zhat mat.Matrix) float64 {
	t, k := z.Dims()
	var sum float64
	for j := 0; j < k; j++ {
		var mean float64
		for i := 0; i < t; i++ {
			mean += z.At(i, j)
		}
		mean /= float64(t)
		var res, tot float64
		for i := 0; i < t; i++ {
			e := z.At(i, j) - zhat.At(i, j)
			res += e * e
			c := z.At(i, j) - mean
			tot += c * c
		}
		sum += r2(res, tot)
	}
	return sum / float64(k)
}

func r2(res, tot float64) float64 {
	if tot == 0 {
		if res == 0 {
			return 1
		}
		return 0
	}
	return 1 - res/tot
}

// Fit decomposes x and fits the decoder of z (T×K) from x (T×N).
func (cv CV) Fit(x, z mat.Matrix) (*Model, error) {
	if err := cv.Validate(); err != nil {
		return nil, err
	}
	t, _ := x.Dims()
	if tz, _ := z.Dims(); tz != t {
		return nil, fmt.Errorf("decode: %d samples of activity but %d of behaviour", t, tz)
	}
	if t < cv.MinSamples() {
		return nil, errTooFew(t, cv.MinSamples())
	}
	f, err := cv.FitDesign(Design{X: dense(x), Z: dense(z)}, nil, FitOptions{})
	if err != nil {
		return nil, err
	}
	return f.Model, nil
}

func errTooFew(t, need int) error {
	return fmt.Errorf("decode: %d samples, cross-validation needs at least %d", t, need)
}

// dense returns m itself when it is a *mat.Dense, else a copy.
func dense(m mat.Matrix) *mat.Dense {
	if d, ok := m.(*mat.Dense); ok {
		return d
	}
	return mat.DenseCopyOf(m)
}

// FitDecomposed fits the decoder of z from the data x whose decomposition is
// d (x is only read for K-fold cross-validation).
func (cv CV) FitDecomposed(x mat.Matrix, d *Decomposition, z mat.Matrix) (*Model, error) {
	if err := cv.Validate(); err != nil {
		return nil, err
	}
	alphas := cv.alphas()
	if cv.Folds < 2 && !d.dual {
		return d.fitStream(d.targetsOf(dense(z)), alphas, FitOptions{}).Model, nil
	}
	var scores []float64
	if cv.Folds >= 2 {
		var err error
		scores, err = cv.kfoldScores(x, z)
		if err != nil {
			return nil, err
		}
	} else {
		scores = looDual(d, newTargets(d, z), alphas)
	}
	best := argmax(scores)
	m := d.model(newTargets(d, z), alphas[best], d.Rank())
	m.Alphas, m.Scores = alphas, scores
	return m, nil
}

// targets holds the means of z and its projection on the scores.
type targets struct {
	// z is the behaviour, a row per sample of the design's X (tall
	// decompositions).
	z    *mat.Dense
	mean []float64
	c    *mat.Dense // r×K: Scoresᵀ·zc
	// zz are the sums of squares of zc per output.
	zz []float64
	// zc (T×K) and cu (r×K: Uᵀ·zc) are held for dual decompositions only.
	zc, cu *mat.Dense
}

// newTargets centres z and projects it on the (stored) scores of a dual
// decomposition, or of any decomposition for the K-fold decoders.
func newTargets(d *Decomposition, z mat.Matrix) *targets {
	t, k := z.Dims()
	zc := mat.DenseCopyOf(z)
	mean := make([]float64, k)
	for j := 0; j < k; j++ {
		var s float64
		for i := 0; i < t; i++ {
			s += zc.At(i, j)
		}
		mean[j] = s / float64(t)
		for i := 0; i < t; i++ {
			zc.Set(i, j, zc.At(i, j)-mean[j])
		}
	}
	tg := &targets{mean: mean, zc: zc, c: linalg.MulTN(d.Scores(), zc)}
	if d.dual {
		tg.cu = linalg.MulTN(d.u, zc)
	}
	return tg
}

// targetsOf returns the targets of z (a row per sample of X) for a
// decomposition that keeps its design: c = Scoresᵀ·zc = Wᵀ·(Xcᵀ·zc) from one
// pass over the samples, without the scores.
func (d *Decomposition) targetsOf(z *mat.Dense) *targets {
	design := d.src
	design.Z = z
	_, k := z.Dims()
	mean := make([]float64, k)
	for i := 0; i < d.Samples; i++ {
		for o, v := range z.RawRowView(design.row(i)) {
			mean[o] += v
		}
	}
	for o := range mean {
		mean[o] /= float64(d.Samples)
	}
	p := len(d.cols)
	xz := make([]float64, p*k)
	zz := make([]float64, k)
	xb := make([]float64, chunkRows*p)
	zb := make([]float64, chunkRows*k)
	for lo := 0; lo < d.Samples; lo += chunkRows {
		hi := min(lo+chunkRows, d.Samples)
		design.gather(lo, hi, d.cols, d.keepMean, xb)
		design.gatherZ(lo, hi, mean, zb)
		linalg.Gemm(true, false, p, k, hi-lo, xb, p, zb, k, 1, xz, k)
		for i, v := range zb[:(hi-lo)*k] {
			zz[i%k] += v * v
		}
	}
	// project expects rows for every feature; spread xz over them.
	full := make([]float64, d.Features*k)
	for a, j := range d.keep {
		copy(full[j*k:(j+1)*k], xz[a*k:(a+1)*k])
	}
	return &targets{z: z, mean: mean, c: d.project(full, k), zz: zz}
}

// model returns the ridge fit with penalty alpha on the first k components.
// In the components' coordinates the fit is diagonal: the weight of
// component j is cⱼ/(λⱼ+α), which maps back to features through V.
func (d *Decomposition) model(tg *targets, alpha float64, k int) *Model {
	nk := len(tg.mean)
	beta := mat.NewDense(k, nk, nil)
	for j := 0; j < k; j++ {
		f := 1 / (d.Lambda[j] + alpha)
		for o := 0; o < nk; o++ {
			beta.Set(j, o, tg.c.At(j, o)*f)
		}
	}
	coef := mat.NewDense(nk, d.Features, nil)
	coef.Mul(beta.T(), d.V.Slice(0, d.Features, 0, k).T())
	intercept := make([]float64, nk)
	for o := range intercept {
		intercept[o] = tg.mean[o] - mat.Dot(coef.RowView(o), mat.NewVecDense(len(d.Mean), d.Mean))
	}
	return &Model{Alpha: alpha, Coef: coef, Intercept: intercept}
}

// looDual returns minus the mean squared leave-one-out error for each α
// when the fit can interpolate (T ≤ N), using all components. Then 1 − Hᵢᵢ and
// the residual are both small and are computed directly from the complete
// basis U of the centred sample space, without cancellation:
// zᵢ − ẑᵢ = Σⱼ Uᵢⱼ (Uᵀz)ⱼ α/(λⱼ+α) and 1 − Hᵢᵢ = Σⱼ Uᵢⱼ² α/(λⱼ+α).
func looDual(d *Decomposition, tg *targets, alphas []float64) []float64 {
	t, nk := tg.zc.Dims()
	r := d.Rank()
	scores := make([]float64, len(alphas))
	res := make([]float64, nk)
	for a, al := range alphas {
		f := make([]float64, r)
		for j := range f {
			f[j] = al / (d.Lambda[j] + al)
		}
		var s float64
		for i := 0; i < t; i++ {
			u := d.u.RawRowView(i)
			var den float64
			clear(res)
			for j, uij := range u {
				den += uij * uij * f[j]
				cj := tg.cu.RawRowView(j)
				for o := range res {
					res[o] += uij * cj[o] * f[j]
				}
			}
			for o := range res {
				e := res[o] / den
				s += e * e
			}
		}
		scores[a] = -s / float64(t*nk)
	}
	return scores
}

func argmax(s []float64) int {
	best := 0
	for i, v := range s {
		if v > s[best] {
			best = i
		}
	}
	return best
}

// kfoldScores returns the mean test R² per α over contiguous folds, the
// split of scikit-learn's KFold without shuffling: the first T mod K folds
// have one sample more.
func (cv CV) kfoldScores(x, z mat.Matrix) ([]float64, error) {
	t, n := x.Dims()
	_, nk := z.Dims()
	alphas := cv.alphas()
	scores := make([]float64, len(alphas))
	start := 0
	for f := 0; f < cv.Folds; f++ {
		size := t / cv.Folds
		if f < t%cv.Folds {
			size++
		}
		test := [2]int{start, start + size}
		start += size
		xtr := mat.NewDense(t-size, n, nil)
		ztr := mat.NewDense(t-size, nk, nil)
		row := 0
		for i := 0; i < t; i++ {
			if i >= test[0] && i < test[1] {
				continue
			}
			for j := 0; j < n; j++ {
				xtr.Set(row, j, x.At(i, j))
			}
			for j := 0; j < nk; j++ {
				ztr.Set(row, j, z.At(i, j))
			}
			row++
		}
		d, err := Decompose(xtr)
		if err != nil {
			return nil, fmt.Errorf("decode: fold %d: %w", f+1, err)
		}
		tg := newTargets(d, ztr)
		xte := mat.DenseCopyOf(sliceRows(x, test[0], test[1]))
		zte := sliceRows(z, test[0], test[1])
		for a, al := range alphas {
			m := d.model(tg, al, d.Rank())
			scores[a] += R2(zte, m.Predict(xte)) / float64(cv.Folds)
		}
	}
	return scores, nil
}

func sliceRows(m mat.Matrix, from, to int) mat.Matrix {
	_, c := m.Dims()
	out := mat.NewDense(to-from, c, nil)
	for i := from; i < to; i++ {
		for j := 0; j < c; j++ {
			out.Set(i-from, j, m.At(i, j))
		}
	}
	return out
}
