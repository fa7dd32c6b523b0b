package bundled

import (
	"math"
	"testing"

	"github.com/oblique-neuro/oblique/models"
)

// Every shipped run is one of the sweep's, finished, and its network solves
// its task: the evaluation loss recomputed here from the embedded float32
// weights equals the one in run.json (the weights are exactly what the
// float32 engine trained with) and is below 10 % of the loss of a zero
// output (issue 4's acceptance).
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
		// Same computation as at the end of training, on the same float32
		// values: equal up to float64 summation order (none differs here,
		// so 1e-12 relative is generous).
		if math.Abs(loss-tr.Info.EvalLoss) > 1e-12*math.Abs(loss) || zero != tr.Info.ZeroLoss {
			t.Errorf("%s: evaluation loss %v (zero %v), run.json says %v (%v)", tr.Dir, loss, zero, tr.Info.EvalLoss, tr.Info.ZeroLoss)
		}
		if loss >= 0.1*zero {
			t.Errorf("%s: evaluation loss %.4g is %.1f %% of the zero-output loss", tr.Dir, loss, 100*loss/zero)
		}
	}
	t.Logf("%d bundled runs checked", len(runs))
}
