package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulateBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if status, out, errs := run(t, tiny(dir, "-steps", "3")...); status != 0 {
		t.Fatalf("train: status %d\n%s%s", status, out, errs)
	}
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"simulate"}, 2, "want one run directory"},
		{[]string{"simulate", t.TempDir()}, 1, "not a run directory"},
		{[]string{"simulate", dir, "-noise", "maybe"}, 2, `-noise "maybe"`},
		{[]string{"simulate", dir, "-trials", "0"}, 2, "-trials 0"},
		{[]string{"simulate", dir, "-drop", "100"}, 2, "drop = 100: leaves nothing of the cycling task's trials, which last 72 time units"},
		{[]string{"simulate", dir, "-drop", "1e300"}, 2, "drop = 1e+300: leaves nothing"},
		{[]string{"simulate", dir, "-drop", "Inf"}, 2, "-drop +Inf: want a time ≥ 0"},
		{[]string{"simulate", dir, "-drop", "NaN"}, 2, "-drop NaN: want a time ≥ 0"},
		{[]string{"simulate", dir, "-drop", "-1"}, 2, "-drop -1: want a time ≥ 0"},
		{[]string{"simulate", dir, "-trials", "100000000000"}, 2, "trials = 100000000000: 100000000000 trials of 360 steps of 8 units need about"},
		{[]string{"simulate", ""}, 1, `"": not a run directory (a run directory holds run.json)`},
		{[]string{"simulate", filepath.Join(dir, "run.json")}, 1, filepath.Join(dir, "run.json") + ": not a run directory"},
	} {
		status, _, errs := run(t, c.args...)
		if status != c.status || !strings.Contains(errs, c.want) {
			t.Errorf("%v: status %d, stderr %q, want %d and %q", c.args, status, errs, c.status, c.want)
		}
	}
	// Keeping every step: 4 trials × 360 steps.
	status, out, errs := run(t, "simulate", dir, "-trials", "4", "-drop", "0", "-o", filepath.Join(t.TempDir(), "s"))
	if status != 0 || !strings.Contains(out, "1440 samples") {
		t.Errorf("status %d\n%s%s", status, out, errs)
	}
}
