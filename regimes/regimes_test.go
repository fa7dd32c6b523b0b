package regimes_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/regimes"
)

// rhoTol is relative: ρ is a ratio of norms of the decoder, which agrees
// with scikit-learn to 1e-8 (decode's tests).
const rhoTol = 1e-8

func TestMeasuresMatchScikitLearn(t *testing.T) {
	for _, name := range golden.Names {
		p, err := golden.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := regimes.Analyze(p.X, p.Z, nil, regimes.Settings{NoScaling: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ref := p.LOO
		if math.Abs(r.Rho-ref.Rho) > rhoTol*ref.Rho {
			t.Errorf("%s: ρ = %.15g, scikit-learn %.15g", name, r.Rho, ref.Rho)
		}
		if r.DVar != ref.DVar || r.DFit != ref.DFit {
			t.Errorf("%s: D_var, D_fit = %d, %d; scikit-learn %d, %d", name, r.DVar, r.DFit, ref.DVar, ref.DFit)
		}
		if r.Ratio != ref.Ratio {
			t.Errorf("%s: D_fit/D_var = %v, scikit-learn %v", name, r.Ratio, ref.Ratio)
		}
		if math.Abs(r.R2-ref.R2) > 1e-8 {
			t.Errorf("%s: R² = %.15g, scikit-learn %.15g", name, r.R2, ref.R2)
		}
	}
}

// TestPaperGolub checks the published Fig. 7B "BCI 1" row (METHODS.md §6):
// 402 samples, 86 neurons, R² = 1.00, ρ = 0.17 (0.165), D_fit = 18,
// D_fit/D_var = 0.31, and α = 1e-3, D_var = 59 from data/README.
func TestPaperGolub(t *testing.T) {
	p, err := golden.Load("golub")
	if err != nil {
		t.Fatal(err)
	}
	r, err := regimes.Analyze(p.X, p.Z, nil, regimes.Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Samples != 402 || r.Neurons != 86 {
		t.Errorf("%d samples × %d neurons, paper 402 × 86", r.Samples, r.Neurons)
	}
	// The paper prints 2 and 3 decimals; the tolerances are half a unit
	// of the last printed digit.
	checks := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"R²", r.R2, 1.00, 0.005},
		{"α", r.Model.Alpha, 1e-3, 1e-18},
		{"ρ", r.Rho, 0.165, 0.0005},
		{"D_var", float64(r.DVar), 59, 0},
		{"D_fit", float64(r.DFit), 18, 0},
		{"D_fit/D_var", r.Ratio, 0.31, 0.005},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s = %v, paper %v", c.name, c.got, c.want)
		}
	}
	// Half the samples still give the same ρ to within a few percent.
	if math.Abs(r.Time.RhoMean-r.Rho) > 3*r.Time.RhoSD+0.005 {
		t.Errorf("ρ over half-sample draws %v ± %v, full data %v", r.Time.RhoMean, r.Time.RhoSD, r.Rho)
	}
}

// planted builds T samples of N neurons of two kinds: a fraction p are
// "shared" neurons, x_i = L·a_i with L (T×d) latent signals of unit variance
// and loadings a_i of ±1, and the rest are "private" neurons, x_i = e_i of
// unit variance. L and E are exactly orthogonal (one QR factorisation), so
// for a subset of n neurons, f of them shared, the answer is exact:
//
//   - aligned (d = 1, z = L): the decoder is a/n₁ on the shared neurons,
//     X·Wᵀ = L, and ρ² = f. ρ does not depend on n: the slope of
//     log(ρ·√n) is ½;
//   - random readout (d = 3, z = E·w, w ~ N(0, 1)): the shared neurons
//     cannot see z, the decoder is w on the private ones, and
//     ρ²·n = 1/(3f + 1 − f): ρ ~ 1/√n, slope 0.
//
// The subset-to-subset spread of f (hypergeometric) is what the bootstrap
// interval measures. E[log ρ] is flat in n up to the curvature of log in f
// (Jensen), which is 0.25–0.5 of the spread's standard error at the
// smallest subsets (p = 0.8 aligned, 0.5 random readout) and less above.
func planted(rng *rand.Rand, t, n int, p float64, aligned bool) (x, z *mat.Dense) {
	d := 3
	if aligned {
		d = 1
	}
	g := mat.NewDense(t, d+n, nil)
	for i := 0; i < t; i++ {
		for j := 0; j < d+n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	q.Scale(math.Sqrt(float64(t)), &q) // unit variance per column
	l := q.Slice(0, t, 0, d)
	e := q.Slice(0, t, d, d+n)
	shared := int(p * float64(n))
	x = mat.NewDense(t, n, nil)
	w := mat.NewDense(n, 1, nil)
	for j := 0; j < n; j++ {
		if j < shared {
			for k := 0; k < d; k++ {
				sign := float64(2*rng.IntN(2) - 1)
				for i := 0; i < t; i++ {
					x.Set(i, j, x.At(i, j)+sign*l.At(i, k))
				}
			}
			continue
		}
		w.Set(j, 0, rng.NormFloat64())
		for i := 0; i < t; i++ {
			x.Set(i, j, e.At(i, j))
		}
	}
	if aligned {
		return x, mat.DenseCopyOf(l)
	}
	z = mat.NewDense(t, 1, nil)
	z.Mul(e, w)
	return x, z
}

// TestScalingPlanted checks the slope of log(ρ·√n) against log n on
// populations with known answers (see planted): ½ when the output lies
// along the largest PCs and 0 for a random readout. ±0.1 is the acceptance
// criterion; the bootstrap interval must cover the planted value.
func TestScalingPlanted(t *testing.T) {
	for _, c := range []struct {
		name    string
		aligned bool
		p       float64
		want    float64
	}{{"aligned", true, 0.8, 0.5}, {"random readout", false, 0.5, 0}} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			x, z := planted(rng, 500, 200, c.p, c.aligned)
			r, err := regimes.Analyze(x, z, nil, regimes.Settings{Seed: 3}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ns := r.Neuron
			t.Logf("slope %.4f [%.4f, %.4f], ρ = %.4f", ns.Slope, ns.SlopeLo, ns.SlopeHi, r.Rho)
			if math.Abs(ns.Slope-c.want) > 0.1 {
				t.Errorf("slope %.3f, want %.1f ± 0.1", ns.Slope, c.want)
			}
			if !(ns.SlopeLo <= c.want && c.want <= ns.SlopeHi) {
				t.Errorf("bootstrap interval [%.4f, %.4f] misses %.1f", ns.SlopeLo, ns.SlopeHi, c.want)
			}
		})
	}
}

// TestSeeded checks that the seed fixes every draw and that the worker count
// does not matter.
func TestSeeded(t *testing.T) {
	p, err := golden.Load("tall")
	if err != nil {
		t.Fatal(err)
	}
	run := func(seed uint64, workers int) *regimes.Result {
		r, err := regimes.Analyze(p.X, p.Z, nil, regimes.Settings{Seed: seed, Workers: workers, Bootstrap: 200}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := run(5, 1), run(5, 2), run(6, 2)
	if a.Neuron.Slope != b.Neuron.Slope || a.Neuron.SlopeLo != b.Neuron.SlopeLo || a.Time.RhoMean != b.Time.RhoMean {
		t.Errorf("same seed, different numbers: slope %v vs %v, time ρ %v vs %v",
			a.Neuron.Slope, b.Neuron.Slope, a.Time.RhoMean, b.Time.RhoMean)
	}
	if a.Neuron.Slope == c.Neuron.Slope {
		t.Errorf("seeds 5 and 6 gave the same slope %v: the seed is not used", a.Neuron.Slope)
	}
}
