package bundled

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

// The kernel paths of this CPU (linalg.KernelPaths) compute the float32
// engine's products and element-wise steps with different rounding: the
// assembly paths identically to each other, the generic path otherwise.
// These tests run one training step and the `models` measures of two
// bundled networks on every path and compare each with the float64 engine,
// whose own error (u64 = 1.1e-16 per operation) is negligible here.
//
// The float32 error budget, stated once for both tests: each of the T Euler
// steps computes N-term dot products whose rounding errors, of random sign,
// are about √N·u32 relative (u32 = 2⁻²⁴; Higham & Mary 2019, probabilistic
// rounding error analysis); a trained network, contracting on its task,
// carries earlier errors forward without amplifying them, so the states and
// outputs carry a relative error of at most δ = T·√N·u32. Quantities made
// of small differences amplify it: an error e = z − y of the outputs by
// max|z|/rms(e).

// pathRuns are the two bundled networks of the path tests: an aligned one
// and an oblique one, of different tasks.
var pathRuns = []string{"runs/flipflop-aligned-s1", "runs/romo-oblique-s2"}

func bundledRun(t *testing.T, dir string) *models.Trained {
	t.Helper()
	runs, err := Runs()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range runs {
		if tr.Dir == dir {
			return tr
		}
	}
	t.Fatalf("no bundled run %s", dir)
	return nil
}

// onEachPath calls f with each kernel path of this CPU active.
func onEachPath(t *testing.T, f func(path string)) {
	t.Helper()
	defer func() {
		if err := linalg.SetKernelPath("auto"); err != nil {
			t.Fatal(err)
		}
	}()
	for _, p := range linalg.KernelPaths() {
		if err := linalg.SetKernelPath(p); err != nil {
			t.Fatal(err)
		}
		f(p)
	}
}

// step is one training step's computation: the loss and the gradients.
type step struct {
	loss float64
	grad [3]*mat.Dense
}

// TestTrainingStepOnEachPath runs the forward pass with training noise,
// backpropagation and the gradient of one training step of two bundled
// networks (a training batch of their task, their σ and x₀ noise) in
// float32 on every kernel path. The assembly paths must give the same bits;
// every path must match the float64 engine within the budget above: the
// loss within 2·rms(e)·δz + δz² with δz = δ·max|z|, and each gradient
// matrix, a sum of products of the error signal and the states, within
// δ·(2 + max|z|/rms(e)) of its norm.
func TestTrainingStepOnEachPath(t *testing.T) {
	for _, dir := range pathRuns {
		tr := bundledRun(t, dir)
		s := tr.Info.Settings
		task, err := tasks.New(s.Task)
		if err != nil {
			t.Fatal(err)
		}
		b := task.Generate(rand.New(rand.NewPCG(s.Seed, 99)), s.Batch)
		noise := rnn.Noise{Sigma: *s.Noise, Init: *s.InitNoise, Seed: 12345}
		run := func(e interface {
			Loss(*rnn.Network, *tasks.Batch, rnn.Noise, *rnn.Gradient) float64
		}) step {
			g := rnn.NewGradient(tr.Net, rnn.All)
			l := e.Loss(tr.Net, b, noise, g)
			return step{l, g.Matrices()}
		}
		ref := run(new(rnn.Engine[float64]))
		var e64 rnn.Engine[float64]
		_, out := e64.Simulate(tr.Net, b, noise)
		maxz, rms := outputScale(b, out)
		delta := float64(b.Steps) * math.Sqrt(float64(tr.Net.N())) * 0x1p-24
		dz := delta * maxz
		lossTol := 2*rms*dz + dz*dz
		gradTol := delta * (2 + maxz/rms)
		var asm *step
		var asmPath string
		onEachPath(t, func(path string) {
			got := run(new(rnn.Engine[float32]))
			if path != "generic" {
				if asm == nil {
					asm, asmPath = &got, path
				} else if !reflect.DeepEqual(*asm, got) {
					t.Errorf("%s: the %s and %s paths give different bits", dir, asmPath, path)
				}
			}
			if d := math.Abs(got.loss - ref.loss); d > lossTol {
				t.Errorf("%s, %s: loss %v, float64 %v: differ by %.3g > %.3g", dir, path, got.loss, ref.loss, d, lossTol)
			}
			for i, name := range []string{"W_in", "W", "W_out"} {
				var d mat.Dense
				d.Sub(got.grad[i], ref.grad[i])
				rel := mat.Norm(&d, 2) / mat.Norm(ref.grad[i], 2)
				if rel > gradTol {
					t.Errorf("%s, %s: %s gradient differs from float64 by %.3g (norm-wise) > %.3g", dir, path, name, rel, gradTol)
				}
				t.Logf("%s, %s: loss error %.2g (bound %.2g), %s gradient %.2g (bound %.2g)", dir, path, math.Abs(got.loss-ref.loss)/ref.loss, lossTol/ref.loss, name, rel, gradTol)
			}
		})
	}
}

// outputScale returns max|z| and rms(z − y) over the scored entries.
func outputScale(b *tasks.Batch, out *mat.Dense) (maxz, rms float64) {
	var se float64
	n := 0
	for trial := 0; trial < b.Trials; trial++ {
		for st := 0; st < b.Steps; st++ {
			z := out.RawRowView(trial*b.Steps + st)
			for k, scored := range b.Scored(trial, st) {
				if scored {
					d := z[k] - b.Out(trial, st)[k]
					se += d * d
					n++
					maxz = math.Max(maxz, math.Abs(z[k]))
				}
			}
		}
	}
	return maxz, math.Sqrt(se / float64(n))
}

// TestMeasuresOnEachPath computes the `models` measures of two bundled
// networks (ρ, the magnitudes, the cumulative variance and D_var, the
// fitting curve and D_fit, the relative susceptibility to perturbations and
// the noise-compression ratio) with the float32 engine on every kernel path
// and compares them with the float64 engine's. ε is the relative error of
// the float32 states measured here (Frobenius norm of the difference of the
// row-centred analysed states, over theirs), and the tolerances are each
// measure's first-order sensitivity to it:
//
//   - ρ = ‖W·Yᵀ‖/√(‖W·Wᵀ‖·‖Y·Yᵀ‖): the numerator moves by ‖W‖·‖ΔY‖ and the
//     denominator is at least ‖W‖·‖Y‖/(K·N)^¼ (K outputs), so
//     |Δρ| ≤ ε·((K·N)^¼ + 2ρ);
//   - the state magnitude: ≤ ε relative;
//   - the cumulative variance ratios: the top-k sum of squared singular
//     values and the total move by at most 2ε + ε² relative (Weyl), so
//     |Δc_k| ≤ 2·(2ε + ε²); D_var is compared when no c_k lies closer than
//     that to the threshold;
//   - R² of the fits: the residual moves by at most 2ε of the centred
//     outputs (outputs and projections each by ε; the ridge hat matrix has
//     norm ≤ 1), so |ΔR²| ≤ 4ε·√(1−R²) + 4ε²; D_fit is compared when no R²
//     lies closer than that to the threshold;
//   - the relative susceptibility (a ratio of mean losses of perturbed runs)
//     and the noise ratio (a ratio of residual variances): each mean moves
//     by at most 2δ·A relative, A the amplification of the differences
//     (max|z|/rms(e) for the losses, max|x|/rms(residual) for the
//     variances), so the ratio by 4δ·A.
func TestMeasuresOnEachPath(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, dir := range pathRuns {
		tr := bundledRun(t, dir)
		s := tr.Info.Settings
		model := func(precision string) modelmeasures.Model {
			return modelmeasures.Model{Task: s.Task, Net: tr.Net, Sigma: *s.Noise, InitNoise: *s.InitNoise, Precision: precision}
		}
		// The paper's analysis with fewer perturbation times and amplitudes
		// and fewer noise replays: the same computations, less often.
		settings := modelmeasures.Settings{
			Perturb: modelmeasures.PerturbSettings{Amplitudes: 5, Times: 3},
			Noise:   modelmeasures.NoiseSettings{Conditions: 2, Repeats: 8, Random: 200},
		}
		ref, err := modelmeasures.Analyze(model("float64"), settings, nil)
		if err != nil {
			t.Fatal(err)
		}
		k, n := tr.Net.WOut.Dims()
		maxz, rms := outputScale(ref.Eval.Batch, ref.Eval.Outputs)
		delta := float64(ref.Eval.Batch.Steps) * math.Sqrt(float64(n)) * 0x1p-24
		maxx := mat.Max(ref.Eval.States)
		maxx = math.Max(maxx, -mat.Min(ref.Eval.States))
		onEachPath(t, func(path string) {
			got, err := modelmeasures.Analyze(model("float32"), settings, nil)
			if err != nil {
				t.Fatal(err)
			}
			eps := relDiff(centredRows(got.Eval.Y), centredRows(ref.Eval.Y))
			name := dir + ", " + path
			t.Logf("%s: ε = %.2g (δ = %.2g)", name, eps, delta)
			if eps > delta {
				t.Errorf("%s: the float32 states differ from float64 by %.3g, more than δ = %.3g", name, eps, delta)
			}
			check := func(what string, got, want, tol float64) {
				if math.Abs(got-want) > tol {
					t.Errorf("%s: %s %v, float64 %v: differ by %.3g > %.3g", name, what, got, want, math.Abs(got-want), tol)
				}
			}
			check("ρ", got.Rho, ref.Rho, eps*(math.Pow(float64(k*n), 0.25)+2*ref.Rho))
			check("state magnitude", got.StateNorm, ref.StateNorm, eps*ref.StateNorm)
			cumTol := 2 * (2*eps + eps*eps)
			near := false
			for i := range min(len(got.CumVar), ref.DVar+1) {
				check("cumulative variance", got.CumVar[i], ref.CumVar[i], cumTol)
				near = near || math.Abs(ref.CumVar[i]-ref.Settings.VarThreshold) <= cumTol
			}
			if !near && got.DVar != ref.DVar {
				t.Errorf("%s: D_var %d, float64 %d", name, got.DVar, ref.DVar)
			}
			near = false
			for i := range min(len(got.Fit), len(ref.Fit)) {
				r2 := ref.Fit[i].R2
				tol := 4*eps*math.Sqrt(math.Max(0, 1-r2)) + 4*eps*eps
				check("R²", got.Fit[i].R2, r2, tol)
				near = near || math.Abs(r2-ref.Settings.FitThreshold) <= tol
			}
			if !near && got.DFit != ref.DFit {
				t.Errorf("%s: D_fit %d, float64 %d", name, got.DFit, ref.DFit)
			}
			ampLoss := maxz / rms
			check("relative susceptibility", got.Perturbation.Relative, ref.Perturbation.Relative,
				4*delta*ampLoss*ref.Perturbation.Relative)
			ampVar := maxx / math.Sqrt(math.Min(ref.Noise.MeanRandom, math.Min(ref.Noise.MeanOut, ref.Noise.MeanPC)))
			check("noise ratio", got.Noise.Ratio, ref.Noise.Ratio, 4*delta*ampVar*ref.Noise.Ratio)
		})
	}
}

// centredRows returns m with each row's mean removed (the centring of ρ).
func centredRows(m *mat.Dense) *mat.Dense {
	r, c := m.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		row := m.RawRowView(i)
		mean := 0.0
		for _, v := range row {
			mean += v
		}
		mean /= float64(c)
		for j, v := range row {
			out.Set(i, j, v-mean)
		}
	}
	return out
}

// relDiff returns ‖a − b‖_F / ‖b‖_F.
func relDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}
