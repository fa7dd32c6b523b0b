package decode

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// Decomposition is the principal-component decomposition of a column-centred
// design matrix Xc (samples × features):
//
//	Xc = Scores · Vᵀ,  Scoresᵀ·Scores = diag(Lambda),  VᵀV = I,
//
// so Lambda holds the squared singular values of Xc (its PCA variances times
// samples−1) in descending order and V the principal axes. It is computed from
// the smaller of the two Gram matrices and is the one decomposition that the
// ridge decoders, the variance dimension and the fitting dimension share.
type Decomposition struct {
	Samples, Features int

	// Mean is the column mean that was removed from X.
	Mean []float64
	// Lambda are the eigenvalues of XcᵀXc, descending and non-negative.
	Lambda []float64
	// Scores is Samples×r: Xc projected on the principal axes.
	Scores *mat.Dense
	// V is Features×r: the principal axes as columns.
	V *mat.Dense
	// Constant lists the features (columns) that do not vary over the
	// samples. They are kept: their column of Xc is exactly zero, their
	// entries of V are zero, so any decoder gives them zero weight.
	Constant []int

	// dual is set when the decomposition came from XcXcᵀ (Samples ≤
	// Features). Then u holds an orthonormal basis (Samples×r) of the whole
	// centred sample space, the complement of the ones vector, which the
	// leave-one-out formulas need when the fit interpolates.
	dual bool
	u    *mat.Dense
}

// Rank returns the number of components, r.
func (d *Decomposition) Rank() int { return len(d.Lambda) }

// Total returns the total sum of squares of Xc, Σ Lambda.
func (d *Decomposition) Total() float64 {
	var s float64
	for _, l := range d.Lambda {
		s += l
	}
	return s
}

// CumulativeVarianceRatio returns, for k = 1…r, the fraction of the total
// variance carried by the first k components.
func (d *Decomposition) CumulativeVarianceRatio() []float64 {
	tot := d.Total()
	out := make([]float64, len(d.Lambda))
	var c float64
	for i, l := range d.Lambda {
		c += l
		if tot > 0 {
			out[i] = c / tot
		}
	}
	return out
}

// ErrNoVariance is returned when every feature is constant.
var ErrNoVariance = errors.New("no feature varies over the samples")

// conditionLimit is the largest λmax/λmin for which the eigenvalues of the
// Gram matrix are trusted: a Gram matrix squares the condition number, so
// beyond 1e8 (κ(X) = 1e4) rounding in the smallest directions reaches 1e-8
// relative (eps·κ² ≈ 2e-8), the agreement we promise with scikit-learn's SVD.
// Past it the decomposition is recomputed from a QR factorisation and an SVD.
const conditionLimit = 1e8

// Decompose centres the columns of x and computes its decomposition.
// x must have at least two rows.
func Decompose(x mat.Matrix) (*Decomposition, error) {
	t, n := x.Dims()
	if t < 2 {
		return nil, fmt.Errorf("decode: need at least 2 samples, have %d", t)
	}
	xc := mat.DenseCopyOf(x)
	constant := linalg.ConstantColumns(xc)
	if len(constant) == n {
		return nil, ErrNoVariance
	}
	mean := linalg.Centre(xc)
	for _, j := range constant {
		// The mean of equal values can differ from them by rounding;
		// make the centred column exactly zero.
		mean[j] = xc.At(0, j) + mean[j]
		for i := 0; i < t; i++ {
			xc.Set(i, j, 0)
		}
	}
	d := &Decomposition{Samples: t, Features: n, Mean: mean, Constant: constant}
	if t > n {
		d.tall(xc)
	} else {
		d.wide(xc)
	}
	return d, nil
}

// tall decomposes Xc (t > n) through XcᵀXc.
func (d *Decomposition) tall(xc *mat.Dense) {
	t, n := xc.Dims()
	keep := varying(n, d.Constant)
	a := xc
	if len(keep) < n {
		a = mat.NewDense(t, len(keep), nil)
		for k, j := range keep {
			a.SetCol(k, mat.Col(nil, j, xc))
		}
	}
	lambda, w, p := svdTall(a)
	v := mat.NewDense(n, len(keep), nil)
	for k, j := range keep {
		v.SetRow(j, w.RawRowView(k))
	}
	d.Lambda, d.Scores, d.V = lambda, p, v
}

// wide decomposes Xc (t ≤ n) through XcXcᵀ restricted to the complement of
// the ones vector, which holds every centred column. With the Householder
// reflector R that maps 1 to −√t·e₁, H = R[:, 1:] is an orthonormal basis of
// that complement and Xc = H·(HᵀXc), so the decomposition of the
// (t−1)×n matrix Y = HᵀXc gives that of Xc without an intercept direction to
// find and remove (scikit-learn instead adds 11ᵀ and searches for it).
func (d *Decomposition) wide(xc *mat.Dense) {
	t, n := xc.Dims()
	sqrtT := math.Sqrt(float64(t))
	beta := 2 / (2*float64(t) + 2*sqrtT) // 2/vᵀv with v = 1 + √t·e₁
	// R·Xc = Xc − β·v·(vᵀXc), and vᵀXc = √t·Xc[0,:] because 1ᵀXc = 0.
	y := mat.NewDense(t-1, n, nil)
	row0 := xc.RawRowView(0)
	for i := 1; i < t; i++ {
		src := xc.RawRowView(i)
		dst := y.RawRowView(i - 1)
		for j := range dst {
			dst[j] = src[j] - beta*sqrtT*row0[j]
		}
	}
	// Y is (t−1)×n with t−1 < n: decompose Yᵀ (tall) so that the Gram
	// matrix is the small (t−1)×(t−1) one.
	lambda, w, pa := svdTall(mat.DenseCopyOf(y.T()))
	r := len(lambda)
	// U = H·W = R·[0; W]: column c is [0; W_c] − β·v·Σᵢ W_ic.
	u := mat.NewDense(t, r, nil)
	for c := 0; c < r; c++ {
		var s float64
		for i := 0; i < t-1; i++ {
			s += w.At(i, c)
		}
		u.Set(0, c, -beta*(1+sqrtT)*s)
		for i := 1; i < t; i++ {
			u.Set(i, c, w.At(i-1, c)-beta*s)
		}
	}
	// V_c = Yᵀ W_c / s_c; Scores_c = U_c · s_c.
	v := mat.NewDense(n, r, nil)
	p := mat.NewDense(t, r, nil)
	cut := cutoff(lambda, t, n)
	for c := 0; c < r; c++ {
		s := math.Sqrt(lambda[c])
		if lambda[c] <= cut {
			continue
		}
		for j := 0; j < n; j++ {
			v.Set(j, c, pa.At(j, c)/s)
		}
		for i := 0; i < t; i++ {
			p.Set(i, c, u.At(i, c)*s)
		}
	}
	for _, j := range d.Constant {
		for c := 0; c < r; c++ {
			v.Set(j, c, 0)
		}
	}
	d.Lambda, d.Scores, d.V, d.dual, d.u = lambda, p, v, true, u
}

// cutoff is the size below which an eigenvalue is rounding noise: the
// LAPACK rank rule, max(m,n)·eps·λmax on singular values, applied to λ = s².
func cutoff(lambda []float64, m, n int) float64 {
	if len(lambda) == 0 {
		return 0
	}
	s := math.Sqrt(lambda[0]) * float64(max(m, n)) * 0x1p-52
	return s * s
}

func varying(n int, constant []int) []int {
	keep := make([]int, 0, n-len(constant))
	c := 0
	for j := 0; j < n; j++ {
		if c < len(constant) && constant[c] == j {
			c++
			continue
		}
		keep = append(keep, j)
	}
	return keep
}

// svdTall returns the squared singular values of the m×p matrix a (m ≥ p) in
// descending order, its right singular vectors w (p×p) and the scores a·w.
// It uses the eigendecomposition of aᵀa when that is accurate enough and a
// QR factorisation followed by an SVD of R otherwise.
func svdTall(a *mat.Dense) (lambda []float64, w, scores *mat.Dense) {
	_, p := a.Dims()
	g := linalg.Gram(a)
	var es mat.EigenSym
	ok := es.Factorize(g, true)
	if ok {
		vals := es.Values(nil)
		var q mat.Dense
		es.VectorsTo(&q)
		lambda, w = descending(vals, &q)
		if lambda[0] > 0 && lambda[p-1] >= lambda[0]/conditionLimit {
			return lambda, w, linalg.Mul(a, w)
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var r mat.Dense
	qr.RTo(&r)
	var svd mat.SVD
	if !svd.Factorize(r.Slice(0, p, 0, p), mat.SVDFull) {
		// Dgesvd failing to converge on a p×p triangle is not expected
		// for finite input; keep the Gram result rather than stop.
		if ok {
			return lambda, w, linalg.Mul(a, w)
		}
		panic("decode: SVD did not converge")
	}
	s := svd.Values(nil)
	lambda = make([]float64, p)
	for i, v := range s {
		lambda[i] = v * v
	}
	w = new(mat.Dense)
	svd.VTo(w)
	return lambda, w, linalg.Mul(a, w)
}

// descending reorders ascending eigenpairs into descending order and clamps
// rounding-negative eigenvalues to zero.
func descending(vals []float64, q *mat.Dense) ([]float64, *mat.Dense) {
	p := len(vals)
	idx := make([]int, p)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] > vals[idx[b]] })
	lambda := make([]float64, p)
	w := mat.NewDense(p, p, nil)
	for c, i := range idx {
		lambda[c] = max(vals[i], 0)
		for r := 0; r < p; r++ {
			w.Set(r, c, q.At(r, i))
		}
	}
	return lambda, w
}
