// Package tasks generates the five tasks on which the paper trains its
// recurrent networks (METHODS.md §5, "Tasks"): cycling, the 3-bit flip-flop,
// Mante's context-dependent decision, Romo's two-pulse comparison, and the
// complex sine.
//
// A task draws batches of trials: inputs (trials × steps × inputs), targets
// and a mask of the scored entries (trials × steps × outputs), on the Euler
// grid of the network, dt = 0.2 time constants. All times in this package
// are in units of the network's time constant τ. Durations fixed by the task
// are rounded to the grid; random durations are truncated to it (the
// reference code's int(t/dt)). Within scored periods the mask keeps every
// 5th Euler step (one per τ), every 2nd for the complex sine, counting steps
// from the start of the trial.
//
// Randomness comes from the caller's *rand.Rand: the same source state gives
// the same batch. Cycling draws nothing.
//
// Where METHODS.md leaves a detail open, the paper's reference code
// (frschu/aligned_oblique_in_rnns, notebooks/task_generators.py) decides;
// each generator says which details those are.
package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// Dt is the Euler step in units of τ.
const Dt = 0.2

// Batch is a batch of trials. The arrays are row-major: entry (b, t, i) of
// Input is Input[(b·Steps+t)·Inputs+i], and likewise for Target and Mask
// with Outputs.
type Batch struct {
	Task                           string
	Trials, Steps, Inputs, Outputs int
	// Dt is the Euler step (τ units) the batch is laid out on.
	Dt float64

	Input  []float64
	Target []float64
	Mask   []bool
}

// NewBatch returns an empty batch of the given shape.
func NewBatch(task string, trials, steps, inputs, outputs int) *Batch {
	return &Batch{
		Task: task, Trials: trials, Steps: steps, Inputs: inputs, Outputs: outputs, Dt: Dt,
		Input:  make([]float64, trials*steps*inputs),
		Target: make([]float64, trials*steps*outputs),
		Mask:   make([]bool, trials*steps*outputs),
	}
}

// In returns the inputs of trial b at step t (a slice into Input).
func (b *Batch) In(trial, step int) []float64 {
	o := (trial*b.Steps + step) * b.Inputs
	return b.Input[o : o+b.Inputs]
}

// Out returns the targets of trial b at step t (a slice into Target).
func (b *Batch) Out(trial, step int) []float64 {
	o := (trial*b.Steps + step) * b.Outputs
	return b.Target[o : o+b.Outputs]
}

// Scored returns the mask of trial b at step t (a slice into Mask).
func (b *Batch) Scored(trial, step int) []bool {
	o := (trial*b.Steps + step) * b.Outputs
	return b.Mask[o : o+b.Outputs]
}

// Masked returns the number of scored entries.
func (b *Batch) Masked() int {
	n := 0
	for _, m := range b.Mask {
		if m {
			n++
		}
	}
	return n
}

// ZeroLoss returns the loss of an output that is always zero: the mean of
// the squared targets over the scored entries (0 when nothing is scored).
func (b *Batch) ZeroLoss() float64 {
	var s float64
	n := 0
	for i, m := range b.Mask {
		if m {
			s += b.Target[i] * b.Target[i]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// Task generates batches of one task.
type Task interface {
	// Name is the task's name as the command line spells it.
	Name() string
	// Inputs and Outputs are the numbers of input and output channels.
	Inputs() int
	Outputs() int
	// Steps is the number of Euler steps in a trial.
	Steps() int
	// MaskEvery is the thinning of the mask: every MaskEvery-th step.
	MaskEvery() int
	// Generate draws trials from rng.
	Generate(rng *rand.Rand, trials int) *Batch
}

// registry maps names (and aliases) to constructors.
var registry = map[string]func() Task{
	"cycling":      func() Task { return Cycling{} },
	"flipflop":     func() Task { return FlipFlop{} },
	"mante":        func() Task { return Mante{} },
	"romo":         func() Task { return Romo{} },
	"complex-sine": func() Task { return ComplexSine{} },
}

var aliases = map[string]string{
	"flip-flop":    "flipflop",
	"complex_sine": "complex-sine",
	"complexsine":  "complex-sine",
}

// Names lists the tasks, in the paper's order.
func Names() []string {
	return []string{"cycling", "flipflop", "mante", "romo", "complex-sine"}
}

// New returns the task with the given name (case-insensitive; "flip-flop"
// and "complex_sine" are accepted too), with the paper's settings.
func New(name string) (Task, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[key]; ok {
		key = a
	}
	f, ok := registry[key]
	if !ok {
		known := Names()
		sort.Strings(known)
		return nil, fmt.Errorf("unknown task %q (known: %s)", name, strings.Join(known, ", "))
	}
	return f(), nil
}

// fixed converts a duration fixed by the task to steps (rounded, so that
// 2.2/0.2 is 11 whatever the floating-point error).
func fixed(t float64) int { return int(math.Round(t / Dt)) }

// drawn converts a random duration to steps, truncating like the reference
// code's int(t/dt).
func drawn(t float64) int { return int(t / Dt) }

// sign returns +1 or −1 with equal probability.
func sign(rng *rand.Rand) float64 {
	if rng.IntN(2) == 0 {
		return 1
	}
	return -1
}

// thin clears the mask except at every every-th step.
func thin(b *Batch, every int) {
	for tr := 0; tr < b.Trials; tr++ {
		for t := 0; t < b.Steps; t++ {
			if t%every != 0 {
				clear(b.Scored(tr, t))
			}
		}
	}
}

// Cycling is the cycling task after Russo et al. 2018: a one-hot context
// pulse of amplitude 1 for t ∈ [0, 1) on input 0 or 1, then from t = 1 the
// targets z₁ = sin(±2π·0.1·t′), z₂ = cos(2π·0.1·t′), t′ = t − 1, until
// T = 72. As in the reference code, the context alternates with the trial
// index (even trials: input 0, sign +; odd: input 1, sign −), so a batch
// holds both directions and nothing is random.
type Cycling struct{}

// Name implements Task.
func (Cycling) Name() string { return "cycling" }

// Inputs implements Task.
func (Cycling) Inputs() int { return 2 }

// Outputs implements Task.
func (Cycling) Outputs() int { return 2 }

// Steps implements Task: T = 72.
func (Cycling) Steps() int { return fixed(72) }

// MaskEvery implements Task.
func (Cycling) MaskEvery() int { return 5 }

// Generate implements Task.
func (c Cycling) Generate(_ *rand.Rand, trials int) *Batch {
	const freq = 0.1
	b := NewBatch(c.Name(), trials, c.Steps(), 2, 2)
	pulse, start := fixed(1), fixed(1)
	for tr := 0; tr < trials; tr++ {
		ctx := tr % 2
		s := 1 - 2*float64(ctx)
		for t := 0; t < pulse; t++ {
			b.In(tr, t)[ctx] = 1
		}
		for t := start; t < b.Steps; t++ {
			arg := 2 * math.Pi * freq * float64(t-start) * Dt
			out := b.Out(tr, t)
			out[0], out[1] = math.Sin(s*arg), math.Cos(arg)
			m := b.Scored(tr, t)
			m[0], m[1] = true, true
		}
	}
	thin(b, c.MaskEvery())
	return b
}

// FlipFlop is the 3-bit flip-flop, T = 25. After an initial wait ~U[0, 1)
// each channel gets one pulse, in random order, 0.2 + 2 = 2.2 apart; then
// pulses on random channels follow, spaced ~U[3, 10) + 2. A pulse is ±1
// (random sign) for 1 time unit. After a pulse on channel i its target
// becomes the pulse's sign, scored from 2 units after the pulse onset until
// the next pulse; the other channels keep their target and mask. Before a
// channel's first pulse nothing is scored on it.
type FlipFlop struct{}

// Name implements Task.
func (FlipFlop) Name() string { return "flipflop" }

// Inputs implements Task.
func (FlipFlop) Inputs() int { return 3 }

// Outputs implements Task.
func (FlipFlop) Outputs() int { return 3 }

// Steps implements Task: T = 25.
func (FlipFlop) Steps() int { return fixed(25) }

// MaskEvery implements Task.
func (FlipFlop) MaskEvery() int { return 5 }

// Generate implements Task.
func (f FlipFlop) Generate(rng *rand.Rand, trials int) *Batch {
	const bits = 3
	steps := f.Steps()
	b := NewBatch(f.Name(), trials, steps, bits, bits)
	stim, delay := fixed(1), fixed(2)
	initial := fixed(Dt + 2) // spacing of the first pulses: 11 steps
	for tr := 0; tr < trials; tr++ {
		t0 := drawn(rng.Float64()) // wait ~U[0, 1)
		order := rng.Perm(bits)
		for count := 0; t0 <= steps; count++ {
			var gap int
			if count < bits-1 {
				gap = initial
			} else {
				gap = drawn(3 + 7*rng.Float64() + 2)
			}
			var ch int
			if count < bits {
				ch = order[count]
			} else {
				ch = rng.IntN(bits)
			}
			s := sign(rng)
			t1 := t0 + gap
			for t := t0; t < min(t0+stim, steps); t++ {
				b.In(tr, t)[ch] = s
			}
			for o := 0; o < bits; o++ {
				if o == ch {
					for t := t0 + delay; t < min(t1, steps); t++ {
						b.Out(tr, t)[o] = s
						b.Scored(tr, t)[o] = true
					}
					continue
				}
				if t0 == 0 {
					continue // nothing before the trial: target 0, unscored
				}
				prev, scored := b.Out(tr, t0-1)[o], b.Scored(tr, t0-1)[o]
				for t := t0; t < min(t1, steps); t++ {
					b.Out(tr, t)[o] = prev
					b.Scored(tr, t)[o] = scored
				}
			}
			t0 = t1
		}
	}
	thin(b, f.MaskEvery())
	return b
}

// Mante is the context-dependent decision task, T = 48: fixation 3,
// stimulus 20, delay 5, decision 20. Inputs 0 and 1 are the context (the
// cued one is 1 during the stimulus), inputs 2 and 3 the two sensory
// streams (the reference code's order): each carries its own coherence,
// drawn from {±1, ±2, ±4, ±8}/8, during the stimulus, plus N(0, 0.05²/dt)
// noise at every step of the trial. The target is the sign of the cued
// coherence during the decision and 0 during fixation and stimulus, which
// are scored too; the delay is not.
type Mante struct{}

// Name implements Task.
func (Mante) Name() string { return "mante" }

// Inputs implements Task.
func (Mante) Inputs() int { return 4 }

// Outputs implements Task.
func (Mante) Outputs() int { return 1 }

// Steps implements Task: T = 48.
func (Mante) Steps() int { return fixed(48) }

// MaskEvery implements Task.
func (Mante) MaskEvery() int { return 5 }

// Generate implements Task.
func (m Mante) Generate(rng *rand.Rand, trials int) *Batch {
	coherences := [...]float64{-8, -4, -2, -1, 1, 2, 4, 8}
	noise := 0.05 / math.Sqrt(Dt)
	stim0 := fixed(3)
	stim1 := stim0 + fixed(20)
	dec0 := stim1 + fixed(5)
	dec1 := dec0 + fixed(20)
	b := NewBatch(m.Name(), trials, m.Steps(), 4, 1)
	for tr := 0; tr < trials; tr++ {
		for t := 0; t < b.Steps; t++ {
			in := b.In(tr, t)
			in[2], in[3] = noise*rng.NormFloat64(), noise*rng.NormFloat64()
		}
		coh := [2]float64{coherences[rng.IntN(8)] / 8, coherences[rng.IntN(8)] / 8}
		ctx := rng.IntN(2)
		for t := stim0; t < stim1; t++ {
			in := b.In(tr, t)
			in[2] += coh[0]
			in[3] += coh[1]
			in[ctx] = 1
		}
		target := 1.0
		if coh[ctx] < 0 {
			target = -1
		}
		for t := 0; t < b.Steps; t++ {
			switch {
			case t < stim1:
				b.Scored(tr, t)[0] = true
			case t >= dec0 && t < dec1:
				b.Out(tr, t)[0] = target
				b.Scored(tr, t)[0] = true
			}
		}
	}
	thin(b, m.MaskEvery())
	return b
}

// Romo is the two-pulse comparison task, T = 29: fixation ~U[1, 3); two
// pulses of length 1 separated by ~U[2, 12); amplitudes ~U[0.5, 1.5), drawn
// again until they are at least 0.2 apart; after a delay of 4, a decision of
// length 8 with target +1 if the first amplitude is larger, −1 if not. Only
// the decision is scored.
type Romo struct{}

// Name implements Task.
func (Romo) Name() string { return "romo" }

// Inputs implements Task.
func (Romo) Inputs() int { return 1 }

// Outputs implements Task.
func (Romo) Outputs() int { return 1 }

// Steps implements Task: T = 29.
func (Romo) Steps() int { return fixed(29) }

// MaskEvery implements Task.
func (Romo) MaskEvery() int { return 5 }

// Generate implements Task.
func (r Romo) Generate(rng *rand.Rand, trials int) *Batch {
	stim, delay, dec := fixed(1), fixed(4), fixed(8)
	b := NewBatch(r.Name(), trials, r.Steps(), 1, 1)
	for tr := 0; tr < trials; tr++ {
		gap := 2 + 10*rng.Float64()
		wait := 1 + 2*rng.Float64()
		s0 := drawn(wait)
		s1 := s0 + stim + drawn(gap)
		d0 := s1 + stim + delay
		var a0, a1 float64
		for {
			a0, a1 = 0.5+rng.Float64(), 0.5+rng.Float64()
			if math.Abs(a0-a1) >= 0.2 {
				break
			}
		}
		for t := s0; t < s0+stim; t++ {
			b.In(tr, t)[0] = a0
		}
		for t := s1; t < s1+stim; t++ {
			b.In(tr, t)[0] = a1
		}
		target := -1.0
		if a0 > a1 {
			target = 1
		}
		for t := d0; t < min(d0+dec, b.Steps); t++ {
			b.Out(tr, t)[0] = target
			b.Scored(tr, t)[0] = true
		}
	}
	thin(b, r.MaskEvery())
	return b
}

// ComplexSine is the complex sine, T = 50, no fixation: a constant input
// x + 0.25 with x ~ U[0, 1), and the target sin(2π·f·t), f = 0.04 + 0.16·x,
// scored over the whole trial (every 2nd step).
type ComplexSine struct{}

// Name implements Task.
func (ComplexSine) Name() string { return "complex-sine" }

// Inputs implements Task.
func (ComplexSine) Inputs() int { return 1 }

// Outputs implements Task.
func (ComplexSine) Outputs() int { return 1 }

// Steps implements Task: T = 50.
func (ComplexSine) Steps() int { return fixed(50) }

// MaskEvery implements Task.
func (ComplexSine) MaskEvery() int { return 2 }

// Generate implements Task.
func (c ComplexSine) Generate(rng *rand.Rand, trials int) *Batch {
	b := NewBatch(c.Name(), trials, c.Steps(), 1, 1)
	for tr := 0; tr < trials; tr++ {
		x := rng.Float64()
		f := 0.04 + 0.16*x
		for t := 0; t < b.Steps; t++ {
			b.In(tr, t)[0] = x + 0.25
			b.Out(tr, t)[0] = math.Sin(2 * math.Pi * f * float64(t) * Dt)
			b.Scored(tr, t)[0] = true
		}
	}
	thin(b, c.MaskEvery())
	return b
}
