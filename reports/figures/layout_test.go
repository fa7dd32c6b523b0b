package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// labels returns the values of the labelled ticks.
func labels(ticks []plot.Tick) []float64 {
	var out []float64
	for _, t := range ticks {
		if t.Label != "" {
			out = append(out, t.Value)
		}
	}
	return out
}

// TestLogAxesEndOnLabels checks that a log axis from logBounds ends on
// ticks and has a label within a factor 1.6 of either end, on the ranges
// of the issue (compare's D_fit/D_var up to 1.5, Fig. 3A's ‖x‖ from 14 to
// 48, Fig. 3C's dimensions, Fig. 8's ρ·√n) and a few decades wide.
func TestLogAxesEndOnLabels(t *testing.T) {
	for _, c := range []struct{ lo, hi float64 }{
		{0.19, 1.5}, {0.58, 3.3}, {14, 48}, {3, 6}, {1, 7}, {0.9, 3.6}, {0.02, 0.6}, {0.04, 1.02}, {1e-3, 30}, {2, 2.5},
	} {
		lo, hi := logBounds(c.lo, c.hi, 1.15)
		if lo > c.lo/1.15 || hi < c.hi*1.15 {
			t.Errorf("[%g, %g]: bounds [%g, %g] do not hold the padded range", c.lo, c.hi, lo, hi)
		}
		ticks := niceTicks{}.Ticks(lo, hi)
		if len(ticks) == 0 || math.Abs(ticks[0].Value/lo-1) > 1e-9 || math.Abs(ticks[len(ticks)-1].Value/hi-1) > 1e-9 {
			t.Errorf("[%g, %g]: axis [%g, %g] does not end on ticks %v", c.lo, c.hi, lo, hi, ticks)
			continue
		}
		l := labels(ticks)
		if len(l) < 2 || l[0] > 1.6*lo || l[len(l)-1]*1.6 < hi {
			t.Errorf("[%g, %g]: axis [%g, %g] labelled at %v, not near both ends", c.lo, c.hi, lo, hi, l)
		}
	}
	// Fig. 3A's ‖x‖ (about 14 to 48): 10, 20, 30, 40, 50 all labelled,
	// not 20 and 30 alone.
	lo, hi := logBounds(14, 48, 1.1)
	if got := fmt.Sprint(labels(niceTicks{}.Ticks(lo, hi))); got != "[10 20 30 40 50 60]" && got != "[10 20 30 40 50]" {
		t.Errorf("‖x‖ axis [%g, %g] labelled %s", lo, hi, got)
	}
}

// TestLegendGrid checks the legend's layout: every item on the grid, no
// line wider than the figure unless the items are a single column, and
// never one item alone on the last of several lines of several columns.
func TestLegendGrid(t *testing.T) {
	line, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	for n := 1; n <= 9; n++ {
		for _, w := range []vg.Length{6 * vg.Centimeter, 9 * vg.Centimeter, 12 * vg.Centimeter, 17 * vg.Centimeter} {
			l := &legendStrip{}
			for i := 0; i < n; i++ {
				l.add(strings.Repeat("label ", 1+i%3), line)
			}
			rows, cols := l.layout(w)
			c := len(cols)
			if rows*c < n || (rows-1)*c >= n {
				t.Errorf("%d items at %v: %d lines of %d columns", n, w, rows, c)
			}
			if c > 1 && sum(cols) > w {
				t.Errorf("%d items at %v: %d columns %v wide", n, w, c, sum(cols))
			}
			if last := n - (rows-1)*c; rows > 1 && c > 1 && last == 1 {
				t.Errorf("%d items at %v: one alone on the last of %d lines", n, w, rows)
			}
		}
	}
}

// textCanvas records where text is drawn.
type textCanvas struct {
	*vgimg.Canvas
	at map[string][]vg.Point
}

func (c textCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.at[s] = append(c.at[s], pt)
	c.Canvas.FillString(f, pt, s)
}

// TestTitlesOneHeight checks that the titles of the panels of a row are
// drawn at one height, in every figure of the fixtures (Fig. 6 put
// "residual variance" above "noise ratio per task").
func TestTitlesOneHeight(t *testing.T) {
	for _, f := range build(t, writeFixtures(t, t.TempDir())) {
		c := textCanvas{vgimg.New(f.Size()), map[string][]vg.Point{}}
		f.draw(c)
		for i, row := range f.Panels {
			var ys []vg.Length
			for _, p := range row {
				title := f.texts[p].title
				if title == "" {
					continue
				}
				pts := c.at[title]
				if len(pts) == 0 {
					t.Errorf("%s: title %q not drawn", f.ID, title)
					continue
				}
				ys = append(ys, pts[0].Y)
			}
			for _, y := range ys {
				if math.Abs(float64(y-ys[0])) > 1e-6 {
					t.Errorf("%s row %d: titles at heights %v", f.ID, i, ys)
					break
				}
			}
		}
	}
}

// TestFig5OneLossScale checks that the loss panels of Fig. 5 share their
// range, from 0 to a tick above the highest loss drawn, and that the task
// strip spans the width.
func TestFig5OneLossScale(t *testing.T) {
	var f *Figure
	for _, g := range build(t, writeFixtures(t, t.TempDir())) {
		if g.ID == "fig5" {
			f = g
		}
	}
	if f == nil || len(f.Panels) != 2 || len(f.Panels[0]) != 1 || len(f.Panels[1]) != 2 || !f.rowsSpan {
		t.Fatalf("fig5: panels %v", f)
	}
	hi := 0.0
	for _, v := range f.Values {
		if strings.HasPrefix(v.Quantity, "loss after perturbation") {
			hi = max(hi, v.Value)
		}
	}
	a, b := f.Panels[1][0], f.Panels[1][1]
	if a.Y.Min != 0 || b.Y.Min != 0 || a.Y.Max != b.Y.Max || a.Y.Max < hi {
		t.Errorf("loss axes [%g, %g] and [%g, %g], highest loss %g", a.Y.Min, a.Y.Max, b.Y.Min, b.Y.Max, hi)
	}
	top := linearTicks{}.Ticks(0, a.Y.Max)
	if last := top[len(top)-1]; last.Label == "" || last.Value != a.Y.Max {
		t.Errorf("loss axis ends at %g, not on a labelled tick (%v)", a.Y.Max, top)
	}
}

// TestFig2BDistinctTrials checks that Fig. 2B draws trials with the same
// trajectory once, names them together in the legend and notes it: the
// fixture's trials 0 and 2, 1 and 3 coincide.
func TestFig2BDistinctTrials(t *testing.T) {
	s := writeFixtures(t, t.TempDir())
	f := Fig2B(s, Options{})
	if f == nil {
		t.Fatal("no fig2b")
	}
	var legend []string
	for _, it := range f.legend.items {
		legend = append(legend, it.label)
	}
	if got := strings.Join(legend, "; "); !strings.HasPrefix(got, "trials 0, 2; trials 1, 3; start;") {
		t.Errorf("legend %q", got)
	}
	trials := map[string]bool{}
	for _, v := range f.Values {
		if v.Column == "pc1" {
			trials[strings.Split(v.At, ",")[0]] = true
		}
	}
	if len(trials) != 2 || !trials["trial 0"] || !trials["trial 1"] {
		t.Errorf("coordinates recorded for %v, want trials 0 and 1", trials)
	}
	if notes := strings.Join(f.Notes, "\n"); !strings.Contains(notes, "trials 0 and 2 coincide") || !strings.Contains(notes, "trials 1 and 3 coincide") {
		t.Errorf("notes %q", notes)
	}
	if len(f.equal) != 2 {
		t.Errorf("%d panels with equal scales, want 2", len(f.equal))
	}
	// Made outside Build, the figure still has room for its legend.
	if _, h := f.Size(); h < f.Height+f.legend.height(f.Width) || f.legend.height(f.Width) < lineHeight {
		t.Errorf("size %v high for panels %v high and a legend", h, f.Height)
	}
}

// TestEqualScale checks that equalScale widens one range of a panel so
// that a unit has the same length on both axes of its data area, and
// keeps the ranges it was given.
func TestEqualScale(t *testing.T) {
	for _, r := range [][4]float64{{-1, 1, -0.2, 0.3}, {0, 1, 0, 5}, {-3, 3, -3, 3}} {
		p := newPlot("title", "", "")
		p.HideAxes()
		p.X.Padding, p.Y.Padding = 0, 0
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = r[0], r[1], r[2], r[3]
		f := &Figure{equal: []*plot.Plot{p}}
		cv := draw.New(vgimg.New(8*vg.Centimeter, 5*vg.Centimeter))
		for range 2 { // drawn twice (SVG, then PNG): the same ranges
			f.equalScale(p, cv)
		}
		dc := p.DataCanvas(cv)
		ux := float64(dc.Max.X-dc.Min.X) / (p.X.Max - p.X.Min)
		uy := float64(dc.Max.Y-dc.Min.Y) / (p.Y.Max - p.Y.Min)
		if math.Abs(ux/uy-1) > 1e-9 {
			t.Errorf("ranges %v: %g and %g points per unit", r, ux, uy)
		}
		if p.X.Min > r[0] || p.X.Max < r[1] || p.Y.Min > r[2] || p.Y.Max < r[3] {
			t.Errorf("ranges %v narrowed to [%g, %g] × [%g, %g]", r, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
		}
	}
}

// TestPDF checks the PDF of every figure: a PDF document, its text drawn
// as outlines (no font in it), and colours with alpha given to PDF
// straight, not premultiplied.
func TestPDF(t *testing.T) {
	for _, f := range build(t, writeFixtures(t, t.TempDir())) {
		b, err := f.PDF()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 5000 {
			t.Errorf("%s: PDF of %d bytes starting %q", f.ID, len(b), b[:min(len(b), 8)])
		}
		if bytes.Contains(b, []byte("/FontFile")) || bytes.Contains(b, []byte("/BaseFont")) {
			t.Errorf("%s: the PDF has a font; its text should be outlines", f.ID)
		}
	}
	face := plot.DefaultTextHandler.Cache().Lookup(font.From(sans, 9), 9)
	p := textPath(face, vg.Point{}, "ρ·√n ‖W‖")
	var xmax vg.Length
	for _, c := range p {
		xmax = max(xmax, c.Pos.X)
	}
	if len(p) < 20 || xmax > face.Width("ρ·√n ‖W‖") || xmax < 0.9*face.Width("ρ·√n ‖W‖") {
		t.Errorf("outlines of ρ·√n ‖W‖: %d path parts up to x = %v, text %v wide", len(p), xmax, face.Width("ρ·√n ‖W‖"))
	}
	half := transparent(lightGrey, 128)
	if r, g, b, a := straightAlpha(color.NRGBA64Model.Convert(half).(color.NRGBA64)).RGBA(); r>>8 < 185 || g>>8 < 185 || b>>8 < 185 || a>>8 != 128 {
		t.Errorf("straight alpha of %v: %d %d %d %d", half, r>>8, g>>8, b>>8, a>>8)
	}
}
