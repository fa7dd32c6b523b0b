package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/golden"
)

// TestInspectWarnings: a file with broken objects is listed whole, with its
// warnings under "warnings:", a line on stderr and exit status 1; the next
// file is listed as usual. An NWB 1.x file is named as such by inspect and
// by analyze.
func TestInspectWarnings(t *testing.T) {
	skipNoCgo(t)
	root := golden.Root()
	bad := filepath.Join(root, "ingest", "nwb", "testdata", "bad_inspect.nwb")
	maze := filepath.Join(root, "presets", "testdata", "maze_like.nwb")
	var stdout, stderr bytes.Buffer
	if status := Main([]string{"inspect", bad, maze}, &stdout, &stderr); status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	for _, w := range []string{
		"/intervals/trials/nested (DynamicTable): 2 rows, 1 columns",
		"/processing/behavior/Position/pos/notes (DynamicTable): 1 rows, 1 columns",
		"warnings:\n  /intervals/epochs/tags_index: entry 1 is 5, past the end of tags (3 rows)\n",
		"  /processing/behavior/short: data has 2 rows but there are 5 timestamps\n",
		"maze_like.nwb: NWB 2.4.0",
	} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
		}
	}
	if want := "oblique inspect: " + bad + ": 10 warnings (listed under \"warnings:\")\n"; stderr.String() != want {
		t.Errorf("stderr %q\nwant %q", stderr.String(), want)
	}

	stdout.Reset()
	stderr.Reset()
	if status := Main([]string{"inspect", "-values", maze}, &stdout, &stderr); status != 0 {
		t.Errorf("-values: exit status %d: %s", status, stderr.String())
	}
	for _, w := range []string{
		"    split                    vlen string\n      30 values, 3 distinct: \"train\" 20, \"val\" 6, \"test\" 4\n",
		"    heldout                  bool\n      16 values, 4 true\n",
		"      times 0 … 60.999 s\n",
	} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("-values: stdout lacks %q:\n%s", w, stdout.String())
		}
	}

	nwb1 := filepath.Join(root, "ingest", "nwb", "testdata", "nwb1_like.nwb")
	const msg = "NWB 1.x (NWB-1.0.6) is not supported: oblique reads NWB 2.x"
	stdout.Reset()
	stderr.Reset()
	if status := Main([]string{"inspect", nwb1}, &stdout, &stderr); status != 1 || !strings.Contains(stderr.String(), nwb1+": /nwb_version: "+msg) {
		t.Errorf("inspect NWB 1.x: status %d, %s", status, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	out := filepath.Join(t.TempDir(), "out.arrow")
	if status := Main([]string{"analyze", "-preset", "nlb-maze", "-o", out, nwb1}, &stdout, &stderr); status != 1 || !strings.Contains(stdout.String()+stderr.String(), msg) {
		t.Errorf("analyze NWB 1.x: status %d\n%s%s", status, stdout.String(), stderr.String())
	}
}
