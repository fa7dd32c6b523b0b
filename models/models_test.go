package models

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/preprocess"
)

// small is a quick run: N = 12, 8 trials, 30 steps, checkpoints every 10.
func small(task string) Settings {
	return Settings{Task: task, N: 12, Batch: 8, Steps: 30, Seed: 3, EvalTrials: 4, EvalEvery: 7, CheckpointEvery: 10}
}

func train(t *testing.T, dir string, s Settings) *Trainer {
	t.Helper()
	r, err := Create(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Trainer.Run(context.Background(), r.Save, nil); err != nil {
		t.Fatal(err)
	}
	return r.Trainer
}

// trained trains a run with s into a temporary folder and opens it.
func trained(t *testing.T, s Settings) (string, *Trained) {
	t.Helper()
	dir := t.TempDir()
	train(t, dir, s)
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, tr
}

func sameWeights(a, b *rnn.Network) bool {
	for i, m := range a.Matrices() {
		if !mat.Equal(m, b.Matrices()[i]) {
			return false
		}
	}
	return true
}

// rounded32 returns the network with every weight rounded to float32: what
// a float32 run stores in its NPY files.
func rounded32(net *rnn.Network) *rnn.Network {
	c := net.Clone()
	for _, m := range c.Matrices() {
		d := m.RawMatrix().Data
		for i, v := range d {
			d[i] = float64(float32(v))
		}
	}
	return c
}

// TestReproducible trains twice with the same seed (identical weights bit
// for bit) and once with another (different weights), in both precisions.
func TestReproducible(t *testing.T) {
	for _, prec := range []string{"float32", "float64"} {
		s := small("romo")
		s.Precision = prec
		a := train(t, t.TempDir(), s)
		b := train(t, t.TempDir(), s)
		if !sameWeights(a.Net, b.Net) {
			t.Errorf("%s: same seed, different weights", prec)
		}
		if a.Step != 30 || len(a.Losses) != 30 {
			t.Errorf("%s: %d steps, %d losses", prec, a.Step, len(a.Losses))
		}
		s.Seed++
		if c := train(t, t.TempDir(), s); sameWeights(a.Net, c.Net) {
			t.Errorf("%s: another seed gave the same weights", prec)
		}
	}
}

// TestResume stops a run twice — once by cancelling it (it checkpoints
// where it stops), once as if killed between checkpoints (the steps after
// the last checkpoint are lost) — resumes it each time from its directory,
// and requires the weights, the loss curve and the evaluations of an
// uninterrupted run.
func TestResume(t *testing.T) {
	s := small("flipflop")
	want := train(t, t.TempDir(), s)

	dir := t.TempDir()
	r, err := Create(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = r.Trainer.Run(ctx, r.Save, func(step, _ int, _, _ float64) {
		if step == 17 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	// Killed: run on from the saved state to step 25 without saving.
	r, err = Resume(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Trainer.Step != 17 {
		t.Fatalf("resumed at step %d, want 17", r.Trainer.Step)
	}
	ctx, cancel = context.WithCancel(context.Background())
	r.Trainer.Run(ctx, func(tr *Trainer) error {
		if tr.Step == 20 {
			return r.Save(tr)
		}
		return nil
	}, func(step, _ int, _, _ float64) {
		if step == 25 {
			cancel()
		}
	})
	r, err = Resume(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Trainer.Step != 20 {
		t.Fatalf("resumed at step %d, want 20 (the last checkpoint)", r.Trainer.Step)
	}
	if err := r.Trainer.Run(context.Background(), r.Save, nil); err != nil {
		t.Fatal(err)
	}
	got := r.Trainer
	if !sameWeights(got.Net, want.Net) {
		t.Fatal("resumed run ended with other weights than an uninterrupted one")
	}
	for i := range want.Losses {
		if got.Losses[i] != want.Losses[i] {
			t.Fatalf("loss of step %d: %v resumed, %v uninterrupted", i+1, got.Losses[i], want.Losses[i])
		}
	}
	if len(got.Evals) != len(want.Evals) {
		t.Fatalf("%d evaluations, want %d", len(got.Evals), len(want.Evals))
	}
	// The finished directory: weights, run.json, loss table.
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The run is float32: its NPY files hold the weights rounded to float32,
	// exactly the values its engine computes with.
	if tr.Partial || tr.Info.Status != StatusDone || tr.Info.StepsDone != 30 || !sameWeights(tr.Net, rounded32(want.Net)) {
		t.Fatalf("opened run: status %s, %d steps, partial %v", tr.Info.Status, tr.Info.StepsDone, tr.Partial)
	}
	if tr.Info.EvalLoss <= 0 || tr.Info.ZeroLoss <= 0 || tr.Info.Settings.Task != "flipflop" || tr.Info.Regime != "aligned" {
		t.Errorf("run.json: %+v", tr.Info)
	}
	for _, f := range []string{LossFile, WeightsW, WeightsWIn, WeightsWOut, CheckpointFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := Create(dir, s); err == nil {
		t.Error("Create over an existing run")
	}
}

// TestDiverge: an absurd learning rate makes the weights overflow; the run
// stops with ErrDiverged instead of saving them.
func TestDiverge(t *testing.T) {
	s := small("cycling")
	s.LR0 = 1e36
	r, err := Create(t.TempDir(), s)
	if err != nil {
		t.Fatal(err)
	}
	saves := 0
	err = r.Trainer.Run(context.Background(), func(*Trainer) error { saves++; return nil }, nil)
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "step") {
		t.Fatalf("got %v, want divergence", err)
	}
	if saves != 0 {
		t.Errorf("%d saves of a diverging run", saves)
	}
}

// TestValidate checks the messages for bad settings.
func TestValidate(t *testing.T) {
	neg := -0.1
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{Task: "juggling"}, "unknown task"},
		{Settings{Task: "romo", N: 1}, "at least 2 units"},
		{Settings{Task: "romo", Noise: &neg}, "noise σ = -0.1"},
		{Settings{Task: "romo", Precision: "float16"}, "precision"},
		{Settings{Task: "romo", LR0: math.NaN()}, "lr0"},
	} {
		err := c.s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
	r := Settings{Task: "Mante", OutScale: rnn.Large}.Resolved()
	if r.Task != "mante" || *r.Noise != 0.05 || r.LR0 != 0.02 || r.Steps != 4000 || r.N != 512 || r.Batch != 32 || r.Train != rnn.All {
		t.Errorf("resolved: %+v", r)
	}
	if PaperLR0("flipflop", rnn.Small, 1.5) != 0.005 || PaperLR0("romo", rnn.Small, 0.7) != 0.01 {
		t.Error("paper lr0")
	}
	b, _ := json.Marshal(r)
	var back Settings
	if err := json.Unmarshal(b, &back); err != nil || SameTraining(r, back) != "" {
		t.Errorf("settings do not survive JSON: %v %s", err, b)
	}
}

// TestSimulate writes a recording from a trained network and reads it back
// through the manifest and preprocessing path that `oblique analyze` uses.
func TestSimulate(t *testing.T) {
	_, tr := trained(t, small("cycling"))
	out := t.TempDir()
	sim, err := Simulate(tr, SimSettings{Trials: 6}, out)
	if err != nil {
		t.Fatal(err)
	}
	if sim.Dropped != 50 || sim.Samples != 6*(360-50) || sim.Neurons != 12 {
		t.Fatalf("%+v", sim)
	}
	rec, ps, err := manifest.Load(sim.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	d, err := preprocess.Build(rec, ps)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := d.X.Dims(); r != sim.Samples || c != 12 {
		t.Fatalf("design %d×%d", r, c)
	}
	if rec.Decoder == nil || len(rec.Trials) != sim.Samples || rec.BinWidth != 0.2 {
		t.Fatal("decoder, trials or bin width missing")
	}
	// Noise-free behaviour is exactly the readout of the activity.
	var z mat.Dense
	z.Mul(rec.Activity, rec.Decoder.T())
	if !mat.EqualApprox(&z, rec.Behaviour, 1e-5) {
		t.Error("behaviour is not W_out times the states")
	}
	// Same seed, same recording; noise on changes it.
	again, _ := Simulate(tr, SimSettings{Trials: 6}, t.TempDir())
	noisy, _ := Simulate(tr, SimSettings{Trials: 6, Noise: true}, t.TempDir())
	if again.Loss != sim.Loss || noisy.Loss == sim.Loss {
		t.Errorf("losses %v, %v, noisy %v", sim.Loss, again.Loss, noisy.Loss)
	}
}
