package figures

import "gonum.org/v1/plot"

// modelCurveSpecs returns the curves of Fig. 3B for the model runs of the
// models tables: one run per task and regime.
func modelCurveSpecs(s *Set) [][]curveSpec { return nil }

func modelCurvePanels(r *recorder, specs [][]curveSpec) []*plot.Plot { return nil }
