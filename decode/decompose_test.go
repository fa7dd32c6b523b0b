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
