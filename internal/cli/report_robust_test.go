package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/reports"
	"github.com/oblique-neuro/oblique/reports/page"
)

// report runs `oblique report ARGS…` and returns its exit status and
// standard error.
func report(args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := Main(append([]string{"report"}, args...), &out, &errb)
	return code, errb.String()
}

// snapshot returns every file under dir with its contents, and every
// directory (as "").
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var b []byte
		if !d.IsDir() {
			b, err = os.ReadFile(path)
		}
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestReportConstantBehaviour reports the analysis of the Golub recording
// with its behaviour made constant: `analyze` succeeds with ρ = 0 and
// ρ·√n NaN at every subset size, and the report leaves Fig. 8 out (its
// log axes have nothing to show) rather than fail.
func TestReportConstantBehaviour(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "golub")
	if err := os.CopyFS(data, os.DirFS(filepath.Join(golden.Root(), "data", "golub2018_bci"))); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(data, "npy", "before_vraw_intuitive.npy"))
	if err != nil {
		t.Fatal(err)
	}
	ones := mat.NewDense(552, 2, nil) // the recording's samples × (vx, vy)
	for i := range 552 {
		ones.SetRow(i, []float64{1, 1})
	}
	if err := npyio.Write(f, ones); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	an := filepath.Join(dir, "constant.arrow")
	var out, errb bytes.Buffer
	if code := Main([]string{"analyze", "-draws", "2", "-time-draws", "2", "-bootstrap", "10", "-quiet", "-o", an,
		filepath.Join(data, "before.toml")}, &out, &errb); code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, errb.String())
	}
	rep := filepath.Join(dir, "report")
	if code, stderr := report("-o", rep, an); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(rep, page.FiguresDir, "fig7b.svg")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(rep, page.FiguresDir, "fig8.svg")); !os.IsNotExist(err) {
		t.Errorf("fig8 drawn without a positive ρ·√n (%v)", err)
	}
}

// TestReportFailureWritesNothing checks that a report that fails — a
// missing input, a file that is not Arrow — creates nothing, and leaves an
// earlier report and the user's files in its directory as they were; and
// that a report into that directory replaces the earlier report's files
// and keeps the others.
func TestReportFailureWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.arrow")
	if err := os.WriteFile(bad, []byte("not arrow"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out", "report")
	for _, in := range []string{filepath.Join(dir, "missing.arrow"), bad} {
		code, stderr := report("-o", out, in)
		if code != 1 || !strings.Contains(stderr, in) {
			t.Errorf("report of %s: exit %d, stderr %q", in, code, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("report of %s left %v", in, entries)
		}
	}

	if code, stderr := report("-title", "earlier", "-o", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	mine := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	for _, in := range []string{filepath.Join(dir, "missing.arrow"), bad} {
		if code, _ := report("-o", out, in); code != 1 {
			t.Errorf("report of %s: exit %d", in, code)
		}
		if after := snapshot(t, out); len(after) != len(before) {
			t.Errorf("report of %s into an earlier report: files %d, were %d", in, len(after), len(before))
		} else {
			for path, b := range before {
				if after[path] != b {
					t.Errorf("report of %s changed %s", in, path)
				}
			}
		}
	}

	an := filepath.Join(golden.Root(), "reports", "figures", "testdata", "golub-analyze.arrow")
	if code, stderr := report("-title", "later", "-o", out, an); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	after := snapshot(t, out)
	if !strings.Contains(after[filepath.Join(out, page.Index)], "later") {
		t.Error("index.html not replaced")
	}
	if after[mine] != "mine" {
		t.Error("the user's file was changed")
	}
	for _, f := range []string{filepath.Join(page.TablesDir, "golub-analyze.arrow"), filepath.Join(page.FiguresDir, "fig8.svg")} {
		if _, ok := after[filepath.Join(out, f)]; !ok {
			t.Errorf("%s missing", f)
		}
	}
	for path := range after {
		if strings.Contains(path, ".tmp-") {
			t.Errorf("%s left", path)
		}
	}
}

// TestReportEmptyOut checks that -o "" is a usage error that writes
// nothing (not a report in the current directory).
func TestReportEmptyOut(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, stderr := report("-o", ""); code != 2 || !strings.Contains(stderr, "-o") {
		t.Errorf("report -o \"\": exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("report -o \"\" wrote %v", entries)
	}
}

// TestReportNoResults checks issue 18: a report with no table, or with
// tables whose recordings all failed, still writes the page of the
// paper's values, and says on standard error and on the page that no
// recording of the user's has results; the failed recording's error is
// on the page beside it. A table with a recording that has results gets
// no such warning (TestReportRecordingNotes).
func TestReportNoResults(t *testing.T) {
	dir := t.TempDir()
	failed := filepath.Join(dir, "failed.arrow")
	tab := reports.AnalyzeTable([]pipeline.Analysis{{Name: "broken-rec", Input: "x.toml", Err: errors.New("x.toml: no such file")}}, regimes.Settings{}, nil)
	err := tab.WriteFile(failed)
	tab.Release()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		why  string
	}{
		{"no table", nil, "no table given"},
		{"all failed", []string{failed}, "every one of the 1 rows of the tables given failed"},
	} {
		out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
		code, stderr := report(append(c.args, "-o", out)...)
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", c.name, code, stderr)
		}
		const warn = "no recording of yours has results: "
		if !strings.Contains(stderr, "warning: "+warn+c.why) {
			t.Errorf("%s: stderr %q lacks the warning", c.name, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, page.Index))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `class="warning"`) || !strings.Contains(string(b), warn+c.why) {
			t.Errorf("%s: the page does not warn", c.name)
		}
		if _, err := os.Stat(filepath.Join(out, page.FiguresDir, "fig7b.svg")); err != nil {
			t.Errorf("%s: no paper figure: %v", c.name, err)
		}
		if c.args != nil && !strings.Contains(string(b), "failed: x.toml: no such file") {
			t.Errorf("%s: the page does not give the recording's error", c.name)
		}
	}
}

// TestReportRecordingNotes checks issue 7: the notes of each recording
// (the analyze table's notes column) are on the page beside it, with the
// caveat of a recording whose numbers are not meaningful (one neuron, R²
// below regimes.MinR2), which Fig. 7B draws hollow and names in its
// legend.
func TestReportRecordingNotes(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "mine.arrow")
	res := func(r2 float64, n int, notes ...string) *regimes.Result {
		return &regimes.Result{Samples: 50, Neurons: n, Outputs: 1, R2: r2, Rho: 0.4, DVar: 1, DFit: 1, Ratio: 1,
			Model: &decode.Model{Alpha: 1}, RhoGiven: math.NaN(), DecoderMatch: math.NaN(), Notes: notes}
	}
	rows := []pipeline.Analysis{
		{Name: "alm-one-neuron", Input: "a.nwb", Design: &preprocess.Design{Unit: "Hz"}, Result: res(0.03, 1, "one neuron: ρ is 1 and D_var 1 by construction, whatever the data")},
		{Name: "good-rec", Input: "b.nwb", Design: &preprocess.Design{Unit: "Hz"}, Result: res(0.8, 20, "3 constant neurons kept with zero weight")},
	}
	tab := reports.AnalyzeTable(rows, regimes.Settings{}, nil)
	err := tab.WriteFile(in)
	tab.Release()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "rep")
	code, stderr := report(in, "-o", out)
	if code != 0 || strings.Contains(stderr, "warning") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, page.Index))
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	i := strings.Index(h, `id="recordings"`)
	if i < 0 {
		t.Fatal("the page has no Recordings section")
	}
	sec := h[i:]
	sec = sec[:strings.Index(sec, `id="tables"`)]
	for _, want := range []string{
		`data-caveat="R² &lt; 0.1; one neuron"`, "not meaningful: R² &lt; 0.1; one neuron",
		"one neuron: ρ is 1 and D_var 1 by construction", "3 constant neurons kept with zero weight",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("Recordings section lacks %q", want)
		}
	}
	if strings.Count(sec, "data-caveat") != 1 {
		t.Errorf("%d recordings with a caveat, want 1", strings.Count(sec, "data-caveat"))
	}
	if !strings.Contains(h, "this analysis, not meaningful (R² &lt; 0.1, one neuron)") {
		t.Error("Fig. 7B's legend does not say why a recording is drawn hollow")
	}
}
