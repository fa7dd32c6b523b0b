package models

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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
	if err := s.Validate(tr); err != nil {
		return nil, err
	}
	s = s.resolved()
	set := tr.Info.Settings
	task, _ := tasks.New(set.Task)
	drop := s.dropped()
	rng := rand.New(rand.NewPCG(s.Seed, streamSimulate))
	b := task.Generate(rng, s.Trials)
	noise := rnn.Noise{Init: *set.InitNoise, Seed: rng.Uint64()}
	if s.Noise {
		noise.Sigma = *set.Noise
	}
	if s.ZeroStart {
		noise.Init = 0
	}
	e := newEngine(set.Precision)
	states, outputs := e.Simulate(tr.Net, b, noise)
	if err := tr.overflow(b, states, outputs); err != nil {
		return nil, err
	}
	loss := e.Loss(tr.Net, b, noise, nil)

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
	// The arrays and the manifest replace an earlier recording together
	// (atomicfile.Group): all are written aside first, so a failure (a
	// full disk) leaves the earlier recording whole; the manifest, the
	// recording's entry point, is removed before the arrays are renamed
	// into place and put back last, so a reader never finds a manifest
	// beside a mix of old and new arrays.
	manifest := filepath.Join(dir, ManifestFile)
	var g atomicfile.Group
	for _, a := range []struct {
		name string
		v    any
	}{
		{DecoderFile, tr.Net.WOut}, {TrialFile, trial}, {TimeFile, times},
		{InputFile, inp}, {TargetFile, tgt}, {BehaviourFile, beh}, {ActivityFile, act},
	} {
		g.Add(filepath.Join(dir, a.name), func(w io.Writer) error { return npyio.Write(w, a.v) })
	}
	g.AddEntry(manifest, func(w io.Writer) error { return writeManifest(w, tr, s, task, drop) })
	if err := g.Commit(); err != nil {
		return nil, err
	}
	return &Simulation{Manifest: manifest, Samples: rows, Neurons: n, Trials: b.Trials, Dropped: drop,
		Loss: loss, ZeroLoss: b.ZeroLoss()}, nil
}

// Validate reports settings that cannot simulate tr, with a message for
// the user: fewer than 1 trial, or more than MaxMemory holds; a drop that
// is not a finite time, or leaves nothing of a trial. Zero values mean the
// defaults, as in Simulate.
func (s SimSettings) Validate(tr *Trained) error {
	s = s.resolved()
	task, err := tasks.New(tr.Info.Settings.Task)
	if err != nil {
		return err
	}
	var errs []error
	n, steps := tr.Net.N(), task.Steps()
	// Per step of a trial: the states and outputs, their copies in the
	// recording, its targets, inputs, trial and time (float64 each).
	bytes := float64(s.Trials) * float64(steps) * 8 * float64(2*n+4*task.Outputs()+2*task.Inputs()+2)
	switch {
	case s.Trials < 1:
		errs = append(errs, fmt.Errorf("trials = %d: want at least 1", s.Trials))
	case bytes > MaxMemory:
		errs = append(errs, fmt.Errorf("trials = %d: %[1]d trials of %d steps of %d units need about %s of memory, more than the %s oblique plans for",
			s.Trials, steps, n, gib(bytes), gib(MaxMemory)))
	}
	switch {
	case !finite(s.Drop):
		errs = append(errs, fmt.Errorf("drop = %g: want a finite time", s.Drop))
	case s.Drop/tasks.Dt+0.5 >= float64(steps): // as dropped() rounds
		errs = append(errs, fmt.Errorf("drop = %g: leaves nothing of the %s task's trials, which last %g time units",
			s.Drop, task.Name(), float64(steps)*tasks.Dt))
	}
	return errors.Join(errs...)
}

// resolved returns s with the defaults of zero values filled in.
func (s SimSettings) resolved() SimSettings {
	if s.Trials == 0 {
		s.Trials = 32
	}
	if s.Drop == 0 {
		s.Drop = 10
	}
	return s
}

// dropped returns the number of steps dropped at the start of each trial
// (resolved, valid settings).
func (s SimSettings) dropped() int {
	if s.Drop > 0 {
		return int(s.Drop/tasks.Dt + 0.5)
	}
	return 0
}

// checkTrials is the number of trials Check runs: two of the engine's
// 8-row tiles, which cost what a single trial costs.
const checkTrials = 16

// Check runs the network without noise on a few fresh trials of its task,
// from random initial states as in training, and reports an error naming
// the run when its states or outputs stop being finite: weights that are
// finite, but so large that the dynamics overflow, which any analysis of
// the states would trip over.
func (tr *Trained) Check() error {
	set := tr.Info.Settings
	task, err := tasks.New(set.Task)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(0, streamCheck))
	b := task.Generate(rng, checkTrials)
	states, outputs := newEngine(set.Precision).Simulate(tr.Net, b, rnn.Noise{Init: *set.InitNoise, Seed: rng.Uint64()})
	return tr.overflow(b, states, outputs)
}

// overflow returns an error naming the run when the states or outputs of
// a simulation of b (row trial·steps + step) are not all finite.
func (tr *Trained) overflow(b *tasks.Batch, states, outputs *mat.Dense) error {
	for _, m := range []struct {
		name string
		m    *mat.Dense
	}{{"states", states}, {"outputs", outputs}} {
		_, c := m.m.Dims()
		if i := nonFinite(raw(m.m), "float64"); i >= 0 {
			return fmt.Errorf("%s: the network's %s stop being finite (trial %d, step %d of %d): its weights make the dynamics overflow",
				tr.Dir, m.name, i/c/b.Steps, i/c%b.Steps, b.Steps)
		}
	}
	return nil
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
