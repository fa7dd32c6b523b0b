package figures

import (
	"fmt"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// curveSpec is a cumulative-variance and an R²-against-components curve
// of one row, with its dimensions.
type curveSpec struct {
	t                *Table
	row              int
	subject          string
	cumCol, r2Col    string
	dvarCol, dfitCol string
	colour           plotColour
	label            string // series label (legend), "" for none
	limit            int    // largest k drawn; 0: all
	slot             int    // position of the dimension labels among the panel's curves
}

type plotColour = interface{ RGBA() (r, g, b, a uint32) }

// addCurves draws spec's curves into p and returns the largest k drawn.
func addCurves(r *recorder, p *plot.Plot, c curveSpec, dashedR2 bool) int {
	t, i := c.t, c.row
	var cum, r2 plotter.XYs
	n := t.Len(c.cumCol, i)
	if c.limit > 0 {
		n = min(n, c.limit)
	}
	for k := 0; k < n; k++ {
		if v, ok := r.num(t, "cumulative variance share", c.subject, "k = "+strconv.Itoa(k+1), c.cumCol, i, k); ok {
			cum = append(cum, plotter.XY{X: float64(k + 1), Y: v})
		}
	}
	for k := 0; k < t.Len(c.r2Col, i); k++ {
		if v, ok := r.num(t, "R² from the first k PCs", c.subject, "k = "+strconv.Itoa(k+1), c.r2Col, i, k); ok {
			r2 = append(r2, plotter.XY{X: float64(k + 1), Y: v})
		}
	}
	kmax := 0
	if len(cum) > 1 {
		l, _ := plotter.NewLine(cum)
		l.LineStyle = lineStyle(c.colour, vg.Points(1.3), vg.Points(4), vg.Points(2))
		p.Add(l)
		kmax = max(kmax, len(cum))
	}
	if len(r2) > 1 {
		l, _ := plotter.NewLine(r2)
		l.LineStyle = lineStyle(c.colour, vg.Points(1.6))
		p.Add(l)
		kmax = max(kmax, len(r2))
	}
	_ = dashedR2
	return kmax
}

// dimensionMarks draws D_var and D_fit as vertical lines with labels.
func dimensionMarks(r *recorder, p *plot.Plot, c curveSpec) {
	t, i := c.t, c.row
	for _, d := range []struct{ col, name string }{{c.dvarCol, "D_var"}, {c.dfitCol, "D_fit"}} {
		v, ok := r.num(t, d.name, c.subject, "", d.col, i)
		if !ok {
			continue
		}
		l, _ := plotter.NewLine(plotter.XYs{{X: v, Y: 0}, {X: v, Y: 1.02}})
		l.LineStyle = lineStyle(c.colour, vg.Points(0.7), vg.Points(1), vg.Points(2))
		// Labels stacked from the bottom: D_fit, D_var of the first
		// curve, then of the next.
		y := 0.02 + 0.07*float64(2*c.slot)
		if d.name == "D_var" {
			y += 0.07
		}
		lab, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: v, Y: y}}, Labels: []string{fmt.Sprintf(" %s = %g", d.name, v)}})
		for j := range lab.TextStyle {
			lab.TextStyle[j].Font = labelFont(8)
			lab.TextStyle[j].Color = c.colour
		}
		p.Add(l, lab)
	}
}

// threshold draws a horizontal dotted line at y.
func threshold(p *plot.Plot, y, x1 float64) {
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: y}, {X: x1, Y: y}})
	l.LineStyle = lineStyle(grey, vg.Points(0.7), vg.Points(1), vg.Points(2))
	p.Add(l)
}

// Fig3B draws, for each recording of the analyze tables, the cumulative
// variance share of the first k principal components and the R² of the
// decoder from them, against k, with D_var and D_fit marked; and, when a
// models table with the curves is given, the same for one run of each task
// and regime (paper Fig. 3B; the models use the absolute R² rule).
func Fig3B(s *Set, o Options) *Figure {
	var specs []curveSpec
	for _, t := range s.Kind("analyze") {
		for i := 0; i < t.Rows; i++ {
			if t.Len("cum_var", i) < 2 || t.Len("r2_k", i) < 1 {
				continue
			}
			specs = append(specs, curveSpec{t: t, row: i, subject: t.Str("recording", i),
				cumCol: "cum_var", r2Col: "r2_k", dvarCol: "d_var", dfitCol: "d_fit", colour: black})
		}
	}
	modelPanels := modelCurveSpecs(s, o)
	if len(specs) == 0 && len(modelPanels) == 0 {
		return nil
	}
	f, r := newFigure("fig3b", "Fig. 3B: variance explained and output reconstructed from the leading PCs",
		"Against the number k of leading principal components: the cumulative share of the variance (dashed) and the R² "+
			"of the ridge decoder from the projection on them (solid). Vertical lines: D_var, the fewest PCs with more than "+
			"var_threshold of the variance, and D_fit, the fewest PCs whose decoder reaches R² > fit_threshold·R² (recordings) "+
			"or R² > fit_threshold (models, METHODS.md §4); dotted: the thresholds.",
		0, 0)
	var panels []*plot.Plot
	for _, c := range specs {
		t, i := c.t, c.row
		p := newPlot(c.subject, "number of PCs, k", "share of variance / R²")
		p.Add(newGrid())
		kmax := addCurves(r, p, c, false)
		vt, ok1 := r.numMeta(t, "variance threshold", "var_threshold")
		ft, ok2 := r.numMeta(t, "fit threshold (share of R²)", "fit_threshold")
		full, ok3 := r.num(t, "R² on all neurons", c.subject, "", "r2", i)
		if ok1 {
			threshold(p, vt, float64(kmax))
		}
		if ok2 && ok3 {
			threshold(p, ft*full, float64(kmax))
		}
		dimensionMarks(r, p, c)
		p.X.Min, p.X.Max = 0, float64(kmax)+1
		p.Y.Min, p.Y.Max = 0, 1.02
		panels = append(panels, p)
	}
	panels = append(panels, modelCurvePanels(r, modelPanels)...)
	f.tile(panels, 9*vg.Centimeter, 7*vg.Centimeter)
	f.legend = &legendStrip{}
	cum, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	cum.LineStyle = lineStyle(black, vg.Points(1.3), vg.Points(4), vg.Points(2))
	r2, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	r2.LineStyle = lineStyle(black, vg.Points(1.6))
	f.legend.add("cumulative variance share", cum)
	f.legend.add("R² from the first k PCs", r2)
	if len(modelPanels) > 0 {
		a, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		a.LineStyle = lineStyle(aligned, vg.Points(1.6))
		o, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		o.LineStyle = lineStyle(oblique, vg.Points(1.6))
		f.legend.add("aligned run", a)
		f.legend.add("oblique run", o)
	}
	return f
}

// tile lays panels out on a grid of up to two columns of w × h tiles.
func (f *Figure) tile(panels []*plot.Plot, w, h vg.Length) {
	cols := min(len(panels), 2)
	f.Panels = grid(panels, cols)
	f.Width = vg.Length(cols) * w
	f.Height = vg.Length(len(f.Panels)) * h
}

func grid(panels []*plot.Plot, cols int) [][]*plot.Plot {
	var out [][]*plot.Plot
	for k, p := range panels {
		if k%cols == 0 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], p)
	}
	return out
}

// numMeta reads a number from a table's schema metadata and records it
// (column "@key", row −1).
func (r *recorder) numMeta(t *Table, quantity, key string) (float64, bool) {
	s, ok := t.Meta[key]
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	r.use(t)
	r.f.Values = append(r.f.Values, Value{
		Figure: r.f.ID, Quantity: quantity, Subject: "all rows", Value: v,
		Ref:  Ref{Table: t.Name, Column: "@" + key, Row: -1},
		Seed: t.Meta["seed"], Settings: t.Settings(),
	})
	return v, true
}
