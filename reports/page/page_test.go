package page

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/reports/figures"
)

// TestMetaHTML checks that metadata values read as tables and lists, not
// as raw JSON, and that text is escaped.
func TestMetaHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"Trials":32,"CV":{"Alphas":[0.001,0.30000000000000004],"Folds":0},"NoNoise":false}`,
			`<table class="kv"><tr><th>CV</th><td><table class="kv"><tr><th>Alphas</th><td>0.001, 0.3</td></tr><tr><th>Folds</th><td>0</td></tr></table></td></tr><tr><th>NoNoise</th><td>false</td></tr><tr><th>Trials</th><td>32</td></tr></table>`},
		{`[{"task":"cycling","sd":0.5257781485737574},{"task":"romo","used":true}]`,
			`<table class="kv"><tr><th>sd</th><th>task</th><th>used</th></tr><tr><td>0.525778</td><td>cycling</td><td></td></tr><tr><td></td><td>romo</td><td>true</td></tr></table>`},
		{"0.1,0.2,0.30000000000000004", "0.1, 0.2, 0.3"},
		{"METHODS.md §4–5; <b>", "METHODS.md §4–5; &lt;b&gt;"},
		{"{not json", "{not json"},
		{"1,a", "1,a"},
	} {
		if got := string(metaHTML(c.in)); got != c.want {
			t.Errorf("metaHTML(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// TestWrite writes the report of the committed Golub analysis and the
// paper's values, and checks the files and the page: SVG, PNG and PDF of
// each figure, linked; each figure as wide as the column allows up to 1.6
// times its size; each figure's values in a collapsed section with one row
// per value.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	tables := filepath.Join(dir, TablesDir)
	if err := os.MkdirAll(tables, 0o755); err != nil {
		t.Fatal(err)
	}
	pt := figures.PaperTable()
	err := pt.WriteFile(filepath.Join(tables, "paper.arrow"))
	pt.Release()
	if err != nil {
		t.Fatal(err)
	}
	var set figures.Set
	for _, p := range []string{filepath.Join(tables, "paper.arrow"), filepath.Join("..", "figures", "testdata", "golub-analyze.arrow")} {
		tb, err := figures.ReadTable(p)
		if err != nil {
			t.Fatal(err)
		}
		set.Tables = append(set.Tables, tb)
	}
	figs, err := figures.Build(&set, figures.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, &Report{Title: "test", Tables: set.Tables, Figures: figs}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, Index))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, f := range figs {
		for _, ext := range []string{".svg", ".png", ".pdf"} {
			if st, err := os.Stat(filepath.Join(dir, FiguresDir, f.ID+ext)); err != nil || st.Size() < 1000 {
				t.Errorf("%s%s: %v", f.ID, ext, err)
			}
			if !strings.Contains(page, `href="figures/`+f.ID+ext+`"`) {
				t.Errorf("the page does not link %s%s", f.ID, ext)
			}
		}
		want := regexp.MustCompile(`<details class="values" data-figure="` + f.ID + `"><summary>[^<]*: (\d+) values</summary>`)
		m := want.FindStringSubmatch(page)
		if m == nil || m[1] != strconv.Itoa(len(f.Values)) {
			t.Errorf("%s: values section %q, %d values", f.ID, m, len(f.Values))
		}
		if n := strings.Count(page, `<tr data-figure="`+f.ID+`"`); n != len(f.Values) {
			t.Errorf("%s: %d rows of values, %d values", f.ID, n, len(f.Values))
		}
		maxw := strconv.Itoa(int(math.Round(f.Width.Points() * 96 / 72 * 1.6)))
		if !regexp.MustCompile(`<div class="plot-box" style="max-width: ` + maxw + `px">[^<]*(<!--[^>]*-->\s*)?<svg class="plot"`).MatchString(page) {
			t.Errorf("%s: no plot box %s px wide", f.ID, maxw)
		}
	}
	if strings.Contains(page, "<details class=\"values\" data-figure=\"fig7b\" open") {
		t.Error("the values are open")
	}
	pdf, _ := os.ReadFile(filepath.Join(dir, FiguresDir, "fig7b.pdf"))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("fig7b.pdf starts %q", pdf[:min(8, len(pdf))])
	}
}
