package cli

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/models"
)

// tinyRun trains a flip-flop network of 8 units for 2 steps into dir.
func tinyRun(t *testing.T, dir string) {
	t.Helper()
	if status, out, errs := run(t, "train", "-task", "flipflop", "-n", "8", "-steps", "2", "-quiet", "-o", dir); status != 0 {
		t.Fatalf("train: status %d\n%s%s", status, out, errs)
	}
}

// writeWeights replaces a weight file of the run in dir by a float32
// rows × cols matrix.
func writeWeights(t *testing.T, dir, name string, rows, cols int, data []float64) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := ingest.WriteFloat32(f, rows, cols, data); err != nil {
		t.Fatal(err)
	}
}

// TestBadRunWeights: run directories whose weights have the wrong shape,
// are not finite, or make the dynamics overflow stop simulate, models and
// compare with a message naming the run (and the file), instead of a
// panic or NaN results; nothing is written.
func TestBadRunWeights(t *testing.T) {
	root := t.TempDir()
	good := filepath.Join(root, "good")
	tinyRun(t, good)
	a, _, err := ingest.ReadArray(filepath.Join(good, models.WeightsW), "")
	if err != nil {
		t.Fatal(err)
	}
	nan := make([]float64, 3*8)
	nan[9] = math.NaN()
	huge := make([]float64, 64)
	for i, v := range a.Data {
		huge[i] = v * 1e38
	}
	for _, c := range []struct {
		name, file string
		rows, cols int
		data       []float64
		want       string
	}{
		{"empty", models.WeightsW, 0, 8, nil, "weights_W.npy: shape [0 8], want [8 8]"},
		{"nan", models.WeightsWOut, 3, 8, nan, "weights_W_out.npy: the weight at [1 1] is NaN, not a finite float32"},
		{"overflow", models.WeightsW, 8, 8, huge, ": the network's states stop being finite"},
	} {
		dir := filepath.Join(root, c.name)
		tinyRun(t, dir)
		writeWeights(t, dir, c.file, c.rows, c.cols, c.data)
		recording := filepath.Join(root, "rec.toml") // never read: the runs fail first
		out := filepath.Join(root, c.name+"-out")
		for _, args := range [][]string{
			{"simulate", dir, "-o", out},
			{"models", "-runs", dir, "-o", filepath.Join(out, "m.arrow"), "-quiet", "-no-perturb", "-no-noise"},
			{"compare", "-runs", dir, "-o", filepath.Join(out, "c.arrow"), "-quiet", recording},
		} {
			status, stdout, stderr := run(t, args...)
			if status != 1 || !strings.Contains(stderr, dir+c.want) && !strings.Contains(stderr, filepath.Join(dir, c.want)) {
				t.Errorf("%s: %v: status %d, stderr %q, want %q", c.name, args[0], status, stderr, c.want)
			}
			if strings.Contains(stdout, "wrote") {
				t.Errorf("%s: %v wrote something:\n%s", c.name, args[0], stdout)
			}
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			t.Errorf("%s: files written: %v", c.name, entries)
		}
	}
}

// TestModelsOutputsChecked: models checks every file it will write before
// it writes (or analyses) anything, so a bad destination leaves no half of
// its output.
func TestModelsOutputsChecked(t *testing.T) {
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	tinyRun(t, runDir)
	out := filepath.Join(dir, "px.arrow")
	os.Mkdir(filepath.Join(dir, "px-settings.arrow"), 0o755)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		out, want string
		status    int
	}{
		{out, "-o: " + filepath.Join(dir, "px-settings.arrow") + " is a directory, not a regular file", 2},
		{filepath.Join(file, "m.arrow"), filepath.Join(file, "m.arrow") + ": not a directory", 2},
		{"", "-o: no output file named", 2},
	} {
		status, stdout, stderr := run(t, "models", "-runs", runDir, "-o", c.out, "-quiet", "-no-perturb", "-no-noise")
		if status != c.status || !strings.Contains(stderr, c.want) || strings.Contains(stdout, "wrote") {
			t.Errorf("-o %q: status %d, stderr %q, want %d and %q\n%s", c.out, status, stderr, c.status, c.want, stdout)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s written", out)
	}
}

// TestRunPaths: what is not a run directory is named as such, by simulate
// and models alike, and so is a run.json that cannot be read.
func TestRunPaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "base.toml")
	os.WriteFile(file, []byte("x = 1\n"), 0o644)
	broken := filepath.Join(dir, "broken")
	os.MkdirAll(filepath.Join(broken, "run.json"), 0o755)
	for _, c := range []struct{ path, want string }{
		{file, file + ": not a run directory (a run directory holds run.json)"},
		{broken, filepath.Join(broken, "run.json") + ": a directory, not a regular file"},
	} {
		for _, args := range [][]string{{"simulate", c.path}, {"models", "-runs", c.path, "-o", filepath.Join(dir, "m.arrow")}} {
			status, _, stderr := run(t, args...)
			if status != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("%v: status %d, stderr %q, want %q", args, status, stderr, c.want)
			}
		}
	}
}

// TestSweepFileValues: a sweep file is held to what train's flags accept,
// and its errors name the file and the key.
func TestSweepFileValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "my-sweep.toml")
	head := "tasks = [\"romo\"]\nregimes = [\"aligned\"]\n"
	for _, c := range []struct{ toml, want string }{
		{head + "seeds = [-1]\n", file + ": seeds: -1: want seeds ≥ 0"},
		{head + "seeds = [1]\nn = 0\n", file + ": n = 0: a network needs at least 2 units"},
		{head + "seeds = [1]\nn = 99999999999\n", file + ": romo, aligned: N = 99999999999, batch 32, eval trials 64: training needs about"},
	} {
		os.WriteFile(file, []byte(c.toml), 0o644)
		status, stdout, stderr := run(t, "sweep", file, "-o", filepath.Join(dir, "runs"), "-list")
		if status != 1 || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%q: status %d, stderr %q, want %q\n%s", c.toml, status, stderr, c.want, stdout)
		}
	}
}

// TestTrainMemory: sizes that cannot fit in memory are usage errors, before
// anything is allocated or written.
func TestTrainMemory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	for _, flags := range [][]string{{"-n", "99999999999"}, {"-batch", "100000000"}} {
		status, _, stderr := run(t, append([]string{"train", "-task", "flipflop", "-quiet", "-o", dir}, flags...)...)
		if status != 2 || !strings.Contains(stderr, "GiB of memory, more than the 32 GiB") {
			t.Errorf("%v: status %d, stderr %q", flags, status, stderr)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the run directory was made")
	}
}
