package modelmeasures

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Regimes of the reference set.
const (
	Aligned = "aligned"
	Oblique = "oblique"
)

// Point is one network subset of the reference set: the network's task and
// regime, the network it came from (Group) and its axes.
type Point struct {
	Task   string
	Regime string
	Group  int
	Axes   Axes
}

// Scorer places a set of axes between the aligned and the oblique networks
// of one task: the coordinates (Axes.Coords) are standardised with the mean
// and standard deviation of the task's reference points, and the score is
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

// Reference is the regime score's reference: one Scorer per task, fitted
// on that task's networks alone. The networks of different tasks sit at
// different places on the axes (a task shifts ρ·√n and D_fit/D_var as much
// as the regime does), so aligned and oblique are told apart within each
// task, and the score of a recording is the mean of its per-task scores.
type Reference struct {
	// Tasks in the order of their first point; Scorers[i] is nil when
	// task i lacks a regime or a coordinate with spread.
	Tasks   []string
	Scorers []*Scorer
}

// FitReference fits one Scorer per task of points.
func FitReference(points []Point) (*Reference, error) {
	var tasks []string
	for _, p := range points {
		if !slices.Contains(tasks, p.Task) {
			tasks = append(tasks, p.Task)
		}
	}
	r := fitTasks(points, tasks)
	for _, s := range r.Scorers {
		if s != nil {
			return r, nil
		}
	}
	return nil, errors.New("modelmeasures: no task of the reference set has both aligned and oblique networks")
}

// fitTasks fits the scorer of each of tasks on its points (nil where it
// cannot be fitted).
func fitTasks(points []Point, tasks []string) *Reference {
	r := &Reference{Tasks: tasks, Scorers: make([]*Scorer, len(tasks))}
	for i, task := range tasks {
		var own []Point
		for _, p := range points {
			if p.Task == task {
				own = append(own, p)
			}
		}
		if s, err := FitScorer(own); err == nil {
			r.Scorers[i] = s
		}
	}
	return r
}

// Score returns the per-task scores of a (NaN for a task without a scorer)
// and their mean over the tasks that have one.
func (r *Reference) Score(a Axes) (mean float64, perTask []float64) {
	perTask = make([]float64, len(r.Tasks))
	var sum float64
	n := 0
	for i, s := range r.Scorers {
		perTask[i] = math.NaN()
		if s == nil {
			continue
		}
		if v := s.Score(a); !math.IsNaN(v) {
			perTask[i] = v
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), perTask
	}
	return sum / float64(n), perTask
}

// Placement is a recording's regime score: the mean over tasks and each
// task's score, with their 95 % bootstrap intervals.
type Placement struct {
	Score, Lo, Hi float64
	Tasks         []string
	TaskScores    []float64
	TaskLo        []float64
	TaskHi        []float64
}

// bootstrap returns the 2.5 and 97.5 percentiles of a's mean and per-task
// scores over draws refits of the reference, each on a bootstrap sample:
// within every task and regime the networks (groups) resampled with
// replacement, and for each drawn network one of its subsets at random.
func (r *Reference) bootstrap(points []Point, a Axes, draws int, rng *rand.Rand) (lo, hi float64, taskLo, taskHi []float64) {
	type cell struct{ task, regime string }
	groups := map[cell]map[int][]Point{}
	for _, p := range points {
		c := cell{p.Task, p.Regime}
		if groups[c] == nil {
			groups[c] = map[int][]Point{}
		}
		groups[c][p.Group] = append(groups[c][p.Group], p)
	}
	var cells []cell
	ids := map[cell][]int{}
	for _, task := range r.Tasks {
		for _, regime := range []string{Aligned, Oblique} {
			c := cell{task, regime}
			if len(groups[c]) == 0 {
				continue
			}
			cells = append(cells, c)
			for id := range groups[c] {
				ids[c] = append(ids[c], id)
			}
			sort.Ints(ids[c])
		}
	}
	means := make([]float64, 0, draws)
	perTask := make([][]float64, len(r.Tasks))
	sample := make([]Point, 0, len(points))
	for b := 0; b < draws; b++ {
		sample = sample[:0]
		for _, c := range cells {
			for range ids[c] {
				g := groups[c][ids[c][rng.IntN(len(ids[c]))]]
				sample = append(sample, g[rng.IntN(len(g))])
			}
		}
		m, per := fitTasks(sample, r.Tasks).Score(a)
		if !math.IsNaN(m) {
			means = append(means, m)
		}
		for i, v := range per {
			if !math.IsNaN(v) {
				perTask[i] = append(perTask[i], v)
			}
		}
	}
	lo, hi = interval(means)
	taskLo, taskHi = make([]float64, len(r.Tasks)), make([]float64, len(r.Tasks))
	for i := range perTask {
		taskLo[i], taskHi[i] = interval(perTask[i])
	}
	return lo, hi, taskLo, taskHi
}

// interval returns the 2.5 and 97.5 percentiles of v (NaN when empty).
func interval(v []float64) (lo, hi float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(v)
	return percentile(v, 2.5), percentile(v, 97.5)
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

// ScoreOf scores a against the reference points: the scores of the
// reference fitted on all of them, and the 95 % bootstrap intervals over
// draws refits from the seed.
func ScoreOf(points []Point, a Axes, draws int, seed uint64) (Placement, *Reference, error) {
	ref, err := FitReference(points)
	if err != nil {
		nan := math.NaN()
		return Placement{Score: nan, Lo: nan, Hi: nan}, nil, err
	}
	p := Placement{Tasks: ref.Tasks}
	p.Score, p.TaskScores = ref.Score(a)
	p.Lo, p.Hi, p.TaskLo, p.TaskHi = ref.bootstrap(points, a, draws, rand.New(rand.NewPCG(seed, streamBoot)))
	return p, ref, nil
}

// HeldOutScore is a network's score with the network held out of the
// reference: the mean over tasks and each task's score (in the order of
// the reference fitted on all points), and Own, the score against the
// networks of its own task.
type HeldOutScore struct {
	Score      float64
	TaskScores []float64
	Own        float64
}

// HeldOut scores the network group against the reference refitted, task
// by task in r's order, on every other network's points (r fitted on all
// of points): the check that the score recognises a network it has not
// seen. The network is placed at the mean of its subsets' coordinates
// (CentreOf).
func (r *Reference) HeldOut(points []Point, group int) HeldOutScore {
	nan := HeldOutScore{Score: math.NaN(), Own: math.NaN()}
	var rest []Point
	var own []Axes
	task := ""
	for _, p := range points {
		if p.Group == group {
			own, task = append(own, p.Axes), p.Task
			continue
		}
		rest = append(rest, p)
	}
	if len(own) == 0 {
		return nan
	}
	h := HeldOutScore{Own: math.NaN()}
	h.Score, h.TaskScores = fitTasks(rest, r.Tasks).Score(CentreOf(own))
	if i := slices.Index(r.Tasks, task); i >= 0 {
		h.Own = h.TaskScores[i]
	}
	return h
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
