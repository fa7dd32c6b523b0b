package modelmeasures

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
	"github.com/oblique-neuro/oblique/regimes"
)

// Direction is a kind of direction in state space along which a network is
// perturbed or its noise is measured.
type Direction int

const (
	// Out is the output-weight plane, the span of the rows of W_out (a
	// line for one output, a 3-D space for the flip-flop).
	Out Direction = iota
	// PC is the plane of the first two principal components of the
	// states.
	PC
	// Random is any direction of the state space.
	Random
	// In is the span of the input weights (the columns of W_in).
	In
)

// Directions lists the kinds in the order of Perturbation's arrays.
var Directions = [4]Direction{Out, PC, Random, In}

// String returns "out", "pc", "random" or "in".
func (d Direction) String() string { return [...]string{"out", "pc", "random", "in"}[d] }

// PerturbSettings configure the perturbation analysis (METHODS.md §5, paper
// Fig. 5). The zero value is the paper's.
type PerturbSettings struct {
	// Amplitudes is the number of amplitudes, linspace(0, Max·√N, n) (21).
	Amplitudes int
	// Times is the number of perturbation times, linspace(t_min, t_max, n)
	// rounded to the Euler grid (10).
	Times int
	// Max is A, the largest amplitude over √N; 0 means the paper's for the
	// task (10; Romo 5).
	Max float64
	// Gap is the least time between the last perturbation and the start of
	// the loss window (5).
	Gap float64
}

// Resolved returns p with the defaults filled in (Max stays 0: it depends
// on the task).
func (p PerturbSettings) Resolved() PerturbSettings {
	if p.Amplitudes == 0 {
		p.Amplitudes = 21
	}
	if p.Times == 0 {
		p.Times = 10
	}
	if p.Gap == 0 {
		p.Gap = 5
	}
	return p
}

func (p PerturbSettings) validate() error {
	if p.Amplitudes < 2 || p.Times < 1 || p.Max < 0 || !(p.Gap > 0) {
		return errors.New("modelmeasures: perturbations need ≥ 2 amplitudes, ≥ 1 time, Max ≥ 0 and a positive gap")
	}
	return nil
}

// MaxAmplitude returns A for a task: p.Max if set, else 10 (Romo 5).
func (p PerturbSettings) MaxAmplitude(task string) float64 {
	if p.Max > 0 {
		return p.Max
	}
	if t, err := tasks.New(task); err == nil && t.Name() == "romo" {
		return 5
	}
	return 10
}

// Window is where the perturbations fall and where their effect is scored,
// per task (METHODS.md §5): perturbation times in [TMin, TMax], the loss on
// the entries of Mask (with Target), none before Start ≥ TMax + gap.
type Window struct {
	TMin, TMax, Start float64
	// Mask and Target are laid out like the batch's.
	Mask   []bool
	Target []float64
}

// windowTimes are the per-task perturbation ranges of the reference code
// for the tasks whose scoring starts at once: t_min and the length of the
// interval t_max − t_min.
var windowTimes = map[string][2]float64{
	"cycling":      {5, 10},
	"flipflop":     {5, 5},
	"complex-sine": {5, 20},
}

// LossWindow returns the perturbation window of the task on batch b:
//
//   - cycling, flip-flop, complex sine: t_min = 5, t_max = t_min + 10, 5, 20;
//     the scored entries before t_max + gap are removed;
//   - Mante: t_min = 10; the scoring of the fixation and stimulus is
//     removed, the window starts at the first non-zero target of any trial,
//     t_max = that start − gap;
//   - Romo: t_min = 1; every trial is scored at the entries of the trial
//     whose decision starts latest (first such trial), each with its own
//     decision target, t_max = that start − gap.
func LossWindow(task string, b *tasks.Batch, gap float64) (*Window, error) {
	t, err := tasks.New(task)
	if err != nil {
		return nil, err
	}
	w := &Window{Mask: append([]bool(nil), b.Mask...), Target: append([]float64(nil), b.Target...)}
	k := b.Outputs
	switch name := t.Name(); name {
	case "cycling", "flipflop", "complex-sine":
		w.TMin = windowTimes[name][0]
		w.TMax = w.TMin + windowTimes[name][1]
		w.Start = w.TMax + gap
		from := gridStep(w.Start, b.Dt)
		for tr := 0; tr < b.Trials; tr++ {
			for s := 0; s < min(from, b.Steps); s++ {
				clear(w.Mask[(tr*b.Steps+s)*k : (tr*b.Steps+s+1)*k])
			}
		}
	case "mante":
		first := b.Steps
		for tr := 0; tr < b.Trials; tr++ {
			for s := 0; s < b.Steps; s++ {
				if nonzero(b.Out(tr, s)) {
					first = min(first, s)
					break
				}
			}
		}
		if first == b.Steps {
			return nil, errors.New("modelmeasures: no trial of the batch has a non-zero target")
		}
		for tr := 0; tr < b.Trials; tr++ {
			clear(w.Mask[tr*b.Steps*k : (tr*b.Steps+first)*k])
		}
		w.TMin, w.Start = 10, float64(first)*b.Dt
		w.TMax = w.Start - gap
	case "romo":
		last, lastStart := -1, -1
		starts := make([]int, b.Trials)
		for tr := 0; tr < b.Trials; tr++ {
			starts[tr] = -1
			for s := 0; s < b.Steps && starts[tr] < 0; s++ {
				for _, m := range b.Scored(tr, s) {
					if m {
						starts[tr] = s
						break
					}
				}
			}
			if starts[tr] < 0 {
				return nil, fmt.Errorf("modelmeasures: Romo trial %d is never scored", tr)
			}
			if starts[tr] > lastStart {
				last, lastStart = tr, starts[tr]
			}
		}
		for tr := 0; tr < b.Trials; tr++ {
			target := b.Out(tr, starts[tr])
			for s := 0; s < b.Steps; s++ {
				o := (tr*b.Steps + s) * k
				copy(w.Mask[o:o+k], b.Scored(last, s))
				for j := 0; j < k; j++ {
					if w.Mask[o+j] {
						w.Target[o+j] = target[j]
					}
				}
			}
		}
		w.TMin, w.Start = 1, float64(lastStart)*b.Dt
		w.TMax = w.Start - gap
	default:
		return nil, fmt.Errorf("modelmeasures: no perturbation window for the %s task", name)
	}
	if !(w.TMax >= w.TMin) {
		return nil, fmt.Errorf("modelmeasures: perturbation window [%g, %g] is empty", w.TMin, w.TMax)
	}
	return w, nil
}

func nonzero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return true
		}
	}
	return false
}

// gridStep returns the step of time t on a grid of dt, rounded (so that
// 25/0.2 is 125 whatever the rounding of the division).
func gridStep(t, dt float64) int { return int(math.Round(t / dt)) }

// Perturbation is the outcome of the perturbation analysis of one network.
type Perturbation struct {
	Window *Window
	// Steps are the perturbation steps, Times the same in τ.
	Steps []int
	Times []float64
	// Amplitudes are the shifts |Δx|.
	Amplitudes []float64
	// Unperturbed is the loss in the window without perturbation (the loss
	// at amplitude 0).
	Unperturbed float64
	// Loss[d][a][t] is the loss after perturbations of kind Directions[d]
	// with amplitude a at time t, over the evaluation trials.
	Loss [4][][]float64
	// Curve[d][a] is Loss[d][a] averaged over times; AUC[d] its sum over
	// amplitudes.
	Curve [4][]float64
	AUC   [4]float64
	// Relative is the relative susceptibility AUC_out/AUC_PC.
	Relative float64
}

// Perturb runs the perturbation analysis of m on its evaluation ev, from
// the states of ev.Start (x₀ ~ N(0, InitNoise²), as the reference code) and
// the principal components of those states after the dropped steps: at
// each time and amplitude, every
// evaluation trial is shifted along its own unit direction of each kind —
// drawn uniformly in the output-weight plane, the top-2-PC plane, the whole
// space or the input-weight plane; trial 0 along the first output vector,
// the first PC and the first input vector (the reference code's) — and run
// on without noise; the loss is scored in the task's window.
func Perturb(m Model, ev *Evaluation, s Settings, progress regimes.Progress) (*Perturbation, error) {
	s = s.Resolved()
	p := s.Perturb
	if err := p.validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	b := ev.Batch
	w, err := LossWindow(m.Task, b, p.Gap)
	if err != nil {
		return nil, err
	}
	n := m.Net.N()
	d, err := decode.Decompose(dropSteps(ev.Start.States, b.Trials, b.Steps, ev.Dropped))
	if err != nil {
		return nil, fmt.Errorf("modelmeasures: PCA of the perturbation run's states: %w", err)
	}
	if d.Rank() < 2 {
		return nil, errors.New("modelmeasures: the states have fewer than two principal components")
	}
	pcs := mat.DenseCopyOf(d.V.Slice(0, n, 0, 2))
	orient(pcs)
	out, err := rowBasis(m.Net.WOut)
	if err != nil {
		return nil, fmt.Errorf("modelmeasures: output weights W_out: %w", err)
	}
	in, err := rowBasis(m.Net.WIn.T())
	if err != nil {
		return nil, fmt.Errorf("modelmeasures: input weights W_in: %w", err)
	}
	bases := [4]*mat.Dense{Out: out, PC: pcs, In: in}
	pert := &Perturbation{Window: w, Amplitudes: decode.Linspace(0, p.MaxAmplitude(m.Task)*math.Sqrt(float64(n)), p.Amplitudes)}
	for _, t := range decode.Linspace(w.TMin, w.TMax, p.Times) {
		st := gridStep(t, b.Dt)
		pert.Steps = append(pert.Steps, st)
		pert.Times = append(pert.Times, float64(st)*b.Dt)
	}
	dirs := func(kind Direction, ti, ai int) *mat.Dense {
		rng := rand.New(rand.NewPCG(s.Seed, streamPerturb^(uint64(kind)<<48|uint64(ti)<<24|uint64(ai))))
		return drawDirections(rng, bases[kind], b.Trials, n, kind != Random)
	}
	pert.Loss, pert.Unperturbed = perturbLosses(m.engine(), m.Net, b, ev.Start.States, ev.Start.Outputs, w, pert.Steps, pert.Amplitudes, dirs, progress)
	pert.summarise()
	return pert, nil
}

// summarise computes the curves, the AUCs and their ratio.
func (p *Perturbation) summarise() {
	for d := range p.Loss {
		p.Curve[d] = make([]float64, len(p.Loss[d]))
		p.AUC[d] = 0
		for a, ls := range p.Loss[d] {
			var s float64
			for _, l := range ls {
				s += l
			}
			p.Curve[d][a] = s / float64(len(ls))
			p.AUC[d] += p.Curve[d][a]
		}
	}
	p.Relative = math.NaN()
	if p.AUC[PC] > 0 {
		p.Relative = p.AUC[Out] / p.AUC[PC]
	}
}

// drawDirections returns trials unit directions (rows): uniform on the unit
// sphere of the span of the columns of basis (N×r, orthonormal), or of the
// whole space when basis is nil; with first set, row 0 is the first basis
// vector. The Gaussian coefficients are drawn from rng row by row.
func drawDirections(rng *rand.Rand, basis *mat.Dense, trials, n int, first bool) *mat.Dense {
	r := n
	if basis != nil {
		_, r = basis.Dims()
	}
	c := mat.NewDense(trials, r, nil)
	for i := 0; i < trials; i++ {
		for j := 0; j < r; j++ {
			c.Set(i, j, rng.NormFloat64())
		}
	}
	return fromCoefficients(basis, c, first)
}

// fromCoefficients returns the unit directions basis·cᵢ/‖basis·cᵢ‖ for the
// rows cᵢ of c (the rows of c themselves, normalised, when basis is nil);
// with first set, row 0 is the first basis vector whatever c's row 0.
func fromCoefficients(basis, c *mat.Dense, first bool) *mat.Dense {
	var v *mat.Dense
	if basis == nil {
		v = mat.DenseCopyOf(c)
	} else {
		v = new(mat.Dense)
		v.Mul(c, basis.T())
		if first {
			n, _ := basis.Dims()
			for j := 0; j < n; j++ {
				v.Set(0, j, basis.At(j, 0))
			}
		}
	}
	normalise(v)
	return v
}

// perturbLosses runs the perturbations: for each time (steps[ti]), kind
// and non-zero amplitude, every trial of b continues from its unperturbed
// state at that step (states, every step) shifted by the amplitude along
// its row of dirs(kind, ti, ai), noise-free, up to the last scored step of
// the window; the loss is the mean squared error over the window's entries.
// All amplitudes of one time and kind run as one batch. The loss at
// amplitude 0 is the unperturbed one, from outputs.
func perturbLosses(sim simulator, net *rnn.Network, b *tasks.Batch, states, outputs *mat.Dense, w *Window,
	steps []int, amps []float64, dirs func(Direction, int, int) *mat.Dense, progress regimes.Progress) (loss [4][][]float64, unperturbed float64) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	k, trials, n := b.Outputs, b.Trials, net.N()
	unperturbed = maskedLoss(outputs, w.Target, w.Mask, k, 0, trials*b.Steps)
	last := -1
	for tr := 0; tr < trials; tr++ {
		for s := 0; s < b.Steps; s++ {
			for j := 0; j < k; j++ {
				if w.Mask[(tr*b.Steps+s)*k+j] {
					last = max(last, s)
				}
			}
		}
	}
	for d := range loss {
		loss[d] = make([][]float64, len(amps))
		for a := range amps {
			loss[d][a] = make([]float64, len(steps))
		}
	}
	var nz []int
	for a, amp := range amps {
		if amp == 0 {
			for d := range loss {
				for ti := range steps {
					loss[d][a][ti] = unperturbed
				}
			}
			continue
		}
		nz = append(nz, a)
	}
	done, total := 0, len(steps)*len(Directions)
	for ti, st := range steps {
		length := last - st + 1
		if length < 1 || len(nz) == 0 {
			for d := range loss {
				for _, a := range nz {
					loss[d][a][ti] = 0 // nothing scored after the perturbation
				}
			}
			continue
		}
		// The batch of every non-zero amplitude: block j holds the trials
		// of amplitude nz[j], from step st to the last scored one.
		pb := tasks.NewBatch(b.Task, len(nz)*trials, length, b.Inputs, b.Outputs)
		pb.Dt = b.Dt
		for j := range nz {
			for tr := 0; tr < trials; tr++ {
				for s := 0; s < length; s++ {
					src, dst := tr*b.Steps+st+s, (j*trials+tr)*length+s
					copy(pb.Input[dst*b.Inputs:(dst+1)*b.Inputs], b.In(tr, st+s))
					copy(pb.Target[dst*k:(dst+1)*k], w.Target[src*k:(src+1)*k])
					copy(pb.Mask[dst*k:(dst+1)*k], w.Mask[src*k:(src+1)*k])
				}
			}
		}
		x0 := mat.NewDense(len(nz)*trials, n, nil)
		for _, kind := range Directions {
			for j, a := range nz {
				v := dirs(kind, ti, a)
				for tr := 0; tr < trials; tr++ {
					row, x, dv := x0.RawRowView(j*trials+tr), states.RawRowView(tr*b.Steps+st), v.RawRowView(tr)
					for i := range row {
						row[i] = x[i] + amps[a]*dv[i]
					}
				}
			}
			_, out := sim.SimulateFrom(net, pb, x0, rnn.Noise{}, false)
			for j, a := range nz {
				loss[kind][a][ti] = maskedLoss(out, pb.Target, pb.Mask, k, j*trials*length, (j+1)*trials*length)
			}
			done++
			progress("perturbations", done, total)
		}
	}
	return loss, unperturbed
}
