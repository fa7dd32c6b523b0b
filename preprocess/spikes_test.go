package preprocess_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/preprocess"
)

// Golden values from preprocess/testdata/make_goldens.py (NumPy 1.24, SciPy
// 1.10). Tolerance 1e-10 absolute on values of order one, as the issue
// specifies: both sides evaluate the same sums in a different order.
const tol = 1e-10

type spikesGolden struct {
	Bins struct {
		Trains  [][]float64 `json:"trains"`
		NBins   int         `json:"n_bins"`
		Sum     []float64   `json:"counts_1ms_sum"`
		Nonzero [][]float64 `json:"counts_1ms_nonzero"`
		C45     [][]float64 `json:"counts_45ms"`
	} `json:"bins"`
	Gaussian struct {
		X   []float64 `json:"x"`
		ByS map[string]struct {
			Kernel   []float64 `json:"kernel"`
			Smoothed []float64 `json:"smoothed"`
		} `json:"by_s"`
	} `json:"gaussian"`
	Decimate []struct {
		Q int       `json:"q"`
		X []float64 `json:"x"`
		Y []float64 `json:"y"`
	} `json:"decimate"`
	Firwin []float64 `json:"firwin_501_45"`
}

func loadSpikesGolden(t *testing.T) *spikesGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/spikes.json")
	if err != nil {
		t.Fatal(err)
	}
	var g spikesGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// TestBinnerMatchesNLBTools bins at 1 ms and at 45 ms (factor 45 of the
// 1 ms grid) and compares with nlb_tools' binning and resampling.
func TestBinnerMatchesNLBTools(t *testing.T) {
	g := loadSpikesGolden(t)
	base := preprocess.Grid{T0: 0, Width: 0.001, Bins: g.Bins.NBins}
	count := func(factor int) *mat.Dense {
		t.Helper()
		b, err := preprocess.NewBinner(base, factor, len(g.Bins.Trains), nil)
		if err != nil {
			t.Fatal(err)
		}
		for u, tr := range g.Bins.Trains {
			b.Add(u, tr)
		}
		return b.Matrix()
	}
	want := mat.NewDense(g.Bins.NBins, len(g.Bins.Trains), nil)
	for _, nz := range g.Bins.Nonzero {
		want.Set(int(nz[0]), int(nz[1]), nz[2])
	}
	if !mat.Equal(count(1), want) {
		t.Fatalf("1 ms counts differ from nlb_tools' binning")
	}
	c45 := count(45)
	if r, _ := c45.Dims(); r != len(g.Bins.C45) {
		t.Fatalf("%d bins of 45 ms, want %d (trailing partial bin dropped)", r, len(g.Bins.C45))
	}
	for i, row := range g.Bins.C45 {
		for j, v := range row {
			if c45.At(i, j) != v {
				t.Fatalf("45 ms bin %d unit %d: %v, want %v", i, j, c45.At(i, j), v)
			}
		}
	}
}

func TestGaussianSmoothingMatchesScipy(t *testing.T) {
	g := loadSpikesGolden(t)
	for s, ref := range g.Gaussian.ByS {
		k, err := preprocess.GaussianKernel(map[string]float64{"1": 45, "2": 90, "3": 135}[s], 45)
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != len(ref.Kernel) {
			t.Fatalf("s = %s: %d taps, want %d", s, len(k), len(ref.Kernel))
		}
		for i := range k {
			if math.Abs(k[i]-ref.Kernel[i]) > tol {
				t.Errorf("s = %s: tap %d = %v, scipy %v", s, i, k[i], ref.Kernel[i])
			}
		}
		y := make([]float64, len(g.Gaussian.X))
		if err := preprocess.SmoothColumn(y, g.Gaussian.X, k); err != nil {
			t.Fatal(err)
		}
		for i, want := range ref.Smoothed {
			if math.Abs(y[i]-want) > tol {
				t.Fatalf("s = %s: smoothed[%d] = %v, numpy.convolve %v", s, i, y[i], want)
			}
		}
	}
	if _, err := preprocess.GaussianKernel(10, 45); err == nil {
		t.Error("a Gaussian under half a bin gave a kernel")
	}
	if err := preprocess.SmoothColumn(make([]float64, 4), make([]float64, 4), make([]float64, 6)); err == nil {
		t.Error("a segment shorter than the kernel was smoothed")
	}
}

func TestDecimateMatchesScipy(t *testing.T) {
	g := loadSpikesGolden(t)
	b := preprocess.FIRLowpass(501, 1.0/45)
	for i := range b {
		if math.Abs(b[i]-g.Firwin[i]) > 1e-15 {
			t.Fatalf("firwin tap %d = %v, scipy %v", i, b[i], g.Firwin[i])
		}
	}
	for _, c := range g.Decimate {
		y, err := preprocess.Decimate(c.X, c.Q, 500)
		if err != nil {
			t.Fatal(err)
		}
		// AtStrided, on the series stored as one channel of three, gives
		// At's values bit for bit.
		d, err := preprocess.NewDecimator(c.Q, 500)
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]float64, 3*len(c.X))
		for i, x := range c.X {
			rows[3*i+1] = x
		}
		for k := range y {
			start, _ := d.Span(k, len(c.X))
			if a := d.AtStrided(rows, 3*start+1, 3, k, len(c.X)); math.Float64bits(a) != math.Float64bits(y[k]) {
				t.Fatalf("q = %d: AtStrided(%d) = %v, At %v", c.Q, k, a, y[k])
			}
		}
		if len(y) != len(c.Y) {
			t.Fatalf("q = %d, %d samples: %d outputs, scipy %d", c.Q, len(c.X), len(y), len(c.Y))
		}
		for i := range y {
			if math.Abs(y[i]-c.Y[i]) > tol {
				t.Fatalf("q = %d, %d samples: y[%d] = %v, scipy %v", c.Q, len(c.X), i, y[i], c.Y[i])
			}
		}
	}
}
