package cli

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/regimes"
)

// fast skips the subsampling where a test only checks inputs.
var fast = regimes.Settings{NoScaling: true}

// writeNPY writes m to dir/name.
func writeNPY(t *testing.T, dir, name string, m any) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := npyio.Write(f, m); err != nil {
		t.Fatal(err)
	}
}

// recordingDir writes a small valid recording (T samples, N neurons, a
// linear readout plus noise) and returns its folder.
func recordingDir(t *testing.T, samples, neurons int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(samples, neurons, nil)
	for i := 0; i < samples; i++ {
		for j := 0; j < neurons; j++ {
			x.Set(i, j, float64(rng.IntN(6)))
		}
	}
	w := mat.NewDense(neurons, 2, nil)
	for i := 0; i < neurons; i++ {
		w.Set(i, 0, rng.NormFloat64())
		w.Set(i, 1, rng.NormFloat64())
	}
	z := mat.NewDense(samples, 2, nil)
	z.Mul(x, w)
	writeNPY(t, dir, "x.npy", x)
	writeNPY(t, dir, "z.npy", z)
	return dir
}

const baseManifest = `
[activity]
array = "x.npy"
kind = "counts"
bin_ms = 20
[behaviour]
array = "z.npy"
`

func writeManifest(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "rec.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeBadInput(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns manifest body
		want  []string
	}{
		{"unknown key", func(t *testing.T, dir string) string {
			return baseManifest + "[mask]\nkepe = \"m.npy\"\n"
		}, []string{"rec.toml", "unknown key mask.kepe"}},
		{"misspelt section", func(t *testing.T, dir string) string {
			return baseManifest + "[preprocesss]\nlag_ms = 3\n"
		}, []string{"rec.toml", "unknown key preprocesss"}},
		{"bad toml", func(t *testing.T, dir string) string {
			return baseManifest + "[mask\n"
		}, []string{"rec.toml", "line"}},
		{"missing array", func(t *testing.T, dir string) string {
			return strings.Replace(baseManifest, "x.npy", "spikes.npy", 1)
		}, []string{"rec.toml", "activity", "spikes.npy", "no such file"}},
		{"misnamed npz key", func(t *testing.T, dir string) string {
			writeNPZ(t, dir)
			return strings.Replace(baseManifest, `"x.npy"`, `"rec.npz:spiks"`, 1)
		}, []string{"rec.npz", `no array "spiks"`, "spikes"}},
		{"row mismatch", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "z.npy", mat.NewDense(39, 2, nil))
			return baseManifest
		}, []string{"x.npy", "40 samples", "z.npy", "39"}},
		{"nan in used row", func(t *testing.T, dir string) string {
			x := readNPY(t, dir, "x.npy")
			x.Set(7, 3, math.NaN())
			writeNPY(t, dir, "x.npy", x)
			return baseManifest
		}, []string{"x.npy", "NaN", "sample 7", "neuron 3"}},
		{"inf in behaviour", func(t *testing.T, dir string) string {
			z := readNPY(t, dir, "z.npy")
			z.Set(11, 1, math.Inf(1))
			writeNPY(t, dir, "z.npy", z)
			return baseManifest
		}, []string{"z.npy", "+Inf", "sample 11"}},
		{"no neurons", func(t *testing.T, dir string) string {
			// numpy.zeros((40, 0)) saved as .npy.
			h := "{'descr': '<f8', 'fortran_order': False, 'shape': (40, 0), }"
			for (10+len(h)+1)%64 != 0 {
				h += " "
			}
			raw := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)+1), 0)
			raw = append(raw, h+"\n"...)
			if err := os.WriteFile(filepath.Join(dir, "x.npy"), raw, 0o644); err != nil {
				t.Fatal(err)
			}
			return baseManifest
		}, []string{"x.npy", "empty", "shape [40 0]"}},
		{"too few samples", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "x.npy", mat.NewDense(2, 5, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1}))
			writeNPY(t, dir, "z.npy", mat.NewDense(2, 1, []float64{1, 2}))
			return baseManifest
		}, []string{"rec.toml", "2 samples", "at least 3"}},
		{"empty mask", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "m.npy", make([]float64, 40))
			return baseManifest + "[mask]\nkeep = \"m.npy\"\n"
		}, []string{"m.npy", "keeps no samples"}},
		{"mask length", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "m.npy", make([]float64, 12))
			return baseManifest + "[mask]\nkeep = \"m.npy\"\n"
		}, []string{"m.npy", "12 entries for 40 samples"}},
		{"no bin width", func(t *testing.T, dir string) string {
			return strings.Replace(baseManifest, "bin_ms = 20", "", 1)
		}, []string{"rec.toml", "bin_ms"}},
		{"two lags", func(t *testing.T, dir string) string {
			return baseManifest + "[preprocess]\nlag_ms = 40\nlag_bins = 2\n"
		}, []string{"rec.toml", "not both"}},
		{"bad kind", func(t *testing.T, dir string) string {
			return strings.Replace(baseManifest, `"counts"`, `"spikes"`, 1)
		}, []string{"rec.toml", `"spikes"`, "counts"}},
		{"all neurons constant", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "x.npy", mat.NewDense(40, 3, nil))
			return baseManifest
		}, []string{"rec.toml", "no feature varies"}},
		{"nan in mask", func(t *testing.T, dir string) string {
			m := make([]float64, 40)
			m[5] = math.NaN()
			writeNPY(t, dir, "m.npy", m)
			return baseManifest + "[mask]\nkeep = \"m.npy\"\n"
		}, []string{"rec.toml", "mask m.npy holds NaN at (5, 0)"}},
		{"nan in angles", func(t *testing.T, dir string) string {
			a := mat.NewDense(40, 2, nil)
			a.Set(9, 1, math.NaN())
			writeNPY(t, dir, "a.npy", a)
			return baseManifest + "[mask]\nangle_of = \"a.npy\"\nexclude_angles_deg = [0]\n"
		}, []string{"rec.toml", "mask a.npy holds NaN at (9, 1)"}},
		{"inf in decoder offset", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "w.npy", mat.NewDense(2, 8, nil))
			writeNPY(t, dir, "o.npy", []float64{0, math.Inf(-1)})
			return baseManifest + "[decoder]\nweights = \"w.npy\"\noffset = \"o.npy\"\n"
		}, []string{"rec.toml", "offset o.npy holds -Inf at (1, 0)"}},
		{"lag beyond the recording", func(t *testing.T, dir string) string {
			return baseManifest + "[preprocess]\nlag_ms = 1e300\n"
		}, []string{"rec.toml", "no samples left after a lag of 1e+300 ms"}},
		{"decoder shape", func(t *testing.T, dir string) string {
			writeNPY(t, dir, "w.npy", mat.NewDense(2, 7, nil))
			return baseManifest + "[decoder]\nweights = \"w.npy\"\n"
		}, []string{"w.npy", "2×7", "2×8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := recordingDir(t, 40, 8)
			path := writeManifest(t, dir, c.setup(t, dir))
			a := analyzeFile(path, fast)
			if a.Err == nil {
				t.Fatalf("no error; want one mentioning %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(a.Err.Error(), w) {
					t.Errorf("error %q does not mention %q", a.Err, w)
				}
			}
		})
	}
}

func readNPY(t *testing.T, dir, name string) *mat.Dense {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m mat.Dense
	if err := npyio.Read(f, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func writeNPZ(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "rec.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A zip of one member, as numpy.savez writes.
	if err := writeZipNPY(f, "spikes.npy", readNPY(t, dir, "x.npy")); err != nil {
		t.Fatal(err)
	}
}

// TestAnalyzeConstantNeurons checks that silent neurons are kept, reported
// and given zero weight, with no NaN anywhere.
func TestAnalyzeConstantNeurons(t *testing.T) {
	dir := recordingDir(t, 60, 8)
	x := readNPY(t, dir, "x.npy")
	for i := 0; i < 60; i++ {
		x.Set(i, 2, 0)
		x.Set(i, 5, 3)
	}
	writeNPY(t, dir, "x.npy", x)
	a := analyzeFile(writeManifest(t, dir, baseManifest), regimes.Settings{Bootstrap: 50})
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	r := a.Result
	if len(r.Constant) != 2 || r.Constant[0] != 2 || r.Constant[1] != 5 {
		t.Errorf("constant neurons %v, want [2 5]", r.Constant)
	}
	for o := 0; o < 2; o++ {
		if r.Model.Coef.At(o, 2) != 0 || r.Model.Coef.At(o, 5) != 0 {
			t.Errorf("output %d: weights on constant neurons %v, %v", o, r.Model.Coef.At(o, 2), r.Model.Coef.At(o, 5))
		}
	}
	for _, v := range []float64{r.R2, r.Rho, r.Ratio, r.Neuron.Slope, r.Time.RhoMean} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("non-finite result %v", v)
		}
	}
	if !strings.Contains(strings.Join(a.Design.Notes, "\n"), "2 of 8 neurons are constant") {
		t.Errorf("notes %q do not report the constant neurons", a.Design.Notes)
	}
}

// TestAnalyzeCommand runs the command on the bundled Golub recording (the
// paper's Fig. 7B "BCI 1") together with a broken manifest: the good one is
// analysed, the broken one reported, one table written, exit status 1.
func TestAnalyzeCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res.arrow")
	bad := writeManifest(t, t.TempDir(), baseManifest) // its arrays do not exist
	golub := filepath.Join(golden.Root(), "data", "golub2018_bci", "before.toml")
	var stdout, stderr bytes.Buffer
	status := Main([]string{"analyze", golub, bad, "-o", out, "--quiet", "--bootstrap", "200"}, &stdout, &stderr)
	if status != 1 {
		t.Errorf("exit status %d, want 1 (one recording failed)\nstderr: %s", status, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{
		"golub2018-before      402       86  1.00  1e-03           0.165",
		"59     18         0.31",
		"rec.toml: error: activity: ", // the name once, not again after "error:"
		"x.npy: no such file or directory",
		"wrote " + out,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	tab := readTable(t, out)
	if tab.rows != 2 {
		t.Fatalf("table has %d rows, want 2", tab.rows)
	}
	if tab.str("error", 0) != "" || !strings.Contains(tab.str("error", 1), "x.npy") {
		t.Errorf("error column: %q, %q", tab.str("error", 0), tab.str("error", 1))
	}
	if got := tab.num("rho", 0); math.Abs(got-0.16538403043711383) > 1e-8*0.165 {
		t.Errorf("rho in table %v", got)
	}
	if tab.num("d_var", 0) != 59 || tab.num("d_fit", 0) != 18 || tab.num("samples", 0) != 402 {
		t.Errorf("d_var %v d_fit %v samples %v", tab.num("d_var", 0), tab.num("d_fit", 0), tab.num("samples", 0))
	}
	if tab.meta["seed"] != "0" || tab.meta["tool"] != "oblique" || tab.meta["bootstrap"] != "200" {
		t.Errorf("schema metadata %v", tab.meta)
	}
}

func TestAnalyzeUsage(t *testing.T) {
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"analyze"}, 2, "no recording given"},
		{[]string{"analyze", "--seeed", "3", "x.toml"}, 2, "seeed"},
		{[]string{"analyze", "--alphas", "1,x", "x.toml"}, 2, `"x" is not a number`},
		{[]string{"analyze", "--alphas", "-1,2", "x.toml"}, 2, "positive"},
		{[]string{"analyze", "--folds", "1", "x.toml"}, 2, "folds"},
		// Counts that would exhaust memory before any work is done.
		{[]string{"analyze", "--alphas", "logspace(-3,6,100000000)", "x.toml"}, 2, "1 ≤ NUM ≤ 10000"},
		{[]string{"analyze", "--draws", "100000000000", "x.toml"}, 2, "at most 100000 draws"},
		{[]string{"analyze", "--bootstrap", "100000000000", "x.toml"}, 2, "1000000 bootstrap resamples"},
		{[]string{"analyze", "-o", "", "x.toml"}, 2, "empty"},
		{[]string{"compare", "-subsets", "100000000", "x.toml"}, 2, "-subsets must be in [1, 100000]"},
		{[]string{"compare", "-o", "", "x.toml"}, 2, "empty"},
		{[]string{"analyze", "nothing/*.toml"}, 2, "matches no file"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		// Asked-for help is output (stdout), so that it pipes into less.
		{[]string{"analyze", "-h"}, 0, "-time-fraction"},
		{[]string{"help", "analyze"}, 0, "-time-fraction"},
		{[]string{"help"}, 0, "sweep     [SWEEP.toml]  train a set of runs"},
	} {
		var stdout, stderr bytes.Buffer
		status := Main(c.args, &stdout, &stderr)
		got := stderr.String()
		if c.status == 0 {
			got = stdout.String()
		}
		if status != c.status || !strings.Contains(got, c.want) {
			t.Errorf("%v: status %d, output %q; want %d and %q", c.args, status, got, c.status, c.want)
		}
	}
}

// TestAnalyzeNoPartialOutput checks that an output path that cannot be
// written (its directory is a file) is refused before the analysis, and
// leaves nothing behind.
func TestAnalyzeNoPartialOutput(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	golub := filepath.Join(golden.Root(), "data", "golub2018_bci", "before.toml")
	var stdout, stderr bytes.Buffer
	status := Main([]string{"analyze", golub, "--no-scaling", "--quiet", "-o", filepath.Join(blocker, "out.arrow")}, &stdout, &stderr)
	if status != 2 || !strings.Contains(stderr.String(), "file/out.arrow: not a directory") {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left files behind: %v", entries)
	}
}

// TestAllFailedKeepsResults is issue 17's reproducer: `analyze
// missing.toml -o results.arrow` (and compare) must not replace an existing
// results file with a table of failures; with no file there, the failures
// are written.
func TestAllFailedKeepsResults(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results.arrow")
	good := []byte("ARROW1 an earlier results file") // the magic of an Arrow table: replaceable
	if err := os.WriteFile(out, good, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.toml")
	for _, cmd := range []string{"analyze", "compare"} {
		status, _, stderr := run(t, cmd, missing, "-o", out, "-quiet")
		if status != 1 || !strings.Contains(stderr, "left as it was") {
			t.Errorf("%s: status %d, stderr %q; want 1 and a note that the file was kept", cmd, status, stderr)
		}
		if b, _ := os.ReadFile(out); string(b) != string(good) {
			t.Errorf("%s replaced the existing results file", cmd)
		}
	}
	fresh := filepath.Join(dir, "fresh.arrow")
	if status, _, _ := run(t, "analyze", missing, "-o", fresh, "-quiet"); status != 1 {
		t.Errorf("analyze: status %d, want 1", status)
	}
	if tab := readTable(t, fresh); tab.rows != 1 || !strings.Contains(tab.str("error", 0), "missing.toml") {
		t.Errorf("fresh output: %d rows, error %q; want the failure written", tab.rows, tab.str("error", 0))
	}
}

// TestAnalyzeNonFinite is issue 17's "exit 0 with NaN results": counts
// ×1e306 overflow float64 when converted to Hz (÷ 0.02 s), which
// preprocess refuses with the cause, and behaviour ×1e300 overflows the
// decoder's sums, which fails with ErrNonFinite; each names the manifest
// and the command exits 1.
func TestAnalyzeNonFinite(t *testing.T) {
	for _, c := range []struct {
		name, array string
		scale       float64
		want        string
		nonFinite   bool
	}{
		// Huge values are not taken for byte-swapped data (ingest judges
		// tiny ones only): the Hz conversion reports the overflow.
		{"Hz overflow", "x.npy", 1e306, "which overflows when converted to Hz", false},
		{"huge behaviour", "z.npy", 1e300, "z.npy reaches 2.9e+301 on the samples used: beyond 1e+100, where the analysis' sums of squares overflow", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := recordingDir(t, 40, 8)
			m := readNPY(t, dir, c.array)
			m.Scale(c.scale, m)
			writeNPY(t, dir, c.array, m)
			path := writeManifest(t, dir, baseManifest)
			a := analyzeFile(path, fast)
			if a.Err == nil || errors.Is(a.Err, pipeline.ErrNonFinite) != c.nonFinite || !strings.Contains(a.Err.Error(), c.want) || !strings.Contains(a.Err.Error(), path) {
				t.Errorf("error %v; want one naming %s and %q (ErrNonFinite: %v)", a.Err, path, c.want, c.nonFinite)
			}
			if status, _, _ := run(t, "analyze", path, "-quiet", "-no-scaling", "-o", filepath.Join(dir, "out.arrow")); status != 1 {
				t.Errorf("exit status %d, want 1", status)
			}
		})
	}
}
