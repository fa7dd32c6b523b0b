package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/golden"
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
