package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/pipeline"
)

// TestOutputSparesInputs: -o naming the recording, the preset file, or an
// existing file that is not an Arrow table is refused before any work, and
// the file is left as it was; an existing Arrow table is replaced.
func TestOutputSparesInputs(t *testing.T) {
	skipNoCgo(t)
	dir := t.TempDir()
	copyFile := func(src, name string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o444); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nwb := copyFile(filepath.Join(golden.Root(), "presets", "testdata", "maze_like.nwb"), "maze.nwb")
	text, err := pipeline.PresetText("nlb-maze")
	if err != nil {
		t.Fatal(err)
	}
	preset := filepath.Join(dir, "maze.toml")
	if err := os.WriteFile(preset, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ out, want string }{
		{nwb, nwb + " is an input of this run (" + nwb + ")"},
		{preset, preset + " is an input of this run (" + preset + ")"},
		{notes, notes + " exists and is not an Arrow table"},
	} {
		before, _ := os.ReadFile(c.out)
		status, _, errs := run(t, "analyze", "-quiet", "-no-scaling", "-preset", preset, "-o", c.out, nwb)
		after, _ := os.ReadFile(c.out)
		if status == 0 || !strings.Contains(errs, c.want) || !bytes.Equal(before, after) {
			t.Errorf("-o %s: status %d, stderr %q; want a refusal saying %q and the file unchanged (unchanged: %v)",
				c.out, status, errs, c.want, bytes.Equal(before, after))
		}
	}
	table := filepath.Join(dir, "out.arrow")
	for i := range 2 { // written, then replaced
		if status, out, errs := run(t, "analyze", "-quiet", "-no-scaling", "-preset", preset, "-o", table, nwb); status != 0 {
			t.Fatalf("run %d: status %d\n%s%s", i, status, out, errs)
		}
	}
}

// TestComparePreset: compare reads data files through a preset, as analyze
// does (-preset, -set), and carries the recording's notes to its placement.
func TestComparePreset(t *testing.T) {
	skipNoCgo(t)
	out := filepath.Join(t.TempDir(), "c.arrow")
	nwb := filepath.Join(golden.Root(), "presets", "testdata", "maze_like.nwb")
	status, stdout, errs := run(t, "compare", "-quiet", "-subsets", "1", "-bootstrap", "20", "-draws", "2", "-time-draws", "2",
		"-task", "cycling", "-preset", "nlb-maze", "-set", "trials.min.delay=1e9", "-o", out, nwb)
	// The override drops every trial: the recording fails, naming why.
	if status != 1 || !strings.Contains(stdout+errs, `no trial is left: [trials] excludes every one (split in ["test"], or delay < 1e+09)`) {
		t.Errorf("with every trial dropped: status %d\n%s%s", status, stdout, errs)
	}
	status, stdout, errs = run(t, "compare", "-quiet", "-subsets", "1", "-bootstrap", "20", "-draws", "2", "-time-draws", "2",
		"-task", "cycling", "-preset", "nlb-maze", "-o", out, nwb)
	if status != 0 || !strings.Contains(stdout, "nlb-maze:maze_like.nwb: 105 samples × 16 neurons; regime score") ||
		!strings.Contains(stdout, "  note: ") {
		t.Errorf("status %d\n%s%s", status, stdout, errs)
	}
	t.Log(stdout)
}

// TestSameInputOnce: a recording named twice (here by two paths) is
// analysed once, and stderr says so.
func TestSameInputOnce(t *testing.T) {
	dir := filepath.Join(golden.Root(), "data", "golub2018_bci")
	m := filepath.Join(dir, "before.toml")
	other := filepath.Join(dir, "..", "golub2018_bci", "before.toml")
	status, stdout, errs := run(t, "analyze", "-quiet", "-no-scaling", "-o", filepath.Join(t.TempDir(), "a.arrow"), m, other)
	if status != 0 || !strings.Contains(errs, other+" is the same file as "+m+", given before: read once") ||
		!strings.Contains(stdout, "(1 recording, seed 0)") {
		t.Errorf("status %d\n%s%s", status, stdout, errs)
	}
}

// TestOutputNotInRun: -o inside a trained network's run directory (where
// loss.arrow is an Arrow table too) is refused before any work.
func TestOutputNotInRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if status, out, errs := run(t, tiny(dir)...); status != 0 {
		t.Fatalf("train: status %d\n%s%s", status, out, errs)
	}
	loss := filepath.Join(dir, "loss.arrow")
	before, _ := os.ReadFile(loss)
	status, _, errs := run(t, "models", "-runs", dir, "-o", loss, "-quiet")
	after, _ := os.ReadFile(loss)
	want := loss + " is inside the run directory " + dir
	if status == 0 || !strings.Contains(errs, want) || !bytes.Equal(before, after) {
		t.Errorf("models -o %s: status %d, stderr %q; want a refusal saying %q, loss.arrow unchanged (%v)", loss, status, errs, want, bytes.Equal(before, after))
	}
}

// TestCompareCaveat: a recording whose numbers are not meaningful (one
// neuron, R² < 0.1: the DANDI ALM example) gets its regime score with that
// said on the next line, not as a plain headline.
func TestCompareCaveat(t *testing.T) {
	skipNoCgo(t)
	file := filepath.Join(golden.Root(), "..", "shared", "data", "nwb_external", "dandicli_sub-anm369963_ses-20170228.nwb")
	if _, err := os.Stat(file); err != nil {
		t.Skip("no shared data:", err)
	}
	preset := filepath.Join(golden.Root(), "presets", "examples", "dandi-alm-licks.toml")
	status, stdout, errs := run(t, "compare", "-quiet", "-subsets", "1", "-bootstrap", "20", "-draws", "2", "-time-draws", "2",
		"-task", "cycling", "-preset", preset, "-o", filepath.Join(t.TempDir(), "c.arrow"), file)
	want := "6400 samples × 1 neuron; regime score"
	caveat := "  not meaningful (R² < 0.1, one neuron): the recording's numbers, and so this score, say nothing about its regime\n"
	if status != 0 || !strings.Contains(stdout, want) || !strings.Contains(stdout, caveat) {
		t.Errorf("status %d\n%s%s\nwant %q and %q", status, stdout, errs, want, caveat)
	}
}

// TestPresetsFile: `oblique presets FILE.toml` checks a preset file as
// -preset does and prints it (a good one), or its problem (exit 1, not a
// usage error).
func TestPresetsFile(t *testing.T) {
	good := filepath.Join(golden.Root(), "presets", "examples", "dlc-pose.toml")
	want, _ := os.ReadFile(good)
	if status, out, errs := run(t, "presets", good); status != 0 || out != string(want) {
		t.Errorf("presets %s: status %d, stderr %q; printed the file: %v", good, status, errs, out == string(want))
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("name = \"b\"\nlayout = \"nwb-continuous\"\n[trials]\nalling = \"go\"\n"), 0o644)
	status, _, errs := run(t, "presets", bad)
	if status != 1 || !strings.Contains(errs, bad+": line 4: unknown key trials.alling (did you mean align?)") || strings.Contains(errs, "usage") {
		t.Errorf("presets %s: status %d, stderr %q", bad, status, errs)
	}
}
