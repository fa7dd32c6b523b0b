package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRun runs the example on the bundled data: the recording's row has
// the Golub measures of the README (ρ 0.17 to two decimals, D_var 59,
// D_fit 18), and there is one aligned and one oblique network, the aligned
// one with the larger ρ (paper Fig. 3A).
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, filepath.Join("..", "..", "data", "golub2018_bci", "before.toml"), "cycling"); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want a header and 3 rows", len(lines))
	}
	if f := strings.Fields(lines[1]); len(f) != 6 || f[0] != "golub2018-before" || f[2] != "0.17" || f[3] != "59" || f[4] != "18" {
		t.Errorf("recording row %q", lines[1])
	}
	al, ob := strings.Fields(lines[2]), strings.Fields(lines[3])
	if len(al) != 7 || len(ob) != 7 || al[1] != "aligned" || ob[1] != "oblique" {
		t.Fatalf("network rows %q, %q: want aligned then oblique", lines[2], lines[3])
	}
	rhoA, errA := strconv.ParseFloat(al[3], 64)
	rhoO, errO := strconv.ParseFloat(ob[3], 64)
	if errA != nil || errO != nil || !(rhoA > rhoO) {
		t.Errorf("network rows %q, %q: want aligned then oblique, aligned ρ larger", lines[2], lines[3])
	}
}
