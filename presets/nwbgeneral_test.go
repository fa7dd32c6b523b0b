package presets_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/presets"
)

// fakeNWB is a presets.TableSource held in memory, for the general NWB
// layouts' tests.
type fakeNWB struct {
	units  *presets.UnitTable
	cols   map[string]map[string]any // table → column → []float64 or []string
	series map[string]fakeSeries
}

type fakeSeries struct {
	data  *mat.Dense
	times []float64
}

func (f *fakeNWB) Units(string) ([][]float64, []bool, float64, error) {
	return f.units.Trains, make([]bool, len(f.units.Trains)), f.units.ObsEnd, nil
}

func (f *fakeNWB) UnitTable(string) (*presets.UnitTable, error) { return f.units, nil }

func (f *fakeNWB) col(table, column string) (any, error) {
	c, ok := f.cols[table][column]
	if !ok {
		return nil, fmt.Errorf("%s: no column %s", table, column)
	}
	return c, nil
}

// typedCol returns the column as a slice of T, an error when it is absent
// or of another type.
func typedCol[T any](f *fakeNWB, table, column string) ([]T, error) {
	c, err := f.col(table, column)
	if err != nil {
		return nil, err
	}
	v, ok := c.([]T)
	if !ok {
		return nil, fmt.Errorf("%s/%s: a %T column", table, column, c)
	}
	return v, nil
}

func (f *fakeNWB) FloatColumn(table, column string) ([]float64, error) {
	return typedCol[float64](f, table, column)
}

func (f *fakeNWB) StringColumn(table, column string) ([]string, error) {
	return typedCol[string](f, table, column)
}

func (f *fakeNWB) Values(table, column string) ([]float64, []string, error) {
	c, err := f.col(table, column)
	if err != nil {
		return nil, nil, err
	}
	if s, ok := c.([]string); ok {
		return nil, s, nil
	}
	return c.([]float64), nil, nil
}

func (f *fakeNWB) TimeSeries(p string) (*mat.Dense, []float64, string, error) {
	s, ok := f.series[p]
	if !ok {
		return nil, nil, "", fmt.Errorf("no series %s", p)
	}
	return s.data, s.times, "cm", nil
}

// loadFake runs the preset text on src.
func loadFake(t *testing.T, src *fakeNWB, text string) (*ingest.Recording, error) {
	t.Helper()
	p, err := presets.Parse([]byte(text), "test")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "fake.nwb")
	if err := os.WriteFile(file, []byte("fake"), 0o644); err != nil {
		t.Fatal(err)
	}
	open := presets.Opener{NWB: func(string) (presets.NWBSource, func() error, error) {
		return src, func() error { return nil }, nil
	}}
	rec, _, err := p.Load(file, open)
	return rec, err
}

// series returns a one-column series with values v at times ts.
func series(ts []float64, v ...float64) fakeSeries {
	return fakeSeries{data: mat.NewDense(len(v), 1, v), times: ts}
}

// TestContinuousBins checks the binning of the whole-session layout on
// numbers worked by hand: 100 ms bins from 0, spikes counted per bin and
// divided by 0.1 s, behaviour the mean of the samples in each bin, a bin
// without a sample dropped with a note, and the session end from the last
// spike.
func TestContinuousBins(t *testing.T) {
	src := &fakeNWB{
		units: &presets.UnitTable{ID: []int64{3, 4}, Trains: [][]float64{
			{0.05, 0.12, 0.15, math.NaN(), 0.45},
			{0.0, 0.1, math.Inf(1), -2, 0.399},
		}},
		series: map[string]fakeSeries{"/b": series(
			[]float64{0.01, 0.02, 0.11, 0.31, 0.35, 0.36}, 1, 3, 5, math.NaN(), 7, 9)},
	}
	rec, err := loadFake(t, src, continuous("100", "0"))
	if err != nil {
		t.Fatal(err)
	}
	// Session 0–0.45 s: 4 bins. Bin 2 (0.2–0.3 s) has no behaviour sample.
	wantX := []float64{10, 10, 20, 10, 0, 0, 0, 10}
	wantZ := []float64{2, 5, math.NaN(), 8}
	if got := rec.Activity.RawMatrix().Data; !slices.Equal(got, wantX) {
		t.Errorf("activity %v, want %v", got, wantX)
	}
	got := rec.Behaviour.RawMatrix().Data
	for i, w := range wantZ {
		if !(got[i] == w || math.IsNaN(w) && math.IsNaN(got[i])) {
			t.Errorf("behaviour %v, want %v", got, wantZ)
			break
		}
	}
	if !slices.Equal(rec.Mask, []bool{true, true, false, true}) {
		t.Errorf("mask %v", rec.Mask)
	}
	wantNotes := []string{
		"3 spike times of /units dropped: 1 NaN, 1 infinite, 1 before 0 s",
		"session 0–0.45 s (last spike)",
		"1 of 4 samples without behaviour dropped",
	}
	if !slices.Equal(rec.Notes, wantNotes) {
		t.Errorf("notes %q, want %q", rec.Notes, wantNotes)
	}
	if !slices.Equal(rec.Channels, []string{"b[0]"}) {
		t.Errorf("channels %v", rec.Channels)
	}
}

// trialsFake is 6 trials at 1 s intervals over a 10 s recording: trial 1
// excluded, trial 2's alignment NaN, trial 3's infinite, trial 5's window
// past the end.
func trialsFake() *fakeNWB {
	var spikes []float64
	for t := 0.01; t < 10; t += 0.02 {
		spikes = append(spikes, t)
	}
	return &fakeNWB{
		units: &presets.UnitTable{ID: []int64{0, 1, 2}, Trains: [][]float64{spikes, spikes[:10], spikes[:0]}, ObsEnd: 10},
		cols: map[string]map[string]any{"/intervals/trials": {
			"start_time": []float64{1, 2, 3, 4, 5, 9.5},
			"stop_time":  []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()},
			"go":         []float64{0.5, 0.5, math.NaN(), math.Inf(1), 0.5, 0.2},
			"result":     []string{"ok", "early", "ok", "ok", "ok", "ok"},
		}},
		series: map[string]fakeSeries{"/licks": series([]float64{-1.5e9, 1.6, 1.7, 5.55}, 1, 1, 1, 1)},
	}
}

const alignedPreset = `name = "t"
layout = "nwb-aligned"
[nwb]
units = "/units"
trials = "/intervals/trials"
[units]
min_spikes = 20
[trials]
exclude = { result = ["early"] }
align = "go"
relative = true
window_ms = [-200, 400]
[[behaviour]]
series = "/licks"
kind = "events"
[bins]
width_ms = 100
[smooth]
sigma_ms = 100
margin_ms = 300
[fit]
window_ms = [0, 200]
lag_ms = 100
`

// TestAlignedNotes checks the dropped trials, events and units of the
// aligned layout, each counted by reason.
func TestAlignedNotes(t *testing.T) {
	rec, err := loadFake(t, trialsFake(), alignedPreset)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 event time of /licks dropped: 1 before 0 s (outside the session)",
		"stop_time is NaN in all 6 trials of /intervals/trials: trial ends not used",
		"4 of 6 trials of /intervals/trials dropped: 1 excluded by [trials] (result in [\"early\"]), 1 with go (+ start_time) NaN, " +
			"1 with go (+ start_time) infinite, 1 with their window outside the recording (0–10 s, end of observation)",
		"[units]: 1 of 3 units kept (≥ 20 spikes)",
	}
	if !slices.Equal(rec.Notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", rec.Notes, want)
	}
	// Trials 0 and 4 remain: 6 bins each (600 ms window, 100 ms bins).
	if r, n := rec.Activity.Dims(); r != 12 || n != 1 {
		t.Errorf("%d × %d activity, want 12 × 1", r, n)
	}
	if strings.Count(fmt.Sprint(rec.Mask), "true") != 4 {
		t.Errorf("mask %v: want the 2 bins of 0–200 ms of each trial", rec.Mask)
	}
}

// TestSeriesFaults checks that a behaviour series out of time order, or
// with more samples than timestamps, is an error naming the series and the
// index or both lengths.
func TestSeriesFaults(t *testing.T) {
	text := continuous("100", "0")
	for _, c := range []struct {
		s    fakeSeries
		want string
	}{
		{series([]float64{0.1, 0.3, 0.2, 0.4}, 1, 2, 3, 4), "/b: timestamps are not non-decreasing: timestamp 2 (0.2 s) is before timestamp 1 (0.3 s)"},
		{fakeSeries{data: mat.NewDense(3, 1, []float64{1, 2, 3}), times: []float64{0.1, 0.2}}, "/b: data has 3 rows but there are 2 timestamps"},
	} {
		src := &fakeNWB{units: &presets.UnitTable{ID: []int64{0}, Trains: [][]float64{{0.1, 0.5}}}, series: map[string]fakeSeries{"/b": c.s}}
		_, err := loadFake(t, src, text)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "fake.nwb") {
			t.Errorf("error %v, want one naming the file and %q", err, c.want)
		}
	}
}

// TestPerTrial checks nwb-per-trial: each unit's spike count in
// [align + 0, align + 500 ms) over 0.5 s, behaviour from a trial column.
func TestPerTrial(t *testing.T) {
	src := trialsFake()
	src.cols["/intervals/trials"]["RT"] = []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	rec, err := loadFake(t, src, `name = "t"
layout = "nwb-per-trial"
[nwb]
units = "/units"
trials = "/intervals/trials"
[units]
ids = [0]
[trials]
align = "start_time"
window_ms = [0, 500]
max = { RT = 0.65 }
[[behaviour]]
kind = "column"
column = "RT"
`)
	if err != nil {
		t.Fatal(err)
	}
	// Trials 0–3 kept (RT ≤ 0.65); 25 spikes (every 20 ms) in each 0.5 s
	// window: 50 Hz.
	if got := rec.Activity.RawMatrix().Data; !slices.Equal(got, []float64{50, 50, 50, 50}) {
		t.Errorf("rates %v, want 50 Hz in 4 trials", got)
	}
	if got := rec.Behaviour.RawMatrix().Data; !slices.Equal(got, []float64{0.3, 0.4, 0.5, 0.6}) {
		t.Errorf("RT %v", got)
	}
	want := "2 of 6 trials of /intervals/trials dropped: 2 excluded by [trials] (RT > 0.65)"
	if !slices.Contains(rec.Notes, want) {
		t.Errorf("notes %q lack %q", rec.Notes, want)
	}
}

// TestGeneralKeys checks that the keys the layouts do not use are errors
// naming them.
func TestGeneralKeys(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"layout = \"nwb-per-trial\"\n[nwb]\nunits=\"/units\"\ntrials=\"/t\"\n[[behaviour]]\nkind=\"column\"\ncolumn=\"RT\"\n[trials]\nwindow_ms=[0,100]\n[smooth]\nsigma_ms = 20", "[smooth] sigma_ms"},
		{"layout = \"nwb-per-trial\"\n[nwb]\nunits=\"/units\"\ntrials=\"/t\"\n[[behaviour]]\nkind=\"column\"\ncolumn=\"RT\"\n[trials]\nwindow_ms=[0,100]\n[fit]\nlag_ms = 20", "[fit] lag_ms"},
		{"layout = \"nwb-continuous\"\n[nwb]\nunits=\"/units\"\n[[behaviour]]\nseries=\"/b\"\n[bins]\nbase_ms=1\nwidth_ms=10", "[bins] base_ms"},
		{"layout = \"nwb-aligned\"\n[nwb]\nunits=\"/units\"\ntrials=\"/t\"\n[[behaviour]]\nseries=\"/b\"\n[bins]\nwidth_ms=30\n[trials]\nwindow_ms=[0,100]", "[trials] window_ms: 100 ms is not a whole number of 30 ms bins"},
		{"layout = \"nwb-trials\"\n[[behaviour]]\nseries=\"/b\"", "[[behaviour]]"},
		{"layout = \"nwb-continuous\"\n[nwb]\nunits=\"/units\"\nactivity=[\"/a\"]\n[[behaviour]]\nseries=\"/b\"\n[bins]\nwidth_ms=10", "exactly one of [nwb] units and [nwb] activity"},
	} {
		p, err := presets.Parse([]byte("name = \"t\"\n"+c.text), "t")
		if err == nil {
			err = p.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one naming %q", c.text, err, c.want)
		}
	}
}

// TestNLBTrialsNotes checks nwb-trials on a file whose stop_time is NaN in
// every trial (the grid then ends at the last spike, with a note, where it
// used to fail with "the recording would end at NaN s") and whose dropped
// trials are counted by reason.
// nlbTrialsPreset is an nwb-trials preset for trialsFake with a /vel series.
const nlbTrialsPreset = `name = "t"
layout = "nwb-trials"
[nwb]
units = "/units"
trials = "/intervals/trials"
behaviour = "/vel"
channels = ["v"]
[bins]
base_ms = 1
width_ms = 10
decimate_order = 8
[trials]
exclude = { result = ["early"] }
align = "go"
window_ms = [-100, 200]
[smooth]
sigma_ms = 10
margin_ms = 20
[fit]
window_ms = [0, 100]
`

func TestNLBTrialsNotes(t *testing.T) {
	src := trialsFake()
	src.units.ObsEnd = 0
	// Faulty spike times: unit 1's in order (−Inf first), unit 2's not.
	src.units.Trains[1] = append([]float64{math.Inf(-1)}, src.units.Trains[1]...)
	src.units.Trains[2] = []float64{-3, math.NaN(), math.Inf(1)}
	src.series["/vel"] = series([]float64{0, 5, 9.9}, 1, 2, 3)
	rec, err := loadFake(t, src, nlbTrialsPreset)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"stop_time is NaN in all 6 trials of /intervals/trials: trial ends not used",
		"3 of 6 trials of /intervals/trials dropped: 1 excluded by [trials] (result in [\"early\"]), 1 with go NaN, 1 with go infinite",
		"4 spike times of /units dropped: 1 NaN, 2 infinite, 1 outside the recording (0–9.991 s)",
	}
	if !slices.Equal(rec.Notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", rec.Notes, want)
	}
}

// TestActivitySeriesSmoothing: activity from a series is smoothed when
// [smooth] sigma_ms > 0 (the values against numpy.convolve are in the
// dlc-smooth variant of TestExampleVariants), and a bin without a sample
// is then an error naming the series: the kernel cannot smooth across it.
// Here the series has samples in 9 of the 10 bins of 100 ms, none in bin 2
// (the kernel of σ = 1 bin has 6 taps).
func TestActivitySeriesSmoothing(t *testing.T) {
	const text = `name = "t"
layout = "nwb-continuous"
[nwb]
activity = ["/a"]
stop_s = 1
[[behaviour]]
series = "/b"
[bins]
width_ms = 100
[smooth]
sigma_ms = %v
`
	src := &fakeNWB{series: map[string]fakeSeries{
		"/a": series([]float64{0.05, 0.15, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95}, 1, 2, 4, 5, 6, 7, 8, 9, 10),
		"/b": series([]float64{0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
	}}
	_, err := loadFake(t, src, fmt.Sprintf(text, 100))
	want := "[nwb] activity /a has no sample in 1 bin, which [smooth] sigma_ms 100 cannot smooth across"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "fake.nwb") {
		t.Errorf("error %v, want one naming the file and %q", err, want)
	}
	// Without smoothing the empty bin is dropped with a note.
	rec, err := loadFake(t, src, fmt.Sprintf(text, 0))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := rec.Activity.Dims(); r != 9 {
		t.Errorf("%d samples, want 9 (bin 2 dropped)", r)
	}
}

// TestNLBTrialsBackwardTimes: nwb-trials refuses a behaviour series whose
// timestamps go back (it placed each sample by its time, hiding the
// fault), with the error of the other layouts.
func TestNLBTrialsBackwardTimes(t *testing.T) {
	src := trialsFake()
	src.series["/vel"] = series([]float64{0, 5, 4, 9.9}, 1, 2, 3, 4)
	_, err := loadFake(t, src, strings.Replace(nlbTrialsPreset, `exclude = { result = ["early"] }`+"\n", "", 1))
	want := "/vel: timestamps are not non-decreasing: timestamp 2 (4 s) is before timestamp 1 (5 s)"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "fake.nwb") {
		t.Errorf("error %v, want one naming the file and %q", err, want)
	}
}

// TestNoUnitLeft checks that a [units] selection that keeps no unit is an
// error saying what the table holds for each rule (it said only "no unit
// of /units is left").
func TestNoUnitLeft(t *testing.T) {
	for _, c := range []struct{ set, want string }{
		{"ids = [7, 8]", "no unit of /units is left after the [units] selection (id in [7, 8]; ≥ 20 spikes); /units has ids [0, 1, 2]; at most 0 spikes in a unit the other rules keep, in the analysed time"},
		// Unit 0: a spike every 20 ms over 2 trials of 600 ms and 2 × 300 ms margins: 120.
		{"min_spikes = 1000", "no unit of /units is left after the [units] selection (≥ 1000 spikes); /units has at most 120 spikes in a unit the other rules keep, in the analysed time"},
	} {
		text := strings.Replace(alignedPreset, "min_spikes = 20", "min_spikes = 20\n"+c.set, 1)
		if strings.HasPrefix(c.set, "min_spikes") {
			text = strings.Replace(alignedPreset, "min_spikes = 20", c.set, 1)
		}
		_, err := loadFake(t, trialsFake(), text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %q", c.set, err, c.want)
		}
	}
}

// TestSelectionMistakes: selections that cannot mean what they say are
// notes or errors, not silence: an excluded value no trial has (a
// misspelling excludes nothing), a where value no unit has, ids not in the
// table, and a unit that is both activity and behaviour (a rate decoded
// from itself: an error).
func TestSelectionMistakes(t *testing.T) {
	text := strings.Replace(alignedPreset, `exclude = { result = ["early"] }`, `exclude = { result = ["early", "erly"] }`, 1)
	text = strings.Replace(text, "min_spikes = 20", "min_spikes = 20\nids = [0, 1, 99]\nwhere = { quality = [\"good\", \"god\"] }", 1)
	src := trialsFake()
	src.cols["/units"] = map[string]any{"quality": []string{"good", "good", "mua"}}
	rec, err := loadFake(t, src, text)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`[trials] exclude: no trial of /intervals/trials has result "erly", so it excludes none (result has values "ok" (5), "early" (1))`,
		`[units] where: no unit of /units has quality "god", so it selects none (quality has values "good" (2), "mua" (1))`,
		`[units] ids: [99] not in /units, so they select none (/units has ids [0, 1, 2])`,
	} {
		if !slices.Contains(rec.Notes, want) {
			t.Errorf("no note %q in\n%q", want, rec.Notes)
		}
	}
	both := strings.Replace(alignedPreset, "min_spikes = 20", "min_spikes = 0", 1) + `
[[behaviour]]
kind = "units"
units = { ids = [0] }
`
	_, err = loadFake(t, trialsFake(), both)
	if want := "unit 0 is both activity ([units]) and behaviour: its rate would be decoded from itself"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestOverlapAndStopNotes: trial windows longer than the trials are apart
// (spikes counted twice) and a [nwb] stop_s past the data (bins of
// silence) are noted. trialsFake's kept trials are aligned 4 s apart.
func TestOverlapAndStopNotes(t *testing.T) {
	text := strings.Replace(alignedPreset, "window_ms = [-200, 400]", "window_ms = [-200, 4200]", 1)
	rec, err := loadFake(t, trialsFake(), text)
	if err != nil {
		t.Fatal(err)
	}
	want := "1 of 2 trials' windows overlap the next trial's window (window_ms [-200, 4200] around go is 4.4 s long; the closest trials are 4 s apart): spikes in the overlap are counted in both"
	if !slices.Contains(rec.Notes, want) {
		t.Errorf("no note %q in\n%q", want, rec.Notes)
	}
	src := oneUnit(0.1, 0.2, 0.3)
	rec, err = loadFake(t, src, strings.Replace(continuous("100", "0"), "[[behaviour]]", "stop_s = 5\n[[behaviour]]", 1))
	if err != nil {
		t.Fatal(err)
	}
	want = "[nwb] stop_s 5 s is after the data's end (0.3 s, last spike): the 4.7 s after it are bins without spikes or behaviour samples"
	if !slices.Contains(rec.Notes, want) {
		t.Errorf("no note %q in\n%q", want, rec.Notes)
	}
}

// TestWhereBool: a bool column (read as 0 and 1) is selected with TOML
// booleans: where = { is_good = [true] }.
func TestWhereBool(t *testing.T) {
	text := strings.Replace(alignedPreset, "min_spikes = 20", "min_spikes = 0\nwhere = { is_good = [true] }", 1)
	src := trialsFake()
	src.cols["/units"] = map[string]any{"is_good": []float64{1, 0, 1}}
	rec, err := loadFake(t, src, text)
	if err != nil {
		t.Fatal(err)
	}
	if _, n := rec.Activity.Dims(); n != 2 {
		t.Errorf("%d units kept, want 2 (ids 0 and 2); notes %q", n, rec.Notes)
	}
}
