package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/models"
)

// tiny are the flags of a quick training run.
func tiny(dir string, extra ...string) []string {
	return append([]string{"train", "-task", "cycling", "-n", "8", "-steps", "20", "-batch", "4",
		"-eval-trials", "4", "-checkpoint-every", "5", "-seed", "2", "-quiet", "-o", dir}, extra...)
}

func run(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	status = Main(args, &o, &e)
	return status, o.String(), e.String()
}

// TestTrainSimulateAnalyze runs the whole model path from the command
// line: train, simulate, analyze.
func TestTrainSimulateAnalyze(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	status, out, errs := run(t, tiny(dir)...)
	if status != 0 {
		t.Fatalf("train: status %d\n%s%s", status, out, errs)
	}
	for _, want := range []string{"cycling, aligned (small output weights), N = 8", "20 steps", "evaluation loss", "% of the zero-output loss"} {
		if !strings.Contains(out, want) {
			t.Errorf("train output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"run.json", "loss.arrow", "checkpoint.gob", "weights_W.npy", "weights_W_in.npy", "weights_W_out.npy"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	loss := readTable(t, filepath.Join(dir, "loss.arrow"))
	if loss.num("step", 19) != 20 || loss.num("loss", 0) <= 0 {
		t.Errorf("loss table: step %v, loss %v", loss.num("step", 19), loss.num("loss", 0))
	}

	sim := filepath.Join(t.TempDir(), "sim")
	status, out, errs = run(t, "simulate", dir, "-o", sim, "-trials", "6", "-noise", "on", "-seed", "4")
	if status != 0 {
		t.Fatalf("simulate: status %d\n%s%s", status, out, errs)
	}
	if !strings.Contains(out, "1860 samples × 8 neurons (6 trials, first 50 steps of each dropped), noise on") {
		t.Errorf("simulate output:\n%s", out)
	}
	manifest := filepath.Join(sim, "recording.toml")
	status, out, errs = run(t, "analyze", manifest, "--no-scaling", "--quiet", "-o", filepath.Join(sim, "a.arrow"))
	if status != 0 {
		t.Fatalf("analyze: status %d\n%s%s", status, out, errs)
	}
	if !strings.Contains(out, "experimenter's decoder: ρ =") {
		t.Errorf("analyze did not use W_out as the given decoder:\n%s", out)
	}
	a := readTable(t, filepath.Join(sim, "a.arrow"))
	if a.num("samples", 0) != 1860 || a.num("neurons", 0) != 8 || a.num("outputs", 0) != 2 {
		t.Errorf("analysis of the simulated recording: %v samples, %v neurons", a.num("samples", 0), a.num("neurons", 0))
	}
}

// TestTrainResume extends a finished run, refuses to resume it with other
// settings, and reports a finished run as done.
func TestTrainResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if status, out, errs := run(t, tiny(dir, "-steps", "10")...); status != 0 {
		t.Fatalf("status %d\n%s%s", status, out, errs)
	}
	status, out, errs := run(t, tiny(dir)...)
	if status != 0 || !strings.Contains(out, "resuming at step 10 of 20") {
		t.Fatalf("resume: status %d\n%s%s", status, out, errs)
	}
	status, out, _ = run(t, "train", "-o", dir, "-quiet")
	if status != 0 || !strings.Contains(out, "already done (20 steps)") {
		t.Errorf("finished run: status %d\n%s", status, out)
	}
	status, _, errs = run(t, tiny(dir, "-seed", "3")...)
	if status != 1 || !strings.Contains(errs, "seed differs") {
		t.Errorf("other seed: status %d\n%s", status, errs)
	}
	status, _, errs = run(t, tiny(dir, "-regime", "oblique")...)
	if status != 1 || !strings.Contains(errs, "output scale (regime) differs") {
		t.Errorf("other regime: status %d\n%s", status, errs)
	}
}

// TestTrainBadSettings checks the messages for settings that cannot work.
func TestTrainBadSettings(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "-o", dir}, "-task is required"},
		{[]string{"train", "-task", "juggling", "-o", dir}, `unknown task "juggling"`},
		{[]string{"train", "-task", "romo", "-n", "1", "-o", dir}, "at least 2 units"},
		{[]string{"train", "-task", "romo", "-noise", "-0.5", "-o", dir}, "-noise -0.5: must not be negative"},
		{[]string{"train", "-task", "romo", "-noise", "lots", "-o", dir}, `-noise "lots"`},
		{[]string{"train", "-task", "romo", "-regime", "small", "-o", dir}, "use -out-scale small"},
		{[]string{"train", "-task", "romo", "-train", "bias", "-o", dir}, `weights "bias"`},
		{[]string{"train", "-task", "romo", "extra", "-o", dir}, "unexpected argument"},
	} {
		status, _, errs := run(t, c.args...)
		if status != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: status %d, stderr %q, want %q", c.args, status, errs, c.want)
		}
	}
}

// TestTrainDiverges: an absurd learning rate stops the run with a message;
// run.json says so and no weights are written. The message counts the
// steps done as run.json does, and tells of a checkpoint only when there
// is one (every 5 steps here).
func TestTrainDiverges(t *testing.T) {
	for _, c := range []struct {
		lr0, want string
	}{
		// Weights beyond float32's range after the first update.
		{"1e300", "training diverged at step 1 (steps done: 0): the weights are no longer finite in float32"},
		// Finite weights whose outputs overflow at the second step.
		{"1e36", "training diverged at step 2 (steps done: 1)"},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		status, _, errs := run(t, tiny(dir, "-lr0", c.lr0)...)
		if status != 1 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "no checkpoint had been written and no weights were written") ||
			!strings.Contains(errs, "smaller lr0") {
			t.Errorf("-lr0 %s: status %d, stderr %q, want %q", c.lr0, status, errs, c.want)
		}
		b, err := os.ReadFile(filepath.Join(dir, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		var info models.Info
		if err := json.Unmarshal(b, &info); err != nil || info.Status != models.StatusDiverged || !strings.Contains(c.want, fmt.Sprintf("(steps done: %d)", info.StepsDone)) {
			t.Errorf("-lr0 %s: run.json status %q, %d steps done (%v)", c.lr0, info.Status, info.StepsDone, err)
		}
		for _, f := range []string{"weights_W.npy", "checkpoint.gob"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Errorf("-lr0 %s: a run diverged before its first checkpoint wrote %s", c.lr0, f)
			}
		}
	}
}
