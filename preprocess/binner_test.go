package preprocess_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/preprocess"
)

// edgeTrains returns spike trains that probe the binning: random times,
// times on and within a few ulps and a few µs of 1 ms edges, exact
// multiples of 1 ms and 45 ms, 0.0449999999 s (bin 45 after rounding to 6
// decimals, as nlb_tools does), times outside the grid and NaN.
func edgeTrains(rng *rand.Rand, units int) [][]float64 {
	trains := make([][]float64, units)
	for u := range trains {
		for range 2000 {
			trains[u] = append(trains[u], rng.Float64()*10.2-0.1)
		}
		trains[u] = append(trains[u], 0, 0.045, 0.0449999999, 9.99, 10.006, 10.007, -1e-7, -0.0009, math.NaN())
		for range 2000 {
			ms := float64(rng.IntN(10100))
			trains[u] = append(trains[u], math.Round((ms+rng.Float64())*1000)/1e6,
				ms/1000, math.Nextafter(ms/1000, -1), math.Nextafter(ms/1000, 2), (ms-4e-3)/1000, (ms+4e-3)/1000,
				(ms+0.5)/1000)
		}
	}
	return trains
}

// reference counts each spike in bin Index(t)/factor of the coarse grid,
// one spike at a time, dropping spikes off the base grid and in its
// trailing partial group: what Binner counts, by its definition.
func reference(trains [][]float64, base preprocess.Grid, factor int) *mat.Dense {
	bins := base.Bins / factor
	m := mat.NewDense(bins, len(trains), nil)
	for u, tr := range trains {
		for _, t := range tr {
			if i := base.Index(t); i >= 0 && i < bins*factor {
				m.Set(i/factor, u, m.At(i/factor, u)+1)
			}
		}
	}
	return m
}

// refDropped counts, spike by spike, the times Binner.Dropped reports: NaN,
// infinite, and finite ones whose base bin is off the grid.
func refDropped(trains [][]float64, base preprocess.Grid) [3]int {
	var d [3]int
	for _, tr := range trains {
		for _, t := range tr {
			switch {
			case math.IsNaN(t):
				d[0]++
			case math.IsInf(t, 0):
				d[1]++
			case math.Abs(t) > 1e6:
				d[2]++ // Index would overflow int: off any test grid
			case base.Index(t) < 0 || base.Index(t) >= base.Bins:
				d[2]++
			}
		}
	}
	return d
}

func dropped(b *preprocess.Binner) [3]int {
	nan, inf, out := b.Dropped()
	return [3]int{nan, inf, out}
}

// TestBinner checks that direct binning at the coarse width equals
// counting spike by spike, exactly, including spikes on bin edges, outside
// the grid and in the dropped trailing partial bin;
// that counting only some rows gives those rows' counts; and that 16-bit
// counts report an overflow.
func TestBinner(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	base := preprocess.Grid{T0: 0, Width: 0.001, Bins: 10007} // 222 bins of 45 ms and 17 ms left over
	trains := edgeTrains(rng, 7)
	trains[3] = append(trains[3], math.Inf(1), math.Inf(-1), 1e300, -1e300, math.NaN())
	want := reference(trains, base, 45)
	all, err := preprocess.NewBinner(base, 45, len(trains), nil)
	if err != nil {
		t.Fatal(err)
	}
	for u, tr := range trains {
		all.Add(u, tr)
	}
	if all.Bins() != 222 || !mat.Equal(all.Matrix(), want) {
		t.Fatal("Binner differs from binning spike by spike")
	}
	if got, w := dropped(all), refDropped(trains, base); got != w || w[0] != 8 || w[1] != 2 || w[2] == 0 {
		t.Errorf("dropped (NaN, infinite, outside) = %v, want %v", got, w)
	}

	// Some rows, in any order and repeated: row r of the counts is the
	// r-th of them in time order.
	rows := []int{200, 3, 4, 5, 221, 0, 4, 100, 101}
	some, err := preprocess.NewBinner(base, 45, len(trains), rows)
	if err != nil {
		t.Fatal(err)
	}
	for u, tr := range trains {
		some.Add(u, tr)
	}
	sorted := []int{0, 3, 4, 5, 100, 101, 200, 221}
	if some.Rows != len(sorted) {
		t.Fatalf("%d rows counted, want %d", some.Rows, len(sorted))
	}
	for q := range some.Bins() {
		want := -1
		for r, s := range sorted {
			if s == q {
				want = r
			}
		}
		if got := some.Slot(q); got != want {
			t.Fatalf("Slot(%d) = %d, want %d", q, got, want)
		}
	}
	for u := range trains {
		for r, q := range sorted {
			if got, w := float64(some.Unit(u)[r]), want.At(q, u); got != w {
				t.Fatalf("unit %d, row %d: %v spikes, want %v", u, q, got, w)
			}
		}
	}

	// Trains in time order are walked run by run, skipping the spikes
	// between runs: the same counts, on grids from 0 and from 0.3 s,
	// for runs at either end of the grid, and a train out of order or
	// with a NaN among sorted ones (counted one by one).
	for k, t0 := range []float64{0, 0.3} {
		g := base
		g.T0 = t0
		sorted := make([][]float64, len(trains)+2)
		for u, tr := range trains {
			sorted[u] = slices.DeleteFunc(slices.Clone(tr), math.IsNaN)
			for i := range sorted[u] {
				sorted[u][i] += t0
			}
			slices.Sort(sorted[u])
		}
		sorted[len(trains)] = append(slices.Clone(sorted[0]), 0.5+t0)                   // out of order
		sorted[len(trains)+1] = slices.Insert(slices.Clone(sorted[1]), 100, math.NaN()) // a NaN
		// +Inf, then a time that belongs in a counted bin: out of order.
		sorted = append(sorted, append(slices.Clone(sorted[2]), math.Inf(1), sorted[2][len(sorted[2])/2]))
		// In order with infinite and huge times at both ends.
		sorted = append(sorted, slices.Concat([]float64{math.Inf(-1), math.Inf(-1), -1e300, -5},
			sorted[3], []float64{1e300, math.Inf(1)}))
		want := reference(sorted, g, 45)
		for trial := range 20 {
			var rows []int
			for q := range 222 {
				if rng.IntN(4) == 0 || (trial%3 == k && (q < 3 || q > 218)) {
					rows = append(rows, q)
				}
			}
			some, err := preprocess.NewBinner(g, 45, len(sorted), rows)
			if err != nil {
				t.Fatal(err)
			}
			for u, tr := range sorted {
				some.Add(u, tr)
			}
			if got, w := dropped(some), refDropped(sorted, g); got != w {
				t.Fatalf("t0 %v, trial %d: dropped (NaN, infinite, outside) = %v, want %v", t0, trial, got, w)
			}
			for u := range sorted {
				for _, q := range rows {
					if got, w := float64(some.Unit(u)[some.Slot(q)]), want.At(q, u); got != w {
						t.Fatalf("T0 %v, trial %d: unit %d, row %d: %v spikes, want %v", t0, trial, u, q, got, w)
					}
				}
			}
		}
	}

	// 16-bit counts: 65536 spikes in a bin are reported, whether all
	// bins are counted or some (and the equal times walked in order).
	burst := make([]float64, 65535)
	for i := range burst {
		burst[i] = 1.0005 // base bin 1000, bin 22
	}
	for _, rows := range [][]int{nil, {21, 22}} {
		b, err := preprocess.NewBinner(base, 45, 1, rows)
		if err != nil {
			t.Fatal(err)
		}
		b.Add(0, burst)
		if b.Overflow() {
			t.Errorf("rows %v: 65535 spikes in a bin reported as an overflow", rows)
		}
		b.Add(0, burst[:1])
		if !b.Overflow() {
			t.Errorf("rows %v: 65536 spikes in a bin not reported", rows)
		}
	}
	for _, c := range []struct {
		base   preprocess.Grid
		factor int
		rows   []int
	}{
		{preprocess.Grid{Width: 0.001, Bins: 30}, 45, nil}, // shorter than one bin
		{base, 0, nil},
		{preprocess.Grid{Bins: 100}, 1, nil}, // no width
		{base, 45, []int{222}},
		{base, 45, []int{-1}},
	} {
		if _, err := preprocess.NewBinner(c.base, c.factor, 1, c.rows); err == nil {
			t.Errorf("%+v, factor %d, rows %v: no error", c.base, c.factor, c.rows)
		}
	}
}

// TestSmoothAt checks SmoothColumn against the sum of its definition, and
// SmoothAt (on floats and on 16-bit counts) and SmoothRange against
// SmoothColumn, bit for bit, for series from the kernel's length up, with kernels of 6, 12 and
// 18 taps.
func TestSmoothAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, sigma := range []float64{45, 90, 135} {
		kernel, err := preprocess.GaussianKernel(sigma, 45)
		if err != nil {
			t.Fatal(err)
		}
		m := len(kernel)
		for l := m; l < m+30; l++ {
			counts := make([]uint16, l)
			x := make([]float64, l)
			for i := range x {
				counts[i] = uint16(rng.IntN(20))
				x[i] = float64(counts[i])
			}
			got := make([]float64, l)
			if err := preprocess.SmoothColumn(got, x, kernel); err != nil {
				t.Fatal(err)
			}
			for i, g := range got {
				var w float64
				for k, v := range kernel {
					if src := i + (m-1)/2 - k; src >= 0 && src < l {
						w += v * x[src]
					}
				}
				if math.Float64bits(g) != math.Float64bits(w) {
					t.Fatalf("σ %v, %d bins (kernel %d): y[%d] = %v, want %v", sigma, l, m, i, g, w)
				}
				if a := preprocess.SmoothAt(counts, i, kernel); math.Float64bits(a) != math.Float64bits(w) {
					t.Fatalf("σ %v, %d bins (kernel %d): SmoothAt(counts, %d) = %v, want %v", sigma, l, m, i, a, w)
				}
				if a := preprocess.SmoothAt(x, i, kernel); math.Float64bits(a) != math.Float64bits(w) {
					t.Fatalf("σ %v, %d bins (kernel %d): SmoothAt(x, %d) = %v, want %v", sigma, l, m, i, a, w)
				}
			}
			// SmoothRange, into a column of 3, over every range.
			const scale = 1 / 0.045
			for from := 0; from <= l; from++ {
				for to := from; to <= l; to++ {
					col := make([]float64, 3*(to-from)+1)
					preprocess.SmoothRange(col[1:], 3, counts, from, to, kernel, scale)
					for i := from; i < to; i++ {
						if g, w := col[1+3*(i-from)], got[i]*scale; math.Float64bits(g) != math.Float64bits(w) {
							t.Fatalf("σ %v, %d bins: SmoothRange(%d, %d)[%d] = %v, want %v", sigma, l, from, to, i, g, w)
						}
					}
				}
			}
		}
	}
}
