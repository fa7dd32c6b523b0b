package decode_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/internal/golden"
)

// Tolerances against scikit-learn 1.2 (testdata/sklearn/make_goldens.py):
//
//   - coefTol, 1e-8 relative to the largest coefficient: the promise of
//     METHODS.md §3. Both sides solve the same ridge problem in float64;
//     the Gram route here is accurate to eps·κ(X)² ≤ 1e-8 by construction
//     (decode.conditionLimit), the SVD there to eps·κ(X).
//   - r2Tol, 1e-8 absolute on R² (R² near 1 on the Golub data, so relative
//     and absolute coincide).
//   - looTol, 1e-6 relative on the mean squared leave-one-out error: the
//     score only ranks the α grid. scikit-learn forms it through 1/α terms
//     that cancel (see the script), which costs it digits on near-exact
//     fits; the α chosen is compared exactly.
const (
	coefTol = 1e-8
	r2Tol   = 1e-8
	looTol  = 1e-6
	varTol  = 1e-10 // cumulative variance ratios: sums of eigenvalues, rounding only
)

func TestRidgeCVMatchesScikitLearn(t *testing.T) {
	for _, name := range golden.Names {
		p, err := golden.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			mode string
			cv   decode.CV
			ref  golden.Fit
		}{{"loo", decode.CV{}, p.LOO}, {"kfold5", decode.CV{Folds: 5}, p.KFold5}} {
			t.Run(name+"/"+c.mode, func(t *testing.T) {
				m, err := c.cv.Fit(p.X, p.Z)
				if err != nil {
					t.Fatal(err)
				}
				if !sameAlpha(m.Alpha, c.ref.Alpha) {
					t.Errorf("α = %v, scikit-learn %v", m.Alpha, c.ref.Alpha)
				}
				ref := mat.NewDense(len(c.ref.Coef), len(c.ref.Coef[0]), nil)
				for i, row := range c.ref.Coef {
					ref.SetRow(i, row)
				}
				scale := mat.Norm(ref, math.Inf(1))
				var diff mat.Dense
				diff.Sub(m.Coef, ref)
				if e := mat.Norm(&diff, math.Inf(1)) / scale; e > coefTol {
					t.Errorf("coefficients differ by %.3g relative (tolerance %g)", e, coefTol)
				}
				for o, b := range m.Intercept {
					if math.Abs(b-c.ref.Intercept[o]) > coefTol*scale*float64(p.Neurons) {
						t.Errorf("intercept %d = %v, scikit-learn %v", o, b, c.ref.Intercept[o])
					}
				}
				if r2 := m.Score(p.X, p.Z); math.Abs(r2-c.ref.R2) > r2Tol {
					t.Errorf("R² = %.15g, scikit-learn %.15g", r2, c.ref.R2)
				}
				if c.mode == "loo" {
					for a, s := range m.Scores {
						want := -c.ref.LOOMSE[a]
						if math.Abs(s-want) > looTol*math.Abs(want) {
							t.Errorf("α = %g: LOO score %.10g, scikit-learn %.10g", m.Alphas[a], s, want)
						}
					}
				}
			})
		}
	}
}

func TestPathAndPCAMatchScikitLearn(t *testing.T) {
	for _, name := range golden.Names {
		p, err := golden.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := decode.Decompose(p.X)
		if err != nil {
			t.Fatal(err)
		}
		cum := d.CumulativeVarianceRatio()
		for k, want := range p.LOO.CumVar[:d.Rank()] {
			if math.Abs(cum[k]-want) > varTol {
				t.Errorf("%s: cumulative variance of %d PCs %.15g, scikit-learn %.15g", name, k+1, cum[k], want)
			}
		}
		for _, c := range []struct {
			mode string
			cv   decode.CV
			ref  golden.Fit
		}{{"loo", decode.CV{}, p.LOO}, {"kfold5", decode.CV{Folds: 5}, p.KFold5}} {
			if len(c.ref.PathR2) != d.Rank() {
				t.Fatalf("%s: reference path has %d points, rank is %d", name, len(c.ref.PathR2), d.Rank())
			}
			path, err := c.cv.Path(d, p.Z, d.Rank())
			if err != nil {
				t.Fatal(err)
			}
			for i, pt := range path {
				if !sameAlpha(pt.Alpha, c.ref.PathAlpha[i]) {
					t.Errorf("%s/%s: k = %d: α = %v, scikit-learn %v", name, c.mode, pt.K, pt.Alpha, c.ref.PathAlpha[i])
				}
				if math.Abs(pt.R2-c.ref.PathR2[i]) > r2Tol {
					t.Errorf("%s/%s: k = %d: R² = %.15g, scikit-learn %.15g", name, c.mode, pt.K, pt.R2, c.ref.PathR2[i])
				}
			}
		}
	}
}

// sameAlpha compares grid values to a few ulps: the grid is 10^e in both
// programs, and Go's math.Pow and glibc's pow (behind numpy.logspace) may
// round the last bit differently. Grid points are a factor 3 apart, so this
// still tells every choice apart.
func sameAlpha(a, b float64) bool { return math.Abs(a-b) <= 4*0x1p-52*math.Abs(b) }
