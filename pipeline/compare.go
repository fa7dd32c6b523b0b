package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

// Comparison is one recording placed among trained networks.
type Comparison struct {
	Analysis Analysis
	// Axes of the recording; its scores with their bootstrap intervals,
	// and the reference they came from.
	Axes      modelmeasures.Axes
	Placement modelmeasures.Placement
	Reference *modelmeasures.Reference
	Models    []ComparedModel
	Notes     []string
	Err       error
}

// ComparedModel is one network run through the recording's pipeline.
type ComparedModel struct {
	Run     ModelRun
	Subsets []modelmeasures.Axes
	Centre  modelmeasures.Axes
	HeldOut modelmeasures.HeldOutScore
}

// Bounds of CompareOptions.
const (
	MaxSubsets   = regimes.MaxDraws
	MaxBootstrap = regimes.MaxBootstrap
)

// CompareOptions configure Compare.
type CompareOptions struct {
	// Analysis are the settings of both sides' analyses (the recording's
	// was analysed with them).
	Analysis AnalysisSettings
	// Subsets is the number of random neuron subsets per network (0 → 5);
	// Bootstrap the refits of the score's interval (0 → 1000).
	Subsets, Bootstrap int
	// Progress receives an event per network and stage.
	Progress Progress
}

func (o CompareOptions) resolved() CompareOptions {
	if o.Subsets == 0 {
		o.Subsets = 5
	}
	if o.Bootstrap == 0 {
		o.Bootstrap = 1000
	}
	return o
}

// Validate reports options that cannot be used.
func (o CompareOptions) Validate() error {
	o = o.resolved()
	if o.Subsets < 1 || o.Bootstrap < 1 || o.Subsets > MaxSubsets || o.Bootstrap > MaxBootstrap {
		return fmt.Errorf("%w: subsets must be in [1, %d] and bootstrap in [1, %d]", ErrSettings, MaxSubsets, MaxBootstrap)
	}
	return o.Analysis.Resolved().Validate()
}

// Compare places an analysed recording among the networks (METHODS.md §4):
// every network through the recording's pipeline (modelmeasures.Place),
// the regime score with its bootstrap interval, and each network's
// held-out score. Errors are in the Comparison.
func Compare(ctx context.Context, a Analysis, runs []*models.Trained, o CompareOptions) Comparison {
	o = o.resolved()
	s := o.Analysis
	c := Comparison{Analysis: a}
	if err := o.Validate(); err != nil {
		c.Err = err
		return c
	}
	if a.Err != nil || a.Result == nil {
		c.Err = a.Err
		if c.Err == nil {
			c.Err = errors.New("no analysis")
		}
		return c
	}
	c.Axes = modelmeasures.AxesOf(a.Result)
	// The recording's notes (what its reader dropped, numbers that are not
	// meaningful) hold for its placement too.
	c.Notes = slices.Clone(a.Result.Notes)
	n, t := a.Result.Neurons, a.Result.Samples
	var points []modelmeasures.Point
	bigger := 0
	for i, tr := range runs {
		if err := cancelled(ctx); err != nil {
			c.Err = fmt.Errorf("%s: not compared: %w", a.Input, err)
			return c
		}
		st := tr.Info.Settings
		m := ComparedModel{Run: runOf(tr)}
		if n > st.N {
			bigger++
		}
		label := fmt.Sprintf("%s vs %s", a.Name, m.Run.Name)
		axes, err := modelmeasures.Place(ModelOf(tr), modelmeasures.PlaceSettings{
			Neurons: n, Samples: t, Subsets: o.Subsets, Analysis: s,
			Eval: modelmeasures.Settings{Seed: s.Seed},
		}, o.Progress.stage(label, i+1, len(runs)))
		if err != nil {
			c.Err = fmt.Errorf("network %s: %w", m.Run.Name, err)
			return c
		}
		m.Subsets, m.Centre = axes, modelmeasures.CentreOf(axes)
		for _, x := range axes {
			points = append(points, modelmeasures.Point{Task: st.Task, Regime: tr.Info.Regime, Group: i, Axes: x})
		}
		c.Models = append(c.Models, m)
	}
	if bigger > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("the recording has more neurons (%d) than %d of the networks: those use all their units", n, bigger))
	}
	var err error
	c.Placement, c.Reference, err = modelmeasures.ScoreOf(points, c.Axes, o.Bootstrap, s.Seed)
	if err != nil {
		c.Err = err
		return c
	}
	for i := range c.Models {
		c.Models[i].HeldOut = c.Reference.HeldOut(points, i)
	}
	return c
}
