package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/models"
)

// TestSweep trains a small sweep, then runs it again: the second time every
// run is done and nothing is retrained; a run whose directory holds other
// settings stops the sweep with a message naming it.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sweep.toml")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tasks = [\"romo\"]\nregimes = [\"aligned\", \"oblique\"]\nseeds = [3]\nn = 6\nsteps = 4\n")
	out := filepath.Join(dir, "runs")
	status, stdout, stderr := run(t, "sweep", file, "-o", out, "-quiet")
	if status != 0 {
		t.Fatalf("sweep: status %d\n%s%s", status, stdout, stderr)
	}
	for _, name := range []string{"romo-aligned-s3", "romo-oblique-s3"} {
		tr, err := models.Open(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		s := tr.Info.Settings
		if tr.Info.Status != models.StatusDone || s.N != 6 || s.Steps != 4 || s.Seed != 3 || tr.Info.Regime != strings.Split(name, "-")[1] {
			t.Errorf("%s: status %s, N %d, steps %d, seed %d, regime %s", name, tr.Info.Status, s.N, s.Steps, s.Seed, tr.Info.Regime)
		}
	}
	before, _ := os.ReadFile(filepath.Join(out, "romo-aligned-s3", models.WeightsW))
	status, stdout, _ = run(t, "sweep", file, "-o", out, "-quiet")
	if status != 0 || strings.Count(stdout, ": done") != 2 {
		t.Fatalf("second sweep: status %d, want both runs reported done:\n%s", status, stdout)
	}
	after, _ := os.ReadFile(filepath.Join(out, "romo-aligned-s3", models.WeightsW))
	if string(before) != string(after) {
		t.Error("a finished run was retrained")
	}
	status, stdout, _ = run(t, "sweep", file, "-o", out, "-list")
	if status != 0 || !strings.Contains(stdout, "romo-oblique-s3") || strings.Count(stdout, "done") != 2 {
		t.Errorf("-list: status %d\n%s", status, stdout)
	}

	// A longer training in the sweep file extends the finished runs from
	// their checkpoints, to the same weights as a run trained that long
	// from the start; a shorter one is refused.
	write("tasks = [\"romo\"]\nregimes = [\"aligned\", \"oblique\"]\nseeds = [3]\nn = 6\nsteps = 4\n[task_steps]\nromo = 6\n")
	status, stdout, _ = run(t, "sweep", file, "-o", out, "-list")
	if status != 0 || strings.Count(stdout, "finished at 4 of the sweep's 6 steps (will be extended)") != 2 {
		t.Errorf("-list before extending: status %d\n%s", status, stdout)
	}
	status, stdout, stderr = run(t, "sweep", file, "-o", out, "-quiet")
	if status != 0 || !strings.Contains(stdout, "romo-aligned-s3: resuming at step 4 of 6") || !strings.Contains(stdout, "romo-oblique-s3: resuming at step 4 of 6") {
		t.Fatalf("extending sweep: status %d\n%s%s", status, stdout, stderr)
	}
	fresh := filepath.Join(dir, "fresh")
	if status, stdout, stderr := run(t, "train", "-task", "romo", "-n", "6", "-steps", "6", "-seed", "3", "-o", fresh, "-quiet"); status != 0 {
		t.Fatalf("train: status %d\n%s%s", status, stdout, stderr)
	}
	for _, w := range []string{models.WeightsW, models.WeightsWIn, models.WeightsWOut} {
		a, _ := os.ReadFile(filepath.Join(out, "romo-aligned-s3", w))
		b, err := os.ReadFile(filepath.Join(fresh, w))
		if err != nil || len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s of the extended run differs from a 6-step run's (%v)", w, err)
		}
	}
	// Sweeps that must fail over the runs there are, with the error's words.
	for _, c := range []struct {
		name, toml string
		want       []string
	}{
		{"shorter sweep over longer runs", "tasks = [\"romo\"]\nregimes = [\"aligned\"]\nseeds = [3]\nn = 6\n[task_steps]\nromo = 5\n",
			[]string{"trained for 6 steps, more than the sweep's 5"}},
		{"task_steps for a task not swept", "tasks = [\"romo\"]\nregimes = [\"aligned\"]\nseeds = [3]\n[task_steps]\nmante = 5\n",
			[]string{`task_steps for "mante", which is not among the tasks`}},
		{"changed sweep over old runs", "tasks = [\"romo\"]\nregimes = [\"aligned\"]\nseeds = [3]\nn = 7\nsteps = 4\n",
			[]string{"romo-aligned-s3 holds a finished run with other settings (n differs)"}},
		{"bad regime", "tasks = [\"romo\"]\nregimes = [\"sideways\"]\nseeds = [3]\n", []string{"sweep.toml", "sideways"}},
		{"misspelt key", "tasks = [\"romo\"]\nregime = [\"aligned\"]\nseeds = [3]\n", []string{"unknown key"}},
	} {
		write(c.toml)
		status, _, stderr := run(t, "sweep", file, "-o", out, "-quiet")
		for _, w := range c.want {
			if status == 0 || !strings.Contains(stderr, w) {
				t.Errorf("%s: status %d, stderr %q, want %q", c.name, status, stderr, w)
			}
		}
	}
}

// The bundled sweep file parses into 30 runs, named as the bundled
// directories are.
func TestBundledSweep(t *testing.T) {
	status, stdout, stderr := run(t, "sweep", "-list", "-o", t.TempDir())
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 30 || !strings.HasPrefix(lines[0], "cycling-aligned-s1 ") || !strings.HasPrefix(lines[29], "complex-sine-oblique-s3 ") {
		t.Errorf("%d runs, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}
