// Package figures draws the paper's figures from oblique's Arrow tables
// with gonum.org/v1/plot, as SVG and PNG.
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
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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
	// ID names the files (ID.svg, ID.png) and the HTML anchor.
	ID, Title, Caption string
	// Panels are drawn in a grid, row by row; a nil panel leaves its cell
	// empty.
	Panels        [][]*plot.Plot
	Width, Height vg.Length
	Values        []Value
	// Tables are the names of the tables the figure was drawn from.
	Tables []string
	// Notes say what was left out and why.
	Notes []string

	legend *legendStrip
}

// draw lays the panels out on c.
func (f *Figure) draw(c vg.CanvasSizer) {
	dc := draw.New(c)
	if h := f.legend.height(f.Width); h > 0 {
		f.legend.draw(draw.Crop(dc, 0, 0, 0, -(f.Height - h)))
		dc = draw.Crop(dc, 0, 0, h, 0)
	}
	rows := len(f.Panels)
	cols := 0
	for _, r := range f.Panels {
		cols = max(cols, len(r))
	}
	grid := make([][]*plot.Plot, rows)
	for i, r := range f.Panels {
		grid[i] = make([]*plot.Plot, cols)
		copy(grid[i], r)
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// SVG renders the figure as SVG.
func (f *Figure) SVG() ([]byte, error) {
	c := vgsvg.New(f.Width, f.Height)
	return f.render(c, c)
}

// PNGDPI is the resolution of the PNG files.
const PNGDPI = 110

// PNG renders the figure as PNG on a white background.
func (f *Figure) PNG() ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(PNGDPI), vgimg.UseBackgroundColor(color.White))
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
