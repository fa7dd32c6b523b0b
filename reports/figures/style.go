package figures

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours: the Okabe–Ito palette (distinguishable with colour-blindness).
var (
	black     = color.RGBA{0, 0, 0, 255}
	grey      = color.RGBA{120, 120, 120, 255}
	lightGrey = color.RGBA{190, 190, 190, 255}
	aligned   = color.RGBA{213, 94, 0, 255}    // vermillion
	oblique   = color.RGBA{0, 114, 178, 255}   // blue
	green     = color.RGBA{0, 158, 115, 255}   // bluish green
	purple    = color.RGBA{204, 121, 167, 255} // reddish purple
	orange    = color.RGBA{230, 159, 0, 255}
	sky       = color.RGBA{86, 180, 233, 255}
	// series colours for several recordings in one panel
	series = []color.RGBA{black, green, purple, orange, sky, aligned, oblique}
)

// regimeColour returns the colour of a regime name.
func regimeColour(regime string) color.Color {
	switch regime {
	case "aligned":
		return aligned
	case "oblique":
		return oblique
	}
	return grey
}

func transparent(c color.RGBA, a uint8) color.RGBA {
	// premultiplied alpha
	f := float64(a) / 255
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), a}
}

// lineStyle returns a solid or dashed line style.
func lineStyle(c color.Color, width vg.Length, dashes ...vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: width, Dashes: dashes}
}

// glyph returns a glyph style.
func glyph(c color.Color, shape draw.GlyphDrawer, radius vg.Length) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Shape: shape, Radius: radius}
}

// niceTicks are the ticks of a log axis at the integers 1…9 times powers
// of ten, labelled so that every part of the axis has a label nearby
// (plot.LogTicks labels only powers of ten, which leaves short ranges
// unlabelled): all of them when there are at most seven in one decade
// (10 to 40, not 0.7 to 4, whose 0.7, 0.8 and 0.9 would crowd), else those at 1,
// 2, 3 and 5 (1, 2 and 5 beyond a decade and a half, 1 beyond three
// decades), and the last tick at either end when no label is within a
// factor of 1.6 of it. logBounds rounds a range out to such ticks, so
// that an axis ends on a labelled tick.
type niceTicks struct{}

func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return plot.LogTicks{}.Ticks(math.Max(min, 1e-300), math.Max(max, 1e-300))
	}
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	var ticks []plot.Tick
	var ms []float64
	for e := lo; e <= hi; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: v})
			ms = append(ms, m)
		}
	}
	label := func(i int) { ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 3, 64) }
	decades := math.Log10(max / min)
	mults := map[float64]bool{1: true, 2: true, 3: true, 5: true}
	switch {
	case decades > 3:
		mults = map[float64]bool{1: true}
	case decades > 1.5:
		mults = map[float64]bool{1: true, 2: true, 5: true}
	}
	// All labelled when few and in one decade (from 10^k to 10^(k+1)),
	// where they are evenly spread enough not to crowd.
	all := len(ticks) <= 7 && max <= 10*math.Pow(10, math.Floor(math.Log10(min)+1e-9))*(1+1e-9)
	first, last := -1, -1
	for i := range ticks {
		if all || mults[ms[i]] {
			label(i)
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if n := len(ticks); n > 0 {
		if first < 0 || ticks[first].Value > 1.6*ticks[0].Value {
			label(0)
		}
		if last < 0 || ticks[last].Value*1.6 < ticks[n-1].Value {
			label(n - 1)
		}
	}
	return ticks
}

// logBounds widens [lo, hi] by the factor pad on each side and rounds it
// out to the ticks of niceTicks (integers 1…9 times powers of ten), or
// further to one at 1, 2, 3 or 5 (labelled on most axes) when that is
// within a factor 1.25, so that a log axis ends on a tick, most often a
// labelled one.
func logBounds(lo, hi, pad float64) (float64, float64) {
	lo, hi = lo/pad, hi*pad
	labelled := []float64{1, 2, 3, 5, 10}
	down := func(v float64) float64 {
		p := math.Pow(10, math.Floor(math.Log10(v)))
		m := v / p * (1 + 1e-9)
		for i := len(labelled) - 1; i >= 0; i-- {
			if l := labelled[i]; l <= m && m/l <= 1.25 {
				return l * p
			}
		}
		return math.Floor(m) * p
	}
	up := func(v float64) float64 {
		p := math.Pow(10, math.Floor(math.Log10(v)))
		m := v / p * (1 - 1e-9)
		for _, l := range labelled {
			if l >= m && l/m <= 1.25 {
				return l * p
			}
		}
		return math.Ceil(m) * p
	}
	return down(lo), up(hi)
}

// legendItem is one entry of a figure's legend strip.
type legendItem struct {
	label  string
	thumbs []plot.Thumbnailer
}

// thumbWidth is the width of the item's sample: narrower for a marker
// alone than for a line.
func (it legendItem) thumbWidth() vg.Length {
	for _, th := range it.thumbs {
		if _, ok := th.(*plotter.Scatter); !ok {
			return lineThumbWidth
		}
	}
	return glyphThumbWidth
}

// legendStrip is a legend drawn under the panels: its items on a grid of
// as few lines as fit the figure's width, spread evenly over them (five
// items on two lines are three and two, not four and one) and never with
// one item alone on the last line of several columns (three items that do
// not fit on a line make one column).
type legendStrip struct {
	items []legendItem
}

func (l *legendStrip) add(label string, thumbs ...plot.Thumbnailer) {
	l.items = append(l.items, legendItem{label, thumbs})
}

var legendText = text.Style{Color: black, Font: font.From(sans, 9), Handler: plot.DefaultTextHandler}

// height returns the height the strip needs at width w.
func (l *legendStrip) height(w vg.Length) vg.Length {
	if l == nil || len(l.items) == 0 {
		return 0
	}
	rows, _ := l.layout(w)
	return vg.Length(rows)*lineHeight + 2*vg.Millimeter
}

const (
	lineHeight      = 5 * vg.Millimeter
	lineThumbWidth  = 7 * vg.Millimeter
	glyphThumbWidth = 4 * vg.Millimeter
	itemGap         = 4 * vg.Millimeter
)

// itemWidth is the width an item takes, its gap to the next included.
func itemWidth(it legendItem) vg.Length {
	return it.thumbWidth() + vg.Millimeter + legendText.Width(it.label) + itemGap
}

// layout returns the number of lines of the strip at width w and the
// width of each column: items fill the grid line by line.
func (l *legendStrip) layout(w vg.Length) (rows int, cols []vg.Length) {
	n := len(l.items)
	for rows = 1; rows < n; rows++ {
		c := (n + rows - 1) / rows // the fewest columns for rows lines
		if (n+c-1)/c != rows || rows > 1 && n-(rows-1)*c == 1 {
			continue // fewer lines suffice, or one item alone on the last
		}
		if cols = l.columns(c); sum(cols) <= w {
			return rows, cols
		}
	}
	return n, l.columns(1)
}

// columns returns the column widths when the items fill c columns.
func (l *legendStrip) columns(c int) []vg.Length {
	cols := make([]vg.Length, c)
	for i, it := range l.items {
		cols[i%c] = max(cols[i%c], itemWidth(it))
	}
	return cols
}

func sum(v []vg.Length) vg.Length {
	var s vg.Length
	for _, x := range v {
		s += x
	}
	return s
}

// draw draws the strip into c, the grid centred.
func (l *legendStrip) draw(c draw.Canvas) {
	w := c.Max.X - c.Min.X
	_, cols := l.layout(w)
	x0 := c.Min.X + (w-sum(cols)+itemGap)/2
	y := c.Max.Y - lineHeight/2 - vg.Millimeter
	x := x0
	for i, it := range l.items {
		col := i % len(cols)
		if col == 0 && i > 0 {
			x, y = x0, y-lineHeight
		}
		tw := it.thumbWidth()
		box := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: y - lineHeight/2 + vg.Millimeter/2},
			Max: vg.Point{X: x + tw, Y: y + lineHeight/2 - vg.Millimeter/2},
		}}
		for _, th := range it.thumbs {
			th.Thumbnail(&box)
		}
		sty := legendText
		sty.YAlign = draw.YCenter
		c.FillText(sty, vg.Point{X: x + tw + vg.Millimeter, Y: y}, it.label)
		x += cols[col]
	}
}

// guide is a straight line y = y0·(x/x0)^p on log–log axes, with the
// label n^exp at its right end (the exponent as a superscript).
func guide(x0, y0, x1, p float64, exp string, c color.Color) (plot.Plotter, plot.Plotter) {
	const n = 20
	pts := make(plotter.XYs, n)
	for i := range pts {
		x := x0 * math.Pow(x1/x0, float64(i)/(n-1))
		pts[i] = plotter.XY{X: x, Y: y0 * math.Pow(x/x0, p)}
	}
	l, _ := plotter.NewLine(pts)
	l.LineStyle = lineStyle(c, vg.Points(0.8), vg.Points(3), vg.Points(2))
	return l, powerLabel{x: pts[n-1].X, y: pts[n-1].Y, base: "n", exp: exp, colour: c, size: vg.Points(9)}
}

// powerLabel draws base^exp right of the data point (x, y), vertically
// centred on it, the exponent smaller and raised: a superscript, which
// plain text cannot write (Liberation Sans has no superscript 0, and none
// of ½ or ¼).
type powerLabel struct {
	x, y      float64
	base, exp string
	colour    color.Color
	size      vg.Length
}

// Plot implements plot.Plotter.
func (l powerLabel) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	sty := text.Style{Color: l.colour, Font: font.From(sans, l.size), Handler: plot.DefaultTextHandler, YAlign: draw.YCenter}
	pt := vg.Point{X: tx(l.x) + l.size/4, Y: ty(l.y)}
	c.FillText(sty, pt, l.base)
	sup := sty
	sup.Font = font.From(sans, l.size*0.85)
	c.FillText(sup, vg.Point{X: pt.X + sty.Width(l.base), Y: pt.Y + l.size*0.4}, l.exp)
}

var transparentColour = color.RGBA{}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

func labelFont(size float64) font.Font { return font.From(sans, vg.Points(size)) }

// linearTicks are about six labelled ticks at 1, 2 or 5 times a power of
// ten (plot.DefaultTicks labels only three or so).
type linearTicks struct{}

func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	step := niceStep(max - min)
	var ticks []plot.Tick
	for v := math.Ceil(min/step-1e-9) * step; v <= max+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 4, 64)})
		minor := v + step/2
		if minor < max {
			ticks = append(ticks, plot.Tick{Value: minor})
		}
	}
	return ticks
}

// niceStep is the step of linearTicks on a range of width span: about a
// sixth of it, rounded up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(span float64) float64 {
	raw := span / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// niceMax is the top of a linear axis from 0 that shows v with a margin of
// 4 %: rounded up to a labelled tick, so that the axis ends on a label.
func niceMax(v float64) float64 {
	if !(v > 0) {
		return 1
	}
	v *= 1.04
	step := niceStep(v)
	return math.Ceil(v/step-1e-9) * step
}

// darker is c with its colour components scaled by f < 1.
func darker(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), c.A}
}

// newGrid is a panel's grid: light lines half a point wide, which look
// alike in every format (gonum/plot's hairlines of 0.25 pt come out light
// on a 110 dpi PNG and dark in a PDF viewer).
func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical = lineStyle(color.Gray{Y: 215}, vg.Points(0.5))
	g.Horizontal = g.Vertical
	return g
}
