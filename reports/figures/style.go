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

// niceTicks are ticks at 1, 2 and 5 times powers of ten for a log axis
// whose range spans less than a few decades (plot.LogTicks labels only
// powers of ten, which leaves short ranges unlabelled).
type niceTicks struct{}

func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return plot.LogTicks{}.Ticks(math.Max(min, 1e-300), math.Max(max, 1e-300))
	}
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	mults := []float64{1, 2, 5}
	switch {
	case hi-lo > 3:
		mults = []float64{1}
	case max/min < 10: // under a decade: 1, 2, 3, 5 labelled
		mults = []float64{1, 2, 3, 5}
	}
	var ticks []plot.Tick
	labelled := 0
	for e := lo; e <= hi; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			major := false
			for _, mm := range mults {
				if m == mm {
					major = true
				}
			}
			if major {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64)})
				labelled++
			} else {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	if labelled < 2 { // a narrow range: label every tick
		for i := range ticks {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 3, 64)
		}
	}
	return ticks
}

// legendItem is one entry of a figure's legend strip.
type legendItem struct {
	label  string
	thumbs []plot.Thumbnailer
}

// legendStrip is a legend drawn in one or more lines under the panels.
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
	return vg.Length(len(l.lines(w)))*lineHeight + 2*vg.Millimeter
}

const (
	lineHeight = 5 * vg.Millimeter
	thumbWidth = 7 * vg.Millimeter
	itemGap    = 5 * vg.Millimeter
)

// lines splits the items into lines that fit in width w.
func (l *legendStrip) lines(w vg.Length) [][]legendItem {
	var out [][]legendItem
	var cur []legendItem
	var x vg.Length
	for _, it := range l.items {
		iw := thumbWidth + vg.Millimeter + legendText.Width(it.label) + itemGap
		if len(cur) > 0 && x+iw > w {
			out = append(out, cur)
			cur, x = nil, 0
		}
		cur = append(cur, it)
		x += iw
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// draw draws the strip into c, each line centred.
func (l *legendStrip) draw(c draw.Canvas) {
	w := c.Max.X - c.Min.X
	y := c.Max.Y - lineHeight/2 - vg.Millimeter
	for _, line := range l.lines(w) {
		var lw vg.Length
		for _, it := range line {
			lw += thumbWidth + vg.Millimeter + legendText.Width(it.label) + itemGap
		}
		x := c.Min.X + (w-lw+itemGap)/2
		for _, it := range line {
			box := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - lineHeight/2 + vg.Millimeter/2},
				Max: vg.Point{X: x + thumbWidth, Y: y + lineHeight/2 - vg.Millimeter/2},
			}}
			for _, th := range it.thumbs {
				th.Thumbnail(&box)
			}
			sty := legendText
			sty.YAlign = draw.YCenter
			c.FillText(sty, vg.Point{X: x + thumbWidth + vg.Millimeter, Y: y}, it.label)
			x += thumbWidth + vg.Millimeter + legendText.Width(it.label) + itemGap
		}
		y -= lineHeight
	}
}

// guide is a straight line y = y0·(x/x0)^p on log–log axes, with a label at
// its right end.
func guide(x0, y0, x1, p float64, label string, c color.Color) (plot.Plotter, plot.Plotter) {
	const n = 20
	pts := make(plotter.XYs, n)
	for i := range pts {
		x := x0 * math.Pow(x1/x0, float64(i)/(n-1))
		pts[i] = plotter.XY{X: x, Y: y0 * math.Pow(x/x0, p)}
	}
	l, _ := plotter.NewLine(pts)
	l.LineStyle = lineStyle(c, vg.Points(0.8), vg.Points(3), vg.Points(2))
	lab, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{pts[n-1]}, Labels: []string{" " + label}})
	for i := range lab.TextStyle {
		lab.TextStyle[i].Font = font.From(sans, 9)
		lab.TextStyle[i].Color = c
		lab.TextStyle[i].YAlign = draw.YCenter
	}
	return l, lab
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
	raw := (max - min) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
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
