package regimes

import (
	"fmt"
	"math"
	"sort"

	"github.com/oblique-neuro/oblique/internal/stats"

	"github.com/oblique-neuro/oblique/decode"
)

// NeuronScaling is ρ under subsampling of neurons (paper Fig. 8): for each
// subset size n, ρ·√n is flat in n when ρ ~ 1/√n (oblique, random-like
// readout) and grows as √n when ρ does not shrink with n (aligned).
type NeuronScaling struct {
	// N are the subset sizes; Rho, R2 and Alpha are [level][draw].
	N              []int
	Rho, R2, Alpha [][]float64
	// Mean, Lo and Hi summarise ρ·√n per level: mean and the 2.5 and 97.5
	// percentiles over draws.
	Mean, Lo, Hi []float64
	// Slope is the least-squares slope of log(ρ·√n) against log n over all
	// draws: 0 for ρ ~ 1/√n, ½ for ρ independent of n. SlopeLo and SlopeHi
	// bound its 95 % bootstrap interval (draws resampled within levels).
	Slope, SlopeLo, SlopeHi float64
	Notes                   []string
}

// TimeScaling is the analysis repeated on random subsets of the samples.
type TimeScaling struct {
	// Samples is the size of each subset.
	Samples int
	// Per draw.
	Rho, R2, Alpha, Ratio []float64
	DVar, DFit            []int
	// RhoMean and RhoSD are the mean and standard deviation (ddof 0, as
	// numpy.std) of ρ over draws.
	RhoMean, RhoSD float64
}

// neuronScaling refits the decoder on random subsets of the neurons. mom
// holds the moments of the whole design (nil for wide designs), whose
// sub-blocks are each subset's; all is the fit on every neuron, which the
// subsets of that size (all the same) take instead of refitting.
func neuronScaling(d decode.Design, mom *decode.Moments, all *decode.Fit, s Settings, progress Progress) (*NeuronScaling, error) {
	n := d.Features()
	ns := &NeuronScaling{}
	for _, f := range s.Fractions {
		// int() truncation as numpy.int_(N·f) in the paper's code.
		if k := int(float64(n) * f); k >= 1 {
			ns.N = append(ns.N, k)
		}
	}
	levels := len(ns.N)
	if levels == 0 {
		return nil, fmt.Errorf("regimes: no neuron fraction gives a subset of at least one of %d neurons", n)
	}
	type job struct{ level, draw int }
	var jobs []job
	subsets := make([][][]int, levels)
	rng := newRand(s.Seed, streamNeurons)
	// Draw every subset first, in a fixed order, so that the parallel fits
	// cannot change which neurons a draw gets.
	for d := 0; d < s.NeuronDraws; d++ {
		for l, k := range ns.N {
			if d == 0 {
				subsets[l] = make([][]int, s.NeuronDraws)
			}
			subsets[l][d] = choose(rng, n, k)
			jobs = append(jobs, job{l, d})
		}
	}
	// The largest subsets first, so that no worker is left with a large
	// one at the end (the order does not change any number).
	sort.SliceStable(jobs, func(a, b int) bool { return ns.N[jobs[a].level] > ns.N[jobs[b].level] })
	ns.Rho, ns.R2, ns.Alpha = grid(levels, s.NeuronDraws), grid(levels, s.NeuronDraws), grid(levels, s.NeuronDraws)
	failed := make([]error, len(jobs))
	parallel(len(jobs), s.Workers, func(i int) {
		j := jobs[i]
		idx := subsets[j.level][j.draw]
		f := all
		if len(idx) < n {
			sub := d
			sub.Cols = idx
			var m *decode.Moments
			if mom != nil {
				m = mom.Sub(idx)
			}
			var err error
			if f, err = s.CV.FitDesign(sub, m, decode.FitOptions{Workers: 1}); err != nil {
				failed[i] = err
				ns.Rho[j.level][j.draw], ns.R2[j.level][j.draw], ns.Alpha[j.level][j.draw] = math.NaN(), math.NaN(), math.NaN()
				return
			}
		}
		ns.Rho[j.level][j.draw], ns.R2[j.level][j.draw], ns.Alpha[j.level][j.draw] = f.Rho, f.R2, f.Model.Alpha
	}, "neuron subsets", progress)
	bad := 0
	for _, err := range failed {
		if err != nil {
			bad++
		}
	}
	if bad > 0 {
		ns.Notes = append(ns.Notes, fmt.Sprintf("%d of %d neuron subsets could not be fitted (all their neurons constant) and are left out", bad, len(jobs)))
	}
	ns.summarise(s, newRand(s.Seed, streamBootstrap))
	return ns, nil
}

func grid(rows, cols int) [][]float64 {
	g := make([][]float64, rows)
	for i := range g {
		g[i] = make([]float64, cols)
	}
	return g
}

// summarise computes the bands and the slope with its bootstrap interval.
func (ns *NeuronScaling) summarise(s Settings, rng interface{ IntN(int) int }) {
	levels := len(ns.N)
	ns.Mean, ns.Lo, ns.Hi = make([]float64, levels), make([]float64, levels), make([]float64, levels)
	logN := make([]float64, levels)
	logY := make([][]float64, levels)
	for l, k := range ns.N {
		logN[l] = math.Log(float64(k))
		var ys []float64
		for _, r := range ns.Rho[l] {
			if r > 0 {
				ys = append(ys, r*math.Sqrt(float64(k)))
			}
		}
		ns.Mean[l], ns.Lo[l], ns.Hi[l] = stats.Mean(ys), percentile(ys, 2.5), percentile(ys, 97.5)
		for _, y := range ys {
			logY[l] = append(logY[l], math.Log(y))
		}
	}
	ns.Slope = slope(logN, logY)
	if math.IsNaN(ns.Slope) {
		ns.SlopeLo, ns.SlopeHi = math.NaN(), math.NaN()
		ns.Notes = append(ns.Notes, "fewer than two subset sizes: no scaling slope")
		return
	}
	boot := make([]float64, s.Bootstrap)
	sample := make([][]float64, levels)
	for b := range boot {
		for l, ys := range logY {
			sample[l] = sample[l][:0]
			for range ys {
				sample[l] = append(sample[l], ys[rng.IntN(len(ys))])
			}
		}
		boot[b] = slope(logN, sample)
	}
	ns.SlopeLo, ns.SlopeHi = percentile(boot, 2.5), percentile(boot, 97.5)
}

// slope is the least-squares slope of y against x over all points, where
// ys[l] are the values at x[l]; NaN with fewer than two distinct x.
func slope(x []float64, ys [][]float64) float64 {
	var sx, sy, m float64
	levels := 0
	for l, v := range ys {
		if len(v) > 0 {
			levels++
		}
		for _, y := range v {
			sx += x[l]
			sy += y
			m++
		}
	}
	if levels < 2 {
		return math.NaN()
	}
	mx, my := sx/m, sy/m
	var sxy, sxx float64
	for l, v := range ys {
		for _, y := range v {
			sxy += (x[l] - mx) * (y - my)
			sxx += (x[l] - mx) * (x[l] - mx)
		}
	}
	return sxy / sxx
}

func std(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	m := stats.Mean(v)
	var s float64
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)))
}

// percentile is numpy.percentile's default (linear interpolation between
// closest ranks).
func percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	pos := q / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// timeScaling repeats the analysis on random subsets of the samples, each
// re-centred; the subsets are views of the design, never copies.
func timeScaling(d decode.Design, s Settings, progress Progress) (*TimeScaling, error) {
	t := d.Samples()
	m := int(float64(t) * s.TimeFraction)
	if m < s.CV.MinSamples() {
		return nil, fmt.Errorf("regimes: time subsets of %d samples are too small for cross-validation (need %d)", m, s.CV.MinSamples())
	}
	ts := &TimeScaling{Samples: m}
	draws := s.TimeDraws
	ts.Rho, ts.R2, ts.Alpha, ts.Ratio = make([]float64, draws), make([]float64, draws), make([]float64, draws), make([]float64, draws)
	ts.DVar, ts.DFit = make([]int, draws), make([]int, draws)
	rng := newRand(s.Seed, streamTime)
	subsets := make([][]int, draws)
	for i := range subsets {
		subsets[i] = choose(rng, t, m)
	}
	failed := make([]error, draws)
	parallel(draws, s.Workers, func(i int) {
		sub := d
		sub.Rows = subsets[i]
		f, err := fitAll(sub, nil, nil, s, 1, true)
		if err != nil {
			failed[i] = err
			return
		}
		ts.Rho[i], ts.R2[i], ts.Alpha[i], ts.Ratio[i] = f.Rho, f.R2, f.Model.Alpha, f.ratio
		ts.DVar[i], ts.DFit[i] = f.dvar, f.dfit
	}, "sample subsets", progress)
	for i, err := range failed {
		if err != nil {
			return nil, fmt.Errorf("regimes: sample subset %d: %w", i+1, err)
		}
	}
	ts.RhoMean, ts.RhoSD = stats.Mean(ts.Rho), std(ts.Rho)
	return ts, nil
}
