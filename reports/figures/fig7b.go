package figures

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Fig7B draws ρ and the relative fitting dimension D_fit/D_var of every
// recording of the analyze tables beside the paper's published values (the
// paper table) and, when a compare table is given, beside the model runs
// put through the same experimental pipeline. A recording whose name
// matches a published data set is drawn on that data set's row. It returns
// nil when there is neither a paper nor an analyze table.
func Fig7B(s *Set, o Options) *Figure {
	papers, analyses := s.Kind("paper"), s.Kind("analyze")
	if len(papers) == 0 && len(analyses) == 0 {
		return nil
	}
	f, r := newFigure("fig7b", "Fig. 7B: correlation and relative fitting dimension per data set",
		"ρ = ‖X Wᵀ‖/(‖X‖‖W‖) with the fitted ridge decoder (left) and D_fit/D_var (right) for each recording analysed "+
			"(filled; hollow squares where the numbers are not meaningful: R² below 0.1, one neuron), beside the values the paper publishes for its data sets (open circles, METHODS.md §6). "+
			"Model runs, when a compare table is given, are drawn from the same experimental pipeline (METHODS.md §4).",
		17*vg.Centimeter, 0)

	type point struct {
		rho, ratio       float64
		hasRho, hasRatio bool
		kind             string // paper, recording, caveat, aligned, oblique
	}
	var cav caveats
	var labels []string
	rows := map[string][]point{}
	row := func(label string) {
		if _, ok := rows[label]; !ok {
			labels = append(labels, label)
			rows[label] = nil
		}
	}
	var matches [][]string // per paper row: name fragments
	for _, t := range papers {
		for i := 0; i < t.Rows; i++ {
			name := t.Str("dataset", i)
			row(name)
			var p point
			p.kind = "paper"
			p.rho, p.hasRho = r.num(t, "ρ (published)", name, "", "rho", i)
			p.ratio, p.hasRatio = r.num(t, "D_fit/D_var (published)", name, "", "fit_ratio", i)
			rows[name] = append(rows[name], p)
			var m []string
			for k := 0; k < t.Len("match", i); k++ {
				if s, ok := t.Cell("match", i, k).(string); ok {
					m = append(m, s)
				}
			}
			matches = append(matches, append(m, name))
		}
	}
	paperLabels := append([]string(nil), labels...)
	for _, t := range analyses {
		for i := 0; i < t.Rows; i++ {
			name := t.Str("recording", i)
			if t.Str("error", i) != "" {
				r.note("%s: not drawn, its analysis failed", name)
				continue
			}
			label := name
			low := strings.ToLower(name)
			for j, m := range matches {
				for _, frag := range m {
					if frag != "" && strings.Contains(low, strings.ToLower(frag)) && j < len(paperLabels) {
						label = paperLabels[j]
					}
				}
			}
			row(label)
			var p point
			p.kind = "recording"
			if c := Caveat(t, i); c != "" {
				p.kind = "caveat"
				cav.add(c)
				r.note("%s: drawn hollow: its ρ and D_fit/D_var are not meaningful (%s)", name, c)
			}
			p.rho, p.hasRho = r.num(t, "ρ", name, "", "rho", i)
			p.ratio, p.hasRatio = r.num(t, "D_fit/D_var", name, "", "fit_ratio", i)
			rows[label] = append(rows[label], p)
			if label != name {
				r.note("%s is drawn on the row of the published data set %q", name, label)
			}
		}
	}
	for _, t := range s.Kind("compare") {
		for i := 0; i < t.Rows; i++ {
			regime, subject, ok := compareModelRow(t, i)
			if !ok {
				continue
			}
			label := "model runs, " + regime
			if rec := t.Str("recording", i); rec != "" {
				label += " (as " + rec + ")"
			}
			row(label)
			p := point{kind: regime}
			p.rho, p.hasRho = r.num(t, "ρ (model run, experimental form)", subject, "", "rho", i)
			p.ratio, p.hasRatio = r.num(t, "D_fit/D_var (model run)", subject, "", "fit_ratio", i)
			rows[label] = append(rows[label], p)
		}
	}

	if len(labels) == 0 { // tables without rows
		return nil
	}
	n := len(labels)
	rho := newPlot("correlation ρ", "ρ", "")
	// Row labels of up to 9 cm on one line, longer ones broken into
	// lines of that width; the figure wide enough for both panels' data
	// areas to keep 5.5 cm beside them (the ρ axis's ticks, 0.2 apart,
	// ran together on less).
	const labelMax, dataMin = 9 * vg.Centimeter, 5.5 * vg.Centimeter
	var labelW vg.Length
	lines := 1
	shown := make([]string, n)
	for i, l := range labels {
		shown[i] = wrapText(l, labelMax, rho.Y.Tick.Label)
		labelW = max(labelW, rho.Y.Tick.Label.Width(shown[i]))
		lines = max(lines, strings.Count(shown[i], "\n")+1)
	}
	f.Width = max(f.Width, labelW+2*dataMin+3*vg.Centimeter)
	f.equalData = true
	pitch := max(7*vg.Millimeter, vg.Length(lines)*rho.Y.Tick.Label.Font.Size+2*vg.Millimeter)
	f.Height = vg.Length(n)*pitch + 25*vg.Millimeter

	ratio := newPlot("relative fitting dimension", "D_fit / D_var", "")
	maxRho, maxRatio := 0.0, 0.0
	for li, label := range labels {
		y := float64(n - 1 - li)
		for _, p := range rows[label] {
			if p.hasRho {
				maxRho = max(maxRho, p.rho)
			}
			if p.hasRatio {
				maxRatio = max(maxRatio, p.ratio)
			}
			for pi, pl := range []*plot.Plot{rho, ratio} {
				v, ok := p.rho, p.hasRho
				if pi == 1 {
					v, ok = p.ratio, p.hasRatio
				}
				if !ok {
					continue
				}
				sc, _ := plotter.NewScatter(plotter.XYs{{X: v, Y: y}})
				sc.GlyphStyle = pointStyle(p.kind)
				pl.Add(sc)
			}
		}
	}
	for _, pl := range []*plot.Plot{rho, ratio} {
		pl.Add(newGrid())
		pl.NominalY(reversed(shown)...)
		pl.Y.Min, pl.Y.Max = -0.6, float64(n)-0.4
		pl.X.Min = 0
	}
	rho.X.Max = 1.15 * max(maxRho, 0.05)
	// A share in most data sets, more when D_fit > D_var; a margin so
	// that no marker sits on the frame.
	ratio.X.Max = 1.05 * max(1, maxRatio)
	// The second panel shares the rows: hide its labels.
	ratio.Y.Tick.Label.Color = transparentColour
	ratio.Y.Tick.Marker = blankTicks{}
	f.Panels = [][]*plot.Plot{{rho, ratio}}
	f.legend = &legendStrip{}
	f.legend.add("published (paper)", scatterThumb(pointStyle("paper")))
	f.legend.add("this analysis", scatterThumb(pointStyle("recording")))
	if len(cav.reasons) > 0 {
		f.legend.add(cav.label("this analysis"), scatterThumb(pointStyle("caveat")))
	}
	if len(s.Kind("compare")) > 0 {
		f.legend.add("model runs, aligned", scatterThumb(pointStyle("aligned")))
		f.legend.add("model runs, oblique", scatterThumb(pointStyle("oblique")))
	}
	return f
}

func indexOf(v []string, s string) int {
	for i, x := range v {
		if x == s {
			return i
		}
	}
	return -1
}

func reversed(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[len(v)-1-i] = s
	}
	return out
}

// pointStyle is the marker of a kind of point in Fig. 7B.
func pointStyle(kind string) draw.GlyphStyle {
	switch kind {
	case "paper":
		return glyph(grey, draw.RingGlyph{}, vg.Points(4.5))
	case "recording":
		return glyph(black, draw.CircleGlyph{}, vg.Points(3))
	case "caveat": // a recording whose numbers are not meaningful
		return glyph(black, draw.SquareGlyph{}, vg.Points(3))
	}
	return glyph(transparent(rgba(regimeColour(kind)), 200), draw.CircleGlyph{}, vg.Points(2.5))
}

// scatterThumb is a legend thumbnail of one glyph.
func scatterThumb(g draw.GlyphStyle) plot.Thumbnailer {
	sc, _ := plotter.NewScatter(plotter.XYs{{}})
	sc.GlyphStyle = g
	return sc
}

// blankTicks places the nominal ticks without labels or marks.
type blankTicks struct{}

func (blankTicks) Ticks(min, max float64) []plot.Tick { return nil }

// compareModelRow reports whether row i of a compare table is a model run,
// and its regime and name.
func compareModelRow(t *Table, i int) (regime, name string, ok bool) {
	regime = t.Str("regime", i)
	if t.Str("kind", i) != "model" || t.Str("error", i) != "" || regime != "aligned" && regime != "oblique" {
		return "", "", false
	}
	name = t.Str("run", i)
	if name == "" {
		name = fmt.Sprintf("%s row %d", t.Name, i)
	}
	return regime, name, true
}
