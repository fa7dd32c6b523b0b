package decode

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestProjectGivesScores: projecting the samples a decomposition came from
// gives its Scores, for tall (XᵀX) and wide (XXᵀ) decompositions; a
// shifted copy of the samples gives the scores plus the shift's projection.
func TestProjectGivesScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, shape := range [][2]int{{40, 7}, {6, 15}} {
		r, c := shape[0], shape[1]
		x := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				x.Set(i, j, rng.NormFloat64()+float64(j))
			}
		}
		d, err := Decompose(x)
		if err != nil {
			t.Fatal(err)
		}
		p := d.Project(x)
		pr, pc := p.Dims()
		sr, sc := d.Scores().Dims()
		if pr != sr || pc != sc {
			t.Fatalf("%d×%d: projection %d×%d, scores %d×%d", r, c, pr, pc, sr, sc)
		}
		// Tolerance: both are sums of c products of O(1) numbers in float64.
		if !mat.EqualApprox(p, d.Scores(), 1e-10) {
			t.Errorf("%d×%d: projection of the samples differs from the scores", r, c)
		}
		y := mat.DenseCopyOf(x)
		for i := 0; i < r; i++ {
			y.Set(i, 0, y.At(i, 0)+1)
		}
		py := d.Project(y)
		for k := 0; k < pc; k++ {
			want := d.V.At(0, k) // the shift e₀ projected on axis k
			if got := py.At(0, k) - p.At(0, k); math.Abs(got-want) > 1e-10 {
				t.Errorf("%d×%d: axis %d: shift projects to %v, want %v", r, c, k, got, want)
			}
		}
	}
}

// TestDecomposeNotFinite checks that values the factorisations cannot
// handle give ErrNoConvergence instead of a panic, for tall (t > n) and wide
// (t ≤ n) data.
func TestDecomposeNotFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dims := range [][2]int{{20, 4}, {4, 20}} {
		x := mat.NewDense(dims[0], dims[1], nil)
		for i := 0; i < dims[0]; i++ {
			for j := 0; j < dims[1]; j++ {
				x.Set(i, j, rng.NormFloat64())
			}
		}
		x.Set(1, 2, math.Inf(1))
		if _, err := Decompose(x); !errors.Is(err, ErrNoConvergence) {
			t.Errorf("%d×%d with +Inf: error %v, want ErrNoConvergence", dims[0], dims[1], err)
		}
	}
}

// TestPathMatchesRefits checks the leave-one-out curve, whose points are
// accumulated one component at a time in passes over blocks of samples
// (with one, two and three outputs, which take different loops), against
// fitting each projection Scores[:, :k] from scratch (a design of its own,
// whose Gram matrix is diag(λ₁…λ_k)). Tolerances: both sides are float64
// fits of the same well-conditioned problem (κ ≤ 1e3 here), so α agrees
// exactly and R² to 1e-10 absolute (a few hundred roundings of O(1) sums).
// It also checks that the curve stopped at the fitting dimension
// (FitOptions.PathUntil), computed in windows of components, is the start
// of the whole curve.
func TestPathMatchesRefits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{1, 2, 3} {
		const rows, cols = 700, 40
		x := mat.NewDense(rows, cols, nil)
		z := mat.NewDense(rows, k, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				x.Set(i, j, rng.NormFloat64()*float64(1+j%5))
			}
			for o := 0; o < k; o++ {
				z.Set(i, o, x.At(i, o)+x.At(i, 7+o)-0.5*x.At(i, 20)+2*rng.NormFloat64())
			}
		}
		f, err := (CV{}).FitDesign(Design{X: x, Z: z}, nil, FitOptions{Path: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Path) != cols {
			t.Fatalf("K=%d: curve of %d points, want %d", k, len(f.Path), cols)
		}
		scores := f.Scores()
		for _, pt := range f.Path {
			xk := mat.DenseCopyOf(scores.Slice(0, rows, 0, pt.K))
			m, err := (CV{}).Fit(xk, z)
			if err != nil {
				t.Fatal(err)
			}
			if m.Alpha != pt.Alpha || math.Abs(m.Score(xk, z)-pt.R2) > 1e-10 {
				t.Errorf("K=%d, k=%d: curve α %g R² %.15g; refit α %g R² %.15g", k, pt.K, pt.Alpha, pt.R2, m.Alpha, m.Score(xk, z))
			}
		}
		// Windows of 3, 6, 12, … components: the later ones start from
		// the sums over the components before them.
		defer func(w int) { firstWindow = w }(firstWindow)
		firstWindow = 3
		short, err := (CV{}).FitDesign(Design{X: x, Z: z}, nil, FitOptions{Path: true, PathUntil: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("K=%d: D_fit %d", k, len(short.Path))
		n := len(short.Path)
		if n == 0 || n == cols || short.Path[n-1].R2 <= 0.9*short.R2 {
			t.Fatalf("K=%d: curve stopped after %d points (R² %v of %v)", k, n, short.Path[n-1].R2, short.R2)
		}
		for i, pt := range short.Path {
			// A later window starts from sums formed by a product, not
			// one term at a time: the same to rounding (1e-12 absolute
			// on R², far below the R² steps between points).
			if pt.K != f.Path[i].K || pt.Alpha != f.Path[i].Alpha || math.Abs(pt.R2-f.Path[i].R2) > 1e-12 {
				t.Errorf("K=%d: stopped curve point %d is %+v, whole curve %+v", k, i, pt, f.Path[i])
			}
		}
	}
}
