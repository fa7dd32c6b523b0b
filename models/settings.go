package models

import (
	"errors"
	"fmt"
	"math"

	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// Settings is how a network is trained. The zero value of every field but
// Task means the paper's setting (METHODS.md §5); Resolved fills them in.
type Settings struct {
	// Task is one of tasks.Names().
	Task string `json:"task"`
	// OutScale is the initial output-weight scale: rnn.Small (aligned,
	// default) or rnn.Large (oblique).
	OutScale rnn.OutScale `json:"out_scale"`
	// N is the number of units (paper: 512).
	N int `json:"n"`
	// G is the gain of the initial recurrent weights (1.5).
	G float64 `json:"g"`
	// Steps is the number of training steps (the paper's for the task:
	// cycling 1000, flip-flop 4000, Mante 4000, Romo 6000, complex sine
	// 6000).
	Steps int `json:"steps"`
	// LR0 sets Adam's learning rate lr0/N (the paper's for the task,
	// output scale and g; see PaperLR0).
	LR0 float64 `json:"lr0"`
	// Batch is the number of trials per step (32), drawn fresh every step.
	Batch int `json:"batch"`
	// Noise is σ of the state noise during training (0.2; 0.05 for Mante);
	// nil means the paper's, a pointer to 0 none.
	Noise *float64 `json:"noise"`
	// InitNoise is the standard deviation of x₀ (1); nil means the
	// paper's.
	InitNoise *float64 `json:"init_noise"`
	// Train lists the weight matrices that learn (all of them).
	Train rnn.Which `json:"train"`
	// Seed seeds every random draw: initial weights, batches, noise.
	Seed uint64 `json:"seed"`
	// Precision is the engine's element type, "float32" (default, the
	// fast path) or "float64" (the reference).
	Precision string `json:"precision"`
	// EvalTrials is the size of the fixed, noise-free evaluation batch
	// (64); EvalEvery how often it is evaluated during training (every
	// 100 steps). Neither changes the training itself.
	EvalTrials int `json:"eval_trials"`
	EvalEvery  int `json:"eval_every"`
	// CheckpointEvery is how often the state is saved (every 100 steps).
	CheckpointEvery int `json:"checkpoint_every"`
}

// Paper values (METHODS.md §5).
var (
	paperSteps = map[string]int{"cycling": 1000, "flipflop": 4000, "mante": 4000, "romo": 6000, "complex-sine": 6000}
	// lr0 in the order large g0.7, large g1.5, small g0.7, small g1.5.
	paperLR0 = map[string][4]float64{
		"cycling":      {0.02, 0.02, 0.02, 0.02},
		"flipflop":     {0.01, 0.01, 0.005, 0.005},
		"mante":        {0.002, 0.02, 0.002, 0.002},
		"romo":         {0.01, 0.01, 0.01, 0.005},
		"complex-sine": {0.01, 0.005, 0.005, 0.005},
	}
)

// PaperLR0 returns the paper's lr0 for a task, output scale and gain: the
// g = 0.7 value when g < 1.1 (decaying networks), the g = 1.5 value
// otherwise.
func PaperLR0(task string, scale rnn.OutScale, g float64) float64 {
	i := 1
	if g < 1.1 {
		i = 0
	}
	if scale == rnn.Small {
		i += 2
	}
	return paperLR0[task][i]
}

// PaperNoise returns the paper's training noise σ for a task.
func PaperNoise(task string) float64 {
	if task == "mante" {
		return 0.05
	}
	return 0.2
}

// Resolved returns s with the task name normalised and every default
// filled in. The task must exist (see Validate).
func (s Settings) Resolved() Settings {
	if t, err := tasks.New(s.Task); err == nil {
		s.Task = t.Name()
	}
	if s.OutScale == "" {
		s.OutScale = rnn.Small
	}
	if s.N == 0 {
		s.N = 512
	}
	if s.G == 0 {
		s.G = 1.5
	}
	if s.Steps == 0 {
		s.Steps = paperSteps[s.Task]
	}
	if s.LR0 == 0 {
		s.LR0 = PaperLR0(s.Task, s.OutScale, s.G)
	}
	if s.Batch == 0 {
		s.Batch = 32
	}
	if s.Noise == nil {
		v := PaperNoise(s.Task)
		s.Noise = &v
	}
	if s.InitNoise == nil {
		v := 1.0
		s.InitNoise = &v
	}
	if s.Train == 0 {
		s.Train = rnn.All
	}
	if s.Precision == "" {
		s.Precision = "float32"
	}
	if s.EvalTrials == 0 {
		s.EvalTrials = 64
	}
	if s.EvalEvery == 0 {
		s.EvalEvery = 100
	}
	if s.CheckpointEvery == 0 {
		s.CheckpointEvery = 100
	}
	return s
}

// Validate reports settings that cannot train, with a message for the
// user. It checks the resolved settings.
func (s Settings) Validate() error {
	if _, err := tasks.New(clip(s.Task, 60)); err != nil {
		return err
	}
	r := s.Resolved()
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	var errs []error
	if r.OutScale != rnn.Small && r.OutScale != rnn.Large {
		errs = append(errs, fmt.Errorf("output scale %q: want small (aligned) or large (oblique)", clip(string(r.OutScale), 60)))
	}
	if r.N < 2 {
		errs = append(errs, fmt.Errorf("N = %d: a network needs at least 2 units", r.N))
	}
	if r.G < 0 || bad(r.G) {
		errs = append(errs, fmt.Errorf("g = %v: want a gain ≥ 0", r.G))
	}
	if r.Steps < 0 {
		errs = append(errs, fmt.Errorf("steps = %d: want ≥ 0", r.Steps))
	}
	if r.LR0 < 0 || bad(r.LR0) {
		errs = append(errs, fmt.Errorf("lr0 = %v: want a positive learning rate", r.LR0))
	}
	if r.Batch < 1 {
		errs = append(errs, fmt.Errorf("batch = %d: want at least 1 trial", r.Batch))
	}
	if *r.Noise < 0 || bad(*r.Noise) {
		errs = append(errs, fmt.Errorf("noise σ = %v: want ≥ 0", *r.Noise))
	}
	if *r.InitNoise < 0 || bad(*r.InitNoise) {
		errs = append(errs, fmt.Errorf("initial-state noise = %v: want ≥ 0", *r.InitNoise))
	}
	if r.Train&^rnn.All != 0 {
		errs = append(errs, fmt.Errorf("train %v: unknown weight matrix", r.Train))
	}
	if r.Precision != "float32" && r.Precision != "float64" {
		errs = append(errs, fmt.Errorf("precision %q: want float32 or float64", clip(r.Precision, 60)))
	}
	if r.EvalTrials < 1 || r.EvalEvery < 1 || r.CheckpointEvery < 1 {
		errs = append(errs, errors.New("eval trials, eval and checkpoint intervals must be ≥ 1"))
	}
	if m := r.memory(); len(errs) == 0 && m > MaxMemory {
		errs = append(errs, fmt.Errorf("N = %d, batch %d, eval trials %d: training needs about %s of memory, more than the %s oblique plans for",
			r.N, r.Batch, r.EvalTrials, gib(m), gib(MaxMemory)))
	}
	return errors.Join(errs...)
}

// MaxMemory is the most memory, in bytes, that training or a simulation
// may need (as Settings.Validate and SimSettings.Validate estimate it):
// 32 GiB, what a large workstation has. It leaves room for the paper's
// sizes and well beyond (N and the batch at a few thousand each), and
// stops a slip such as a few extra digits before Go's allocator dies on it
// with a fatal error that no message explains.
const MaxMemory = 32 << 30

// gib formats a number of bytes in GiB.
func gib(b float64) string { return fmt.Sprintf("%.3g GiB", b/(1<<30)) }

// memory estimates the peak memory of training with the resolved settings
// s, in bytes (in float64, as absurd settings overflow an int).
func (s Settings) memory() float64 {
	task, _ := tasks.New(s.Task)
	elem := 4.0 // bytes of the engine's element type
	if s.Precision == "float64" {
		elem = 8
	}
	n, steps, io := float64(s.N), float64(task.Steps()), float64(task.Inputs()+task.Outputs())
	// A trial's inputs, targets and mask take 17 bytes per input or output
	// and step; in the training batch the backward pass also keeps
	// tanh(x) and δ of every step (rnn.Engine).
	batch := float64(s.Batch) * steps * (17*io + 2*n*elem)
	eval := float64(s.EvalTrials) * steps * 17 * io
	// W, its gradient, Adam's two moments and the checkpoint's copy in
	// float64; the engine's three packed copies.
	weights := n * n * (5*8 + 3*elem)
	return batch + eval + weights
}

// SameTraining reports the first setting that differs between two resolved
// settings in a way that changes the trained network (everything but
// Steps, EvalEvery and CheckpointEvery), or "".
func SameTraining(a, b Settings) string {
	switch {
	case a.Task != b.Task:
		return "task"
	case a.OutScale != b.OutScale:
		return "output scale (regime)"
	case a.N != b.N:
		return "n"
	case a.G != b.G:
		return "g"
	case a.LR0 != b.LR0:
		return "lr0"
	case a.Batch != b.Batch:
		return "batch"
	case *a.Noise != *b.Noise:
		return "noise"
	case *a.InitNoise != *b.InitNoise:
		return "initial-state noise"
	case a.Train != b.Train:
		return "train"
	case a.Seed != b.Seed:
		return "seed"
	case a.Precision != b.Precision:
		return "precision"
	case a.EvalTrials != b.EvalTrials:
		return "eval trials"
	}
	return ""
}
