package models

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
)

// replace overwrites the file name of the run in dir with what write
// produces, and puts the original back when the test ends.
func replace(t *testing.T, dir, name string, write func(io.Writer) error) {
	t.Helper()
	path := filepath.Join(dir, name)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.WriteFile(path, orig, 0o644) })
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := write(f); err != nil {
		t.Fatal(err)
	}
}

// float32NPY writes a rows × cols float32 matrix, as a float32 run stores
// its weights.
func float32NPY(rows, cols int, data []float64) func(io.Writer) error {
	return func(w io.Writer) error { return ingest.WriteFloat32(w, rows, cols, data) }
}

// scaled returns the values of the weight file name of the run in dir,
// times k.
func scaled(t *testing.T, dir, name string, k float64) []float64 {
	t.Helper()
	a, _, err := ingest.ReadArray(filepath.Join(dir, name), "")
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Data {
		a.Data[i] *= k
	}
	return a.Data
}

// TestOpenBadWeights: weight files of the wrong shape or with values that
// are not finite (in the run's float32) are refused with the file, what it
// holds and what was expected; nothing panics.
func TestOpenBadWeights(t *testing.T) {
	dir := t.TempDir()
	train(t, dir, small("flipflop")) // N = 12; 3 inputs, 3 outputs
	nan := make([]float64, 12*12)
	nan[5] = math.NaN()
	inf := make([]float64, 3*12)
	inf[14] = math.Inf(1)
	huge := mat.NewDense(12, 3, nil)
	huge.Set(2, 1, 1e300)
	for _, c := range []struct {
		file  string
		write func(io.Writer) error
		want  string
	}{
		{WeightsW, float32NPY(0, 12, nil), WeightsW + ": shape [0 12], want [12 12] (N × N: N = 12 in run.json)"},
		{WeightsWIn, float32NPY(12, 2, make([]float64, 24)), WeightsWIn + ": shape [12 2], want [12 3] (N × inputs: N = 12, and the flipflop task has 3 inputs"},
		{WeightsWOut, func(w io.Writer) error { return npyio.Write(w, make([]float64, 36)) }, WeightsWOut + ": shape [36], want [3 12]"},
		{WeightsW, float32NPY(12, 12, nan), WeightsW + ": the weight at [0 5] is NaN, not a finite float32"},
		{WeightsWOut, float32NPY(3, 12, inf), WeightsWOut + ": the weight at [1 2] is +Inf, not a finite float32"},
		{WeightsWIn, func(w io.Writer) error { return npyio.Write(w, huge) }, WeightsWIn + ": the weight at [2 1] is 1e+300, not a finite float32"},
	} {
		t.Run(c.want, func(t *testing.T) {
			replace(t, dir, c.file, c.write)
			_, err := Open(dir)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, c.want)) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	if _, err := Open(dir); err != nil {
		t.Errorf("the restored run: %v", err)
	}
}

// TestOpenNotRun: paths that are not run directories are named in the
// error, and so is a run.json that cannot be read.
func TestOpenNotRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "base.toml")
	os.WriteFile(file, []byte("x = 1\n"), 0o644)
	runJSONDir := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(runJSONDir, InfoFile), 0o755)
	for _, c := range []struct{ dir, want string }{
		{file, file + ": not a run directory (a run directory holds run.json)"},
		{"", `"": not a run directory`},
		{dir, dir + ": not a run directory"},
		{runJSONDir, filepath.Join(runJSONDir, InfoFile) + ": a directory, not a regular file"},
	} {
		if _, err := Open(c.dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q): %v, want %q", c.dir, err, c.want)
		}
	}
}

// TestSimulateOverflow: finite weights so large that the dynamics overflow
// (W × 10³⁸ in float32, or output weights of 10³⁸) make Simulate and Check
// fail with the run's name; no recording is written.
func TestSimulateOverflow(t *testing.T) {
	dir := t.TempDir()
	train(t, dir, small("flipflop"))
	t.Run("states", func(t *testing.T) {
		replace(t, dir, WeightsW, float32NPY(12, 12, scaled(t, dir, WeightsW, 1e38)))
		tr, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "sim")
		want := dir + ": the network's states stop being finite"
		if _, err := Simulate(tr, SimSettings{Trials: 3}, out); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Simulate: %v, want %q", err, want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("Simulate wrote a recording of an overflowing network")
		}
		if err := tr.Check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check: %v, want %q", err, want)
		}
	})
	t.Run("outputs", func(t *testing.T) {
		big := make([]float64, 3*12)
		for i := range big {
			big[i] = 1e38
		}
		replace(t, dir, WeightsWOut, float32NPY(3, 12, big))
		tr, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Check(); err == nil || !strings.Contains(err.Error(), dir+": the network's outputs stop being finite") {
			t.Errorf("Check: %v", err)
		}
	})
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Check(); err != nil {
		t.Errorf("the restored run: %v", err)
	}
}

// TestSimValidate: settings that cannot simulate are errors, not panics or
// silently something else.
func TestSimValidate(t *testing.T) {
	dir := t.TempDir()
	train(t, dir, small("flipflop")) // trials of 25 time units
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    SimSettings
		want string
	}{
		{SimSettings{Drop: math.Inf(1)}, "drop = +Inf: want a finite time"},
		{SimSettings{Drop: math.NaN()}, "drop = NaN: want a finite time"},
		{SimSettings{Drop: 1e300}, "drop = 1e+300: leaves nothing of the flipflop task's trials, which last 25 time units"},
		{SimSettings{Drop: 24.95}, "drop = 24.95: leaves nothing"},
		{SimSettings{Trials: -1}, "trials = -1: want at least 1"},
		{SimSettings{Trials: 1e11}, "trials = 100000000000: 100000000000 trials of 125 steps of 12 units need about"},
	} {
		_, err := Simulate(tr, c.s, filepath.Join(t.TempDir(), "sim"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
	if err := (SimSettings{Drop: 24.8, Trials: 1000}).Validate(tr); err != nil {
		t.Errorf("a last step kept, 1000 trials: %v", err)
	}
}

// TestValidateMemory: settings whose training cannot fit in memory are
// refused before anything is allocated; the paper's sizes and a good deal
// beyond are not.
func TestValidateMemory(t *testing.T) {
	for _, s := range []Settings{
		{Task: "cycling", N: 99999999999},
		{Task: "cycling", Batch: 100000000},
		{Task: "cycling", EvalTrials: 1 << 40},
		{Task: "cycling", N: 1 << 20, Batch: 1 << 20, Precision: "float64"},
	} {
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "GiB of memory, more than the 32 GiB") {
			t.Errorf("N %d, batch %d, eval trials %d: %v", s.N, s.Batch, s.EvalTrials, err)
		}
	}
	for _, s := range []Settings{
		{Task: "cycling"},
		{Task: "cycling", N: 4096, Precision: "float64"},
		{Task: "cycling", Batch: 4096, Precision: "float64"},
		{Task: "cycling", N: 2048, Batch: 2048},
	} {
		if err := s.Validate(); err != nil {
			t.Errorf("N %d, batch %d, %s: %v", s.N, s.Batch, s.Precision, err)
		}
	}
}

// TestDivergeSteps: a float32 run whose weights leave float32's range
// diverges at the step that put them there; the message counts the steps
// done as the trainer does, and the run knows which checkpoint it holds.
func TestDivergeSteps(t *testing.T) {
	s := small("flipflop")
	s.LR0 = 1e300 // one Adam step moves every weight by about 1e300/N
	r, err := Create(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	if r.Checkpointed() != -1 {
		t.Errorf("a new run holds checkpoint %d", r.Checkpointed())
	}
	_, err = r.Trainer.TrainStep()
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "at step 1 (steps done: 0): the weights are no longer finite in float32") || r.Trainer.Step != 0 {
		t.Errorf("step %d: %v", r.Trainer.Step, err)
	}

	// Saves and resumes keep track of the checkpoint, wherever it is.
	dir := t.TempDir()
	r, err = Create(dir, small("flipflop"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.Trainer.Run(ctx, r.Save, func(step, _ int, _, _ float64) {
		if step == 7 {
			cancel()
		}
	})
	if r.Checkpointed() != 7 {
		t.Errorf("interrupted at step 7, checkpoint at %d", r.Checkpointed())
	}
	if r, err = Resume(dir); err != nil || r.Checkpointed() != 7 {
		t.Errorf("resumed: checkpoint at %d (%v)", r.Checkpointed(), err)
	}
}

// TestParseSweepValues: values that train's flags refuse are refused in a
// sweep file too, naming the file and the key; an error shared by every
// seed is told once.
func TestParseSweepValues(t *testing.T) {
	head := "tasks = [\"romo\", \"flipflop\"]\nregimes = [\"aligned\"]\n"
	for _, c := range []struct {
		toml, want string
		count      int
	}{
		{head + "seeds = [1, -1]\n", "my.toml: seeds: -1: want seeds ≥ 0", 1},
		{head + "seeds = [1]\nn = 0\n", "my.toml: n = 0: a network needs at least 2 units", 1},
		{head + "seeds = [1]\nn = -3\n", "my.toml: n = -3: a network needs at least 2 units", 1},
		{head + "seeds = [1, 2, 3]\nn = 99999999999\n", "N = 99999999999, batch 32, eval trials 64: training needs about", 2},
		{"tasks = [\"romo\", \"flipflop\"]\nregimes = [\"sideways\"]\nseeds = [1, 2, 3]\n", `output scale "sideways"`, 1},
	} {
		_, err := ParseSweep([]byte(c.toml), "my.toml")
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), c.want) != c.count {
			t.Errorf("%q: %v, want %d × %q", c.toml, err, c.count, c.want)
		}
	}
	sw, err := ParseSweep([]byte(head+"seeds = [0, 7]\n"), "my.toml")
	if err != nil {
		t.Fatal(err)
	}
	runs, _ := sw.Runs()
	if len(runs) != 4 || runs[3].Name != "flipflop-aligned-s7" || runs[3].Settings.Seed != 7 || runs[3].Settings.N != 512 {
		t.Errorf("runs %+v", runs)
	}
}

// TestResumeNonFinite: a checkpoint whose weights are not finite is refused
// when resumed or opened, as the weight files are.
func TestResumeNonFinite(t *testing.T) {
	dir := t.TempDir()
	r, err := Create(dir, small("romo"))
	if err != nil {
		t.Fatal(err)
	}
	r.Trainer.Net.W.Set(1, 2, math.Inf(-1))
	if err := r.Save(r.Trainer); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, CheckpointFile) + ": inconsistent checkpoint (weights not finite)"
	if _, err := Resume(dir); err == nil || err.Error() != want {
		t.Errorf("Resume: %v, want %q", err, want)
	}
	if _, err := Open(dir); err == nil || err.Error() != want {
		t.Errorf("Open: %v, want %q", err, want)
	}
}

// TestDivergedBeforeCheckpoint: a run that diverged before its first
// checkpoint lists only run.json as its files, and opening it says why it
// cannot be used instead of failing to open a checkpoint that never was.
func TestDivergedBeforeCheckpoint(t *testing.T) {
	s := small("flipflop")
	s.LR0 = 1e300
	dir := t.TempDir()
	r, err := Create(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Trainer.TrainStep()
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("no divergence: %v", err)
	}
	if err := r.WriteInfo(r.Trainer, StatusDiverged, err.Error()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		t.Fatal(err)
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil || len(info.Files) != 1 || info.Files[0] != InfoFile {
		t.Errorf("files %v (%v), want only %s", info.Files, err, InfoFile)
	}
	_, err = Open(dir)
	if err == nil || !strings.Contains(err.Error(), dir+": the run is diverged after 0 of") ||
		!strings.Contains(err.Error(), "neither weights nor a checkpoint") {
		t.Errorf("Open: %v", err)
	}
}
