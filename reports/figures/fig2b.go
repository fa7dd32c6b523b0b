package figures

import (
	"fmt"
	"math"

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
	type rowRef struct {
		t   *Table
		row int
	}
	byRun := map[string][]rowRef{}
	var names []string
	meta := map[string][2]string{}
	for _, t := range trajs {
		for i := 0; i < t.Rows; i++ {
			n := t.Str("run", i)
			if _, ok := byRun[n]; !ok {
				names = append(names, n)
				meta[n] = [2]string{t.Str("task", i), t.Str("regime", i)}
			}
			byRun[n] = append(byRun[n], rowRef{t, i})
		}
	}
	chosen := o.chosen(names, func(n string) string { return meta[n][0] }, func(n string) string { return meta[n][1] })
	f, r := newFigure("fig2b", "Fig. 2B: trajectories along the leading PCs and the output direction",
		"States of the first evaluation trials (one colour per trial, a dot at the start) projected on the first two principal "+
			"components and on the part of the first output vector orthogonal to them (w_out orth.), all three axes on the same scale "+
			"(the axis lines have equal length). Aligned dynamics extend along w_out orth.; oblique dynamics are flat in it. "+
			"The black arrow is the direction of the first output vector.", 0, 0)
	var panels []*plot.Plot
	for _, name := range chosen {
		rows := byRun[name]
		if len(rows) == 0 {
			r.note("run %s is not in the trajectories table", name)
			continue
		}
		p := newPlot(fmt.Sprintf("%s (%s)", name, meta[name][1]), "", "")
		p.HideAxes()
		var ext float64
		var trajectories [][][3]float64
		for _, rr := range rows {
			t, i := rr.t, rr.row
			trial, _ := t.Num("trial", i)
			n := min(t.Len("pc1", i), t.Len("pc2", i), t.Len("out_perp", i))
			var tr [][3]float64
			for k := 0; k < n; k++ {
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
		}
		if ext == 0 {
			continue
		}
		axisLen := 0.8 * ext
		for j, lab := range []string{"PC1", "PC2", "w_out orth."} {
			var end [3]float64
			end[j] = axisLen
			l, _ := plotter.NewLine(plotter.XYs{project([3]float64{}), project(end)})
			l.LineStyle = lineStyle(grey, vg.Points(0.8))
			tl, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{project(end)}, Labels: []string{" " + lab}})
			for i := range tl.TextStyle {
				tl.TextStyle[i].Font = labelFont(9)
				tl.TextStyle[i].Color = grey
				if j == 2 { // above the axis' end, clear of the output vector's label
					tl.TextStyle[i].XAlign = draw.XCenter
					tl.TextStyle[i].YAlign = draw.YBottom
				}
			}
			p.Add(l, tl)
		}
		// The first output vector's direction, from its coordinates.
		t0, i0 := rows[0].t, rows[0].row
		var w [3]float64
		ok := true
		for j := 0; j < 3; j++ {
			v, okj := r.num(t0, "first output vector, coordinate", name, []string{"PC1", "PC2", "w_out orth."}[j], "w_out", i0, 0, j)
			w[j], ok = v, ok && okj
		}
		if norm := math.Sqrt(w[0]*w[0] + w[1]*w[1] + w[2]*w[2]); ok && norm > 0 {
			for j := range w {
				w[j] *= axisLen / norm
			}
			l, _ := plotter.NewLine(plotter.XYs{project([3]float64{}), project(w)})
			l.LineStyle = lineStyle(black, vg.Points(1.6))
			head, _ := plotter.NewScatter(plotter.XYs{project(w)})
			head.GlyphStyle = glyph(black, draw.PyramidGlyph{}, vg.Points(3))
			p.Add(l, head)
		}
		var xlo, xhi, ylo, yhi = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for k, tr := range trajectories {
			pts := make(plotter.XYs, len(tr))
			for j, x := range tr {
				pts[j] = project(x)
				xlo, xhi, ylo, yhi = min(xlo, pts[j].X), max(xhi, pts[j].X), min(ylo, pts[j].Y), max(yhi, pts[j].Y)
			}
			if len(pts) < 2 {
				continue
			}
			c := series[(k+1)%len(series)]
			l, _ := plotter.NewLine(pts)
			l.LineStyle = lineStyle(transparent(c, 220), vg.Points(1))
			start, _ := plotter.NewScatter(pts[:1])
			start.GlyphStyle = glyph(c, draw.CircleGlyph{}, vg.Points(2.5))
			p.Add(l, start)
		}
		// Equal scales: the same range on both page axes (square panels).
		for _, e := range [][3]float64{{axisLen}, {0, axisLen}, {0, 0, axisLen}} {
			q := project(e)
			xlo, xhi, ylo, yhi = min(xlo, q.X), max(xhi, q.X+0.15*ext), min(ylo, q.Y), max(yhi, q.Y)
		}
		cx, cy := (xlo+xhi)/2, (ylo+yhi)/2
		half := 0.55 * max(xhi-xlo, yhi-ylo)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = cx-half, cx+half, cy-half, cy+half
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil
	}
	// Square data areas: the title takes about 6 mm of each tile.
	f.tile(panels, 8.5*vg.Centimeter, 8.5*vg.Centimeter+6*vg.Millimeter, 0)
	f.legend = &legendStrip{}
	arrow, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	arrow.LineStyle = lineStyle(black, vg.Points(1.6))
	axis, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	axis.LineStyle = lineStyle(grey, vg.Points(0.8))
	f.legend.add("direction of the first output vector w_out", arrow)
	f.legend.add("axes PC1, PC2, w_out orth. (equal length)", axis)
	f.Height += f.legend.height(f.Width)
	return f
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
			p.Add(plotter.NewGrid())
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
			p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xlo/1.3, xhi*1.3, ylo/1.3, yhi*1.3
			panels = append(panels, p)
		}
	}
	if len(panels) == 0 {
		return nil
	}
	f.tile(panels, 9*vg.Centimeter, 8*vg.Centimeter, 10*vg.Millimeter)
	f.legend = regimeLegend(false)
	f.legend.items = append([]legendItem{{"recording", []plot.Thumbnailer{scatterThumb(glyph(black, starGlyph{}, vg.Points(6)))}}}, f.legend.items...)
	for i := range f.legend.items[1:] {
		f.legend.items[i+1].label = "networks, " + f.legend.items[i+1].label
	}
	return f
}

// starGlyph is a filled five-pointed star.
type starGlyph struct{}

func (starGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	for k := 0; k < 10; k++ {
		rad := sty.Radius
		if k%2 == 1 {
			rad *= 0.45
		}
		a := math.Pi/2 + float64(k)*math.Pi/5
		q := vg.Point{X: pt.X + rad*vg.Length(math.Cos(a)), Y: pt.Y + rad*vg.Length(math.Sin(a))}
		if k == 0 {
			p.Move(q)
		} else {
			p.Line(q)
		}
	}
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
}
