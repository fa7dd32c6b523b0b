package figures

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/oblique-neuro/oblique/arrowtable"
)

// readFixtures writes the fixtures as tables into a temporary directory
// and reads them back as a set.
func readFixtures(t *testing.T, fs ...*fixture) *Set {
	t.Helper()
	dir := t.TempDir()
	s := &Set{}
	for i, f := range fs {
		tb := f.table(map[string]string{"tool": "oblique", "seed": "0"})
		path := filepath.Join(dir, fmt.Sprintf("%d-%s.arrow", i, f.kind))
		err := tb.WriteFile(path)
		tb.Release()
		if err != nil {
			t.Fatal(err)
		}
		rt, err := ReadTable(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Tables = append(s.Tables, rt)
	}
	return s
}

// renderAll builds the figures of s and renders each as SVG and PNG.
func renderAll(t *testing.T, s *Set) map[string]*Figure {
	t.Helper()
	figs, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Figure{}
	for _, f := range figs {
		if _, err := f.SVG(); err != nil {
			t.Error(err)
		}
		if _, err := f.PNG(); err != nil {
			t.Error(err)
		}
		out[f.ID] = f
	}
	return out
}

// scalingRow is an analyze row whose ρ·√n curves are all v.
func scalingRow(name string, rho, v float64) map[string]any {
	c := []float64{v, v, v}
	return map[string]any{"recording": name, "rho": rho, "fit_ratio": 0.3, "scaling_n": []int{10, 20, 40},
		"rho_sqrt_n_mean": c, "rho_sqrt_n_lo": c, "rho_sqrt_n_hi": c}
}

// TestLogAxesLeaveOutNonPositive checks that the figures with log axes
// leave out values they cannot place — ρ·√n of 0 or NaN, as `analyze`
// writes for a recording with constant behaviour, and dimensions of 0 —
// noting the recordings and runs left out, and that every figure renders.
func TestLogAxesLeaveOutNonPositive(t *testing.T) {
	an := &fixture{kind: "analyze"}
	an.add(scalingRow("constant", 0, math.NaN()))
	an.add(scalingRow("zero", math.NaN(), 0))
	an.add(scalingRow("negative", 0.1, -1))
	figs := renderAll(t, readFixtures(t, an))
	if f := figs["fig8"]; f != nil {
		t.Errorf("fig8 drawn with no positive ρ·√n: notes %q", f.Notes)
	}
	if figs["fig7b"] == nil {
		t.Error("fig7b missing")
	}

	an.add(scalingRow("good", 0.2, 1.5))
	f := renderAll(t, readFixtures(t, an))["fig8"]
	if f == nil {
		t.Fatal("fig8 missing with one drawable recording")
	}
	if n := len(f.Panels) * len(f.Panels[0]); n != 1 {
		t.Errorf("fig8: %d panels, want 1", n)
	}
	notes := strings.Join(f.Notes, "\n")
	for _, name := range []string{"constant", "zero", "negative"} {
		if !strings.Contains(notes, name+": not drawn") {
			t.Errorf("fig8 notes %q do not say %s is not drawn", notes, name)
		}
	}

	models := &fixture{kind: "models"}
	for i, v := range []float64{0, -1, math.Inf(1), math.NaN(), 2} {
		models.add(map[string]any{"run": fmt.Sprintf("run%d", i), "task": "cycling", "regime": []string{"aligned", "oblique"}[i%2],
			"rho": v, "w_out_norm": v, "state_norm": v, "rel_susceptibility": v, "noise_ratio": v,
			"noise_var_out_mean": v, "noise_var_pc_mean": v, "noise_var_random_mean": v,
			"d_var": []int{0, 4, 4, 5, 2}[i], "d_fit": 3})
	}
	figs = renderAll(t, readFixtures(t, models))
	f = figs["fig3c"]
	if f == nil || !strings.Contains(strings.Join(f.Notes, "\n"), "run0: D_var = 0, D_fit = 3, not drawn") {
		t.Errorf("fig3c %v: run0 (D_var = 0) not noted as left out", f)
	}
	for _, id := range []string{"fig3a", "fig5", "fig6"} {
		if figs[id] == nil {
			t.Errorf("%s missing", id)
		}
	}
}

// TestEmptyTables checks that tables of every kind without rows make no
// figure, and no error.
func TestEmptyTables(t *testing.T) {
	var fs []*fixture
	for _, kind := range []string{"analyze", "compare", "models", "models-settings", "models-trajectories"} {
		fs = append(fs, &fixture{kind: kind})
	}
	if figs := renderAll(t, readFixtures(t, fs...)); len(figs) != 0 {
		t.Errorf("%d figures from empty tables", len(figs))
	}
}

// TestRenderPanicIsError checks that a panic of gonum/plot while drawing
// (a value of 0 on a log axis) is an error naming the figure.
func TestRenderPanicIsError(t *testing.T) {
	p := plot.New()
	p.Y.Scale = plot.LogScale{}
	sc, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 0}, {X: 2, Y: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(sc)
	f := &Figure{ID: "broken", Panels: [][]*plot.Plot{{p}}, Width: 5 * vg.Centimeter, Height: 5 * vg.Centimeter}
	for format, render := range map[string]func() ([]byte, error){"SVG": f.SVG, "PNG": f.PNG} {
		b, err := render()
		if err == nil || !strings.HasPrefix(err.Error(), "figure broken: cannot draw: ") || b != nil {
			t.Errorf("%s: %d bytes, error %v", format, len(b), err)
		}
	}
}

// smallTable writes a table with string, number and list columns and
// schema metadata to dir and returns its path.
func smallTable(t testing.TB, dir string) string {
	t.Helper()
	tb := arrowtable.New([]arrowtable.Field{
		{Name: "recording", Type: arrowtable.String, Doc: "name"},
		{Name: "rho", Type: arrowtable.Float, Doc: "ρ"},
		{Name: "cum_var", Type: arrowtable.Floats, Doc: "cumulative variance"},
		{Name: "match", Type: arrowtable.Strings, Doc: "fragments"},
		{Name: "loss", Type: arrowtable.FloatsLL, Doc: "nested lists"},
	}, map[string]string{"table": "analyze", "seed": "1", "settings": `{"Draws":20}`})
	for i := range 3 {
		tb.Row().Str(fmt.Sprintf("rec%d", i)).Float(0.1 * float64(i)).Floats([]float64{0.5, 0.9, 1}).Strs([]string{"a", "bc"}).FloatsLL([][]float64{{1, 2}, {3}}).End()
	}
	path := filepath.Join(dir, "small.arrow")
	err := tb.WriteFile(path)
	tb.Release()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadTableCorrupted reads copies of a small table with one byte
// changed at every position (the schema, record batch and footer, whose
// offsets and lengths the Arrow reader trusts): each is read, or is an
// error that names the file, never a panic.
func TestReadTableCorrupted(t *testing.T) {
	dir := t.TempDir()
	orig, err := os.ReadFile(smallTable(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "corrupted.arrow")
	failed := 0
	for off := range orig {
		for _, x := range []byte{0xff, 0x80, 0x01} {
			b := append([]byte(nil), orig...)
			b[off] ^= x
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				_, err = ReadTable(path)
				return err
			}()
			if err == nil {
				continue
			}
			failed++
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("byte %d ^ %#x: error does not name the file: %v", off, x, err)
			}
			if strings.Contains(err.Error(), "runtime error") { // the message users see must not read like a crash
				t.Fatalf("byte %d ^ %#x: error reads like a crash: %v", off, x, err)
			}
		}
	}
	if failed == 0 {
		t.Error("no corrupted copy was an error")
	}
}

// TestReadTableHugeVectorLength checks that a footer claiming 2²⁴ custom
// metadata entries (one corrupted length) is an error before the Arrow
// reader allocates for them (2 × 256 MiB, and up to 2 × 64 GiB for larger
// lengths, which no recover catches).
func TestReadTableHugeVectorLength(t *testing.T) {
	path := smallTable(t, t.TempDir())
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The schema's custom_metadata vector starts with its length.
	n := int(binary.LittleEndian.Uint32(b[len(b)-10:]))
	start := len(b) - 10 - n
	foot := fbuf(b[start : len(b)-10])
	root, _ := foot.u32(0)
	schema, _ := foot.ref(root, 1)
	meta, _ := foot.ref(schema, 2)
	if got, _ := foot.u32(meta); got != 3 {
		t.Fatalf("schema metadata length %d, want 3: not the vector", got)
	}
	binary.LittleEndian.PutUint32(b[start+int(meta):], 1<<24)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ReadTable(path)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.HasPrefix(err.Error(), path+": not a readable Arrow IPC file") {
		t.Errorf("error %v", err)
	}
	// 64 MiB: far below what the claimed length would take, far above
	// reading a small file.
	if a := after.TotalAlloc - before.TotalAlloc; a > 64<<20 {
		t.Errorf("reading allocated %d MiB", a>>20)
	}
}
