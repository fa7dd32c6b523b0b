package modelmeasures

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

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

// Regimes of the reference set.
const (
	Aligned = "aligned"
	Oblique = "oblique"
)

// Point is one network subset of the reference set: its regime, the network
// it came from (Group) and its axes.
type Point struct {
	Regime string
	Group  int
	Axes   Axes
}

// Scorer places a set of axes between the aligned and the oblique networks:
// the coordinates (Axes.Coords) are standardised with the mean and
// standard deviation of the reference points, and the score is
//
//	s = d_aligned / (d_aligned + d_oblique),
//
// d the Euclidean distance to each regime's centroid: 0 on the aligned
// centroid, 1 on the oblique one, ½ on the plane halfway between them
// (nearest-centroid classification: s > ½ ⇔ nearer the oblique networks).
type Scorer struct {
	Mean, SD [3]float64
	// Centroid[0] is the aligned centroid, Centroid[1] the oblique one,
	// in standardised coordinates.
	Centroid [2][3]float64
	// Use marks the coordinates with a spread and both centroids defined.
	Use [3]bool
}

// FitScorer fits the standardisation and the centroids to points. NaN
// coordinates are left out of each coordinate's statistics.
func FitScorer(points []Point) (*Scorer, error) {
	var s Scorer
	var have [2]bool
	for _, p := range points {
		switch p.Regime {
		case Aligned:
			have[0] = true
		case Oblique:
			have[1] = true
		default:
			return nil, fmt.Errorf("modelmeasures: reference point of regime %q", p.Regime)
		}
	}
	if !have[0] || !have[1] {
		return nil, errors.New("modelmeasures: the reference set needs aligned and oblique networks")
	}
	for c := 0; c < 3; c++ {
		var all []float64
		var byRegime [2][]float64
		for _, p := range points {
			v := p.Axes.Coords()[c]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			all = append(all, v)
			r := 0
			if p.Regime == Oblique {
				r = 1
			}
			byRegime[r] = append(byRegime[r], v)
		}
		s.Mean[c], s.SD[c] = meanSD(all)
		if !(s.SD[c] > 0) || len(byRegime[0]) == 0 || len(byRegime[1]) == 0 {
			continue
		}
		s.Use[c] = true
		for r := range byRegime {
			m, _ := meanSD(byRegime[r])
			s.Centroid[r][c] = (m - s.Mean[c]) / s.SD[c]
		}
	}
	if s.Use == [3]bool{} {
		return nil, errors.New("modelmeasures: no coordinate separates the reference points")
	}
	return &s, nil
}

// Score returns the score of a (NaN when none of its used coordinates is
// defined). Coordinates that a does not have are left out of both
// distances.
func (s *Scorer) Score(a Axes) float64 {
	x := a.Coords()
	var da, do float64
	used := false
	for c := 0; c < 3; c++ {
		if !s.Use[c] || math.IsNaN(x[c]) || math.IsInf(x[c], 0) {
			continue
		}
		used = true
		z := (x[c] - s.Mean[c]) / s.SD[c]
		da += (z - s.Centroid[0][c]) * (z - s.Centroid[0][c])
		do += (z - s.Centroid[1][c]) * (z - s.Centroid[1][c])
	}
	if !used {
		return math.NaN()
	}
	da, do = math.Sqrt(da), math.Sqrt(do)
	if da+do == 0 {
		return 0.5
	}
	return da / (da + do)
}

// BootstrapScore returns the 2.5 and 97.5 percentiles of a's score over
// draws refits of the scorer, each on a bootstrap sample of the reference:
// the networks (groups) of each regime resampled with replacement, and for
// each drawn network one of its subsets at random.
func BootstrapScore(points []Point, a Axes, draws int, rng *rand.Rand) (lo, hi float64) {
	groups := map[string]map[int][]Point{Aligned: {}, Oblique: {}}
	for _, p := range points {
		if g, ok := groups[p.Regime]; ok {
			g[p.Group] = append(g[p.Group], p)
		}
	}
	var ids [2][]int
	for r, name := range []string{Aligned, Oblique} {
		for id := range groups[name] {
			ids[r] = append(ids[r], id)
		}
		sort.Ints(ids[r])
	}
	scores := make([]float64, 0, draws)
	sample := make([]Point, 0, len(points))
	for b := 0; b < draws; b++ {
		sample = sample[:0]
		for r, name := range []string{Aligned, Oblique} {
			for range ids[r] {
				g := groups[name][ids[r][rng.IntN(len(ids[r]))]]
				sample = append(sample, g[rng.IntN(len(g))])
			}
		}
		sc, err := FitScorer(sample)
		if err != nil {
			continue
		}
		if v := sc.Score(a); !math.IsNaN(v) {
			scores = append(scores, v)
		}
	}
	if len(scores) == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(scores)
	return percentile(scores, 2.5), percentile(scores, 97.5)
}

// percentile is numpy.percentile (linear interpolation) of sorted values.
func percentile(sorted []float64, q float64) float64 {
	pos := q / 100 * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// meanSD returns the mean and the standard deviation (ddof 0) of v.
func meanSD(v []float64) (m, sd float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		sd += (x - m) * (x - m)
	}
	return m, math.Sqrt(sd / float64(len(v)))
}

// MeanAxes averages axes (NaN values left out of each mean; counts
// rounded).
func MeanAxes(as []Axes) Axes {
	if len(as) == 0 {
		return Axes{Rho: math.NaN(), RhoSqrtN: math.NaN(), Ratio: math.NaN(), Slope: math.NaN(), R2: math.NaN()}
	}
	avg := func(f func(Axes) float64) float64 {
		var v []float64
		for _, a := range as {
			if x := f(a); !math.IsNaN(x) {
				v = append(v, x)
			}
		}
		m, _ := meanSD(v)
		return m
	}
	return Axes{
		Neurons:  as[0].Neurons,
		Samples:  as[0].Samples,
		R2:       avg(func(a Axes) float64 { return a.R2 }),
		Rho:      avg(func(a Axes) float64 { return a.Rho }),
		RhoSqrtN: avg(func(a Axes) float64 { return a.RhoSqrtN }),
		DVar:     int(math.Round(avg(func(a Axes) float64 { return float64(a.DVar) }))),
		DFit:     int(math.Round(avg(func(a Axes) float64 { return float64(a.DFit) }))),
		Ratio:    avg(func(a Axes) float64 { return a.Ratio }),
		Slope:    avg(func(a Axes) float64 { return a.Slope }),
	}
}

// ScoreOf scores a against the reference points: the score of the scorer
// fitted on all of them, and the 95 % bootstrap interval over draws refits
// (BootstrapScore) from the seed.
func ScoreOf(points []Point, a Axes, draws int, seed uint64) (score, lo, hi float64, sc *Scorer, err error) {
	sc, err = FitScorer(points)
	if err != nil {
		return math.NaN(), math.NaN(), math.NaN(), nil, err
	}
	lo, hi = BootstrapScore(points, a, draws, rand.New(rand.NewPCG(seed, streamBoot)))
	return sc.Score(a), lo, hi, sc, nil
}

// HeldOut scores the network group against the scorer fitted on every
// other network's points: the check that the score recognises a network
// it has not seen. The network is placed at the mean of its subsets'
// coordinates (CentreOf).
func HeldOut(points []Point, group int) float64 {
	var rest []Point
	var own []Axes
	for _, p := range points {
		if p.Group == group {
			own = append(own, p.Axes)
			continue
		}
		rest = append(rest, p)
	}
	sc, err := FitScorer(rest)
	if err != nil || len(own) == 0 {
		return math.NaN()
	}
	return sc.Score(CentreOf(own))
}

// CentreOf returns axes at the mean of the coordinates of as (geometric
// means of ρ·√n and D_fit/D_var, mean slope; NaN values left out), the
// other fields from MeanAxes.
func CentreOf(as []Axes) Axes {
	a := MeanAxes(as)
	var c [3][]float64
	for _, x := range as {
		for i, v := range x.Coords() {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				c[i] = append(c[i], v)
			}
		}
	}
	m0, _ := meanSD(c[0])
	m1, _ := meanSD(c[1])
	a.RhoSqrtN, a.Ratio = math.Exp(m0), math.Exp(m1)
	a.Slope, _ = meanSD(c[2])
	return a
}
