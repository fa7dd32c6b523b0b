package presets

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/preprocess"
)

// TestSmooth1 checks that the column smoothing of the NWB layout (smooth1,
// and smoothAt for one element) gives
// preprocess.Smooth's results bit for bit, for segments from the kernel's
// length up, with kernels of 6, 12 and 18 taps.
func TestSmooth1(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, sigma := range []float64{45, 90, 135} {
		kernel, err := preprocess.GaussianKernel(sigma, 45)
		if err != nil {
			t.Fatal(err)
		}
		for l := len(kernel); l < len(kernel)+40; l++ {
			x := mat.NewDense(l, 1, nil)
			col := make([]float64, l)
			counts := make([]uint16, l)
			for i := range col {
				counts[i] = uint16(rng.IntN(5))
				col[i] = float64(counts[i])
				x.Set(i, 0, col[i])
			}
			want, err := preprocess.Smooth(x, kernel, []preprocess.Segment{{From: 0, To: l}})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float64, l)
			smooth1(got, col, kernel)
			for i, g := range got {
				w := want.At(i, 0)
				if math.Float64bits(g) != math.Float64bits(w) {
					t.Fatalf("σ %v, %d bins (kernel %d): y[%d] = %v, preprocess.Smooth %v", sigma, l, len(kernel), i, g, w)
				}
				if a := smoothAt(counts, i, kernel); math.Float64bits(a) != math.Float64bits(w) {
					t.Fatalf("σ %v, %d bins (kernel %d): smoothAt(%d) = %v, preprocess.Smooth %v", sigma, l, len(kernel), i, a, w)
				}
			}
		}
	}
}

// TestPlaceIncreasing checks the one-pass placement of behaviour samples
// against the general path (NaN grid, samples placed, fillLinear), bit for
// bit, with gaps, NaN samples and samples missing at the ends.
func TestPlaceIncreasing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const q, bins = 45, 40
	n := bins*q + 17
	for trial := range 50 {
		var pos []int32
		var data []float64
		for i := rng.IntN(100); i < n-rng.IntN(100); i++ {
			if rng.Float64() < 0.3 {
				continue // a gap
			}
			x := rng.NormFloat64()
			if rng.Float64() < 0.1 {
				x = math.NaN()
			}
			pos = append(pos, int32(i))
			data = append(data, x)
		}
		want := make([]float64, n)
		for i := range want {
			want[i] = math.NaN()
		}
		for s, i := range pos {
			want[i] = data[s]
		}
		missing := fillLinear(want)
		got := make([]float64, n)
		gap := make([]bool, bins)
		raw := mat.NewDense(len(data), 1, data).RawMatrix()
		placed := placeIncreasing([][]float64{got}, [][]bool{gap}, q, pos, raw)
		if placed[0] != n-countTrue(missing) {
			t.Fatalf("trial %d: %d placed, want %d", trial, placed[0], n-countTrue(missing))
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("trial %d: bin %d = %v, want %v", trial, i, got[i], want[i])
			}
		}
		for r, g := range gap {
			if g != missing[r*q] {
				t.Fatalf("trial %d: gap[%d] = %v, want %v", trial, r, g, missing[r*q])
			}
		}
	}
}

// TestRegularBehaviour checks that samples on increasing bins without NaN,
// decimated from where they are, give the rows the base-grid columns give,
// bit for bit: series that start late, end early, cover the grid, are
// shorter than the filter, or have gaps of one to hundreds of bins; with
// q = 45 (500 taps) and q = 1.
func TestRegularBehaviour(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 40 {
		q, order := 45, 500
		if trial%8 == 7 {
			q = 1
		}
		bins := 20 + rng.IntN(40)
		baseBins := bins*q + rng.IntN(q)
		first := []int{0, rng.IntN(baseBins / 2)}[trial%2]
		last := []int{baseBins - 1, first + rng.IntN(baseBins-first)}[trial/2%2]
		if trial%5 == 4 {
			last = min(baseBins-1, first+rng.IntN(30)) // shorter than the filter
		}
		const channels = 3
		var pos []int32
		for b := first; b <= last; b++ {
			if trial%3 == 2 && rng.Float64() < 0.01 {
				b += 1 + rng.IntN([]int{3, 300}[rng.IntN(2)]) // a gap
				if b > last {
					break
				}
			}
			pos = append(pos, int32(b))
		}
		data := make([]float64, len(pos)*channels)
		for i := range data {
			data[i] = rng.NormFloat64()
		}
		raw := mat.NewDense(len(pos), channels, data).RawMatrix()
		dec, err := preprocess.NewDecimator(q, order)
		if err != nil {
			t.Fatal(err)
		}
		cols, gap := make([][]float64, channels), make([][]bool, channels)
		for j := range cols {
			cols[j], gap[j] = make([]float64, baseBins), make([]bool, bins)
		}
		placeIncreasing(cols, gap, q, pos, raw)
		want := &behGrid{cols: cols, gap: gap, dec: dec, bins: bins, baseBins: baseBins}
		got := &behGrid{raw: raw, pos: pos, baseBins: baseBins, q: q, dec: dec, bins: bins}
		if got.channels() != want.channels() {
			t.Fatalf("channels %d, want %d", got.channels(), want.channels())
		}
		w, g := make([]float64, channels), make([]float64, channels)
		for i := 0; i < bins; i++ {
			want.row(i, w)
			got.row(i, g)
			for j := range w {
				if math.Float64bits(w[j]) != math.Float64bits(g[j]) {
					t.Fatalf("trial %d (q %d, bins %d..%d of %d): row %d channel %d = %v, base grid %v", trial, q, first, last, baseBins, i, j, g[j], w[j])
				}
			}
		}
	}
}
