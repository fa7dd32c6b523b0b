package figures

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Options choose what the figures show.
type Options struct {
	// Runs are the model runs shown one by one (Fig. 2B projections, the
	// loss curves of Fig. 5, the variances of Fig. 6, the model curves of
	// Fig. 3B). Empty: the first aligned and the first oblique run of the
	// first task in the tables (cycling, seed 1, for the bundled runs).
	Runs []string
}

// runRef is a row of a models table.
type runRef struct {
	t                 *Table
	row               int
	name, task, regim string
}

// modelRuns returns the analysed rows of the models tables.
func modelRuns(s *Set) []runRef {
	var out []runRef
	for _, t := range s.Kind("models") {
		for i := 0; i < t.Rows; i++ {
			if t.Str("error", i) != "" {
				continue
			}
			out = append(out, runRef{t, i, t.Str("run", i), t.Str("task", i), t.Str("regime", i)})
		}
	}
	return out
}

// tasksOf lists the tasks in order of first appearance.
func tasksOf(runs []runRef) []string {
	var tasks []string
	seen := map[string]bool{}
	for _, r := range runs {
		if !seen[r.task] {
			seen[r.task] = true
			tasks = append(tasks, r.task)
		}
	}
	return tasks
}

// chosen returns the names of the runs shown one by one.
func (o Options) chosen(names []string, task, regime func(string) string) []string {
	if len(o.Runs) > 0 {
		return o.Runs
	}
	var out []string
	if len(names) == 0 {
		return nil
	}
	first := task(names[0])
	for _, want := range []string{"aligned", "oblique"} {
		for _, n := range names {
			if task(n) == first && regime(n) == want {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// chosenRuns picks the chosen rows of the models tables.
func chosenRuns(runs []runRef, o Options) []runRef {
	byName := map[string]runRef{}
	var names []string
	for _, r := range runs {
		if _, ok := byName[r.name]; !ok {
			byName[r.name] = r
			names = append(names, r.name)
		}
	}
	var out []runRef
	for _, n := range o.chosen(names, func(n string) string { return byName[n].task }, func(n string) string { return byName[n].regim }) {
		if r, ok := byName[n]; ok {
			out = append(out, r)
		}
	}
	return out
}

// MetaNum reads a number from the schema metadata: "key" for a plain
// value, "key.Field.Sub" for a field of a JSON object stored under key.
func (t *Table) MetaNum(key string) (float64, bool) {
	head, path, nested := strings.Cut(key, ".")
	s, ok := t.Meta[head]
	if !ok {
		return 0, false
	}
	if !nested {
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	var obj any
	if json.Unmarshal([]byte(s), &obj) != nil {
		return 0, false
	}
	for _, p := range strings.Split(path, ".") {
		m, ok := obj.(map[string]any)
		if !ok {
			return 0, false
		}
		obj = m[p]
	}
	v, ok := obj.(float64)
	return v, ok
}

// modelCurveSpecs returns the curves of Fig. 3B for the chosen runs,
// grouped by task.
func modelCurveSpecs(s *Set, o Options) [][]curveSpec {
	var out [][]curveSpec
	idx := map[string]int{}
	for _, r := range chosenRuns(modelRuns(s), o) {
		if r.t.Len("cum_var", r.row) < 2 || r.t.Len("r2_k", r.row) < 1 {
			continue
		}
		i, ok := idx[r.task]
		if !ok {
			i = len(out)
			idx[r.task] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], curveSpec{t: r.t, row: r.row, subject: r.name, cumCol: "cum_var", r2Col: "r2_k",
			dvarCol: "d_var", dfitCol: "d_fit", colour: regimeColour(r.regim), label: r.name})
	}
	return out
}

// modelCurvePanels draws one panel per task: the chosen runs' curves up to
// the longest R² curve.
func modelCurvePanels(r *recorder, specs [][]curveSpec) []*plot.Plot {
	var out []*plot.Plot
	for _, group := range specs {
		// Up to the longest R² curve, or three times the largest
		// dimension (at least 10) when that is shorter: the curves are
		// flat beyond.
		var names []string
		kmax, dims := 0, 0.0
		for _, c := range group {
			names = append(names, c.subject)
			kmax = max(kmax, c.t.Len(c.r2Col, c.row))
			for _, col := range []string{c.dvarCol, c.dfitCol} {
				if v, ok := c.t.Num(col, c.row); ok {
					dims = max(dims, v)
				}
			}
		}
		if dims > 0 {
			kmax = min(kmax, max(10, 3*int(dims)))
		}
		p := newPlot(strings.Join(names, " vs "), "number of PCs, k", "share of variance / R²")
		p.Add(newGrid())
		for j, c := range group {
			c.limit = kmax
			addCurves(r, p, c, false)
			c.slot = j
			dimensionMarks(r, p, c)
		}
		if t := group[0].t; true {
			if v, ok := r.numMetaJSON(t, "variance threshold", "settings.VarThreshold"); ok {
				threshold(p, v, float64(kmax))
			}
			if v, ok := r.numMetaJSON(t, "fit threshold (absolute R²)", "settings.FitThreshold"); ok {
				threshold(p, v, float64(kmax))
			}
		}
		p.X.Min, p.X.Max = 0, float64(kmax)+0.5
		p.Y.Min, p.Y.Max = 0, 1.02
		out = append(out, p)
	}
	return out
}

// numMetaJSON is numMeta through Table.MetaNum.
func (r *recorder) numMetaJSON(t *Table, quantity, key string) (float64, bool) {
	v, ok := t.MetaNum(key)
	if !ok {
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

// taskStrip draws one quantity of every run as dots per task on a log
// axis, aligned runs left of the task's tick and oblique right, with the
// mean over seeds from the models-settings table as a bar when it is
// given. width is the panel's: the task names are turned when they do
// not fit side by side in it.
func taskStrip(r *recorder, s *Set, p *plot.Plot, col, meanCol, quantity string, width vg.Length) bool {
	runs := modelRuns(s)
	tasks := tasksOf(runs)
	if len(tasks) == 0 {
		return false
	}
	pos := map[string]int{}
	for i, t := range tasks {
		pos[t] = i
	}
	off := map[string]float64{"aligned": -0.17, "oblique": 0.17}
	lo, hi := math.Inf(1), math.Inf(-1)
	any := false
	seedIdx := map[string]int{}
	for _, rr := range runs {
		v, ok := r.num(rr.t, quantity, rr.name, "", col, rr.row)
		if !ok || v <= 0 {
			continue
		}
		key := rr.task + "/" + rr.regim
		j := seedIdx[key]
		seedIdx[key]++
		x := float64(pos[rr.task]) + off[rr.regim] + 0.05*float64(j%3-1)
		sc, _ := plotter.NewScatter(plotter.XYs{{X: x, Y: v}})
		sc.GlyphStyle = glyph(transparent(rgba(regimeColour(rr.regim)), 210), draw.CircleGlyph{}, vg.Points(2.6))
		p.Add(sc)
		lo, hi = min(lo, v), max(hi, v)
		any = true
	}
	for _, t := range s.Kind("models-settings") {
		for i := 0; i < t.Rows; i++ {
			task, regime := t.Str("task", i), t.Str("regime", i)
			k, ok := pos[task]
			if !ok {
				continue
			}
			v, ok := r.num(t, quantity+", mean over seeds", task+" "+regime, "", meanCol, i)
			if !ok || v <= 0 {
				continue
			}
			p.Add(meanBar(float64(k)+off[regime], v, regime))
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if !any {
		return false
	}
	p.NominalX(tasks...)
	p.X.Min, p.X.Max = -0.6, float64(len(tasks))-0.4
	// The names side by side when the longest fits in its share of the
	// data area (the width less about 2 cm of axis); else turned by 45°,
	// which puts neighbours 0.7 of their spacing apart across their
	// baselines, more than a line of text in the narrowest panel (Fig.
	// 3A's third of 17 cm).
	var longest vg.Length
	for _, t := range tasks {
		longest = max(longest, p.X.Tick.Label.Width(t))
	}
	if longest > 0.9*(width-2*vg.Centimeter)/vg.Length(len(tasks)) {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = niceTicks{}
	p.Y.Min, p.Y.Max = logBounds(lo, hi, 1.1)
	p.Add(newGrid())
	return true
}

// regimeLegend is the legend strip of the per-task figures.
func regimeLegend(withMeans bool) *legendStrip {
	l := &legendStrip{}
	for _, reg := range []string{"aligned", "oblique"} {
		l.add(reg+" runs", scatterThumb(glyph(regimeColour(reg), draw.CircleGlyph{}, vg.Points(2.6))))
	}
	if withMeans {
		m, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		m.LineStyle = lineStyle(darker(grey, 0.6), vg.Points(2))
		l.add("mean over seeds", m)
	}
	return l
}

// meanBar marks a mean over seeds at x: a bar wider than the spread of
// the dots, drawn over them in a darker shade of the regime's colour so
// that dots of the same colour do not hide it.
func meanBar(x, v float64, regime string) plot.Plotter {
	l, _ := plotter.NewLine(plotter.XYs{{X: x - 0.15, Y: v}, {X: x + 0.15, Y: v}})
	l.LineStyle = lineStyle(darker(rgba(regimeColour(regime)), 0.6), vg.Points(2))
	return l
}

// refLine draws a horizontal reference line at y across the tasks.
func refLine(p *plot.Plot, y float64, label string) {
	l, _ := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: y}, {X: p.X.Max, Y: y}})
	l.LineStyle = lineStyle(grey, vg.Points(0.8), vg.Points(3), vg.Points(2))
	p.Add(l)
	if label != "" {
		lab, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: p.X.Min, Y: y}}, Labels: []string{" " + label}})
		for i := range lab.TextStyle {
			lab.TextStyle[i].Font = labelFont(8)
			lab.TextStyle[i].Color = grey
		}
		lab.Offset.Y = vg.Points(2)
		p.Add(lab)
	}
}

// Fig3A draws ρ (model form), ‖W_out‖ and ‖x‖ of every model run per
// task and regime (paper Fig. 3A).
func Fig3A(s *Set, o Options) *Figure {
	if len(modelRuns(s)) == 0 {
		return nil
	}
	f, r := newFigure("fig3a", "Fig. 3A: correlation and magnitudes per task and regime",
		"For every trained network: the generalised correlation ρ between output weights and states (model form, paper Eq. 7), "+
			"the output-weight magnitude ‖W_out‖ and the state magnitude ‖x‖ (√N × RMS of the entries, METHODS.md §4). "+
			"Dots: runs (seeds); bars: means over seeds (models-settings table). Log scales.", 17*vg.Centimeter, 0)
	means := len(s.Kind("models-settings")) > 0
	var panels []*plot.Plot
	for _, q := range []struct{ col, mean, name, title string }{
		{"rho", "rho_mean", "ρ (model form)", "correlation ρ"},
		{"w_out_norm", "w_out_norm_mean", "‖W_out‖", "output weights ‖W_out‖"},
		{"state_norm", "state_norm_mean", "‖x‖", "states ‖x‖"},
	} {
		p := newPlot(q.title, "", q.name)
		if taskStrip(r, s, p, q.col, q.mean, q.name, f.Width/3) {
			panels = append(panels, p)
		}
	}
	if len(panels) == 0 {
		return nil
	}
	f.Panels = [][]*plot.Plot{panels}
	f.Height = 8 * vg.Centimeter
	f.legend = regimeLegend(means)
	return f
}

// Fig3C draws D_fit against D_var for every model run (paper Fig. 3C):
// oblique runs lie further above the diagonal.
func Fig3C(s *Set, o Options) *Figure {
	runs := modelRuns(s)
	if len(runs) == 0 {
		return nil
	}
	f, r := newFigure("fig3c", "Fig. 3C: fitting against variance dimension per task and regime",
		"D_var (fewest PCs with > 90 % of the variance) and D_fit (fewest PCs whose decoder reaches R² > 0.9, the model rule of "+
			"METHODS.md §4) of every network; the marker is the task, the colour the regime. Dashed: D_fit = D_var. "+
			"Runs with the same pair of dimensions are spread slightly around it. "+
			"Runs whose D_fit is undefined (no k reaches the threshold) are left out.", 12*vg.Centimeter, 10*vg.Centimeter)
	p := newPlot("", "variance dimension D_var", "fitting dimension D_fit")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	p.Add(newGrid())
	tasks := tasksOf(runs)
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	at := map[[2]float64]int{} // runs drawn at each point so far
	for _, rr := range runs {
		dv, ok1 := r.num(rr.t, "D_var", rr.name, "", "d_var", rr.row)
		df, ok2 := r.num(rr.t, "D_fit", rr.name, "", "d_fit", rr.row)
		if !ok1 || !ok2 {
			if ok1 {
				r.note("%s: D_fit undefined, not drawn", rr.name)
			}
			continue
		}
		if dv <= 0 || df <= 0 { // log axes
			r.note("%s: D_var = %g, D_fit = %g, not drawn on log axes", rr.name, dv, df)
			continue
		}
		// Dimensions are integers: runs with the same pair are spread
		// on a small circle around it so that none hides another.
		k := at[[2]float64{dv, df}]
		at[[2]float64{dv, df}]++
		x, y := dv, df
		if k > 0 {
			a := float64(k) * 2 * math.Pi / 6
			x, y = dv*math.Exp(0.05*math.Cos(a)), df*math.Exp(0.05*math.Sin(a))
		}
		sc, _ := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
		sc.GlyphStyle = glyph(regimeColour(rr.regim), taskShape(indexOf(tasks, rr.task)), vg.Points(3.2))
		p.Add(sc)
		xlo, xhi, ylo, yhi = min(xlo, dv), max(xhi, dv), min(ylo, df), max(yhi, df)
	}
	if math.IsInf(xlo, 1) {
		return nil
	}
	// Each axis spans its own dimension (the diagonal crosses the panel
	// where the ranges overlap).
	x0, x1 := logBounds(xlo, xhi, 1.2)
	y0, y1 := logBounds(ylo, yhi, 1.2)
	lo, hi := min(x0, y0), max(x1, y1)
	d, _ := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	d.LineStyle = lineStyle(grey, vg.Points(0.8), vg.Points(3), vg.Points(2))
	p.Add(d)
	// After Add, which widens the ranges to the diagonal's.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
	f.Panels = [][]*plot.Plot{{p}}
	f.legend = regimeLegend(false)
	for i, t := range tasks {
		f.legend.add(t, scatterThumb(glyph(grey, taskShape(i), vg.Points(3.2))))
	}
	return f
}

// taskShape is the marker of the i-th task: filled shapes that differ in
// outline (an open and a filled triangle read as one shape).
func taskShape(i int) draw.GlyphDrawer {
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, diamondGlyph{}, invertedPyramid{}, draw.CrossGlyph{}, draw.PlusGlyph{}}
	return shapes[i%len(shapes)]
}

// diamondGlyph is a filled square standing on a corner.
type diamondGlyph struct{}

func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	polygonGlyph(c, sty, pt, []vg.Point{{X: 0, Y: 1.2}, {X: 1.2, Y: 0}, {X: 0, Y: -1.2}, {X: -1.2, Y: 0}})
}

// invertedPyramid is a filled triangle standing on its apex.
type invertedPyramid struct{}

func (invertedPyramid) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	polygonGlyph(c, sty, pt, []vg.Point{{X: -1.1, Y: 0.7}, {X: 1.1, Y: 0.7}, {X: 0, Y: -1.2}})
}

// polygonGlyph fills the polygon of corners (in units of the radius)
// around pt.
func polygonGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point, corners []vg.Point) {
	var p vg.Path
	for i, q := range corners {
		q = vg.Point{X: pt.X + q.X*sty.Radius, Y: pt.Y + q.Y*sty.Radius}
		if i == 0 {
			p.Move(q)
		} else {
			p.Line(q)
		}
	}
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
}

// Fig5 draws the relative susceptibility AUC_out/AUC_pc of every run per
// task and regime (paper Fig. 5D) and, for the chosen runs, the loss after
// perturbations along the output-weight plane and the PC plane against
// their amplitude, one line per perturbation time (Fig. 5C).
func Fig5(s *Set, o Options) *Figure {
	if len(modelRuns(s)) == 0 {
		return nil
	}
	f, r := newFigure("fig5", "Fig. 5: susceptibility to perturbations along the output weights and the PCs",
		"Top: relative susceptibility AUC_out/AUC_pc, the long-term loss after perturbations in the output-weight plane relative "+
			"to the top-2-PC plane (≈ 1 aligned, ≪ 1 oblique; METHODS.md §5); dots runs, bars means over seeds (log scale). "+
			"Bottom: for the chosen runs, the task loss in the scored window after a perturbation against its amplitude |Δx|/√N, "+
			"one line per perturbation time.", 17*vg.Centimeter, 0)
	top := newPlot("relative susceptibility", "", "AUC_out / AUC_pc")
	if !taskStrip(r, s, top, "rel_susceptibility", "rel_susceptibility_mean", "relative susceptibility", f.Width) {
		return nil
	}
	refLine(top, 1, "")
	panels := [][]*plot.Plot{{top}}
	var bottom []*plot.Plot
	var lossHi float64 // the highest loss drawn
	for _, rr := range chosenRuns(modelRuns(s), o) {
		t, i := rr.t, rr.row
		na := t.Len("pert_amplitudes", i)
		if na < 2 {
			continue
		}
		n, _ := t.Num("n", i)
		p := newPlot(rr.name, "amplitude |Δx| / √N", "loss after perturbation")
		p.Add(newGrid())
		drawn := false
		for _, d := range []struct {
			col, name string
			c         plotColour
		}{{"pert_loss_pc", "PC plane", green}, {"pert_loss_out", "output plane", purple}} {
			nt := t.Len(d.col, i, 0)
			for ti := 0; ti < nt; ti++ {
				var pts plotter.XYs
				for a := 0; a < na; a++ {
					amp, ok1 := r.num(t, "perturbation amplitude |Δx|", rr.name, fmt.Sprintf("amplitude %d", a), "pert_amplitudes", i, a)
					v, ok2 := r.num(t, "loss after perturbation, "+d.name, rr.name, fmt.Sprintf("amplitude %d, time %d", a, ti), d.col, i, a, ti)
					if ok1 && ok2 && n > 0 {
						pts = append(pts, plotter.XY{X: amp / math.Sqrt(n), Y: v})
						lossHi = max(lossHi, v)
					}
				}
				if len(pts) > 1 {
					l, _ := plotter.NewLine(pts)
					l.LineStyle = lineStyle(transparent(rgba(d.c), 150), vg.Points(0.9))
					p.Add(l)
					drawn = true
				}
			}
		}
		r.num(t, "N", rr.name, "", "n", i)
		if drawn {
			bottom = append(bottom, p)
		}
	}
	if len(bottom) > 0 {
		// One loss scale for the runs, from 0 to a labelled tick above
		// the highest curve.
		for _, p := range bottom {
			p.Y.Min, p.Y.Max = 0, niceMax(lossHi)
		}
		panels = append(panels, bottom)
		top.Title.Text = "relative susceptibility per task"
	}
	f.Panels = panels
	f.rowsSpan = true // the strip of tasks across the width, the runs below
	f.Height = vg.Length(len(panels)) * 7.5 * vg.Centimeter
	f.legend = regimeLegend(len(s.Kind("models-settings")) > 0)
	if len(bottom) > 0 {
		for _, d := range []struct {
			name string
			c    plotColour
		}{{"perturbed in the PC plane", green}, {"perturbed in the output plane", purple}} {
			l, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
			l.LineStyle = lineStyle(d.c, vg.Points(1.2))
			f.legend.add(d.name, l)
		}
	}
	return f
}

// Fig6 draws the noise ratio (residual variance along the output
// directions over random directions) of every run per task and regime
// (paper Fig. 6C) and, for the chosen runs, the mean residual variance
// along output, PC and random directions (Fig. 6B).
func Fig6(s *Set, o Options) *Figure {
	if len(modelRuns(s)) == 0 {
		return nil
	}
	f, r := newFigure("fig6", "Fig. 6: compression of noise along the output directions",
		"Left: ratio of the trial-to-trial residual variance along output directions to that along random directions "+
			"(> 1 aligned, < 1 oblique; METHODS.md §5); dots runs, bars means over seeds (log scale). Right: for the chosen runs, "+
			"the mean residual variance along random directions, directions in the output-weight plane and in the top-2-PC plane.",
		17*vg.Centimeter, 8*vg.Centimeter)
	left := newPlot("noise ratio per task", "", "var_out / var_random")
	if !taskStrip(r, s, left, "noise_ratio", "noise_ratio_mean", "noise ratio out/random", f.Width/2) {
		return nil
	}
	refLine(left, 1, "")
	row := []*plot.Plot{left}
	chosen := chosenRuns(modelRuns(s), o)
	var runLegend []legendItem
	if len(chosen) > 0 {
		right := newPlot("residual variance per direction", "", "mean variance")
		right.Y.Scale = plot.LogScale{}
		right.Y.Tick.Marker = niceTicks{}
		cats := []struct{ col, name string }{{"noise_var_random_mean", "random"}, {"noise_var_out_mean", "output plane"}, {"noise_var_pc_mean", "PC plane"}}
		lo, hi := math.Inf(1), math.Inf(-1)
		for j, rr := range chosen {
			var pts plotter.XYs
			for k, c := range cats {
				if v, ok := r.num(rr.t, "mean residual variance, "+c.name, rr.name, "", c.col, rr.row); ok && v > 0 {
					pts = append(pts, plotter.XY{X: float64(k) + 0.1*float64(j) - 0.05*float64(len(chosen)-1), Y: v})
					lo, hi = min(lo, v), max(hi, v)
				}
			}
			if len(pts) > 0 {
				ln, sc, _ := plotter.NewLinePoints(pts)
				ln.LineStyle = lineStyle(transparent(rgba(regimeColour(rr.regim)), 120), vg.Points(0.8), vg.Points(2), vg.Points(2))
				sc.GlyphStyle = glyph(regimeColour(rr.regim), draw.CircleGlyph{}, vg.Points(3))
				right.Add(ln, sc)
				runLegend = append(runLegend, legendItem{rr.name, []plot.Thumbnailer{ln, sc}})
			}
		}
		if !math.IsInf(lo, 1) {
			right.NominalX("random", "output plane", "PC plane")
			right.X.Min, right.X.Max = -0.5, 2.5
			right.Y.Min, right.Y.Max = logBounds(lo, hi, 1.3)
			right.Add(newGrid())
			row = append(row, right)
		}
	}
	f.Panels = [][]*plot.Plot{row}
	f.legend = regimeLegend(len(s.Kind("models-settings")) > 0)
	f.legend.items = append(f.legend.items, runLegend...)
	return f
}

// Fig4C draws the shape dissimilarity between networks trained from
// different seeds, per task and regime (paper Fig. 4C), from the
// models-settings table.
func Fig4C(s *Set, o Options) *Figure {
	sets := s.Kind("models-settings")
	if len(sets) == 0 {
		return nil
	}
	f, r := newFigure("fig4c", "Fig. 4C: dissimilarity between networks trained from different seeds",
		"Shape distance (Williams et al. 2021, α = 1; METHODS.md §5) between the states of every pair of networks of a task and "+
			"regime; dots pairs, bars the mean. Oblique networks differ more.", 12*vg.Centimeter, 8*vg.Centimeter)
	p := newPlot("", "", "dissimilarity (rad)")
	var tasks []string
	pos := map[string]int{}
	off := map[string]float64{"aligned": -0.17, "oblique": 0.17}
	hi := 0.0
	drawn := false
	for _, t := range sets {
		for i := 0; i < t.Rows; i++ {
			task, regime := t.Str("task", i), t.Str("regime", i)
			if _, ok := pos[task]; !ok {
				pos[task] = len(tasks)
				tasks = append(tasks, task)
			}
			x := float64(pos[task]) + off[regime]
			subject := task + " " + regime
			for k := 0; k < t.Len("dissimilarity", i); k++ {
				pair, _ := t.Cell("pairs", i, k).(string)
				v, ok := r.num(t, "dissimilarity", subject, "pair "+pair, "dissimilarity", i, k)
				if !ok {
					continue
				}
				sc, _ := plotter.NewScatter(plotter.XYs{{X: x + 0.04*float64(k%3-1), Y: v}})
				sc.GlyphStyle = glyph(transparent(rgba(regimeColour(regime)), 210), draw.CircleGlyph{}, vg.Points(2.6))
				p.Add(sc)
				hi = max(hi, v)
				drawn = true
			}
			if v, ok := r.num(t, "dissimilarity, mean over pairs", subject, "", "dissimilarity_mean", i); ok {
				p.Add(meanBar(x, v, regime))
				hi = max(hi, v)
			}
		}
	}
	if !drawn {
		return nil
	}
	p.NominalX(tasks...)
	p.X.Min, p.X.Max = -0.6, float64(len(tasks))-0.4
	p.Y.Min, p.Y.Max = 0, niceMax(hi)
	p.Add(newGrid())
	f.Panels = [][]*plot.Plot{{p}}
	f.legend = regimeLegend(true)
	return f
}
