package decode

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// PathPoint is the cross-validated ridge fit of the outputs from the first K
// principal components.
type PathPoint struct {
	K     int
	Alpha float64
	// R2 is the in-sample R² of the fit (scikit-learn's RidgeCV.score on
	// the projected data).
	R2 float64
}

// Path returns, for k = 1…kmax, the fit of z from the data projected on its
// first k principal components, Scores[:, :k], with α chosen by cv for each
// k separately. This is the fitting-dimension curve of the paper: RidgeCV on
// X·U[:, :k] for growing k.
//
// With leave-one-out the whole curve costs about one fit: the projected
// columns are orthogonal, so adding component k adds one term to every
// prediction and every hat-matrix diagonal. x is only read for K-fold.
func (cv CV) Path(d *Decomposition, z mat.Matrix, kmax int) ([]PathPoint, error) {
	if err := cv.Validate(); err != nil {
		return nil, err
	}
	if kmax < 1 || kmax > d.Rank() {
		return nil, fmt.Errorf("decode: path length %d outside 1…%d", kmax, d.Rank())
	}
	if cv.Folds >= 2 {
		return cv.kfoldPath(d, z, kmax)
	}
	alphas := cv.alphas()
	if !d.dual {
		return d.fitStream(d.targetsOf(dense(z)), alphas, FitOptions{Path: true}).Path[:kmax], nil
	}
	// A dual decomposition stores its scores: the same sums, from them.
	tg := newTargets(d, z)
	t, nk := tg.zc.Dims()
	r, na := d.Rank(), len(alphas)
	tot := make([]float64, nk)
	for i, v := range tg.zc.RawMatrix().Data {
		tot[i%nk] += v * v
	}
	acc := newAccum(na, nk, kmax)
	zct := mat.DenseCopyOf(tg.zc.T())
	pathRows(acc, d.Scores().RawMatrix().Data, r, zct.RawMatrix().Data, gridFactors(d.Lambda, alphas), tg.c.RawMatrix().Data,
		make([]float64, na*t), make([]float64, na*nk*t), t, na, nk, 0, kmax, 1/float64(t))
	out := make([]PathPoint, 0, kmax)
	scores := make([]float64, na)
	for j := 0; j < kmax; j++ {
		if j+1 == r {
			// The fit interpolates: use the cancellation-free form.
			scores = looDual(d, tg, alphas)
			best := argmax(scores)
			res := dualResidual(d, tg, alphas[best])
			out = append(out, PathPoint{K: j + 1, Alpha: alphas[best], R2: r2FromResidual(res, tot)})
			continue
		}
		for a := range alphas {
			scores[a] = -acc.path[j*na+a] / float64(t*nk)
		}
		best := argmax(scores)
		i := (j*na + best) * nk
		out = append(out, PathPoint{K: j + 1, Alpha: alphas[best], R2: meanR2(acc.pres[i:i+nk], tot)})
	}
	return out, nil
}

// dualResidual returns z − ẑ for the full fit of a dual decomposition,
// Σⱼ Uⱼ (Uᵀz)ⱼ α/(λⱼ+α).
func dualResidual(d *Decomposition, tg *targets, alpha float64) *mat.Dense {
	r := d.Rank()
	_, nk := tg.zc.Dims()
	scaled := mat.NewDense(r, nk, nil)
	for j := 0; j < r; j++ {
		f := alpha / (d.Lambda[j] + alpha)
		for o := 0; o < nk; o++ {
			scaled.Set(j, o, tg.cu.At(j, o)*f)
		}
	}
	var res mat.Dense
	res.Mul(d.u, scaled)
	return &res
}

func r2FromResidual(res *mat.Dense, tot []float64) float64 {
	t, nk := res.Dims()
	var sum float64
	for o := 0; o < nk; o++ {
		var s float64
		for i := 0; i < t; i++ {
			v := res.At(i, o)
			s += v * v
		}
		sum += r2(s, tot[o])
	}
	return sum / float64(nk)
}

// kfoldPath refits a K-fold decoder on each projection: with folds the
// projected columns are no longer orthogonal within a training set, so there
// is no shortcut.
func (cv CV) kfoldPath(d *Decomposition, z mat.Matrix, kmax int) ([]PathPoint, error) {
	scores := d.Scores()
	t, _ := scores.Dims()
	out := make([]PathPoint, 0, kmax)
	for k := 1; k <= kmax; k++ {
		xk := scores.Slice(0, t, 0, k)
		m, err := cv.Fit(xk, z)
		if err != nil {
			return nil, fmt.Errorf("decode: fit on %d components: %w", k, err)
		}
		out = append(out, PathPoint{K: k, Alpha: m.Alpha, R2: m.Score(xk, z)})
	}
	return out, nil
}
