package decode

import (
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
		sr, sc := d.Scores.Dims()
		if pr != sr || pc != sc {
			t.Fatalf("%d×%d: projection %d×%d, scores %d×%d", r, c, pr, pc, sr, sc)
		}
		// Tolerance: both are sums of c products of O(1) numbers in float64.
		if !mat.EqualApprox(p, d.Scores, 1e-10) {
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
