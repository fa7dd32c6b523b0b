package decode

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// viewProblem is a design with a constant column, shifted means and
// columns of different scales, and behaviour with two outputs.
func viewProblem(rng *rand.Rand, t, n int) (x, z *mat.Dense) {
	x, z = mat.NewDense(t, n, nil), mat.NewDense(t, 2, nil)
	for i := 0; i < t; i++ {
		for j := 0; j < n; j++ {
			x.Set(i, j, 3+float64(1+j%4)*rng.NormFloat64())
		}
		x.Set(i, 5, 7) // constant
		z.Set(i, 0, x.At(i, 1)-x.At(i, 8)+rng.NormFloat64())
		z.Set(i, 1, 0.3*x.At(i, 12)+rng.NormFloat64())
	}
	return x, z
}

// TestMomentsMatchDefinition checks NewMoments (two passes over blocks of
// samples, several segments) against the centred copy's products, and Sub
// against NewMoments on the design restricted to the subset. Tolerance:
// sums of T products of O(10) numbers in a different order, 1e-12 of the
// diagonal's size (T·u·max ≈ 1e-12 relative for T = 9000).
func TestMomentsMatchDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const rows, cols = 9000, 20 // 3 segments of 4096
	x, z := viewProblem(rng, rows, cols)
	d := Design{X: x, Z: z}
	m, err := NewMoments(d, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Constant) != 1 || m.Constant[0] != 5 || m.Mean[5] != 7 {
		t.Errorf("constant columns %v, mean %v; want [5], 7", m.Constant, m.Mean[5])
	}
	xc, _, _ := copyCentred(x)
	zc, _, _ := copyCentred(z)
	var g, xz mat.Dense
	g.Mul(xc.T(), xc)
	xz.Mul(xc.T(), zc)
	scale := mat.Norm(&g, math.Inf(1))
	for i := 0; i < cols; i++ {
		for j := 0; j < cols; j++ {
			if e := math.Abs(m.gram(i, j) - g.At(i, j)); e > 1e-12*scale {
				t.Fatalf("Gram (%d, %d) = %v, centred copy %v", i, j, m.gram(i, j), g.At(i, j))
			}
		}
		for o := 0; o < 2; o++ {
			if e := math.Abs(m.xz[i*2+o] - xz.At(i, o)); e > 1e-12*scale {
				t.Fatalf("Xcᵀzc (%d, %d) = %v, centred copy %v", i, o, m.xz[i*2+o], xz.At(i, o))
			}
		}
	}
	pos := []int{17, 2, 5, 11, 0}
	sub := m.Sub(pos)
	direct, err := NewMoments(Design{X: x, Z: z, Cols: pos}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Constant) != 1 || sub.Constant[0] != 2 || len(direct.Constant) != 1 || direct.Constant[0] != 2 {
		t.Errorf("subset constants %v and %v, want [2]", sub.Constant, direct.Constant)
	}
	for a := range pos {
		if sub.Mean[a] != direct.Mean[a] {
			t.Errorf("subset mean %d: %v, direct %v", a, sub.Mean[a], direct.Mean[a])
		}
		for b := range pos {
			if e := math.Abs(sub.gram(a, b) - direct.gram(a, b)); e > 1e-12*scale {
				t.Errorf("subset Gram (%d, %d) = %v, direct %v", a, b, sub.gram(a, b), direct.gram(a, b))
			}
		}
	}
}

func copyCentred(m *mat.Dense) (*mat.Dense, []float64, []int) {
	c := mat.DenseCopyOf(m)
	r, k := c.Dims()
	for j := 0; j < k; j++ {
		var s float64
		for i := 0; i < r; i++ {
			s += c.At(i, j)
		}
		s /= float64(r)
		for i := 0; i < r; i++ {
			c.Set(i, j, c.At(i, j)-s)
		}
	}
	return c, nil, nil
}

// TestViewsMatchCopies fits views of a design (subsets of samples, of
// neurons, both, in any order) and the same rows and columns copied into
// matrices of their own: the same α and curve, R² and ρ to 1e-12 (the
// same float64 problem in both, summed in another order; κ ≈ 10 here), the
// coefficients to 1e-10 of their largest.
func TestViewsMatchCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	x, z := viewProblem(rng, 6000, 30)
	given := mat.NewDense(2, 30, nil)
	given.Set(0, 1, 1)
	given.Set(1, 12, 0.3)
	rows := make([]int, 0, 3000)
	for i := 0; i < 6000; i += 2 {
		rows = append(rows, i+rng.IntN(2))
	}
	cols := []int{29, 1, 8, 5, 12, 3, 20, 14}
	for _, v := range []Design{
		{X: x, Z: z},
		{X: x, Z: z, Rows: rows},
		{X: x, Z: z, Cols: cols},
		{X: x, Z: z, Rows: rows, Cols: cols},
	} {
		xs, zs := v.Materialise()
		var g *mat.Dense
		if v.Cols == nil {
			g = given
		}
		a, err := (CV{}).FitDesign(v, nil, FitOptions{Path: true, Given: g, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		b, err := (CV{}).FitDesign(Design{X: xs, Z: zs}, nil, FitOptions{Path: true, Given: g, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		name := map[bool]string{true: "rows", false: "all rows"}[v.Rows != nil] + ", " + map[bool]string{true: "columns", false: "all columns"}[v.Cols != nil]
		if a.Model.Alpha != b.Model.Alpha || math.Abs(a.R2-b.R2) > 1e-12 || math.Abs(a.Rho-b.Rho) > 1e-12*b.Rho {
			t.Errorf("%s: view α %v R² %v ρ %v; copy α %v R² %v ρ %v", name, a.Model.Alpha, a.R2, a.Rho, b.Model.Alpha, b.R2, b.Rho)
		}
		if g != nil && math.Abs(a.RhoGiven-b.RhoGiven) > 1e-12*b.RhoGiven {
			t.Errorf("%s: ρ of the given decoder %v, copy %v", name, a.RhoGiven, b.RhoGiven)
		}
		var diff mat.Dense
		diff.Sub(a.Model.Coef, b.Model.Coef)
		if e := mat.Norm(&diff, math.Inf(1)) / mat.Norm(b.Model.Coef, math.Inf(1)); e > 1e-10 {
			t.Errorf("%s: coefficients differ by %.3g relative", name, e)
		}
		if len(a.Path) != len(b.Path) {
			t.Fatalf("%s: curves of %d and %d points", name, len(a.Path), len(b.Path))
		}
		for i := range a.Path {
			if a.Path[i].Alpha != b.Path[i].Alpha || math.Abs(a.Path[i].R2-b.Path[i].R2) > 1e-12 {
				t.Errorf("%s: k=%d: view %+v, copy %+v", name, i+1, a.Path[i], b.Path[i])
			}
		}
	}
}

// TestConditioningFallback: a design with two nearly collinear columns
// (κ(X) ≈ 1e7, κ(XᵀX) ≈ 1e14). With a grid whose smallest α lifts the small
// eigenvalue (κ(XᵀX + αI) ≤ conditionLimit) the Gram eigenvalues are used;
// with α down to 1e-12 the decomposition comes from the blocked QR
// factorisation and the SVD of its triangle (tsqrSVD). The smallest
// eigenvalue tells which ran: from the QR route it matches the SVD of the
// centred copy (gonum) to eps·κ(X) ≈ 3e-9 relative (1e-6 allowed), where
// the Gram route would be off by eps·κ(XᵀX) ≈ 1e-2. The coefficients of the
// well-determined directions (w₀+w₁, w₂, w₃) match the SVD's ridge solution
// to 1e-9 of the largest (eps·κ(XᵀX+αI) ≈ 1e-12 with α ≥ 1; with the QR
// route eps·κ(X)·|w| ≈ 3e-9·1 would be the bound, the combination cancels
// the poorly determined w₀−w₁).
func TestConditioningFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	const rows = 3000
	x := mat.NewDense(rows, 4, nil)
	z := mat.NewDense(rows, 1, nil)
	for i := 0; i < rows; i++ {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.Set(i, 0, a)
		x.Set(i, 1, a+1e-7*rng.NormFloat64())
		x.Set(i, 2, b)
		x.Set(i, 3, rng.NormFloat64())
		z.Set(i, 0, a+b+0.1*rng.NormFloat64())
	}
	xc, _, _ := copyCentred(x)
	zc, _, _ := copyCentred(z)
	var svd mat.SVD
	if !svd.Factorize(xc, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	s := svd.Values(nil)
	for _, c := range []struct {
		alphas []float64
		qr     bool
	}{{[]float64{1, 10}, false}, {[]float64{1e-12, 1e-6}, true}} {
		f, err := (CV{Alphas: c.alphas}).FitDesign(Design{X: x, Z: z}, nil, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		smin := s[3] * s[3]
		lmin := f.Lambda[3]
		if got := math.Abs(lmin-smin) / smin; (got <= 1e-6) != c.qr {
			t.Errorf("α grid %v: smallest eigenvalue %v, SVD %v (relative difference %.2g): QR route %v expected", c.alphas, lmin, smin, got, c.qr)
		}
		// Reference: w = V·diag(s/(s²+α))·Uᵀzc.
		var utz mat.Dense
		utz.Mul(u.T(), zc)
		for i := range s {
			utz.Set(i, 0, utz.At(i, 0)*s[i]/(s[i]*s[i]+f.Model.Alpha))
		}
		var w mat.Dense
		w.Mul(&v, &utz)
		coef := f.Model.Coef
		pairs := [][2]float64{
			{coef.At(0, 0) + coef.At(0, 1), w.At(0, 0) + w.At(1, 0)},
			{coef.At(0, 2), w.At(2, 0)},
			{coef.At(0, 3), w.At(3, 0)},
		}
		for i, p := range pairs {
			if math.Abs(p[0]-p[1]) > 1e-9 {
				t.Errorf("α grid %v: direction %d: %v, SVD reference %v", c.alphas, i, p[0], p[1])
			}
		}
	}
}

// TestFitDesignBadViews: views that cannot be fitted are errors, not
// panics.
func TestFitDesignBadViews(t *testing.T) {
	x, z := viewProblem(rand.New(rand.NewPCG(1, 2)), 50, 20)
	for _, c := range []struct {
		name string
		d    Design
		cv   CV
	}{
		{"no features", Design{X: x, Z: z, Cols: []int{}}, CV{}},
		{"no features, folds", Design{X: x, Z: z, Cols: []int{}}, CV{Folds: 5}},
		{"no behaviour", Design{X: x}, CV{}},
		{"column out of range", Design{X: x, Z: z, Cols: []int{3, 20}}, CV{}},
		{"row out of range", Design{X: x, Z: z, Rows: []int{-1, 2, 3}}, CV{}},
		{"too few samples", Design{X: x, Z: z, Rows: []int{1, 2}}, CV{}},
		{"only a constant neuron", Design{X: x, Z: z, Cols: []int{5}}, CV{}},
	} {
		if _, err := c.cv.FitDesign(c.d, nil, FitOptions{}); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
