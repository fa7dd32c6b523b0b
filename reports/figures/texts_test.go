package figures

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/oblique-neuro/oblique/arrowtable"
)

// textBox is a text drawn on a figure and the box its letters take.
type textBox struct {
	s        string
	min, max vg.Point
}

// boxCanvas records the box of every text drawn without rotation (the
// tick labels, titles, legend and in-panel labels; the rotated ones are
// the y-axis labels, beside everything else).
type boxCanvas struct {
	*vgimg.Canvas
	rot   *[]float64 // rotation per Push level
	boxes *[]textBox
}

func newBoxCanvas(w, h vg.Length) boxCanvas {
	return boxCanvas{vgimg.New(w, h), &[]float64{0}, &[]textBox{}}
}

func (c boxCanvas) Push() { *c.rot = append(*c.rot, (*c.rot)[len(*c.rot)-1]); c.Canvas.Push() }
func (c boxCanvas) Pop()  { *c.rot = (*c.rot)[:len(*c.rot)-1]; c.Canvas.Pop() }
func (c boxCanvas) Rotate(a float64) {
	(*c.rot)[len(*c.rot)-1] += a
	c.Canvas.Rotate(a)
}

// capHeight is Liberation Sans's capital height, 1409/2048 em (its OS/2
// table): the ink of digits and capitals above the baseline; the box
// reaches below it by the font's descent.
const capHeight = 1409.0 / 2048

func (c boxCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if (*c.rot)[len(*c.rot)-1] == 0 && s != "" && s != " " {
		*c.boxes = append(*c.boxes, textBox{s,
			vg.Point{X: pt.X, Y: pt.Y - f.Extents().Descent},
			vg.Point{X: pt.X + f.Width(s), Y: pt.Y + f.Font.Size*capHeight}})
	}
	c.Canvas.FillString(f, pt, s)
}

// textFaults draws f and returns the texts that overlap one another or
// stick out of the figure.
func textFaults(f *Figure) []string {
	w, h := f.Size()
	c := newBoxCanvas(w, h)
	f.draw(c)
	var out []string
	boxes := *c.boxes
	const tol = vg.Length(0.2) // points: abutting boxes are not overlapping
	for i, a := range boxes {
		if a.min.X < -tol || a.min.Y < -tol || a.max.X > w+tol || a.max.Y > h+tol {
			out = append(out, fmt.Sprintf("%q sticks out of the %.0f×%.0f pt figure: x %.1f…%.1f, y %.1f…%.1f", a.s, w, h, a.min.X, a.max.X, a.min.Y, a.max.Y))
		}
		for _, b := range boxes[i+1:] {
			if a.min.X+tol < b.max.X && b.min.X+tol < a.max.X && a.min.Y+tol < b.max.Y && b.min.Y+tol < a.max.Y {
				out = append(out, fmt.Sprintf("%q (x %.1f…%.1f, y %.1f…%.1f) overlaps %q (x %.1f…%.1f, y %.1f…%.1f)",
					a.s, a.min.X, a.max.X, a.min.Y, a.max.Y, b.s, b.min.X, b.max.X, b.min.Y, b.max.Y))
			}
		}
	}
	return out
}

// longNames is an analyze table as the review's (issue 20) made it: the
// DANDI ALM recording, one neuron, named after preset and file, and two
// more recordings of long names with the PC curves and a neuron scaling
// analysis (Figs. 3B and 8).
func longNames(t *testing.T, dir string, withCaveat bool) *Table {
	t.Helper()
	a := &fixture{kind: "analyze"}
	curve := func(n int, tau float64) []float64 {
		out := make([]float64, n)
		for k := range out {
			out[k] = 1 - math.Exp(-float64(k+1)/tau)
		}
		return out
	}
	row := func(name string, neurons int, r2, rho float64) map[string]any {
		m := map[string]any{"recording": name, "error": nil, "neurons": neurons, "r2": r2, "rho": rho,
			"d_var": 1, "d_fit": 1, "fit_ratio": 1.0, "notes": []string{"a note on " + name}}
		if neurons > 1 {
			m["d_var"], m["d_fit"], m["fit_ratio"] = 12, 5, 5.0/12
			m["cum_var"], m["r2_k"] = curve(neurons, 6), curve(neurons, 3)
			m["scaling_n"] = []int{4, 8, 16, 24, neurons}
			m["rho_sqrt_n_mean"] = []float64{0.8, 0.95, 1.1, 1.2, 1.3}
			m["rho_sqrt_n_lo"] = []float64{0.5, 0.7, 0.9, 1.05, 1.2}
			m["rho_sqrt_n_hi"] = []float64{1.1, 1.2, 1.3, 1.35, 1.4}
			m["slope"], m["slope_lo"], m["slope_hi"] = 0.12, 0.05, 0.2
		}
		if withCaveat {
			var c any
			switch {
			case neurons < 2 && r2 < 0.1:
				c = "R² < 0.1; one neuron"
			case r2 < 0.1:
				c = "R² < 0.1"
			}
			m["caveat"] = c
		}
		return m
	}
	a.add(row("dandi-alm-licks:dandicli_sub-anm369963_ses-20170228.nwb", 1, 0.0339, 1))
	a.add(row("dandi-alm-licks:dandicli_sub-anm372795_ses-20170718.nwb", 32, 0.04, 0.2))
	a.add(row("nwb-trials:sub-440959_ses-20190201T101010_behavior+ecephys.nwb", 40, 0.6, 0.35))
	tb := a.table(map[string]string{"tool": "oblique", "seed": "0", "var_threshold": "0.9", "fit_threshold": "0.9"})
	return writeRead(t, tb, filepath.Join(dir, fmt.Sprintf("long-%v.arrow", withCaveat)))
}

// writeRead writes tb to path, releases it and reads the file back.
func writeRead(t *testing.T, tb *arrowtable.Table, path string) *Table {
	t.Helper()
	defer tb.Release()
	if err := tb.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	r, err := ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTextsApart checks issue 20: no text of a figure overlaps another or
// sticks out of the figure (Fig. 7B's ρ tick labels ran together, Fig. 8's
// title was clipped at both sides, Fig. 3B's titles overlapped), on the
// fixtures and on recordings of long names beside the paper's values.
func TestTextsApart(t *testing.T) {
	dir := t.TempDir()
	sets := map[string]*Set{
		"fixtures":   writeFixtures(t, dir),
		"long names": {Tables: []*Table{readPaper(t, dir), longNames(t, dir, true)}},
	}
	for name, s := range sets {
		for _, f := range build(t, s) {
			for _, fault := range textFaults(f) {
				t.Errorf("%s, %s: %s", name, f.ID, fault)
			}
		}
	}
}

// readPaper writes and reads the paper table.
func readPaper(t *testing.T, dir string) *Table {
	t.Helper()
	return writeRead(t, PaperTable(), filepath.Join(dir, "paper-only.arrow"))
}

// TestCaveatHollow checks issue 7 in Figs. 7B and 8: recordings whose
// numbers are not meaningful get the hollow marker's legend entry naming
// why, and a note each; from the caveat column, and from r2 and neurons
// in a table written before that column.
func TestCaveatHollow(t *testing.T) {
	dir := t.TempDir()
	if g, p := pointStyle("caveat"), pointStyle("recording"); g.Shape != (draw.SquareGlyph{}) || g.Shape == p.Shape {
		t.Errorf("caveat marker %T, recording marker %T: want a hollow square", g.Shape, p.Shape)
	}
	for _, withColumn := range []bool{true, false} {
		s := &Set{Tables: []*Table{readPaper(t, dir), longNames(t, dir, withColumn)}}
		want := map[string]string{
			"fig7b": "this analysis, not meaningful (R² < 0.1, one neuron)",
			"fig8":  "mean, not meaningful (R² < 0.1)",
		}
		for _, f := range build(t, s) {
			w, ok := want[f.ID]
			if !ok {
				continue
			}
			delete(want, f.ID)
			var legend []string
			for _, it := range f.legend.items {
				legend = append(legend, it.label)
			}
			if !slices.Contains(legend, w) {
				t.Errorf("column %v, %s: legend %q lacks %q", withColumn, f.ID, legend, w)
			}
			notes := strings.Join(f.Notes, "\n")
			if n := strings.Count(notes, "not meaningful"); f.ID == "fig7b" && n != 2 || f.ID == "fig8" && n != 1 {
				t.Errorf("column %v, %s: notes %q", withColumn, f.ID, notes)
			}
			if strings.Contains(notes, "nwb-trials") {
				t.Errorf("column %v, %s: the meaningful recording has a caveat note: %q", withColumn, f.ID, notes)
			}
		}
		if len(want) > 0 {
			t.Errorf("column %v: figures %v not made", withColumn, want)
		}
	}
}
