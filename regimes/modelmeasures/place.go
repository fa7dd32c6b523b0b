package modelmeasures

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/regimes"
)

// Axes are the coordinates on which a recording and the networks are put
// side by side, all from the experimental pipeline (regimes.Analyze): ρ in
// its experimental form with the fitted ridge decoder, ρ·√n, the relative
// fitting dimension and the slope of log(ρ·√n) against log n under neuron
// subsampling.
type Axes struct {
	Neurons, Samples int
	R2, Rho          float64
	RhoSqrtN         float64
	DVar, DFit       int
	Ratio            float64 // DFit/DVar; NaN when D_fit is undefined
	Slope            float64 // NaN without the subsampling analysis
}

// AxesOf reads the axes off an analysis.
func AxesOf(r *regimes.Result) Axes {
	a := Axes{
		Neurons: r.Neurons, Samples: r.Samples, R2: r.R2, Rho: r.Rho,
		RhoSqrtN: r.Rho * math.Sqrt(float64(r.Neurons)),
		DVar:     r.DVar, DFit: r.DFit, Ratio: r.Ratio, Slope: math.NaN(),
	}
	if r.Neuron != nil {
		a.Slope = r.Neuron.Slope
	}
	return a
}

// Coords are the score's coordinates of a: log(ρ·√n), log(D_fit/D_var) and
// the scaling slope, NaN where undefined.
func (a Axes) Coords() [3]float64 {
	c := [3]float64{math.NaN(), math.NaN(), a.Slope}
	if a.RhoSqrtN > 0 {
		c[0] = math.Log(a.RhoSqrtN)
	}
	if a.Ratio > 0 {
		c[1] = math.Log(a.Ratio)
	}
	return c
}

// AxisNames name the score's coordinates.
var AxisNames = [3]string{"log(ρ·√n)", "log(D_fit/D_var)", "scaling slope"}

// PlaceSettings configure Place: how a network is run through the
// experimental pipeline to be compared with one recording.
type PlaceSettings struct {
	// Neurons is the recording's neuron count: each subset holds that
	// many of the network's units, drawn at random (all of them when the
	// network has no more).
	Neurons int
	// Samples is the recording's sample count: when the network's
	// evaluation has more samples, a random subset of that many is used
	// (0: all).
	Samples int
	// Subsets is the number of random neuron (and sample) subsets per
	// network (5).
	Subsets int
	// Analysis is the analysis of the recording, used unchanged on the
	// network's states (its Seed seeds the subsets).
	Analysis regimes.Settings
	// Eval are the evaluation trials (Trials, Drop and Seed are used).
	Eval Settings
}

// Place runs m noise-free on its evaluation trials from x₀ ~ N(0,
// InitNoise²) and puts its states through the experimental pipeline p.Subsets times: a random subset of
// p.Neurons units and of p.Samples samples, the network's own outputs as
// behaviour, regimes.Analyze with the recording's settings. It returns the
// axes of every subset.
func Place(m Model, p PlaceSettings, progress regimes.Progress) ([]Axes, error) {
	if p.Subsets == 0 {
		p.Subsets = 5
	}
	if p.Neurons < 1 || p.Subsets < 1 || p.Samples < 0 {
		return nil, errors.New("modelmeasures: place needs a neuron count and at least one subset")
	}
	ev, err := Evaluate(m, p.Eval)
	if err != nil {
		return nil, err
	}
	// The run from x₀ ~ N(0, InitNoise²), not the x₀ = 0 run of the
	// model-rule measures: from x₀ = 0 the trials of one condition
	// coincide (cycling: two trajectories among 32 trials), and a
	// recording's trials do not.
	b := ev.Batch
	y := dropSteps(ev.Start.States, b.Trials, b.Steps, ev.Dropped)
	zs := dropSteps(ev.Start.Outputs, b.Trials, b.Steps, ev.Dropped)
	rows, n := y.Dims()
	k := m.Net.Outputs()
	units, samples := min(p.Neurons, n), rows
	if p.Samples > 0 {
		samples = min(p.Samples, rows)
	}
	rng := rand.New(rand.NewPCG(p.Analysis.Seed, streamSubsets))
	out := make([]Axes, 0, p.Subsets)
	for i := 0; i < p.Subsets; i++ {
		cols, picked := choose(rng, n, units), choose(rng, rows, samples)
		x, z := mat.NewDense(samples, units, nil), mat.NewDense(samples, k, nil)
		for r, src := range picked {
			yr, dst := y.RawRowView(src), x.RawRowView(r)
			for c, j := range cols {
				dst[c] = yr[j]
			}
			copy(z.RawRowView(r), zs.RawRowView(src))
		}
		res, err := regimes.Analyze(x, z, nil, p.Analysis, nil)
		if err != nil {
			return nil, fmt.Errorf("modelmeasures: subset %d: %w", i, err)
		}
		out = append(out, AxesOf(res))
		if progress != nil {
			progress("subsets", i+1, p.Subsets)
		}
	}
	return out, nil
}

// choose returns k distinct indices of [0, n) in increasing order (all of
// them when k ≥ n).
func choose(rng *rand.Rand, n, k int) []int {
	if k >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	p := rng.Perm(n)[:k]
	slices.Sort(p)
	return p
}
