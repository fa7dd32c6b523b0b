package models

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/atomicfile"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// Recording files written by Simulate.
const (
	ManifestFile  = "recording.toml"
	ActivityFile  = "activity.npy"
	BehaviourFile = "behaviour.npy"
	TrialFile     = "trial.npy"
	DecoderFile   = "decoder.npy"
	TargetFile    = "target.npy"
	InputFile     = "input.npy"
	TimeFile      = "time.npy"
)

// SimSettings is how Simulate runs a trained network. The zero value runs
// 32 fresh trials without noise, seed 0, and drops the first 10 time units
// of each trial (METHODS.md §4, model analyses).
type SimSettings struct {
	// Trials is the number of trials (32).
	Trials int
	// Noise turns on the training state noise σ. Without it the dynamics
	// are deterministic given x₀.
	Noise bool
	// ZeroStart starts every trial at x₀ = 0 exactly instead of the
	// training distribution x₀ ~ N(0, init_noise²) (drawn from Seed).
	ZeroStart bool
	// Seed seeds the trials (and the noise).
	Seed uint64
	// Drop is the time (τ units) dropped at the start of each trial: 10
	// when 0, nothing when negative.
	Drop float64
}

// Simulation is what Simulate wrote.
type Simulation struct {
	Manifest         string
	Samples, Neurons int
	Trials, Dropped  int // trials, and steps dropped per trial
	Loss, ZeroLoss   float64
}

// Simulate runs the trained network on fresh trials and writes them to dir
// as a recording that `oblique analyze` reads: the states x (samples × N,
// the state before each update, trials stacked, the first Drop time units
// of each trial removed) as activity, the network's own outputs
// z = x·W_outᵀ as behaviour, trial ids, and W_out as the experimenter's
// decoder, with the targets, inputs and times beside them, and the
// manifest recording.toml. A time bin is dt = 0.2 τ, written as 200 ms
// (τ taken as 1 s); the activity is marked "rates" (the states are not
// counts, and are analysed as they are).
func Simulate(tr *Trained, s SimSettings, dir string) (*Simulation, error) {
	if s.Trials == 0 {
		s.Trials = 32
	}
	if s.Trials < 1 {
		return nil, fmt.Errorf("trials = %d: want at least 1", s.Trials)
	}
	if s.Drop == 0 {
		s.Drop = 10
	}
	set := tr.Info.Settings
	task, err := tasks.New(set.Task)
	if err != nil {
		return nil, err
	}
	drop := 0
	if s.Drop > 0 {
		drop = int(s.Drop/tasks.Dt + 0.5)
	}
	if drop >= task.Steps() {
		return nil, fmt.Errorf("dropping %g time units leaves nothing of the %s task's %g", s.Drop, task.Name(), float64(task.Steps())*tasks.Dt)
	}
	rng := rand.New(rand.NewPCG(s.Seed, streamSimulate))
	b := task.Generate(rng, s.Trials)
	noise := rnn.Noise{Init: *set.InitNoise, Seed: rng.Uint64()}
	if s.Noise {
		noise.Sigma = *set.Noise
	}
	if s.ZeroStart {
		noise.Init = 0
	}
	var states, outputs *mat.Dense
	var loss float64
	if set.Precision == "float64" {
		var e rnn.Engine[float64]
		states, outputs = e.Simulate(tr.Net, b, noise)
		loss = e.Loss(tr.Net, b, noise, nil)
	} else {
		var e rnn.Engine[float32]
		states, outputs = e.Simulate(tr.Net, b, noise)
		loss = e.Loss(tr.Net, b, noise, nil)
	}

	n, out, in := tr.Net.N(), tr.Net.Outputs(), tr.Net.Inputs()
	keep := b.Steps - drop
	rows := b.Trials * keep
	act, beh := mat.NewDense(rows, n, nil), mat.NewDense(rows, out, nil)
	tgt, inp := mat.NewDense(rows, out, nil), mat.NewDense(rows, in, nil)
	trial, times := make([]int64, rows), make([]float64, rows)
	for tri := 0; tri < b.Trials; tri++ {
		for t := drop; t < b.Steps; t++ {
			i, src := tri*keep+t-drop, tri*b.Steps+t
			act.SetRow(i, states.RawRowView(src))
			beh.SetRow(i, outputs.RawRowView(src))
			tgt.SetRow(i, b.Out(tri, t))
			inp.SetRow(i, b.In(tri, t))
			trial[i], times[i] = int64(tri), float64(t)*tasks.Dt
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for name, v := range map[string]any{
		ActivityFile: act, BehaviourFile: beh, TargetFile: tgt, InputFile: inp,
		TrialFile: trial, TimeFile: times, DecoderFile: tr.Net.WOut,
	} {
		if err := atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error { return npyio.Write(w, v) }); err != nil {
			return nil, err
		}
	}
	manifest := filepath.Join(dir, ManifestFile)
	if err := atomicfile.Write(manifest, func(w io.Writer) error {
		return writeManifest(w, tr, s, task, drop)
	}); err != nil {
		return nil, err
	}
	return &Simulation{Manifest: manifest, Samples: rows, Neurons: n, Trials: b.Trials, Dropped: drop,
		Loss: loss, ZeroLoss: b.ZeroLoss()}, nil
}

// writeManifest writes the recording manifest (format: README "Recording
// manifests").
func writeManifest(w io.Writer, tr *Trained, s SimSettings, task tasks.Task, drop int) error {
	set := tr.Info.Settings
	noise := fmt.Sprintf("off (σ = 0, x₀ ~ N(0, %g²))", *set.InitNoise)
	switch {
	case s.Noise:
		noise = fmt.Sprintf("on (σ = %g, x₀ ~ N(0, %g²))", *set.Noise, *set.InitNoise)
	case s.ZeroStart:
		noise = "off (σ = 0, x₀ = 0)"
	}
	partial := ""
	if tr.Partial {
		partial = fmt.Sprintf(" (unfinished run: weights of the checkpoint at step %d)", tr.Info.StepsDone)
	}
	channels := make([]string, task.Outputs())
	for k := range channels {
		channels[k] = fmt.Sprintf("%q", fmt.Sprintf("z%d", k+1))
	}
	name := filepath.Base(filepath.Clean(tr.Dir))
	if name == "." || name == string(filepath.Separator) {
		name = set.Task
	}
	desc := fmt.Sprintf("States of the rate network trained in %s%s (task %s, %s output weights: %s, N = %d, g = %g, seed %d); "+
		"%d fresh trials (seed %d), noise %s; the first %g time units of each trial dropped; "+
		"one sample per Euler step dt = %g τ, written as %g ms (τ = 1 s). Behaviour: the network's outputs z = x·W_outᵀ; decoder: W_out. Written by oblique simulate.",
		tr.Dir, partial, set.Task, set.OutScale, set.OutScale.Regime(), set.N, set.G, set.Seed,
		s.Trials, s.Seed, noise, float64(drop)*tasks.Dt, tasks.Dt, tasks.Dt*1000)
	_, err := fmt.Fprintf(w, `# Written by oblique simulate. Analyse with: oblique analyze %s
name = %q
description = %q

[activity]
array = %q
kind = "rates"
bin_ms = %g

[behaviour]
array = %q
channels = [%s]
unit = "network output"

[decoder]
weights = %q

[samples]
trial = %q
`, ManifestFile, name+"-sim", desc, ActivityFile, tasks.Dt*1000, BehaviourFile, strings.Join(channels, ", "), DecoderFile, TrialFile)
	return err
}
