package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// Streams of the PCG seeded with Settings.Seed, one per use, so that
// changing one use (say, the evaluation batch) leaves the others alone.
const (
	streamInit     = 0x696e6974 // initial weights
	streamTrain    = 0x74726e   // training batches and noise seeds
	streamEval     = 0x6576616c // the evaluation batch
	streamSimulate = 0x73696d   // simulate's trials (with its own seed)
	streamCheck    = 0x63686b   // the trials of Trained.Check (seed 0)
)

// Eval is the loss on the evaluation batch at a training step.
type Eval struct {
	Step int     `json:"step"`
	Loss float64 `json:"loss"`
}

// ErrDiverged marks a run whose loss or weights stopped being finite.
var ErrDiverged = errors.New("training diverged")

// Trainer trains one network. Its exported state is what a checkpoint
// holds; with the random source it determines the rest of the run, so a
// resumed run continues bit for bit.
type Trainer struct {
	// Settings are resolved.
	Settings Settings
	Net      *rnn.Network
	Opt      rnn.Adam
	// Step is the number of steps done.
	Step int
	// Losses is the training loss of every step done.
	Losses []float64
	// Evals are the evaluation losses so far.
	Evals []Eval
	// Elapsed is the training time so far, over all sessions.
	Elapsed time.Duration

	rng  *rand.PCG // batches and noise seeds: its state is checkpointed
	task tasks.Task
	eval *tasks.Batch
	loss func(*rnn.Network, *tasks.Batch, rnn.Noise, *rnn.Gradient) float64
	grad *rnn.Gradient
}

// NewTrainer validates s and starts a run: the network drawn from the seed,
// Adam at step 0.
func NewTrainer(s Settings) (*Trainer, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s = s.Resolved()
	task, _ := tasks.New(s.Task)
	t := &Trainer{
		Settings: s,
		Net:      rnn.New(s.N, task.Inputs(), task.Outputs(), rnn.Init{G: s.G, OutScale: s.OutScale}, rand.NewPCG(s.Seed, streamInit)),
		Opt:      rnn.Adam{LR: s.LR0 / float64(s.N)},
		rng:      rand.NewPCG(s.Seed, streamTrain),
	}
	t.setup(task)
	return t, nil
}

// setup builds what follows from the settings: the engine and the fixed
// evaluation batch.
func (t *Trainer) setup(task tasks.Task) {
	s := t.Settings
	t.task = task
	t.eval = evalBatch(task, s)
	t.loss = engine(s.Precision)
	t.grad = rnn.NewGradient(t.Net, s.Train)
}

// engine returns the Loss method of a new engine of the given precision.
func engine(precision string) func(*rnn.Network, *tasks.Batch, rnn.Noise, *rnn.Gradient) float64 {
	return newEngine(precision).Loss
}

// simulator is what training and simulations use of an rnn.Engine.
type simulator interface {
	Loss(net *rnn.Network, b *tasks.Batch, noise rnn.Noise, grad *rnn.Gradient) float64
	Simulate(net *rnn.Network, b *tasks.Batch, noise rnn.Noise) (states, outputs *mat.Dense)
}

// newEngine returns a new engine of the given precision: "float64", or
// float32 otherwise.
func newEngine(precision string) simulator {
	if precision == "float64" {
		return new(rnn.Engine[float64])
	}
	return new(rnn.Engine[float32])
}

// TrainStep draws a batch and a noise realisation, computes the gradient
// and applies Adam. It returns the batch's loss, or an error wrapping
// ErrDiverged when the loss, the gradient or the updated weights are not
// finite; the trainer must then not be saved (its last checkpoint is the
// last good state).
func (t *Trainer) TrainStep() (float64, error) {
	s := t.Settings
	rng := rand.New(t.rng)
	batch := t.task.Generate(rng, s.Batch)
	noise := rnn.Noise{Sigma: *s.Noise, Init: *s.InitNoise, Seed: rng.Uint64()}
	loss := t.loss(t.Net, batch, noise, t.grad)
	if !finite(loss) {
		return loss, t.diverged("the loss is %v", loss)
	}
	for _, m := range t.grad.Matrices() {
		if nonFinite(raw(m), "float64") >= 0 {
			return loss, t.diverged("the gradient is not finite (loss %.4g)", loss)
		}
	}
	t.Opt.Update(t.Net, t.grad, s.Train)
	for _, m := range t.Net.Matrices() {
		if nonFinite(raw(m), s.Precision) >= 0 {
			return loss, t.diverged("the weights are no longer finite in %s (loss %.4g)", s.Precision, loss)
		}
	}
	t.Step++
	t.Losses = append(t.Losses, loss)
	return loss, nil
}

// diverged returns the error of the step being done: ErrDiverged, the step,
// the steps done before it, and why.
func (t *Trainer) diverged(format string, args ...any) error {
	return fmt.Errorf("%w at step %d (steps done: %d): %s", ErrDiverged, t.Step+1, t.Step, fmt.Sprintf(format, args...))
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// nonFinite returns the index of the first value of v that is not finite
// in the element type of precision ("float64", or float32 otherwise: a
// float32 engine computes with the values rounded to float32, where 1e39
// is +Inf), or -1 when every value is.
func nonFinite(v []float64, precision string) int {
	for i, x := range v {
		if precision != "float64" {
			x = float64(float32(x))
		}
		if !finite(x) {
			return i
		}
	}
	return -1
}

// Evaluate returns the loss of the network on the fixed evaluation batch
// without state noise (σ = 0), from the trials' usual random initial
// states x₀ ~ N(0, InitNoise²) (one fixed draw), and the loss of an output
// that is always zero on that batch. The initial state is part of a trial
// (METHODS.md §5: x₀ = 0 + noise of sd 1); "noise-free" removes the state
// noise ξ. x₀ = 0 exactly is the unstable fixed point of a network at
// g = 1.5, a state training never visits; EvaluateZeroStart reports it.
func (t *Trainer) Evaluate() (loss, zero float64) {
	return t.loss(t.Net, t.eval, evalNoise(t.Settings), nil), t.eval.ZeroLoss()
}

// evalBatch is the fixed evaluation batch of a run.
func evalBatch(task tasks.Task, s Settings) *tasks.Batch {
	return task.Generate(rand.New(rand.NewPCG(s.Seed, streamEval)), s.EvalTrials)
}

// evalNoise is the evaluation's noise: no state noise, the fixed draw of
// random initial states.
func evalNoise(s Settings) rnn.Noise {
	return rnn.Noise{Init: *s.InitNoise, Seed: s.Seed ^ streamEval}
}

// Evaluate recomputes a trained network's evaluation loss (as
// Trainer.Evaluate, in the run's precision) and the zero-output loss.
func (tr *Trained) Evaluate() (loss, zero float64) {
	b, noise := tr.EvaluationBatch()
	return engine(tr.Info.Settings.Precision)(tr.Net, b, noise, nil), b.ZeroLoss()
}

// EvaluationBatch returns the fixed batch and noise realisation on which
// the run's evaluation loss is computed.
func (tr *Trained) EvaluationBatch() (*tasks.Batch, rnn.Noise) {
	s := tr.Info.Settings
	task, _ := tasks.New(s.Task)
	return evalBatch(task, s), evalNoise(s)
}

// EvaluateZeroStart returns the loss on the evaluation batch without any
// noise, from x₀ = 0 exactly.
func (t *Trainer) EvaluateZeroStart() float64 {
	return t.loss(t.Net, t.eval, rnn.Noise{}, nil)
}

// Progress is told after every step: the steps done and planned, the
// step's loss and the latest evaluation loss (NaN before the first).
type Progress func(step, steps int, loss, eval float64)

// Run trains until Settings.Steps steps are done, evaluating every
// EvalEvery steps and calling save every CheckpointEvery steps and at the
// end. It stops early, after saving, when ctx is cancelled (returning
// ctx's error) or when training diverges (without saving: the last
// checkpoint stays the last good state).
func (t *Trainer) Run(ctx context.Context, save func(*Trainer) error, progress Progress) error {
	s := t.Settings
	last := math.NaN()
	if len(t.Evals) > 0 {
		last = t.Evals[len(t.Evals)-1].Loss
	}
	start := time.Now()
	base := t.Elapsed
	for t.Step < s.Steps {
		if err := ctx.Err(); err != nil {
			t.Elapsed = base + time.Since(start)
			if serr := save(t); serr != nil {
				return errors.Join(err, serr)
			}
			return err
		}
		loss, err := t.TrainStep()
		t.Elapsed = base + time.Since(start)
		if err != nil {
			return err
		}
		if t.Step%s.EvalEvery == 0 || t.Step == s.Steps {
			last, _ = t.Evaluate()
			t.Evals = append(t.Evals, Eval{t.Step, last})
		}
		if progress != nil {
			progress(t.Step, s.Steps, loss, last)
		}
		if t.Step%s.CheckpointEvery == 0 && t.Step < s.Steps {
			if err := save(t); err != nil {
				return err
			}
		}
	}
	return save(t)
}
