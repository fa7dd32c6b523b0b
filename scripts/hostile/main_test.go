package main

import "testing"

// TestPrintsNaN checks that a NaN printed as a value is found, and that
// the counts of NaN values which notes and inspect listings print are not
// (the new NWB layouts' notes made every run with a NaN spike time count
// as "exit 0 with NaN").
func TestPrintsNaN(t *testing.T) {
	for _, c := range []struct {
		out  string
		want bool
	}{
		{"  rec    10    2  NaN  1.44e+03", true},
		{"rec: ρ = NaN", true},
		{"(NaN)", true},
		{"rec: note: 1 spike times of /units dropped: 1 NaN", false},
		{"    spike_times   21354 values, min 0, max 1087.35, 1 NaN", false},
		{"stop_time is NaN in all 178 trials", true}, // not a note line, not a count
		{"NaNs", false},
	} {
		if _, got := printsNaN(c.out); got != c.want {
			t.Errorf("printsNaN(%q) = %v, want %v", c.out, got, c.want)
		}
	}
}
