// Package figures draws the paper's figures from oblique's Arrow tables
// with gonum.org/v1/plot, as SVG, PNG and PDF.
//
// Every figure reads its numbers only through Table (an Arrow file read
// whole), and records each number it draws as a Value that names the
// table, column, row and list index it came from, with the seed and
// settings that produced it. The HTML report lists these values, and its
// tests check them against the files. A figure whose tables are missing is
// not made: Build returns the figures that the given tables allow.
package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Ref is where a number comes from: a table, a column, a row and, inside
// list columns, the list indices.
type Ref struct {
	Table  string
	Column string
	Row    int
	Index  []int
}

// String prints the reference as table:column[row][i][j].
func (r Ref) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%s[%d]", r.Table, r.Column, r.Row)
	for _, i := range r.Index {
		fmt.Fprintf(&b, "[%d]", i)
	}
	return b.String()
}

// Value is one number drawn in a figure.
type Value struct {
	// Figure is the figure's ID; Quantity what the number is (ρ, D_fit, …);
	// Subject the recording, run or data set it belongs to; At its
	// position on a curve (k = 3, n = 17), empty for a single number.
	Figure, Quantity, Subject, At string
	Value                         float64
	Ref
	// Seed and Settings are those of the table (or row) that holds it.
	Seed, Settings string
}

// Figure is one figure of the report: a grid of panels and the values
// drawn in them.
type Figure struct {
	// ID names the files (ID.svg, ID.png, ID.pdf) and the HTML anchor.
	ID, Title, Caption string
	// Panels are drawn in a grid, row by row; a nil panel leaves its cell
	// empty.
	Panels [][]*plot.Plot
	// Width and Height are the panels'; Size adds the legend below them.
	Width, Height vg.Length
	Values        []Value
	// Tables are the names of the tables the figure was drawn from.
	Tables []string
	// Notes say what was left out and why.
	Notes []string

	legend *legendStrip
	// rowsSpan lays each row of panels out across the whole width, on its
	// own (a row of one panel above a row of two), instead of on a grid
	// whose columns line up.
	rowsSpan bool
	// equal are the panels drawn with the same scale on both axes: their
	// ranges are widened to the shape of the data area.
	equal []*plot.Plot
	// texts are the panels' titles and axis labels, which the figure
	// draws: the titles at one height per row (gonum/plot puts each at
	// the top of its panel's canvas, which plot.Align moves with the room
	// the panel's tick labels need), the axis labels centred on the data
	// (gonum/plot counts an axis label on a log axis as centred on the
	// arithmetic mean of the axis' ends, which pads the data area away
	// from the label's far side).
	texts  map[*plot.Plot]panelTexts
	ranges map[*plot.Plot][4]float64
	// equalData lays a figure of one row of panels out with equally wide
	// data areas (Fig. 7B: the first panel's row labels take their own
	// room).
	equalData bool
}

// draw lays the panels out on c.
func (f *Figure) draw(c vg.CanvasSizer) {
	f.takeTexts()
	dc := draw.New(c)
	if h := f.legend.height(f.Width); h > 0 {
		f.legend.draw(draw.Crop(dc, 0, 0, 0, -(dc.Max.Y - dc.Min.Y - h)))
		dc = draw.Crop(dc, 0, 0, h, 0)
	}
	grid, canvases := f.layout(dc)
	if f.wrapTitles(dc, grid, canvases) {
		// Titles of more lines: more room above the data.
		grid, canvases = f.layout(dc)
	}
	for i := range grid {
		// The titles of a row: at the top of its highest canvas (the one
		// that needs the most room above its data).
		var top vg.Length
		for j, p := range grid[i] {
			if p != nil && f.texts[p].title != "" {
				top = max(top, canvases[i][j].Max.Y)
			}
		}
		for j, p := range grid[i] {
			if p == nil {
				continue
			}
			cv, t := f.withoutTitle(p, canvases[i][j]), f.texts[p]
			saved := p.Title.Text
			p.Title.Text = ""
			f.equalScale(p, cv)
			p.Draw(cv)
			p.Title.Text = saved
			t.draw(p, cv, top)
		}
	}
}

// withoutTitle is p's canvas cv less its title's room, kept by its
// placeholder in plot.Align.
func (f *Figure) withoutTitle(p *plot.Plot, cv draw.Canvas) draw.Canvas {
	if f.texts[p].title == "" {
		return cv
	}
	return draw.Crop(cv, 0, 0, 0, -(p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding))
}

// layout returns the panels on their grid and the canvas of each.
func (f *Figure) layout(dc draw.Canvas) ([][]*plot.Plot, [][]draw.Canvas) {
	rows := len(f.Panels)
	cols := 0
	for _, r := range f.Panels {
		cols = max(cols, len(r))
	}
	tiles := func(rows, cols int) draw.Tiles {
		return draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
			PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3}
	}
	var grid [][]*plot.Plot
	var canvases [][]draw.Canvas
	if f.rowsSpan && rows > 1 {
		// Each row on its own band of the height, across the width.
		h := (dc.Max.Y - dc.Min.Y) / vg.Length(rows)
		for i, r := range f.Panels {
			band := draw.Crop(dc, 0, 0, vg.Length(rows-1-i)*h, -vg.Length(i)*h)
			grid = append(grid, r)
			canvases = append(canvases, plot.Align([][]*plot.Plot{r}, tiles(1, len(r)), band)[0])
		}
		return grid, canvases
	}
	grid = make([][]*plot.Plot, rows)
	for i, r := range f.Panels {
		grid[i] = make([]*plot.Plot, cols)
		copy(grid[i], r)
	}
	canvases = plot.Align(grid, tiles(rows, cols), dc)
	if f.equalData && rows == 1 {
		f.equalDataWidths(grid[0], canvases[0], tiles(1, cols), dc)
	}
	return grid, canvases
}

// equalDataWidths sets the horizontal extents of the canvases of a row of
// panels so that their data areas are equally wide: the room each panel
// needs beside its data (the tick labels of its y axis) comes out of its
// own share of the width, not out of its data area (Fig. 7B's row labels
// left the first panel a sliver).
func (f *Figure) equalDataWidths(row []*plot.Plot, cvs []draw.Canvas, t draw.Tiles, dc draw.Canvas) {
	var beside vg.Length
	needs := make([]vg.Length, len(row))
	for j, p := range row {
		if p == nil {
			continue
		}
		cv := f.withoutTitle(p, cvs[j])
		d := p.DataCanvas(cv)
		needs[j] = (cv.Max.X - cv.Min.X) - (d.Max.X - d.Min.X)
		beside += needs[j]
	}
	room := dc.Max.X - dc.Min.X - t.PadLeft - t.PadRight - vg.Length(len(row)-1)*t.PadX
	data := (room - beside) / vg.Length(len(row))
	x := dc.Min.X + t.PadLeft
	for j := range row {
		cvs[j].Min.X, cvs[j].Max.X = x, x+needs[j]+data
		x = cvs[j].Max.X + t.PadX
	}
}

// wrapTitles breaks each panel's title into lines that fit above its
// panel: within half the gap to the neighbouring panels' canvases (so
// off their titles) and inside the figure; panelTexts.draw centres it on
// the data as far as that room allows. It reports whether a title's
// number of lines changed, which changes the layout.
func (f *Figure) wrapTitles(dc draw.Canvas, grid [][]*plot.Plot, canvases [][]draw.Canvas) bool {
	changed := false
	for i := range grid {
		for j, p := range grid[i] {
			t := f.texts[p]
			if p == nil || t.full == "" {
				continue
			}
			// The title's room: to half way to the neighbours' canvases,
			// or to the figure's edges.
			cv := canvases[i][j]
			lo, hi := dc.Min.X, dc.Max.X
			if j > 0 && grid[i][j-1] != nil {
				lo = (canvases[i][j-1].Max.X + cv.Min.X) / 2
			}
			if j+1 < len(grid[i]) && grid[i][j+1] != nil {
				hi = (cv.Max.X + canvases[i][j+1].Min.X) / 2
			}
			t.lo, t.hi = lo, hi
			t.title = wrapText(t.full, hi-lo, p.Title.TextStyle)
			if n := strings.Count(t.title, "\n"); n != strings.Count(p.Title.Text, "\n") {
				p.Title.Text = strings.Repeat(" \n", n) + " "
				changed = true
			}
			f.texts[p] = t
		}
	}
	return changed
}

// wrapText breaks s into lines no wider than w in style sty: after spaces
// and after the punctuation of file and recording names (: _ - / . + ,),
// and inside a piece still wider than w.
func wrapText(s string, w vg.Length, sty text.Style) string {
	if strings.Contains(s, "\n") {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = wrapText(l, w, sty)
		}
		return strings.Join(lines, "\n")
	}
	var pieces []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(" :_-/.+,", r) {
			pieces = append(pieces, s[start:i+utf8.RuneLen(r)])
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(s) {
		pieces = append(pieces, s[start:])
	}
	var lines []string
	line := ""
	fits := func(l string) bool { return sty.Width(strings.TrimRight(l, " ")) <= w }
	for _, p := range pieces {
		if fits(line + p) {
			line += p
			continue
		}
		if line != "" {
			lines = append(lines, strings.TrimRight(line, " "))
			line = ""
		}
		for !fits(p) { // a piece wider than a line: cut it
			n := 1
			for rs := []rune(p); n < len(rs) && fits(string(rs[:n+1])); n++ {
			}
			rs := []rune(p)
			lines = append(lines, string(rs[:n]))
			p = string(rs[n:])
		}
		line = p
	}
	if line = strings.TrimRight(line, " "); line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// panelTexts are a panel's title (as given, and as drawn: broken into
// lines that fit) and axis labels.
type panelTexts struct {
	full, title, x, y string
	// lo and hi bound the title's room (wrapTitles); 0, 0: unbounded.
	lo, hi vg.Length
}

// takeTexts moves the panels' titles and axis labels into f.texts,
// leaving placeholders that keep their room in the layout: blank lines
// for a title, a space (as tall as a label, and narrow) for a label.
func (f *Figure) takeTexts() {
	if f.texts != nil {
		return
	}
	f.texts = map[*plot.Plot]panelTexts{}
	for _, r := range f.Panels {
		for _, p := range r {
			if p == nil {
				continue
			}
			t := panelTexts{full: p.Title.Text, title: p.Title.Text, x: p.X.Label.Text, y: p.Y.Label.Text}
			f.texts[p] = t
			if t.title != "" {
				p.Title.Text = strings.Repeat(" \n", strings.Count(t.title, "\n")) + " "
			}
			if t.x != "" {
				p.X.Label.Text = " "
			}
			if t.y != "" {
				p.Y.Label.Text = " "
			}
		}
	}
}

// draw draws the texts of p, drawn on cv (less its title's room): the
// title centred on the data (or as near as its room allows) with its top
// at top, the axis labels where
// gonum/plot puts them, centred on the data.
func (t panelTexts) draw(p *plot.Plot, cv draw.Canvas, top vg.Length) {
	dataC := p.DataCanvas(cv)
	if t.title != "" {
		sty := p.Title.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		// As gonum/plot places a title: its box's top a descent above
		// the canvas.
		x := (dataC.Min.X + dataC.Max.X) / 2
		if w := sty.Width(t.title); t.hi > t.lo {
			x = max(min(x, t.hi-w/2), t.lo+w/2)
		}
		cv.FillText(sty, vg.Point{X: x, Y: top + sty.FontExtents().Descent}, t.title)
	}
	if t.x != "" {
		sty := p.X.Label.TextStyle
		cv.FillText(sty, vg.Point{X: (dataC.Min.X + dataC.Max.X) / 2, Y: cv.Min.Y + sty.FontExtents().Descent}, t.x)
	}
	if t.y != "" {
		sty := p.Y.Label.TextStyle
		sty.Rotation += math.Pi / 2
		x := cv.Min.X + sty.Height(t.y) - sty.FontExtents().Descent
		cv.FillText(sty, vg.Point{X: x, Y: (dataC.Min.Y + dataC.Max.Y) / 2}, t.y)
	}
}

// equalScale widens the range of one axis of p, when p is drawn with
// equal scales, so that a unit has the same length on both axes of its
// data area on cv.
func (f *Figure) equalScale(p *plot.Plot, cv draw.Canvas) {
	if !slices.Contains(f.equal, p) {
		return
	}
	if f.ranges == nil {
		f.ranges = map[*plot.Plot][4]float64{}
	}
	r, ok := f.ranges[p]
	if !ok {
		r = [4]float64{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}
		f.ranges[p] = r
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = r[0], r[1], r[2], r[3]
	dc := p.DataCanvas(cv)
	w, h := float64(dc.Max.X-dc.Min.X), float64(dc.Max.Y-dc.Min.Y)
	if w <= 0 || h <= 0 {
		return
	}
	xr, yr := r[1]-r[0], r[3]-r[2]
	if yr/xr < h/w {
		mid, half := (r[2]+r[3])/2, xr*h/w/2
		p.Y.Min, p.Y.Max = mid-half, mid+half
	} else {
		mid, half := (r[0]+r[1])/2, yr*w/h/2
		p.X.Min, p.X.Max = mid-half, mid+half
	}
}

// Size is the size of the figure: its panels and the legend strip below
// them.
func (f *Figure) Size() (w, h vg.Length) {
	return f.Width, f.Height + f.legend.height(f.Width)
}

// SVG renders the figure as SVG.
func (f *Figure) SVG() ([]byte, error) {
	c := vgsvg.New(f.Size())
	return f.render(c, c)
}

// PDF renders the figure as PDF, its text as glyph outlines (see
// pdfCanvas).
func (f *Figure) PDF() ([]byte, error) {
	c := pdfCanvas{vgpdf.New(f.Size())}
	return f.render(c, c)
}

// PNGDPI is the resolution of the PNG files.
const PNGDPI = 110

// PNG renders the figure as PNG on a white background.
func (f *Figure) PNG() ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(f.Size()), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(color.White))
	return f.render(c, vgimg.PngCanvas{Canvas: c})
}

// render draws the figure on c and returns what out, c's encoder, writes.
// Errors name the figure.
func (f *Figure) render(c vg.CanvasSizer, out io.WriterTo) ([]byte, error) {
	var b bytes.Buffer
	err := safely(f.ID, func() error {
		f.draw(c)
		_, err := out.WriteTo(&b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// safely runs do, the drawing of figure id, and returns its error, or a
// panic in it as an error: gonum/plot panics on what it cannot draw (a
// value not above 0 on a log axis, a NaN or infinite coordinate, …). Both
// name the figure.
func safely(id string, do func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("figure %s: cannot draw: %v", id, r)
		}
	}()
	if err := do(); err != nil {
		return fmt.Errorf("figure %s: %v", id, err)
	}
	return nil
}

// Fonts: Liberation Sans, the sans-serif face that gonum/plot embeds.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a panel with the report's fonts and sizes.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 11)
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 10)
		a.Tick.Label.Font = font.From(sans, 9)
	}
	p.Legend.TextStyle.Font = font.From(sans, 9)
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	return p
}

// recorder collects the values of one figure.
type recorder struct {
	f      *Figure
	tables map[string]bool
}

func newFigure(id, title, caption string, w, h vg.Length) (*Figure, *recorder) {
	f := &Figure{ID: id, Title: title, Caption: caption, Width: w, Height: h}
	return f, &recorder{f: f, tables: map[string]bool{}}
}

// num reads a number from t and records it; ok is false (and nothing is
// recorded) when the cell is null or not a number.
func (r *recorder) num(t *Table, quantity, subject, at, col string, row int, index ...int) (float64, bool) {
	v, ok := t.Num(col, row, index...)
	if !ok {
		return 0, false
	}
	r.use(t)
	seed := t.Meta["seed"]
	if s, ok := t.Num("seed", row); ok && t.Has("seed") {
		seed = strconv.FormatFloat(s, 'f', -1, 64)
	}
	r.f.Values = append(r.f.Values, Value{
		Figure: r.f.ID, Quantity: quantity, Subject: subject, At: at, Value: v,
		Ref:  Ref{Table: t.Name, Column: col, Row: row, Index: append([]int(nil), index...)},
		Seed: seed, Settings: t.Settings(),
	})
	return v, true
}

// use records that the figure draws from t.
func (r *recorder) use(t *Table) {
	if !r.tables[t.Name] {
		r.tables[t.Name] = true
		r.f.Tables = append(r.f.Tables, t.Name)
	}
}

// note adds a remark to the figure.
func (r *recorder) note(format string, args ...any) {
	r.f.Notes = append(r.f.Notes, fmt.Sprintf(format, args...))
}
