package figures

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Fig8 draws, for every recording of the analyze tables with a neuron
// scaling analysis, ρ·√n against the number of neurons n (log–log): the
// mean over random subsets with its 2.5–97.5 % band, and the guides n⁰
// (ρ ~ 1/√n, random-like, oblique), n^¼ and n^½ (ρ independent of n,
// aligned) through the smallest subset's mean.
func Fig8(s *Set, o Options) *Figure {
	type rec struct {
		t   *Table
		row int
	}
	var recs []rec
	for _, t := range s.Kind("analyze") {
		for i := 0; i < t.Rows; i++ {
			if t.Len("scaling_n", i) > 1 && t.Len("rho_sqrt_n_mean", i) == t.Len("scaling_n", i) {
				recs = append(recs, rec{t, i})
			}
		}
	}
	if len(recs) == 0 {
		return nil
	}
	f, r := newFigure("fig8", "Fig. 8: scaling of ρ·√n with the number of neurons",
		"ρ·√n against the size n of random neuron subsets (log–log): the mean over draws (line) and its 2.5–97.5 % "+
			"percentile band. Guides through the smallest subset: slope 0 (ρ ~ 1/√n, random-like, oblique), ¼, and ½ "+
			"(ρ independent of n, aligned). The fitted slope and its 95 % bootstrap interval are in each panel's title. "+
			"Hollow markers: a recording whose numbers are not meaningful (R² below 0.1).",
		0, 0)
	var panels []*plot.Plot
	var cav caveats
	for _, rc := range recs {
		t, i := rc.t, rc.row
		name := t.Str("recording", i)
		m := t.Len("scaling_n", i)
		mean := make(plotter.XYs, 0, m)
		var lo, hi plotter.XYs
		for j := 0; j < m; j++ {
			at := ""
			nv, ok := r.num(t, "subset size n", name, fmt.Sprintf("size %d", j+1), "scaling_n", i, j)
			if !ok {
				continue
			}
			at = fmt.Sprintf("n = %g", nv)
			mv, ok1 := r.num(t, "ρ·√n, mean over draws", name, at, "rho_sqrt_n_mean", i, j)
			lv, ok2 := r.num(t, "ρ·√n, 2.5 % percentile", name, at, "rho_sqrt_n_lo", i, j)
			hv, ok3 := r.num(t, "ρ·√n, 97.5 % percentile", name, at, "rho_sqrt_n_hi", i, j)
			// Log axes: positive values only.
			if ok1 && nv > 0 && mv > 0 {
				mean = append(mean, plotter.XY{X: nv, Y: mv})
			}
			if ok2 && ok3 && nv > 0 && lv > 0 && hv > 0 {
				lo = append(lo, plotter.XY{X: nv, Y: lv})
				hi = append(hi, plotter.XY{X: nv, Y: hv})
			}
		}
		if len(mean) < 2 {
			r.note("%s: not drawn, ρ·√n is positive at fewer than two subset sizes", name)
			continue
		}
		title := name
		if sl, ok := r.num(t, "scaling slope", name, "", "slope", i); ok {
			title += fmt.Sprintf(": slope %.2f", sl)
			l, ok1 := r.num(t, "scaling slope, 2.5 % bootstrap bound", name, "", "slope_lo", i)
			h, ok2 := r.num(t, "scaling slope, 97.5 % bootstrap bound", name, "", "slope_hi", i)
			if ok1 && ok2 {
				title += fmt.Sprintf(" [%.2f, %.2f]", l, h)
			}
		}
		p := newPlot(title, "neurons in subset, n", "ρ·√n")
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
		p.Add(newGrid())
		if len(lo) > 1 {
			poly := append(append(plotter.XYs(nil), lo...), reverseXY(hi)...)
			pg, err := plotter.NewPolygon(poly)
			if err == nil {
				pg.Color = transparent(lightGrey, 140)
				pg.LineStyle.Width = 0
				p.Add(pg)
			}
		}
		ln, sc, _ := plotter.NewLinePoints(mean)
		ln.LineStyle = lineStyle(black, vg.Points(1.2))
		sc.GlyphStyle = meanGlyph(false)
		if c := Caveat(t, i); c != "" {
			sc.GlyphStyle = meanGlyph(true)
			cav.add(c)
			r.note("%s: drawn with hollow markers: its ρ·√n and slope are not meaningful (%s)", name, c)
		}
		p.Add(ln, sc)
		x0, y0, x1 := mean[0].X, mean[0].Y, mean[len(mean)-1].X
		ylo, yhi := y0, y0
		for _, g := range []struct {
			p   float64
			exp string
		}{{0, "0"}, {0.25, "¼"}, {0.5, "½"}} {
			l, lab := guide(x0, y0, x1, g.p, g.exp, grey)
			p.Add(l, lab)
			yhi = max(yhi, y0*math.Pow(x1/x0, g.p))
		}
		for _, v := range append(append(append(plotter.XYs(nil), mean...), lo...), hi...) {
			ylo, yhi = min(ylo, v.Y), max(yhi, v.Y)
		}
		// Room above the highest guide's label (half a line of text: a
		// factor 1.1 on an axis of a decade or less, before rounding
		// out to a tick), and right of the guides for their labels.
		p.Y.Min, p.Y.Max = logBounds(ylo, yhi, 1.1)
		p.X.Min, p.X.Max = x0/1.1, x1*1.45
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil
	}
	f.tile(panels, 9*vg.Centimeter, 8*vg.Centimeter)
	f.legend = &legendStrip{}
	band, _ := plotter.NewPolygon(plotter.XYs{{}, {X: 1}, {X: 1, Y: 1}})
	band.Color = transparent(lightGrey, 140)
	band.LineStyle.Width = 0
	mean, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	mean.LineStyle = lineStyle(black, vg.Points(1.2))
	// The guides are labelled where they end (n⁰, n^¼, n^½).
	f.legend.add("mean over draws", mean)
	f.legend.add("2.5–97.5 % of draws", band)
	if len(cav.reasons) > 0 {
		ln, sc, _ := plotter.NewLinePoints(plotter.XYs{{}, {X: 1}})
		ln.LineStyle = mean.LineStyle
		sc.GlyphStyle = meanGlyph(true)
		f.legend.add(cav.label("mean"), ln, sc)
	}
	return f
}

// meanGlyph is the marker of Fig. 8's means: hollow for a recording whose
// numbers are not meaningful.
func meanGlyph(hollow bool) draw.GlyphStyle {
	if hollow {
		return glyph(black, draw.RingGlyph{}, vg.Points(2.5))
	}
	return glyph(black, draw.CircleGlyph{}, vg.Points(2))
}

func reverseXY(v plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(v))
	for i, p := range v {
		out[len(v)-1-i] = p
	}
	return out
}
