package decode

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

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
	// V is Features×r: the principal axes as columns.
	V *mat.Dense
	// Constant lists the features (columns) that do not vary over the
	// samples. They are kept: their column of Xc is exactly zero, their
	// entries of V are zero, so any decoder gives them zero weight.
	Constant []int

	// src is the design the decomposition came from when it has more
	// samples than features: the scores are computed from it, a block of
	// samples at a time, and stored only when Scores is called. keep are
	// the positions of the varying features, cols their columns of X,
	// keepMean their means and w (len(keep)×r, row-major) the rows of V at
	// keep.
	src      Design
	keep     []int
	cols     []int
	keepMean []float64
	w        []float64

	scoresOnce sync.Once
	scores     *mat.Dense

	// dual is set when the decomposition came from XcXcᵀ (Samples ≤
	// Features). Then u holds an orthonormal basis (Samples×r) of the whole
	// centred sample space, the complement of the ones vector, which the
	// leave-one-out formulas need when the fit interpolates.
	dual bool
	u    *mat.Dense
}

// Scores returns Xc projected on the principal axes (Samples×r), so that
// Xc = Scores·Vᵀ and Scoresᵀ·Scores = diag(Lambda). For designs with more
// samples than features it is computed on the first call (a Samples×r
// matrix that the fits themselves never need whole).
func (d *Decomposition) Scores() *mat.Dense {
	d.scoresOnce.Do(func() {
		if d.scores != nil {
			return
		}
		r, p := d.Rank(), len(d.cols)
		s := mat.NewDense(d.Samples, r, nil)
		xb := make([]float64, chunkRows*p)
		for lo := 0; lo < d.Samples; lo += chunkRows {
			hi := min(lo+chunkRows, d.Samples)
			d.src.gather(lo, hi, d.cols, d.keepMean, xb)
			linalg.Gemm(false, false, hi-lo, r, p, xb, p, d.w, r, 0, s.RawMatrix().Data[lo*r:], r)
		}
		d.scores = s
	})
	return d.scores
}

// project returns wᵀ·xz[keep] (r×k): for the cross products xz = Xcᵀzc
// (Features×k, row-major), the projection of the targets on the scores,
// Scoresᵀ·zc.
func (d *Decomposition) project(xz []float64, k int) *mat.Dense {
	r, p := d.Rank(), len(d.keep)
	x := make([]float64, p*k)
	for a, j := range d.keep {
		copy(x[a*k:(a+1)*k], xz[j*k:(j+1)*k])
	}
	c := mat.NewDense(r, max(k, 1), nil)
	if k > 0 {
		linalg.Gemm(true, false, r, k, p, d.w, r, x, k, 0, c.RawMatrix().Data, k)
	}
	return c
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

// Project returns x (rows of the same features) centred by the
// decomposition's Mean and projected on its principal axes, rows×r: for the
// samples the decomposition came from, Scores (up to rounding).
func (d *Decomposition) Project(x *mat.Dense) *mat.Dense {
	return linalg.MulCentred(x, d.Mean, d.V)
}

// ErrNoVariance is returned when every feature is constant.
var ErrNoVariance = errors.New("no feature varies over the samples")

// ErrNoConvergence is returned when the decomposition does not converge,
// which happens only for values so large (or not finite) that its
// arithmetic overflows.
var ErrNoConvergence = errors.New("the decomposition did not converge (values too large, or not finite)")

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
	if t <= n {
		xc, mean, constant := linalg.CentredCopy(x)
		if len(constant) == n {
			return nil, ErrNoVariance
		}
		d := &Decomposition{Samples: t, Features: n, Mean: mean, Constant: constant}
		if err := d.wide(xc); err != nil {
			return nil, err
		}
		return d, nil
	}
	xd, ok := x.(*mat.Dense)
	if !ok {
		xd = mat.DenseCopyOf(x)
	}
	design := Design{X: xd}
	m, err := NewMoments(design, 0)
	if err != nil {
		return nil, err
	}
	return decomposeMoments(design, m, 0)
}

// decomposeMoments decomposes Xc = X − 1·Meanᵀ (more samples than
// features) through the eigenproblem of XcᵀXc, from the moments: Xc itself
// is never formed. The eigenvalues are trusted when the condition number of
// XcᵀXc + shift·I, which is what a ridge fit with penalty shift solves,
// is at most conditionLimit; otherwise the decomposition comes from a QR
// factorisation of Xc (built a block of samples at a time) and the SVD of
// its triangle.
func decomposeMoments(design Design, m *Moments, shift float64) (*Decomposition, error) {
	n := m.Features
	keep := varying(n, m.Constant)
	if len(keep) == 0 {
		return nil, ErrNoVariance
	}
	p := len(keep)
	// Constant columns are exactly zero in Xc: leave them out of the
	// eigenproblem, where they would only add zero eigenvalues.
	g := make([]float64, p*p)
	for a, i := range keep {
		for b, j := range keep {
			v := m.gram(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, ErrNoConvergence
			}
			g[a*p+b] = v
		}
	}
	cols := design.columns(keep)
	keepMean := make([]float64, p)
	for a, j := range keep {
		keepMean[a] = m.Mean[j]
	}
	lambda, w, ok := eigenGram(p, g)
	if !ok || !(lambda[p-1]+shift >= (lambda[0]+shift)/conditionLimit) {
		var err error
		if lambda, w, err = tsqrSVD(design, cols, keepMean); err != nil {
			return nil, err
		}
	}
	v := w // without constant features V is W
	if p < n {
		v = mat.NewDense(n, p, nil)
		for k, j := range keep {
			v.SetRow(j, w.RawRowView(k))
		}
	}
	return &Decomposition{
		Samples: m.Samples, Features: n, Mean: m.Mean, Constant: m.Constant, Lambda: lambda, V: v,
		src: design, keep: keep, cols: cols, keepMean: keepMean, w: w.RawMatrix().Data,
	}, nil
}

// wide decomposes Xc (t ≤ n) through XcXcᵀ restricted to the complement of
// the ones vector, which holds every centred column. With the Householder
// reflector R that maps 1 to −√t·e₁, H = R[:, 1:] is an orthonormal basis of
// that complement and Xc = H·(HᵀXc), so the decomposition of the
// (t−1)×n matrix Y = HᵀXc gives that of Xc without an intercept direction to
// find and remove (scikit-learn instead adds 11ᵀ and searches for it).
func (d *Decomposition) wide(xc *mat.Dense) error {
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
	a := mat.DenseCopyOf(y.T())
	ad := Design{X: a}
	all := ad.columns(nil)
	gram, _, _ := products(ad, all, nil, nil, 0)
	lambda, w, ok := eigenGram(t-1, gram)
	if !ok || !(lambda[t-2] >= lambda[0]/conditionLimit) {
		var err error
		if lambda, w, err = tsqrSVD(ad, all, nil); err != nil {
			return err
		}
	}
	pa := linalg.Mul(a, w)
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
	d.Lambda, d.scores, d.V, d.dual, d.u = lambda, p, v, true, u
	return nil
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

// eigenGram returns the eigenvalues of the p×p Gram matrix g = AᵀA
// (row-major, both triangles; overwritten) in descending order and its
// eigenvectors w (p×p), the squared singular values and right singular
// vectors of A; eigenvalues below zero by rounding are set to zero. ok is
// false when the factorisation fails.
func eigenGram(p int, g []float64) (lambda []float64, w *mat.Dense, ok bool) {
	vals, q, ok := symEigen(p, g)
	if !ok {
		return nil, nil, false
	}
	// Ascending to descending: reverse the order of the pairs.
	slices.Reverse(vals)
	for i := 0; i < p; i++ {
		slices.Reverse(q[i*p : (i+1)*p])
	}
	for i, v := range vals {
		vals[i] = max(v, 0)
	}
	return vals, mat.NewDense(p, p, q), vals[0] > 0
}

// tsqrSVD returns the squared singular values (descending) and the right
// singular vectors of Xs, the columns cols of the design minus shift (nil:
// none), which has more samples than columns: from a QR factorisation built
// a block of samples at a time (the triangle of [R; next block] after each
// block, in memory for two blocks) and the SVD of its final triangle R.
// Accurate to eps·κ(Xs), not eps·κ(Xs)² as the Gram matrix.
func tsqrSVD(d Design, cols []int, shift []float64) (lambda []float64, w *mat.Dense, err error) {
	t, p := d.Samples(), len(cols)
	b := max(p, chunkRows)
	stack := make([]float64, (p+b)*p)
	have := 0 // rows of R on top of the stack
	var qr mat.QR
	var r mat.Dense
	for lo := 0; lo < t; lo += b {
		hi := min(lo+b, t)
		d.gather(lo, hi, cols, shift, stack[have*p:])
		rows := have + hi - lo
		if rows < p {
			have = rows
			continue
		}
		qr.Factorize(mat.NewDense(rows, p, stack[:rows*p]))
		r.Reset()
		qr.RTo(&r)
		for i := 0; i < p; i++ {
			copy(stack[i*p:(i+1)*p], r.RawRowView(i)[:p])
		}
		have = p
	}
	if have < p {
		return nil, nil, fmt.Errorf("decode: %d samples for %d columns", t, p)
	}
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(p, p, stack[:p*p]), mat.SVDFull) {
		// Not expected for a finite p×p triangle; values so large that the
		// factorisation overflows can get here.
		return nil, nil, ErrNoConvergence
	}
	lambda = make([]float64, p)
	for i, v := range svd.Values(nil) {
		lambda[i] = v * v
	}
	w = new(mat.Dense)
	svd.VTo(w)
	return lambda, w, nil
}
