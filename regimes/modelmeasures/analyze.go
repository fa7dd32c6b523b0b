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

// Model is a trained network with the training settings the measures use.
type Model struct {
	// Task is the name of the task it was trained on (tasks.Names).
	Task string
	Net  *rnn.Network
	// Sigma is the state noise σ of training (METHODS.md §5: 0.2, Mante
	// 0.05): the noise of the noise-compression replays.
	Sigma float64
	// InitNoise is the standard deviation of x₀ in training (1): the
	// evaluation trials start from x₀ ~ N(0, InitNoise²).
	InitNoise float64
	// Precision is the engine's element type, "float32" (the default, what
	// the bundled runs were trained with) or "float64".
	Precision string
}

// simulator is what the measures need of an rnn.Engine.
type simulator interface {
	Simulate(net *rnn.Network, b *tasks.Batch, noise rnn.Noise) (states, outputs *mat.Dense)
	SimulateFrom(net *rnn.Network, b *tasks.Batch, x0 *mat.Dense, noise rnn.Noise, withStates bool) (states, outputs *mat.Dense)
}

func (m Model) engine() simulator {
	if m.Precision == "float64" {
		return new(rnn.Engine[float64])
	}
	return new(rnn.Engine[float32])
}

func (m Model) validate() error {
	task, err := tasks.New(m.Task)
	if err != nil {
		return err
	}
	switch {
	case m.Net == nil:
		return errors.New("modelmeasures: no network")
	case m.Net.Inputs() != task.Inputs() || m.Net.Outputs() != task.Outputs():
		return fmt.Errorf("modelmeasures: a network with %d inputs and %d outputs does not fit the %s task", m.Net.Inputs(), m.Net.Outputs(), task.Name())
	case m.Sigma < 0 || m.InitNoise < 0:
		return errors.New("modelmeasures: negative noise")
	case m.Precision != "" && m.Precision != "float32" && m.Precision != "float64":
		return fmt.Errorf("modelmeasures: precision %q", m.Precision)
	}
	return nil
}

// Settings configure Analyze. The zero value is the paper's analysis
// (METHODS.md §4–5) with seed 0.
type Settings struct {
	// Trials is the size of the evaluation batch (32).
	Trials int
	// Drop is the time (τ) dropped at the start of each trial before ρ,
	// the norms, the dimensions and the dissimilarity (10); negative keeps
	// everything.
	Drop float64
	// TrainTrials is the number of evaluation trials (the first ones) the
	// D_fit decoders are trained on (¾ of Trials: 24 of 32).
	TrainTrials int
	// CV is the ridge cross-validation of the D_fit decoders.
	CV decode.CV
	// VarThreshold defines D_var (0.9); FitThreshold is the absolute R²
	// that defines D_fit for models (0.9).
	VarThreshold, FitThreshold float64
	// Components is the least length of the R²-against-components curve
	// (30, the reference code's): the curve runs to the larger of it and
	// D_fit.
	Components int

	Perturb PerturbSettings
	Noise   NoiseSettings
	// NoPerturb and NoNoise skip the two costly analyses.
	NoPerturb, NoNoise bool

	// Seed seeds every random draw.
	Seed uint64
}

// Resolved returns s with the defaults filled in.
func (s Settings) Resolved() Settings {
	if s.Trials == 0 {
		s.Trials = 32
	}
	if s.Drop == 0 {
		s.Drop = 10
	}
	if s.TrainTrials == 0 {
		s.TrainTrials = s.Trials * 3 / 4
	}
	if s.CV.Alphas == nil {
		s.CV.Alphas = decode.DefaultAlphas()
	}
	if s.VarThreshold == 0 {
		s.VarThreshold = 0.9
	}
	if s.FitThreshold == 0 {
		s.FitThreshold = 0.9
	}
	if s.Components == 0 {
		s.Components = 30
	}
	s.Perturb = s.Perturb.Resolved()
	s.Noise = s.Noise.Resolved()
	return s
}

// Validate reports settings that cannot be used.
func (s Settings) Validate() error {
	s = s.Resolved()
	if err := s.CV.Validate(); err != nil {
		return err
	}
	switch {
	case s.Trials < 2:
		return fmt.Errorf("modelmeasures: %d evaluation trials, want at least 2", s.Trials)
	case s.TrainTrials < 1 || s.TrainTrials > s.Trials:
		return fmt.Errorf("modelmeasures: %d training trials of %d", s.TrainTrials, s.Trials)
	case !(s.VarThreshold > 0 && s.VarThreshold <= 1), !(s.FitThreshold > 0 && s.FitThreshold <= 1):
		return errors.New("modelmeasures: thresholds must be in (0, 1]")
	case s.Components < 1:
		return errors.New("modelmeasures: components must be positive")
	}
	if err := s.Perturb.validate(); err != nil {
		return err
	}
	return s.Noise.validate()
}

// Streams of the PCG seeded with Settings.Seed.
const (
	streamEval    = 0x6576616c // evaluation trials and their x₀
	streamPerturb = 0x70657274 // perturbation directions
	streamNoise   = 0x6e6f6973 // noise-compression noise and directions
	streamSubsets = 0x73756273 // neuron and sample subsets of Place
	streamBoot    = 0x626f6f74 // bootstrap of the regime score
)

// Evaluation is the noise-free run of a network on the evaluation trials:
// the batch drawn from the seed, x₀ ~ N(0, InitNoise²) drawn from the seed,
// σ = 0.
type Evaluation struct {
	Batch *tasks.Batch
	// States and Outputs hold every step of the noise-free run from
	// x₀ = 0, the run the reference code analyses (its hids_all[3]): row
	// b·Steps + t is trial b at step t.
	States, Outputs *mat.Dense
	// Y and Z are the states and outputs with the first Dropped steps of
	// each trial removed (Kept steps per trial remain): the samples of ρ,
	// the norms, the principal components and the dissimilarity.
	Y, Z          *mat.Dense
	Dropped, Kept int
	// Start is the noise-free run from x₀ ~ N(0, InitNoise²) (one fixed
	// draw per trial), the initial states of training: the perturbation
	// analysis shifts its states, as the reference code does.
	Start Run
	// Loss is the task loss of Start, ZeroLoss that of a zero output.
	Loss, ZeroLoss float64
}

// Run is a simulation of the evaluation batch: row b·Steps + t is trial b
// at step t.
type Run struct {
	States, Outputs *mat.Dense
}

// Evaluate runs m on the evaluation trials of s.
func Evaluate(m Model, s Settings) (*Evaluation, error) {
	s = s.Resolved()
	if err := m.validate(); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	task, _ := tasks.New(m.Task)
	rng := rand.New(rand.NewPCG(s.Seed, streamEval))
	b := task.Generate(rng, s.Trials)
	start := rnn.Noise{Init: m.InitNoise, Seed: rng.Uint64()}
	states, outputs := m.engine().Simulate(m.Net, b, rnn.Noise{})
	sStates, sOutputs := m.engine().Simulate(m.Net, b, start)
	drop := 0
	if s.Drop > 0 {
		drop = int(math.Round(s.Drop / b.Dt))
	}
	if drop >= b.Steps {
		return nil, fmt.Errorf("modelmeasures: dropping %g time units leaves nothing of the %s task's trials", s.Drop, task.Name())
	}
	ev := &Evaluation{Batch: b, States: states, Outputs: outputs, Dropped: drop, Kept: b.Steps - drop, Start: Run{sStates, sOutputs}}
	ev.Y, ev.Z = dropSteps(states, b.Trials, b.Steps, drop), dropSteps(outputs, b.Trials, b.Steps, drop)
	ev.Loss, ev.ZeroLoss = maskedLoss(sOutputs, b.Target, b.Mask, b.Outputs, 0, b.Trials*b.Steps), b.ZeroLoss()
	return ev, nil
}

// dropSteps returns the rows of m (trials·steps rows) without the first
// drop steps of each trial.
func dropSteps(m *mat.Dense, trials, steps, drop int) *mat.Dense {
	_, c := m.Dims()
	keep := steps - drop
	out := mat.NewDense(trials*keep, c, nil)
	for tr := 0; tr < trials; tr++ {
		for t := drop; t < steps; t++ {
			copy(out.RawRowView(tr*keep+t-drop), m.RawRowView(tr*steps+t))
		}
	}
	return out
}

// maskedLoss is the mean squared error of rows lo…hi−1 of outputs against
// target over the entries of mask (both laid out like outputs); 0 when none
// is scored.
func maskedLoss(outputs *mat.Dense, target []float64, mask []bool, k, lo, hi int) float64 {
	var s float64
	n := 0
	for i := lo; i < hi; i++ {
		row := outputs.RawRowView(i)
		for j, v := range row {
			if mask[i*k+j] {
				d := v - target[i*k+j]
				s += d * d
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// FitPoint is the fit of the outputs from the first K principal components
// by the model rule: a ridge decoder trained on the first TrainTrials
// trials, R² over all trials and outputs pooled. The components are those
// of the states after the dropped steps; the fit and R² take every step
// (the reference code's).
type FitPoint struct {
	K     int
	Alpha float64
	R2    float64
}

// Result holds the measures of one network.
type Result struct {
	Task                  string
	Neurons, Trials, Kept int
	Samples               int
	Loss, ZeroLoss        float64
	Rho                   float64 // generalised correlation, model form
	OutNorm, StateNorm    float64 // ‖W_out‖ and ‖x‖ (Magnitude)
	CumVar                []float64
	DVar                  int
	Fit                   []FitPoint
	DFit                  int     // 0 when no k reaches the threshold
	Ratio                 float64 // DFit/DVar; NaN without DFit
	Perturbation          *Perturbation
	Noise                 *NoiseCompression
	Projection            *Projection
	Settings              Settings
	Notes                 []string
	Eval                  *Evaluation
	decomposition         *decode.Decomposition
}

// Analyze computes every measure of one network. progress, if not nil, is
// told of the stages. The result keeps the evaluation (Eval) for the
// dissimilarity between networks; drop it when done.
func Analyze(m Model, s Settings, progress regimes.Progress) (*Result, error) {
	s = s.Resolved()
	if progress == nil {
		progress = func(string, int, int) {}
	}
	progress("simulate", 0, 1)
	ev, err := Evaluate(m, s)
	if err != nil {
		return nil, err
	}
	progress("simulate", 1, 1)
	r := &Result{
		Task: m.Task, Neurons: m.Net.N(), Trials: s.Trials, Kept: ev.Kept,
		Loss: ev.Loss, ZeroLoss: ev.ZeroLoss, Settings: s, Eval: ev,
	}
	r.Samples, _ = ev.Y.Dims()
	r.Rho = GeneralisedCorrelation(m.Net.WOut, ev.Y)
	r.OutNorm, r.StateNorm = Magnitude(m.Net.WOut), Magnitude(ev.Y)
	progress("dimensions", 0, 1)
	d, err := decode.Decompose(ev.Y)
	if err != nil {
		return nil, fmt.Errorf("modelmeasures: PCA of the states: %w", err)
	}
	r.decomposition = d
	r.CumVar = d.CumulativeVarianceRatio()
	r.DVar = regimes.VarianceDimension(d, s.VarThreshold)
	r.Fit, r.DFit, err = fittingCurve(d, ev.States, ev.Outputs, s.TrainTrials*ev.Batch.Steps, s)
	if err != nil {
		return nil, err
	}
	r.Ratio = math.NaN()
	if r.DFit > 0 {
		r.Ratio = float64(r.DFit) / float64(r.DVar)
	} else {
		r.Notes = append(r.Notes, fmt.Sprintf("no number of components reaches R² > %g: D_fit undefined", s.FitThreshold))
	}
	progress("dimensions", 1, 1)
	r.Projection = project(ev, d, m.Net.WOut)
	if !s.NoPerturb {
		r.Perturbation, err = Perturb(m, ev, s, progress)
		if err != nil {
			return nil, err
		}
	}
	if !s.NoNoise {
		progress("noise", 0, 1)
		r.Noise, err = CompressNoise(m, ev, s)
		if err != nil {
			return nil, err
		}
		progress("noise", 1, 1)
	}
	return r, nil
}

// fittingCurve fits the outputs z from the projections of the states x on
// the first k principal components of d for k = 1, 2, … by the model rule
// (ridge on the first train rows, R² pooled over every row and output, z̄
// the mean of each output over all rows) until k reaches both s.Components
// and the threshold, or the rank. x may hold more rows than d was computed
// from (the reference code fits the components after the first 10 τ and
// projects every step). It returns the curve and D_fit (0 when no k reaches
// the threshold).
func fittingCurve(d *decode.Decomposition, x, z *mat.Dense, train int, s Settings) ([]FitPoint, int, error) {
	t, k := z.Dims()
	proj := d.Project(x)
	mean := make([]float64, k)
	for i := 0; i < t; i++ {
		for j, v := range z.RawRowView(i) {
			mean[j] += v
		}
	}
	var tot float64
	for j := range mean {
		mean[j] /= float64(t)
	}
	for i := 0; i < t; i++ {
		for j, v := range z.RawRowView(i) {
			tot += (v - mean[j]) * (v - mean[j])
		}
	}
	ztrain := z.Slice(0, train, 0, k)
	var curve []FitPoint
	dfit := 0
	for c := 1; c <= d.Rank(); c++ {
		x := proj.Slice(0, t, 0, c)
		model, err := s.CV.Fit(x.(*mat.Dense).Slice(0, train, 0, c), ztrain)
		if err != nil {
			return nil, 0, fmt.Errorf("modelmeasures: decoder from %d components: %w", c, err)
		}
		pred := model.Predict(x)
		var res float64
		for i := 0; i < t; i++ {
			p, zr := pred.RawRowView(i), z.RawRowView(i)
			for j := range zr {
				e := zr[j] - p[j]
				res += e * e
			}
		}
		r2 := 0.0
		if tot > 0 {
			r2 = 1 - res/tot
		}
		curve = append(curve, FitPoint{K: c, Alpha: model.Alpha, R2: r2})
		if dfit == 0 && r2 > s.FitThreshold {
			dfit = c
		}
		if dfit > 0 && c >= s.Components {
			break
		}
	}
	return curve, dfit, nil
}

// Projection is the Fig. 2B view of a network: the states of the first
// trials projected on an orthonormal basis of the first two principal
// components and the first output vector (Gram–Schmidt in that order, each
// axis signed so that the output vector's coordinate is not negative), with
// the output vectors in the same coordinates.
type Projection struct {
	// Trials are the trials shown; States[i] is trials[i]'s trajectory,
	// every step of the trial (dropped steps included), as [step][axis].
	Trials []int
	Time   []float64
	States [][][3]float64
	// Out[k] is output vector k in the basis (its norm in the plot's
	// space, not its full norm: the rest lies outside the three axes).
	Out [][3]float64
	// Basis holds the three axes as rows (3×N).
	Basis *mat.Dense
}

// projectTrials is the number of trials Projection keeps.
const projectTrials = 4

func project(ev *Evaluation, d *decode.Decomposition, wout *mat.Dense) *Projection {
	n, _ := d.V.Dims()
	if d.Rank() < 2 {
		return nil
	}
	rows := mat.NewDense(3, n, nil)
	pcs := mat.DenseCopyOf(d.V.Slice(0, n, 0, 2))
	orient(pcs)
	for j := 0; j < 2; j++ {
		for i := 0; i < n; i++ {
			rows.Set(j, i, pcs.At(i, j))
		}
	}
	rows.SetRow(2, wout.RawRowView(0))
	q, err := rowBasis(rows)
	if err != nil {
		return nil // the output vector lies in the PC plane
	}
	w0 := wout.RawRowView(0)
	for j := 0; j < 3; j++ {
		var s float64
		for i := 0; i < n; i++ {
			s += q.At(i, j) * w0[i]
		}
		if s < 0 {
			for i := 0; i < n; i++ {
				q.Set(i, j, -q.At(i, j))
			}
		}
	}
	b := ev.Batch
	p := &Projection{Basis: mat.DenseCopyOf(q.T())}
	for t := 0; t < b.Steps; t++ {
		p.Time = append(p.Time, float64(t)*b.Dt)
	}
	for tr := 0; tr < min(projectTrials, b.Trials); tr++ {
		p.Trials = append(p.Trials, tr)
		traj := make([][3]float64, b.Steps)
		for t := 0; t < b.Steps; t++ {
			x := ev.States.RawRowView(tr*b.Steps + t)
			for j := 0; j < 3; j++ {
				var s float64
				for i, v := range x {
					s += v * q.At(i, j)
				}
				traj[t][j] = s
			}
		}
		p.States = append(p.States, traj)
	}
	k, _ := wout.Dims()
	for o := 0; o < k; o++ {
		var c [3]float64
		w := wout.RawRowView(o)
		for j := 0; j < 3; j++ {
			for i, v := range w {
				c[j] += v * q.At(i, j)
			}
		}
		p.Out = append(p.Out, c)
	}
	return p
}
