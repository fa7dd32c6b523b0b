package figures

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// view is the camera of the 3-D projections: azimuth and elevation.
const (
	azimuth   = -50 * math.Pi / 180
	elevation = 22 * math.Pi / 180
)

// project maps a point of (PC1, PC2, w_out⊥) to the page, with the same
// scale on every axis (the figure must show how flat the trajectories are
// along the output direction).
func project(p [3]float64) plotter.XY {
	x := p[0]*math.Cos(azimuth) - p[1]*math.Sin(azimuth)
	depth := p[0]*math.Sin(azimuth) + p[1]*math.Cos(azimuth)
	return plotter.XY{X: x, Y: p[2]*math.Cos(elevation) + depth*math.Sin(elevation)}
}

// Fig2B draws the chosen runs' trajectories in the space of the first two
// principal components and the part of the first output vector orthogonal
// to them (paper Fig. 2B), from the models-trajectories table, with equal
// scales on the three axes.
func Fig2B(s *Set, o Options) *Figure {
	trajs := s.Kind("models-trajectories")
	if len(trajs) == 0 {
		return nil
	}
	byRun := map[string][]tableRow{}
	var names []string
	meta := map[string][2]string{}
	for _, t := range trajs {
		for i := 0; i < t.Rows; i++ {
			n := t.Str("run", i)
			if _, ok := byRun[n]; !ok {
				names = append(names, n)
				meta[n] = [2]string{t.Str("task", i), t.Str("regime", i)}
			}
			byRun[n] = append(byRun[n], tableRow{t, i})
		}
	}
	chosen := o.chosen(names, func(n string) string { return meta[n][0] }, func(n string) string { return meta[n][1] })
	f, r := newFigure("fig2b", "Fig. 2B: trajectories along the leading PCs and the output direction",
		"States of the first evaluation trials projected on the first two principal components and on the part of the first "+
			"output vector orthogonal to them (w_out orth.), all three axes on the same scale (the axis lines have equal length). "+
			"One colour per distinct trajectory: without noise, trials with the same input and initial state coincide and are "+
			"drawn once (the legend names them); a ring marks the start. Aligned dynamics extend along w_out orth.; oblique "+
			"dynamics are flat in it. The black arrow is the direction of the first output vector.", 0, 0)
	var panels []*plot.Plot
	var aspect float64 // the largest height/width of the panels' data
	groupLabels := map[int][]string{}
	for _, name := range chosen {
		rows := byRun[name]
		if len(rows) == 0 {
			r.note("run %s is not in the trajectories table", name)
			continue
		}
		p := newPlot(fmt.Sprintf("%s (%s)", name, meta[name][1]), "", "")
		p.HideAxes()
		p.X.Padding, p.Y.Padding = 0, 0 // the data area is the range: equal scales exactly
		groups := distinctTrials(rows)
		var ext float64
		var trajectories [][][3]float64
		var labels []string
		for _, g := range groups {
			t, i := g.t, g.row
			trial := g.trials[0]
			var tr [][3]float64
			for k := 0; k < g.n; k++ {
				at := fmt.Sprintf("trial %g, step %d", trial, k)
				a, ok1 := r.num(t, "PC1 coordinate", name, at, "pc1", i, k)
				b, ok2 := r.num(t, "PC2 coordinate", name, at, "pc2", i, k)
				c, ok3 := r.num(t, "w_out orth. coordinate", name, at, "out_perp", i, k)
				if ok1 && ok2 && ok3 {
					tr = append(tr, [3]float64{a, b, c})
					ext = max(ext, math.Abs(a), math.Abs(b), math.Abs(c))
				}
			}
			trajectories = append(trajectories, tr)
			labels = append(labels, trialsLabel(g.trials))
			if len(g.trials) > 1 {
				r.note("%s: %s coincide (the same input and initial state, no noise): drawn once", name, strings.Replace(trialsLabel(g.trials), ", ", " and ", 1))
			}
		}
		if ext == 0 {
			continue
		}
		axisLen := 0.8 * ext
		// The first output vector's direction, from its coordinates.
		t0, i0 := rows[0].t, rows[0].row
		var w [3]float64
		ok := true
		for j := 0; j < 3; j++ {
			v, okj := r.num(t0, "first output vector, coordinate", name, []string{"PC1", "PC2", "w_out orth."}[j], "w_out", i0, 0, j)
			w[j], ok = v, ok && okj
		}
		norm := math.Sqrt(w[0]*w[0] + w[1]*w[1] + w[2]*w[2])
		ok = ok && norm > 0
		if ok {
			for j := range w {
				w[j] *= axisLen / norm
			}
		}
		for j, lab := range []string{"PC1", "PC2", "w_out orth."} {
			var end [3]float64
			end[j] = axisLen
			l, _ := plotter.NewLine(plotter.XYs{project([3]float64{}), project(end)})
			l.LineStyle = lineStyle(grey, vg.Points(0.8))
			tl, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{project(end)}, Labels: []string{" " + lab}})
			for i := range tl.TextStyle {
				tl.TextStyle[i].Font = labelFont(9)
				tl.TextStyle[i].Color = grey
				if j == 2 && ok && project(w).X >= project(end).X {
					// Left of the axis' end, away from the arrow.
					tl.TextStyle[i].XAlign = draw.XRight
					tl.Labels[i] = lab + " "
				}
			}
			p.Add(l, tl)
		}
		if ok {
			l, _ := plotter.NewLine(plotter.XYs{project([3]float64{}), project(w)})
			l.LineStyle = lineStyle(black, vg.Points(1.6))
			head, _ := plotter.NewScatter(plotter.XYs{project(w)})
			head.GlyphStyle = glyph(black, draw.PyramidGlyph{}, vg.Points(3))
			p.Add(l, head)
		}
		var xlo, xhi, ylo, yhi = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		var starts plotter.XYs
		for k, tr := range trajectories {
			pts := make(plotter.XYs, len(tr))
			for j, x := range tr {
				pts[j] = project(x)
				xlo, xhi, ylo, yhi = min(xlo, pts[j].X), max(xhi, pts[j].X), min(ylo, pts[j].Y), max(yhi, pts[j].Y)
			}
			if len(pts) < 2 {
				continue
			}
			l, _ := plotter.NewLine(pts)
			l.LineStyle = lineStyle(trialColour(k), vg.Points(1.1))
			p.Add(l)
			groupLabels[k] = appendNew(groupLabels[k], labels[k])
			if !containsXY(starts, pts[0], 1e-9*ext) {
				starts = append(starts, pts[0])
			}
		}
		start, _ := plotter.NewScatter(starts)
		start.GlyphStyle = startGlyph
		p.Add(start)
		// The axis lines, and room right of their labels.
		for _, e := range [][3]float64{{axisLen}, {0, axisLen}, {0, 0, axisLen}} {
			q := project(e)
			xlo, xhi, ylo, yhi = min(xlo, q.X), max(xhi, q.X+0.15*ext), min(ylo, q.Y), max(yhi, q.Y+0.08*ext)
		}
		padX, padY := 0.04*(xhi-xlo), 0.04*(yhi-ylo)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xlo-padX, xhi+padX, ylo-padY, yhi+padY
		aspect = max(aspect, (p.Y.Max-p.Y.Min)/(p.X.Max-p.X.Min))
		f.equal = append(f.equal, p)
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil
	}
	// Tiles shaped like the data (equal scales): the data area is the tile
	// less the title (about 6 mm) and the padding (about 5 mm each way).
	const w = 8.5 * vg.Centimeter
	h := vg.Length(math.Min(math.Max(aspect, 0.45), 1.2))*(w-5*vg.Millimeter) + 11*vg.Millimeter
	f.tile(panels, w, h)
	f.legend = &legendStrip{}
	for k := 0; k < len(groupLabels); k++ {
		l, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		l.LineStyle = lineStyle(trialColour(k), vg.Points(1.6))
		f.legend.add(strings.Join(groupLabels[k], " / "), l)
	}
	f.legend.add("start", scatterThumb(startGlyph))
	arrow, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	arrow.LineStyle = lineStyle(black, vg.Points(1.6))
	axis, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	axis.LineStyle = lineStyle(grey, vg.Points(0.8))
	f.legend.add("first output vector w_out", arrow)
	f.legend.add("axes PC1, PC2, w_out orth.", axis)
	return f
}

// startGlyph marks where trajectories start.
var startGlyph = glyph(black, draw.RingGlyph{}, vg.Points(3))

// trialColour is the colour of the k-th distinct trajectory: the paper's
// green and purple for the two contexts of the cycling task, then the
// other colours of the palette.
func trialColour(k int) color.Color {
	c := []color.RGBA{green, purple, orange, sky, black, aligned, oblique}
	return c[k%len(c)]
}

// trialGroup is a set of trials of one run with the same trajectory.
type trialGroup struct {
	t      *Table
	row    int // the first trial's row
	n      int // steps
	trials []float64
}

// distinctTrials groups the rows (trials of one run) whose trajectories
// coincide: the same number of steps and every coordinate equal within
// 1e-9 of the largest (a noise-free simulation of the same input from the
// same state repeats the same arithmetic, so copies agree to rounding).
func distinctTrials(rows []tableRow) []trialGroup {
	var groups []trialGroup
	var first [][][3]float64
	for _, rr := range rows {
		t, i := rr.t, rr.row
		n := min(t.Len("pc1", i), t.Len("pc2", i), t.Len("out_perp", i))
		tr := make([][3]float64, n)
		var ext float64
		for k := range tr {
			for j, col := range []string{"pc1", "pc2", "out_perp"} {
				tr[k][j], _ = t.Num(col, i, k)
				ext = max(ext, math.Abs(tr[k][j]))
			}
		}
		trial, _ := t.Num("trial", i)
		same := -1
		for g, other := range first {
			if len(other) == n && closeTrajectories(other, tr, 1e-9*ext) {
				same = g
				break
			}
		}
		if same >= 0 {
			groups[same].trials = append(groups[same].trials, trial)
			continue
		}
		groups = append(groups, trialGroup{t: t, row: i, n: n, trials: []float64{trial}})
		first = append(first, tr)
	}
	return groups
}

func closeTrajectories(a, b [][3]float64, tol float64) bool {
	for k := range a {
		for j := range a[k] {
			if math.Abs(a[k][j]-b[k][j]) > tol {
				return false
			}
		}
	}
	return true
}

// tableRow is a row of a table.
type tableRow struct {
	t   *Table
	row int
}

// trialsLabel names trials: "trial 0", "trials 0, 2".
func trialsLabel(trials []float64) string {
	parts := make([]string, len(trials))
	for i, x := range trials {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	if len(parts) == 1 {
		return "trial " + parts[0]
	}
	return "trials " + strings.Join(parts, ", ")
}

func appendNew(v []string, s string) []string {
	for _, x := range v {
		if x == s {
			return v
		}
	}
	return append(v, s)
}

func containsXY(v plotter.XYs, p plotter.XY, tol float64) bool {
	for _, q := range v {
		if math.Abs(q.X-p.X) <= tol && math.Abs(q.Y-p.Y) <= tol {
			return true
		}
	}
	return false
}

// FigCompare draws each recording of the compare tables among the model
// runs put through the same pipeline (subsampled to its neuron count), on
// the axes of the regime score: ρ·√n and D_fit/D_var.
func FigCompare(s *Set, o Options) *Figure {
	tabs := s.Kind("compare")
	if len(tabs) == 0 {
		return nil
	}
	f, r := newFigure("compare", "Recordings among the model runs (oblique compare)",
		"Each recording (black star) beside the bundled networks put through the same experimental pipeline, subsampled to its "+
			"neuron count (METHODS.md §4): ρ·√n against D_fit/D_var (log–log), one dot per network (colour: regime). "+
			"The title gives the regime score, 0 aligned … 1 oblique, with its 95 % bootstrap interval.", 0, 0)
	var panels []*plot.Plot
	for _, t := range tabs {
		var recs []string
		for i := 0; i < t.Rows; i++ {
			if t.Str("kind", i) == "recording" && t.Str("error", i) == "" {
				recs = append(recs, t.Str("recording", i))
			}
		}
		for _, rec := range recs {
			p := newPlot(rec, "ρ·√n", "D_fit / D_var")
			p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
			p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
			p.Add(newGrid())
			xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
			for i := 0; i < t.Rows; i++ {
				if t.Str("recording", i) != rec || t.Str("error", i) != "" {
					continue
				}
				kind := t.Str("kind", i)
				subject := rec
				if kind == "model" {
					subject = t.Str("run", i) + " (as " + rec + ")"
				}
				x, ok1 := r.num(t, "ρ·√n", subject, "", "rho_sqrt_n", i)
				y, ok2 := r.num(t, "D_fit/D_var", subject, "", "fit_ratio", i)
				if !ok1 || !ok2 || x <= 0 || y <= 0 {
					continue
				}
				xlo, xhi, ylo, yhi = min(xlo, x), max(xhi, x), min(ylo, y), max(yhi, y)
				sc, _ := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
				if kind == "recording" {
					sc.GlyphStyle = glyph(black, starGlyph{}, vg.Points(6))
					if v, ok := r.num(t, "regime score", rec, "", "score", i); ok {
						p.Title.Text += fmt.Sprintf(": score %.2f", v)
						lo, ok1 := r.num(t, "regime score, 2.5 % bound", rec, "", "score_lo", i)
						hi, ok2 := r.num(t, "regime score, 97.5 % bound", rec, "", "score_hi", i)
						if ok1 && ok2 {
							p.Title.Text += fmt.Sprintf(" [%.2f, %.2f]", lo, hi)
						}
					}
				} else {
					sc.GlyphStyle = glyph(transparent(rgba(regimeColour(t.Str("regime", i))), 200), draw.CircleGlyph{}, vg.Points(2.6))
				}
				p.Add(sc)
			}
			if math.IsInf(xlo, 1) {
				continue
			}
			// Each axis from a tick below its data to one above.
			p.X.Min, p.X.Max = logBounds(xlo, xhi, 1.15)
			p.Y.Min, p.Y.Max = logBounds(ylo, yhi, 1.15)
			panels = append(panels, p)
		}
	}
	if len(panels) == 0 {
		return nil
	}
	f.tile(panels, 10*vg.Centimeter, 8.5*vg.Centimeter)
	f.legend = &legendStrip{}
	f.legend.add("recording", scatterThumb(glyph(black, starGlyph{}, vg.Points(6))))
	for _, reg := range []string{"aligned", "oblique"} {
		f.legend.add(reg+" networks", scatterThumb(glyph(regimeColour(reg), draw.CircleGlyph{}, vg.Points(2.6))))
	}
	return f
}

// starGlyph is a filled five-pointed star.
type starGlyph struct{}

func (starGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var corners []vg.Point
	for k := 0; k < 10; k++ {
		rad := 1.0
		if k%2 == 1 {
			rad = 0.45
		}
		a := math.Pi/2 + float64(k)*math.Pi/5
		corners = append(corners, vg.Point{X: vg.Length(rad * math.Cos(a)), Y: vg.Length(rad * math.Sin(a))})
	}
	polygonGlyph(c, sty, pt, corners)
}
