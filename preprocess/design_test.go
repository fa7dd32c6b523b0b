package preprocess_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/preprocess"
)

// recording has activity row i = (i, 10·i) counts and behaviour row i =
// (100·i): the lag is visible in which rows are paired.
func recording(t, trialLen int) *ingest.Recording {
	x := mat.NewDense(t, 2, nil)
	z := mat.NewDense(t, 1, nil)
	trials := make([]int, t)
	for i := 0; i < t; i++ {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, float64(10*i))
		z.Set(i, 0, float64(100*i))
		if trialLen > 0 {
			trials[i] = i / trialLen
		}
	}
	r := &ingest.Recording{Name: "r", Activity: x, Kind: ingest.Counts, BinWidth: 0.045, Behaviour: z}
	if trialLen > 0 {
		r.Trials = trials
	}
	return r
}

func TestLag(t *testing.T) {
	// 100 ms at 45 ms bins is int(2.22) = 2 bins (METHODS.md §2).
	if got := (preprocess.Settings{LagMS: 100}).Lag(0.045); got != 2 {
		t.Errorf("100 ms at 45 ms bins = %d bins, want 2", got)
	}
	if got := (preprocess.Settings{LagMS: 90}).Lag(0.045); got != 2 {
		t.Errorf("90 ms at 45 ms bins = %d bins, want 2", got)
	}
	if got := (preprocess.Settings{LagMS: 100}).Lag(0.001); got != 100 {
		t.Errorf("100 ms at 1 ms bins = %d bins, want 100", got)
	}
	if got := (preprocess.Settings{LagMS: -100}).Lag(0.045); got != -2 {
		t.Errorf("-100 ms = %d bins, want -2", got)
	}
	d, err := preprocess.Build(recording(10, 0), preprocess.Settings{LagBins: 2, NoCentre: true})
	if err != nil {
		t.Fatal(err)
	}
	// Behaviour sample i pairs with activity row i − 2: samples 0 and 1 go.
	if len(d.Rows) != 8 || d.Rows[0] != 2 {
		t.Fatalf("rows %v", d.Rows)
	}
	for r, i := range d.Rows {
		if d.Z.At(r, 0) != float64(100*i) || math.Abs(d.X.At(r, 0)-float64(i-2)/0.045) > 1e-12 {
			t.Errorf("row %d: z %v x %v, want behaviour %d with activity %d", r, d.Z.At(r, 0), d.X.At(r, 0), i, i-2)
		}
	}
	if !strings.Contains(strings.Join(d.Notes, " "), "2 samples dropped") {
		t.Errorf("notes %q", d.Notes)
	}
}

func TestLagStaysInTrial(t *testing.T) {
	d, err := preprocess.Build(recording(12, 4), preprocess.Settings{LagBins: 1, NoCentre: true})
	if err != nil {
		t.Fatal(err)
	}
	// Trials of 4 samples: the first sample of each trial has no activity
	// one bin earlier in the same trial.
	want := []int{1, 2, 3, 5, 6, 7, 9, 10, 11}
	if len(d.Rows) != len(want) {
		t.Fatalf("rows %v, want %v", d.Rows, want)
	}
	for i := range want {
		if d.Rows[i] != want[i] {
			t.Fatalf("rows %v, want %v", d.Rows, want)
		}
	}
}

func TestRatesCentringMaskDecoder(t *testing.T) {
	r := recording(6, 0)
	r.Mask = []bool{true, false, true, true, false, true}
	r.Decoder = mat.NewDense(1, 2, []float64{1, 2})
	d, err := preprocess.Build(r, preprocess.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 4 || d.Unit != "Hz" {
		t.Fatalf("rows %v unit %s", d.Rows, d.Unit)
	}
	// Rows 0, 2, 3, 5: activity mean (0+2+3+5)/4 = 2.5 counts = 2.5/0.045 Hz.
	if math.Abs(d.XMean[0]-2.5/0.045) > 1e-12 || math.Abs(d.X.At(0, 0)-(0-2.5)/0.045) > 1e-12 {
		t.Errorf("mean %v, first centred value %v", d.XMean[0], d.X.At(0, 0))
	}
	// The decoder acts on counts; on Hz it is scaled by the bin width.
	if math.Abs(d.Decoder.At(0, 1)-2*0.045) > 1e-15 {
		t.Errorf("decoder in Hz units %v, want %v", d.Decoder.At(0, 1), 2*0.045)
	}
	k, err := preprocess.Build(r, preprocess.Settings{KeepCounts: true, NoCentre: true})
	if err != nil || k.Unit != "counts/bin" || k.X.At(1, 0) != 2 {
		t.Errorf("keep counts: unit %s, x %v, err %v", k.Unit, k.X.At(1, 0), err)
	}
}

func TestEvery(t *testing.T) {
	d, err := preprocess.Build(recording(12, 0), preprocess.Settings{LagBins: 1, Every: 5, NoCentre: true})
	if err != nil {
		t.Fatal(err)
	}
	// Samples 1…11 pass the lag; every 5th of them: 1, 6, 11.
	if len(d.Rows) != 3 || d.Rows[0] != 1 || d.Rows[1] != 6 || d.Rows[2] != 11 {
		t.Errorf("rows %v, want [1 6 11]", d.Rows)
	}
}

// TestBuildOverflow checks that values the arithmetic cannot hold give an
// error that says so, instead of Inf reaching the decomposition (which
// panicked), a lag wrapping round to a negative bin count, or values whose
// squares overflow or underflow giving NaN results.
func TestBuildOverflow(t *testing.T) {
	tiny := recording(10, 0)
	tiny.BinWidth = 1e-320 // 1/width is +Inf
	huge := recording(10, 0)
	huge.Activity.Set(3, 1, 1e308) // finite counts, +Inf in Hz
	big := recording(10, 0)
	big.Activity.Scale(1e300, big.Activity) // finite in Hz, squares overflow
	wide := recording(10, 0)
	wide.BinWidth = 1e305 // bin_ms = 1e308: rates below 1e-303 Hz
	bigZ := recording(10, 0)
	bigZ.Behaviour.Set(4, 0, -1e200)
	smallZ := recording(10, 0)
	smallZ.Behaviour.Scale(1e-250, smallZ.Behaviour)
	cases := []struct {
		name string
		rec  *ingest.Recording
		s    preprocess.Settings
		want string
	}{
		{"bin width", tiny, preprocess.Settings{}, "too small to convert counts to Hz"},
		{"activity", huge, preprocess.Settings{}, "at sample 3, neuron 1, which overflows when converted to Hz"},
		{"lag", recording(10, 0), preprocess.Settings{LagMS: 1e300}, "lag of 1e+300 ms (2.22e+298 bins"},
		{"negative lag", recording(10, 0), preprocess.Settings{LagMS: -1e300}, "(-2.22e+298 bins"},
		{"long lag", recording(10, 0), preprocess.Settings{LagMS: 450}, "lag of 450 ms (10 bins; 10 samples)"},
		{"large activity", big, preprocess.Settings{}, "r: activity r reaches 2e+303 Hz on the samples used after the conversion from counts per 0.045 s bin to Hz (×22.2): beyond 1e+100, where the analysis' sums of squares overflow"},
		{"large counts", big, preprocess.Settings{KeepCounts: true}, "reaches 9e+301 counts/bin on the samples used: beyond"},
		{"wide bins", wide, preprocess.Settings{}, "activity r is at most 9e-304 Hz on the samples used after the conversion from counts per 1e+305 s bin to Hz (×1e-305): below 1e-100, where the analysis' sums of squares underflow (is the bin width in seconds?)"},
		{"large behaviour", bigZ, preprocess.Settings{}, "behaviour r reaches 1e+200 on the samples used: beyond 1e+100"},
		{"small behaviour", smallZ, preprocess.Settings{}, "behaviour r is at most 9e-248 on the samples used: below 1e-100"},
	}
	for _, c := range cases {
		_, err := preprocess.Build(c.rec, c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
		// Values beyond what the sums hold are ErrNonFinite.
		if scale := err != nil && strings.Contains(err.Error(), "sums of squares"); errors.Is(err, preprocess.ErrNonFinite) != scale {
			t.Errorf("%s: errors.Is(%v, ErrNonFinite) = %v", c.name, err, !scale)
		}
	}
}

// TestTakeEqualsBuild: Take, which builds the design in the recording's
// own storage, gives exactly Build's design (for positive, zero and
// negative lags, trials, thinning, a mask, Hz and counts) and leaves the
// recording without its arrays.
func TestTakeEqualsBuild(t *testing.T) {
	for _, c := range []struct {
		name     string
		trialLen int
		mask     bool
		s        preprocess.Settings
	}{
		{"lag 2", 0, false, preprocess.Settings{LagBins: 2}},
		{"no lag, counts", 0, false, preprocess.Settings{KeepCounts: true}},
		{"negative lag", 0, false, preprocess.Settings{LagBins: -3}},
		{"trials", 4, false, preprocess.Settings{LagBins: 1}},
		{"every 5th", 0, false, preprocess.Settings{LagBins: 1, Every: 5}},
		{"mask", 0, true, preprocess.Settings{}},
	} {
		mk := func() *ingest.Recording {
			r := recording(20, c.trialLen)
			if c.mask {
				r.Mask = make([]bool, 20)
				for i := range r.Mask {
					r.Mask[i] = i%3 != 1
				}
			}
			return r
		}
		want, err := preprocess.Build(mk(), c.s)
		if err != nil {
			t.Fatal(err)
		}
		rec := mk()
		got, err := preprocess.Take(rec, c.s)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got.X, want.X) || !mat.Equal(got.Z, want.Z) || !slices.Equal(got.Rows, want.Rows) ||
			!slices.Equal(got.XMean, want.XMean) || !slices.Equal(got.ZMean, want.ZMean) {
			t.Errorf("%s: Take gives\n%v\n%v, Build\n%v\n%v", c.name, mat.Formatted(got.X), mat.Formatted(got.Z), mat.Formatted(want.X), mat.Formatted(want.Z))
		}
		if rec.Activity != nil || rec.Behaviour != nil {
			t.Errorf("%s: the recording keeps its arrays", c.name)
		}
	}
}
