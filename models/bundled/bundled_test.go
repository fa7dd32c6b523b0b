package bundled

import (
	"math"
	"testing"

	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/rnn"
)

// Every shipped run is one of the sweep's, finished, and its network solves
// its task: the evaluation loss recomputed here from the embedded float32
// weights equals the one in run.json within the rounding error of the
// computation (lossTolerance; the weights are exactly what the float32
// engine trained with), and is below 10 % of the loss of a zero output
// (issue 4's acceptance).
func TestRuns(t *testing.T) {
	sw, err := models.ParseSweep(Sweep(), "sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sw.Runs()
	byName := map[string]models.Settings{}
	for _, r := range want {
		byName["runs/"+r.Name] = r.Settings
	}
	runs, err := Runs()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) == 0 {
		t.Fatal("no bundled runs")
	}
	for _, tr := range runs {
		s, ok := byName[tr.Dir]
		if !ok {
			t.Errorf("%s is not a run of the sweep", tr.Dir)
			continue
		}
		if d := models.SameTraining(tr.Info.Settings, s); d != "" || tr.Info.StepsDone != s.Steps {
			t.Errorf("%s: settings differ from the sweep's (%s; %d steps)", tr.Dir, d, tr.Info.StepsDone)
		}
		loss, zero := tr.Evaluate()
		tol, why := lossTolerance(tr)
		if math.Abs(loss-tr.Info.EvalLoss) > tol || zero != tr.Info.ZeroLoss {
			t.Errorf("%s: evaluation loss %v (zero %v), run.json says %v (%v); they may differ by %.3g (%s)", tr.Dir, loss, zero, tr.Info.EvalLoss, tr.Info.ZeroLoss, tol, why)
		}
		if loss >= 0.1*zero {
			t.Errorf("%s: evaluation loss %.4g is %.1f %% of the zero-output loss", tr.Dir, loss, 100*loss/zero)
		}
	}
	t.Logf("%d bundled runs checked", len(runs))
}

// lossTolerance returns how far a float32 evaluation loss recomputed on this
// machine's kernel path may be from run.json's, and why.
//
// The bundled runs were trained and evaluated on the avx512 path. Every
// assembly path computes the same float32 values bit for bit
// (linalg.TestAsmPathsSameBits), so on those only the float64 sum of the M
// squared errors may be added in another order (the engine's reduction
// order over trials is not the one it had then): |ΔL| ≤ 2·γ_M·L with
// γ_M = M·u64/(1 − M·u64), all terms being positive.
//
// The generic path rounds the float32 forward pass differently (gonum's
// GEMM order, separate multiply and add, math.Tanh). Each of the T Euler
// steps computes N-term dot products; their rounding errors, of random
// sign, are about √N·u32 relative (Higham & Mary 2019, probabilistic
// rounding error analysis), and a trained network, contracting on its task,
// carries the earlier steps' errors forward without amplifying them, so the
// outputs z differ between the paths by at most δz = T·√N·u32·max|z|. The
// loss L = mean((z − y)²) then moves by at most
// 2·rms(z − y)·δz + δz², which is counted twice (both computations err).
// z is taken from the float64 engine on the same weights.
func lossTolerance(tr *models.Trained) (float64, string) {
	b, noise := tr.EvaluationBatch()
	const u64, u32 = 0x1p-53, 0x1p-24
	m := float64(b.Masked())
	if linalg.KernelPath() != "generic" {
		return 2 * m * u64 / (1 - m*u64) * tr.Info.EvalLoss, "float64 summation order on an assembly path"
	}
	var e rnn.Engine[float64]
	_, out := e.Simulate(tr.Net, b, noise)
	maxz, rms := outputScale(b, out)
	dz := float64(b.Steps) * math.Sqrt(float64(tr.Net.N())) * u32 * maxz
	return 2 * (2*rms*dz + dz*dz), "float32 rounding of the generic path"
}
