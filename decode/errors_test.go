package decode_test

import (
	"errors"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
)

// TestNoVarianceIs checks that a design whose features are all constant
// gives ErrNoVariance through the public fits, on both routes: more
// samples than features (moments) and fewer (a copy), and K-fold.
func TestNoVarianceIs(t *testing.T) {
	for _, c := range []struct {
		name string
		t, n int
		cv   decode.CV
	}{{"tall", 20, 3, decode.CV{}}, {"wide", 5, 8, decode.CV{}}, {"kfold", 20, 3, decode.CV{Folds: 4}}} {
		x := mat.NewDense(c.t, c.n, nil)
		z := mat.NewDense(c.t, 1, nil)
		for i := 0; i < c.t; i++ {
			for j := 0; j < c.n; j++ {
				x.Set(i, j, float64(j+1)) // constant down each column
			}
			z.Set(i, 0, float64(i))
		}
		if _, err := c.cv.Fit(x, z); !errors.Is(err, decode.ErrNoVariance) {
			t.Errorf("%s: Fit: %v, want ErrNoVariance", c.name, err)
		}
		if _, err := c.cv.FitDesign(decode.Design{X: x, Z: z}, nil, decode.FitOptions{Path: true}); !errors.Is(err, decode.ErrNoVariance) {
			t.Errorf("%s: FitDesign: %v, want ErrNoVariance", c.name, err)
		}
	}
}
