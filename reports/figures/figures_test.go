package figures

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"
)

// goldenDelta is the tolerance of the golden images: cmpimg's normalised
// per-pixel colour distance in YIQ space (0 exact, 1 anything). 0.05 lets
// anti-aliasing and font rasterisation differ slightly while a moved line,
// a missing marker or other text fails.
const goldenDelta = 0.05

// build makes the figures of s with the default options.
func build(t *testing.T, s *Set) []*Figure {
	t.Helper()
	figs, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return figs
}

// TestFigureGoldens draws every figure from the committed analysis of the
// Golub recording and synthetic model tables, and compares the PNG with
// testdata/ID_golden.png. Regenerate with `go test ./reports/figures
// -run Goldens -regen` (and look at the images).
func TestFigureGoldens(t *testing.T) {
	s := writeFixtures(t, t.TempDir())
	figs := build(t, s)
	want := []string{"fig7b", "fig8", "compare", "fig2b", "fig3a", "fig3b", "fig3c", "fig4c", "fig5", "fig6"}
	var got []string
	for _, f := range figs {
		got = append(got, f.ID)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("figures %v, want %v", got, want)
	}
	for _, f := range figs {
		b, err := f.PNG()
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", f.ID+"_golden.png")
		if *cmpimg.GenerateTestData {
			if err := os.WriteFile(golden, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		ref, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (regenerate with -regen)", err)
		}
		ok, err := cmpimg.EqualApprox("png", b, ref, goldenDelta)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, f.ID+".png"), b, 0o644)
			if a, err1 := png.Decode(bytes.NewReader(b)); err1 == nil {
				if r, err2 := png.Decode(bytes.NewReader(ref)); err2 == nil && a.Bounds() == r.Bounds() {
					d := image.NewRGBA(a.Bounds())
					cmpimg.Diff(d, a, r)
					var buf bytes.Buffer
					png.Encode(&buf, d)
					os.WriteFile(filepath.Join(dir, f.ID+"_diff.png"), buf.Bytes(), 0o644)
				}
			}
			t.Errorf("%s differs from %s; got and diff in %s (keep the directory with -test.v and look)", f.ID, golden, dir)
		}
		svg, err := f.SVG()
		if err != nil || !bytes.Contains(svg, []byte("<svg")) || len(svg) < 2000 {
			t.Errorf("%s: SVG of %d bytes (%v)", f.ID, len(svg), err)
		}
	}
}

// TestValuesTraceable checks that every number a figure records is the
// number at its reference, that every figure records some, and that the
// tables it names are the ones its values come from.
func TestValuesTraceable(t *testing.T) {
	s := writeFixtures(t, t.TempDir())
	byName := map[string]*Table{}
	for _, tb := range s.Tables {
		byName[tb.Name] = tb
	}
	for _, f := range build(t, s) {
		if len(f.Values) == 0 {
			t.Errorf("%s records no value", f.ID)
		}
		names := map[string]bool{}
		for _, n := range f.Tables {
			names[n] = true
		}
		for _, v := range f.Values {
			tb := byName[v.Table]
			if tb == nil || !names[v.Table] {
				t.Fatalf("%s: value from unknown table %s", f.ID, v.Table)
			}
			var want float64
			var ok bool
			if key, meta := strings.CutPrefix(v.Column, "@"); meta {
				want, ok = tb.MetaNum(key)
			} else {
				want, ok = tb.Num(v.Column, v.Row, v.Index...)
			}
			if !ok || want != v.Value {
				t.Errorf("%s: %s = %v, table has %v (%v)", f.ID, v.Ref, v.Value, want, ok)
			}
		}
	}
}

// TestAnalyzeOnly checks that a report from analyze results alone draws
// the figures those allow, and nothing from missing tables.
func TestAnalyzeOnly(t *testing.T) {
	tb, err := ReadTable(filepath.Join("testdata", "golub-analyze.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range build(t, &Set{Tables: []*Table{tb}}) {
		ids = append(ids, f.ID)
	}
	if strings.Join(ids, " ") != "fig7b fig8 fig3b" {
		t.Errorf("figures %v from an analyze table alone", ids)
	}
	if got := build(t, &Set{}); len(got) != 0 {
		t.Errorf("%d figures from no table", len(got))
	}
}
