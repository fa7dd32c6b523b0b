package regimes

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/internal/par"
)

// Settings configure Analyze. The zero value is the paper's analysis
// (METHODS.md §3–4) with seed 0.
type Settings struct {
	// CV is the decoder's cross-validation (α grid, leave-one-out or folds).
	CV decode.CV
	// VarThreshold is the variance share that defines D_var (0 → 0.9).
	VarThreshold float64
	// FitThreshold is the share of the full R² that defines D_fit (0 → 0.9).
	FitThreshold float64

	// Fractions of the neurons to subsample (nil → linspace(0.1, 1, 10));
	// each gives int(N·f) neurons, drawn NeuronDraws times (0 → 20).
	Fractions   []float64
	NeuronDraws int
	// TimeDraws draws (0 → 20) of int(T·TimeFraction) samples (0 → ½).
	TimeDraws    int
	TimeFraction float64
	// Bootstrap resamples (0 → 1000) for the interval of the scaling slope.
	Bootstrap int
	// NoScaling skips the subsampling analyses.
	NoScaling bool

	// Seed seeds every random draw; the same seed gives the same numbers.
	Seed uint64
	// Workers run the subsampling fits in parallel (0 → GOMAXPROCS). The
	// results do not depend on it.
	Workers int
}

// Resolved returns the settings with the paper's defaults filled in.
func (s Settings) Resolved() Settings {
	if s.VarThreshold == 0 {
		s.VarThreshold = 0.9
	}
	if s.FitThreshold == 0 {
		s.FitThreshold = 0.9
	}
	if s.CV.Alphas == nil {
		s.CV.Alphas = decode.DefaultAlphas()
	}
	if s.Fractions == nil {
		s.Fractions = decode.Linspace(0.1, 1, 10)
	}
	if s.NeuronDraws == 0 {
		s.NeuronDraws = 20
	}
	if s.TimeDraws == 0 {
		s.TimeDraws = 20
	}
	if s.TimeFraction == 0 {
		s.TimeFraction = 0.5
	}
	if s.Bootstrap == 0 {
		s.Bootstrap = 1000
	}
	if s.Workers == 0 {
		s.Workers = runtime.GOMAXPROCS(0)
	}
	return s
}

// Validate reports settings that cannot be used.
func (s Settings) Validate() error {
	if err := s.CV.Validate(); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"variance threshold", s.VarThreshold}, {"fit threshold", s.FitThreshold}, {"time fraction", s.TimeFraction}} {
		if !(p.v > 0 && p.v <= 1) {
			return fmt.Errorf("regimes: %s must be in (0, 1], got %v", p.name, p.v)
		}
	}
	for _, f := range s.Fractions {
		if !(f > 0 && f <= 1) {
			return fmt.Errorf("regimes: neuron fraction must be in (0, 1], got %v", f)
		}
	}
	if s.NeuronDraws < 1 || s.TimeDraws < 1 || s.Bootstrap < 1 {
		return errors.New("regimes: draws and bootstrap resamples must be positive")
	}
	// Every draw and resample is kept in memory and in the Arrow table.
	if s.NeuronDraws > MaxDraws || s.TimeDraws > MaxDraws || s.Bootstrap > MaxBootstrap {
		return fmt.Errorf("regimes: at most %d draws and %d bootstrap resamples, got %d neuron draws, %d time draws, %d resamples",
			MaxDraws, MaxBootstrap, s.NeuronDraws, s.TimeDraws, s.Bootstrap)
	}
	return nil
}

// MaxDraws and MaxBootstrap bound the random draws of the scaling analysis
// and the slope's bootstrap resamples, far above what a confidence interval
// needs (defaults 20 and 1000), so that a mistyped count is an error rather
// than an allocation that exhausts memory.
const (
	MaxDraws     = 100_000
	MaxBootstrap = 1_000_000
)

// Result holds every measure for one design.
type Result struct {
	Samples, Neurons, Outputs int
	// Constant lists neurons without variance (kept, zero weight).
	Constant []int

	// Model is the ridge decoder on all neurons; R2 its in-sample R².
	Model *decode.Model
	R2    float64
	// Rho is ρ of X and the fitted decoder.
	Rho float64

	// CumVar[k-1] is the variance share of the first k components.
	CumVar []float64
	DVar   int
	// Path[k-1] is the fit from the first k components.
	Path []decode.PathPoint
	// DFit is 0 when no number of components reaches the threshold
	// (R² ≤ 0); Ratio is then NaN.
	DFit  int
	Ratio float64

	// RhoGiven is ρ of X and the experimenter's decoder and DecoderMatch
	// the relative distance of the fitted decoder from it; NaN without one.
	RhoGiven, DecoderMatch float64

	Neuron *NeuronScaling
	Time   *TimeScaling

	// Settings are the settings used, defaults filled in.
	Settings Settings
	// Notes are remarks for the user.
	Notes []string
}

// Progress reports the state of a long computation: done of total steps of
// the named stage.
type Progress func(stage string, done, total int)

// Analyze computes all measures for activity x (T×N) and behaviour z (T×K).
// given, if not nil, is the experimenter's decoder (K×N) in the units of x.
func Analyze(x, z *mat.Dense, given *mat.Dense, s Settings, progress Progress) (*Result, error) {
	s = s.Resolved()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	t, n := x.Dims()
	tz, k := z.Dims()
	switch {
	case n == 0:
		return nil, errors.New("no neurons")
	case tz != t:
		return nil, fmt.Errorf("%d samples of activity but %d of behaviour", t, tz)
	case t < s.CV.MinSamples():
		return nil, fmt.Errorf("%d samples: cross-validation needs at least %d", t, s.CV.MinSamples())
	}
	progress("decoder", 0, 1)
	design := decode.Design{X: x, Z: z}
	// The moments (Gram matrix and cross products) of a design with more
	// samples than neurons serve every neuron subset: theirs are
	// sub-blocks. A wide design is fitted from copies instead (decode).
	var mom *decode.Moments
	if t > n && s.CV.Folds < 2 {
		var err error
		if mom, err = decode.NewMoments(design, s.Workers); err != nil {
			return nil, err
		}
	}
	f, err := fitAll(design, mom, given, s, s.Workers, false)
	if err != nil {
		return nil, err
	}
	progress("decoder", 1, 1)
	res := &Result{
		Samples: t, Neurons: n, Outputs: k,
		Constant: f.Constant,
		Model:    f.Model, R2: f.R2, Rho: f.Rho,
		CumVar: f.CumulativeVarianceRatio(), DVar: f.dvar,
		Path: f.Path, DFit: f.dfit, Ratio: f.ratio,
		RhoGiven: math.NaN(), DecoderMatch: math.NaN(),
		Settings: s,
	}
	if len(f.Constant) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d constant neurons kept with zero weight", len(f.Constant)))
	}
	if f.dfit == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("no number of components reaches R² > %.2f·%.3g: D_fit undefined", s.FitThreshold, f.R2))
	}
	res.Notes = append(res.Notes, warnings(res, s.CV.Alphas)...)
	if given != nil {
		res.RhoGiven = f.RhoGiven
		res.DecoderMatch = DecoderMatch(f.Model.Coef, given)
	}
	if s.NoScaling {
		return res, nil
	}
	res.Neuron, err = neuronScaling(design, mom, f.Fit, s, progress)
	if err != nil {
		return nil, err
	}
	res.Time, err = timeScaling(design, s, progress)
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, res.Neuron.Notes...)
	return res, nil
}

// MinR2 is the floor of R² below which the regime numbers are marked as
// not meaningful: a decoder that explains less than a tenth of the
// behaviour's variance is no readout, and ρ, D_fit and the scaling slope
// then describe noise.
const MinR2 = 0.1

// warnings returns the notes of a result whose numbers need a caveat: an α
// at an edge of the grid, an R² below MinR2, fewer than two neurons.
func warnings(r *Result, alphas []float64) []string {
	var out []string
	lo, hi := slices.Min(alphas), slices.Max(alphas)
	switch a := r.Model.Alpha; {
	case len(alphas) > 1 && a == hi:
		out = append(out, fmt.Sprintf("α is the largest of the grid (%g): the decoder is mostly penalty; widen the grid upward (-alphas) before reading ρ and D_fit", a))
	case len(alphas) > 1 && a == lo:
		out = append(out, fmt.Sprintf("α is the smallest of the grid (%g): the fit may want still less penalty (a near-exact fit, as a BCI decoder's); widen the grid downward (-alphas) to check", a))
	}
	for _, c := range caveats(r.R2, r.Neurons) {
		out = append(out, c.note)
	}
	return out
}

// Caveats returns, briefly, why the regime numbers of r (ρ, D_fit/D_var
// and the scaling slope) are not meaningful: "R² < 0.1" (below MinR2),
// "one neuron"; none when they are. The notes of Analyze say the same at
// length.
func (r *Result) Caveats() []string { return Caveats(r.R2, r.Neurons) }

// Caveats is Result.Caveats of a result with in-sample R² r2 on the given
// number of neurons (as the analyze table records them).
func Caveats(r2 float64, neurons int) []string {
	var out []string
	for _, c := range caveats(r2, neurons) {
		out = append(out, c.short)
	}
	return out
}

// caveat is a reason why the regime numbers are not meaningful, briefly
// and as a note.
type caveat struct{ short, note string }

func caveats(r2 float64, neurons int) []caveat {
	var out []caveat
	if r2 < MinR2 {
		out = append(out, caveat{fmt.Sprintf("R² < %g", MinR2),
			fmt.Sprintf("R² = %.3g is below %g: the decoder explains almost nothing, so ρ, D_fit and the scaling slope are not meaningful here", r2, MinR2)})
	}
	if neurons < 2 {
		out = append(out, caveat{"one neuron", "one neuron: ρ is 1 and D_var 1 by construction, whatever the data"})
	}
	return out
}

// fit is the analysis of one design: the decoder and ρ (decode.Fit) and
// the dimensions.
type fit struct {
	*decode.Fit
	dvar, dfit int
	ratio      float64
}

// fitAll fits the decoder of a design with the fitting-dimension curve and
// derives the dimensions; mom holds its moments or is nil, given is the
// experimenter's decoder or nil. With short the curve ends at D_fit (all
// the sample subsets need). The passes over the samples run on workers
// goroutines, which do not change the numbers.
func fitAll(d decode.Design, mom *decode.Moments, given *mat.Dense, s Settings, workers int, short bool) (*fit, error) {
	o := decode.FitOptions{Path: true, Given: given, Workers: workers}
	if short {
		o.PathUntil = s.FitThreshold
	}
	df, err := s.CV.FitDesign(d, mom, o)
	if err != nil {
		return nil, err
	}
	f := &fit{Fit: df}
	f.dvar = VarianceDimension(df.Decomposition, s.VarThreshold)
	f.dfit = FittingDimension(df.Path, s.FitThreshold, df.R2)
	f.ratio = math.NaN()
	if f.dfit > 0 {
		f.ratio = float64(f.dfit) / float64(f.dvar)
	}
	return f, nil
}

// parallel runs job(i) for i in [0, n) on workers goroutines, reporting
// progress after each.
func parallel(n, workers int, job func(i int), stage string, progress Progress) {
	par.For(n, max(1, workers), job, func(done int) { progress(stage, done, n) })
}

// choose returns k distinct indices from [0, n) in increasing order.
func choose(rng *rand.Rand, n, k int) []int {
	p := rng.Perm(n)[:k]
	slices.Sort(p)
	return p
}

// Streams of the seeded generator, one per kind of draw, so that changing
// one analysis never changes the draws of another.
const (
	streamNeurons   = 1
	streamTime      = 2
	streamBootstrap = 3
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }
