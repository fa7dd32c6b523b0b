package presets_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/presets"
)

// Hostile presets and files for the general NWB layouts: each must end in
// a clear error (or a counted note), never a panic, an out-of-memory crash
// or a silently wrong number.

// oneUnit is a units table of one unit firing at times.
func oneUnit(times ...float64) *fakeNWB {
	return &fakeNWB{
		units:  &presets.UnitTable{ID: []int64{0}, Trains: [][]float64{times}},
		series: map[string]fakeSeries{"/b": series([]float64{0.05, 0.15}, 1, 2)},
	}
}

const continuousPreset = `name = "t"
layout = "nwb-continuous"
[nwb]
units = "/units"
[[behaviour]]
series = "/b"
[bins]
width_ms = WIDTH
[smooth]
sigma_ms = SIGMA
`

func continuous(width, sigma string) string {
	return strings.NewReplacer("WIDTH", width, "SIGMA", sigma).Replace(continuousPreset)
}

// TestGridTooLarge checks that a session whose bins would not fit the
// memory one input may take is an error wrapping inputfile.ErrTooLarge
// that names the settings to change, before anything is allocated: one
// absurd spike time (1e15 s) that sets the session end, a bin width of
// 1e-9 ms, an aligned window of 1e30 ms (more bins than an int holds).
// Each made the layout allocate terabytes (a fatal out-of-memory) or
// panic in makeslice.
func TestGridTooLarge(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "64MiB")
	for _, c := range []struct {
		name, preset string
		src          *fakeNWB
		want         string
	}{
		{"spike at 1e15 s", continuous("50", "0"), oneUnit(0.1, 0.2, 1e15), "[bins] width_ms"},
		{"spike at 1e300 s", continuous("50", "0"), oneUnit(0.1, 0.2, 1e300), "[nwb] stop_s"},
		{"min_spikes, spike at 1e15 s", strings.Replace(continuous("50", "0"), "[[behaviour]]", "[units]\nmin_spikes = 1\n[[behaviour]]", 1),
			oneUnit(0.1, 0.2, 1e15), "[bins] width_ms"},
		{"width 1e-9 ms", continuous("1e-9", "0"), oneUnit(0.1, 0.2, 10), "[bins] width_ms"},
		{"aligned window 1e30 ms", strings.Replace(alignedPreset, "window_ms = [-200, 400]", "window_ms = [-200, 1e30]", 1), trialsFake(), "[trials] window_ms"},
		{"aligned window 1e14 ms, end 1e15 s", strings.Replace(alignedPreset, "window_ms = [-200, 400]", "window_ms = [-200, 1e14]", 1),
			func() *fakeNWB { f := trialsFake(); f.units.Trains[0] = append(f.units.Trains[0], 1e15); return f }(), "[trials] window_ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadFake(t, c.src, c.preset)
			if !errors.Is(err, inputfile.ErrTooLarge) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v: want inputfile.ErrTooLarge naming %s", err, c.want)
			}
		})
	}
}

// TestKernelTooLarge checks that a smoothing kernel of more bins than the
// memory one input may take (σ 200 ms on 1e-9 ms bins: 1.2e12 taps) is an
// error naming [smooth] sigma_ms, not a fatal out-of-memory.
func TestKernelTooLarge(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "64MiB")
	for _, w := range []string{"1e-9", "1e-300"} {
		_, err := loadFake(t, oneUnit(0.1, 0.2, 10), continuous(w, "200"))
		if !errors.Is(err, inputfile.ErrTooLarge) || !strings.Contains(err.Error(), "[smooth] sigma_ms") {
			t.Errorf("width %s ms: error %v: want inputfile.ErrTooLarge naming [smooth] sigma_ms", w, err)
		}
	}
}

// TestSeriesNaNTimestamps checks a behaviour series whose timestamps hold
// NaN and ±Inf: those samples are dropped with a counted note, and every
// other sample lands in its bin. (The bin search took NaN for a time
// before every bin and skipped the samples before the NaN ones: 2 bins
// without behaviour instead of 1, silently.)
func TestSeriesNaNTimestamps(t *testing.T) {
	src := oneUnit(0.05, 0.15, 0.25, 0.35, 0.45)
	nan, inf := math.NaN(), math.Inf(1)
	src.series["/b"] = fakeSeries{
		data:  mat.NewDense(7, 1, []float64{1, 2, 3, 4, 5, 6, 7}),
		times: []float64{0.01, 0.11, nan, nan, inf, 0.31, 0.41},
	}
	rec, err := loadFake(t, src, continuous("100", "0"))
	if err != nil {
		t.Fatal(err)
	}
	// Session 0–0.45 s: 4 bins; bin 2 (0.2–0.3 s) has no sample.
	got := rec.Behaviour.RawMatrix().Data
	want := []float64{1, 2, math.NaN(), 6}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(want[i]) && math.IsNaN(got[i])) {
			t.Fatalf("behaviour %v, want %v", got, want)
		}
	}
	for _, n := range []string{
		"3 of 7 samples of /b dropped: 2 with their timestamp NaN, 1 infinite",
		"1 of 4 samples without behaviour dropped",
	} {
		if !slices.Contains(rec.Notes, n) {
			t.Errorf("notes %q: want %q", rec.Notes, n)
		}
	}
}

// TestIntervalsOutside checks that an interval of nwb-continuous starting
// before 0 s or after the end of the recording is dropped with a counted
// note: its bins would have read as silence (the spike times there are
// dropped, or there are none).
func TestIntervalsOutside(t *testing.T) {
	src := oneUnit(0.05, 0.15, 0.25, 0.35, 0.45)
	src.cols = map[string]map[string]any{"/intervals/epochs": {
		"start_time": []float64{-0.5, 0, 7},
		"stop_time":  []float64{0.2, 0.4, 8},
	}}
	rec, err := loadFake(t, src, strings.Replace(continuous("100", "0"), "[nwb]\n", "[nwb]\ntrials = \"/intervals/epochs\"\n", 1))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := rec.Activity.Dims(); r != 4 {
		t.Errorf("%d samples, want the 4 bins of the interval 0–0.4 s", r)
	}
	want := "2 of 3 trials of /intervals/epochs dropped: 2 starting before 0 s or after the recording's end (0.45 s, last spike)"
	if !slices.Contains(rec.Notes, want) {
		t.Errorf("notes %q: want %q", rec.Notes, want)
	}
}

// TestPerTrialFitWindow checks that [fit] window_ms in nwb-per-trial,
// which fits every trial's one sample, is an error naming the key (it was
// silently ignored).
func TestPerTrialFitWindow(t *testing.T) {
	p, err := presets.Parse([]byte(`name = "t"
layout = "nwb-per-trial"
[nwb]
units = "/units"
trials = "/t"
[[behaviour]]
kind = "column"
column = "RT"
[trials]
window_ms = [0, 100]
[fit]
window_ms = [5, 10]
`), "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "[fit] window_ms") {
		t.Errorf("error %v, want one naming [fit] window_ms", err)
	}
}

// TestNoUnitLeft checks that a [units] selection keeping no unit is an
// error saying what selected (it said only "no unit … is left").
func TestNoUnitLeftOne(t *testing.T) {
	_, err := loadFake(t, oneUnit(0.1, 0.2, 0.3), strings.Replace(continuous("100", "0"), "[[behaviour]]", "[units]\nmin_spikes = 1000\n[[behaviour]]", 1))
	if err == nil || !strings.Contains(err.Error(), "no unit of /units is left after the [units] selection (≥ 1000 spikes)") {
		t.Errorf("error %v, want one saying what selected", err)
	}
}

// TestAlignedFitOutside checks that an aligned fit window outside the
// trial window is an error naming both keys (it was "no sample is left"
// followed by every note but the reason).
func TestAlignedFitOutside(t *testing.T) {
	_, err := loadFake(t, trialsFake(), strings.Replace(alignedPreset, "window_ms = [0, 200]", "window_ms = [5000, 6000]", 1))
	if err == nil || !strings.Contains(err.Error(), "[fit] window_ms [5000 6000] lies outside [trials] window_ms [-200 400]") {
		t.Errorf("error %v, want one naming [fit] window_ms and [trials] window_ms", err)
	}
}
