package cli

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/internal/golden"
)

// skipNoCgo skips tests of HDF5 files in builds without cgo.
func skipNoCgo(t *testing.T) {
	t.Helper()
	if _, err := hdf5.Open(filepath.Join(golden.Root(), "presets", "testdata", "maze_like.nwb")); errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip(err)
	}
}

// TestAnalyzePresetGolub is the acceptance test of `analyze --preset
// bci-golub exampleData.mat`: every number of its table equals that of
// `analyze before.toml` (the NPY path of the analysis core), subsampling
// and bootstrap included (same seed).
func TestAnalyzePresetGolub(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(golden.Root(), "data", "golub2018_bci")
	run := func(out string, args ...string) *table {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args = append([]string{"analyze", "-o", out, "-quiet", "-bootstrap", "200"}, args...)
		if status := Main(args, &stdout, &stderr); status != 0 {
			t.Fatalf("%v: exit status %d\n%s%s", args, status, stdout.String(), stderr.String())
		}
		return readTable(t, out)
	}
	p := run(filepath.Join(dir, "preset.arrow"), "-preset", "bci-golub", filepath.Join(data, "exampleData.mat"))
	m := run(filepath.Join(dir, "manifest.arrow"), filepath.Join(data, "before.toml"))
	for _, col := range []string{
		"samples", "neurons", "outputs", "constant_neurons", "lag_bins", "r2", "alpha", "rho",
		"rho_time_mean", "rho_time_sd", "d_var", "d_fit", "fit_ratio", "slope", "slope_lo", "slope_hi",
		"rho_given", "decoder_match", "time_samples",
	} {
		a, b := p.num(col, 0), m.num(col, 0)
		if math.Float64bits(a) != math.Float64bits(b) {
			t.Errorf("%s: preset %v, manifest %v", col, a, b)
		}
	}
	if p.num("samples", 0) != 402 || p.num("d_fit", 0) != 18 || p.str("activity_unit", 0) != "Hz" {
		t.Errorf("samples %v, D_fit %v, unit %q", p.num("samples", 0), p.num("d_fit", 0), p.str("activity_unit", 0))
	}
	if p.str("recording", 0) != "bci-golub:exampleData.mat" {
		t.Errorf("recording %q", p.str("recording", 0))
	}
	if p.meta["preset"] != "bci-golub" || m.meta["preset"] != "none (manifests)" {
		t.Errorf("metadata preset: %q with -preset, %q with a manifest", p.meta["preset"], m.meta["preset"])
	}
}

// TestAnalyzePresetNWB runs the NLB presets on the generated NWB files and
// a preset on a file of the wrong kind: the good ones are analysed, the bad
// one is reported by name, exit status 1.
func TestAnalyzePresetNWB(t *testing.T) {
	skipNoCgo(t)
	td := filepath.Join(golden.Root(), "presets", "testdata")
	out := filepath.Join(t.TempDir(), "res.arrow")
	var stdout, stderr bytes.Buffer
	status := Main([]string{"analyze", "-quiet", "-no-scaling", "-o", out, "-preset", "nlb-maze",
		filepath.Join(td, "maze_like.nwb"), filepath.Join(td, "cycling_like.mat")}, &stdout, &stderr)
	if status != 1 {
		t.Fatalf("exit status %d, want 1\n%s%s", status, stdout.String(), stderr.String())
	}
	tab := readTable(t, out)
	if tab.num("samples", 0) != 105 || tab.num("d_var", 0) != 12 || tab.num("d_fit", 0) != 11 {
		t.Errorf("maze: samples %v, D_var %v, D_fit %v; want 105, 12, 11 (nlb_reference.json)",
			tab.num("samples", 0), tab.num("d_var", 0), tab.num("d_fit", 0))
	}
	if e := tab.str("error", 1); !strings.Contains(e, "cycling_like.mat") || !strings.Contains(e, "not an HDF5 file") {
		t.Errorf("error for the MAT-file: %q", e)
	}
}

func TestPresetsCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := Main([]string{"presets"}, &stdout, &stderr); status != 0 {
		t.Fatalf("exit status %d: %s", status, stderr.String())
	}
	for _, name := range []string{"nlb-maze", "nlb-rtt", "cycling", "bci-golub", "bci-hennig"} {
		if !strings.Contains(stdout.String(), name+" ") {
			t.Errorf("list lacks %s:\n%s", name, stdout.String())
		}
	}
	stdout.Reset()
	if status := Main([]string{"presets", "cycling"}, &stdout, &stderr); status != 0 ||
		!strings.Contains(stdout.String(), `layout = "mat"`) || !strings.Contains(stdout.String(), "every = 5") {
		t.Errorf("presets cycling: status %d\n%s", status, stdout.String())
	}
	stderr.Reset()
	if status := Main([]string{"presets", "cyclin"}, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "cycling") {
		t.Errorf("unknown preset: status %d, %s", status, stderr.String())
	}
	stderr.Reset()
	if status := Main([]string{"analyze", "-preset", "maze", "x.nwb"}, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "nlb-maze") {
		t.Errorf("analyze with an unknown preset: status %d, %s", status, stderr.String())
	}
}

func TestInspect(t *testing.T) {
	skipNoCgo(t)
	root := golden.Root()
	for _, c := range []struct {
		file string
		want []string
	}{
		{filepath.Join(root, "presets", "testdata", "maze_like.nwb"), []string{
			"NWB 2.4.0", "units: 16 units, 31146 spikes", "held out: 4 of 16",
			"/intervals/trials (TimeIntervals): 30 rows, 6 columns", "split                    vlen string",
			"/processing/behavior/hand_vel (TimeSeries): data int16 [53800×2]"}},
		{filepath.Join(root, "ingest", "nwb", "testdata", "pynapple_A8604-211122.nwb"), []string{
			"units: 3 units, 21354 spikes (spike_times_index uint16)"}},
		{filepath.Join(root, "data", "golub2018_bci", "exampleData.mat"), []string{
			"MATLAB 5.0 MAT-file", "beforeLearning       1×1 struct", ".clouds            1×1 struct",
			`.expDate           1×8 char "20120305"`}},
		{filepath.Join(root, "presets", "testdata", "hennig_like.mat"), []string{
			"D       1×1 struct", ".blocks  1×2 struct", ".dec     1×1 struct"}},
		{filepath.Join(root, "ingest", "matfile", "mat73", "testdata", "v73_layout.mat"), []string{
			"MATLAB 7.3 MAT-file", "sa        1×3 struct", ".data   2×1 double  (element 1)", "sp        3×3 sparse"}},
	} {
		var stdout, stderr bytes.Buffer
		if status := Main([]string{"inspect", c.file}, &stdout, &stderr); status != 0 {
			t.Errorf("%s: exit status %d: %s", c.file, status, stderr.String())
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(squeeze(stdout.String()), squeeze(w)) {
				t.Errorf("%s: output lacks %q:\n%s", c.file, w, stdout.String())
			}
		}
	}
}

// TestInspectBadFiles checks that missing, empty, truncated, corrupt and
// non-HDF5 files give errors that name them (exit status 1), that the
// other files are still listed, and that nothing panics.
func TestInspectBadFiles(t *testing.T) {
	skipNoCgo(t)
	dir := t.TempDir()
	nwbBytes, err := os.ReadFile(filepath.Join(golden.Root(), "presets", "testdata", "maze_like.nwb"))
	if err != nil {
		t.Fatal(err)
	}
	matBytes, err := os.ReadFile(filepath.Join(golden.Root(), "presets", "testdata", "hennig_like.mat"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := bytes.Repeat([]byte("not a recording "), 64)
	flipped := append([]byte(nil), nwbBytes...)
	for i := 2048; i < len(flipped); i += 997 {
		flipped[i] ^= 0x5a
	}
	cases := []struct {
		file, want string
	}{
		{filepath.Join(dir, "absent.nwb"), "no such file"},
		{write("empty.nwb", nil), "not an HDF5 file"},
		{write("text.nwb", garbage), "not an HDF5 file"},
		{write("text.txt", garbage), "neither an NWB (HDF5) file nor a MATLAB file"},
		{write("cut_header.nwb", nwbBytes[:100]), "cut_header.nwb"},
		{write("cut_half.nwb", nwbBytes[:len(nwbBytes)/2]), "cut_half.nwb"},
		{write("plain.h5", mustRead(t, filepath.Join(golden.Root(), "ingest", "hdf5", "testdata", "types.h5"))), "not an NWB file"},
		{write("cut.mat", matBytes[:len(matBytes)/2]), "cut.mat"},
		{write("garbage.mat", garbage), "garbage.mat"},
		{write("flipped.nwb", flipped), "flipped.nwb"},
	}
	args := []string{"inspect"}
	for _, c := range cases {
		args = append(args, c.file)
	}
	good := filepath.Join(golden.Root(), "presets", "testdata", "cycling_like.mat")
	args = append(args, good)
	var stdout, stderr bytes.Buffer
	if status := Main(args, &stdout, &stderr); status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	lines := strings.Split(stderr.String(), "\n")
	for _, c := range cases {
		found := false
		for _, l := range lines {
			if strings.Contains(l, c.file) && strings.Contains(l, c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error line naming %s with %q:\n%s", c.file, c.want, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), good+": MATLAB 5.0 MAT-file") {
		t.Errorf("the good file after the bad ones is not listed:\n%s", stdout.String())
	}
}

// squeeze collapses runs of spaces, so that checks do not depend on
// column widths.
func squeeze(s string) string {
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return s
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAnalyzePresetBadFiles checks the same for analyze -preset.
func TestAnalyzePresetBadFiles(t *testing.T) {
	skipNoCgo(t)
	dir := t.TempDir()
	nwbBytes := mustRead(t, filepath.Join(golden.Root(), "presets", "testdata", "rtt_like.nwb"))
	files := []string{filepath.Join(dir, "absent.nwb")}
	for name, b := range map[string][]byte{
		"empty.nwb": nil, "text.nwb": []byte("hello"), "cut.nwb": nwbBytes[:len(nwbBytes)*2/3],
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	out := filepath.Join(dir, "res.arrow")
	var stdout, stderr bytes.Buffer
	status := Main(append([]string{"analyze", "-quiet", "-no-scaling", "-o", out, "-preset", "nlb-rtt"}, files...), &stdout, &stderr)
	if status != 1 {
		t.Fatalf("exit status %d, want 1\n%s", status, stderr.String())
	}
	tab := readTable(t, out)
	for i, f := range files {
		if e := tab.str("error", i); !strings.Contains(e, f) {
			t.Errorf("row %d: error %q does not name %s", i, e, f)
		}
	}
}

// TestAnalyzePresetFileErrors checks that a problem in the user's preset
// file (or an override of it) is printed as such, with the file and the
// line, not as flag misuse with the usage hint (exit status 1, not 2);
// an unknown built-in name stays a usage error.
func TestAnalyzePresetFileErrors(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "alm.toml")
	if err := os.WriteFile(f, []byte("name = \"alm\"\nlayout = \"nwb-aligned\"\n[trials]\nalling = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.toml")
	if err := os.WriteFile(good, []byte("name = \"alm\"\nlayout = \"nwb-aligned\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-preset", f}, "oblique analyze: " + f + ": line 4: unknown key trials.alling (did you mean align?)\n"},
		{[]string{"-preset", good, "-set", "fit.lag=50"}, "unknown key fit.lag (did you mean lag_ms?)\n"},
	} {
		var stdout, stderr bytes.Buffer
		status := Main(append(append([]string{"analyze", "-quiet"}, c.args...), "x.nwb"), &stdout, &stderr)
		if status != 1 || !strings.HasSuffix(stderr.String(), c.want) || strings.Contains(stderr.String(), "usage") {
			t.Errorf("%v: status %d, stderr %q, want %q alone", c.args, status, stderr.String(), c.want)
		}
	}
}
