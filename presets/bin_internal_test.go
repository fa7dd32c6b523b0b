package presets

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/preprocess"
)

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

// memSeries is a SeriesReader over data in memory (one row a sample),
// sampled at times.
type memSeries struct {
	data  *mat.Dense
	times []float64
	reads int
}

func (m *memSeries) Rows() int { r, _ := m.data.Dims(); return r }
func (m *memSeries) Cols() int { _, c := m.data.Dims(); return c }

func (m *memSeries) ReadData(start, count int, dst []float64) ([]float64, error) {
	m.reads++
	k := m.Cols()
	if start < 0 || count < 0 || start+count > m.Rows() {
		return nil, fmt.Errorf("rows %d…%d of %d", start, start+count, m.Rows())
	}
	return append(dst[:0], m.data.RawMatrix().Data[start*k:(start+count)*k]...), nil
}

func (m *memSeries) ReadTimes(start, count int, dst []float64) ([]float64, error) {
	return append(dst[:0], m.times[start:start+count]...), nil
}

// TestRegularBehaviour checks that samples on increasing bins without NaN,
// decimated from where they are, give the rows the base-grid columns give,
// bit for bit: series that start late, end early, cover the grid, are
// shorter than the filter, or have gaps of one to hundreds of bins; with
// q = 45 (500 taps) and q = 1. It checks them from memory (seriesRows) and
// read a block at a time (streamRows, with blocks of 1 to 1000 samples) on
// rows in any order, repeated, and that a NaN among the samples the rows
// read, or samples out of order, make streamRows give up (errIrregular) and
// seriesRows use the base-grid columns.
func TestRegularBehaviour(t *testing.T) {
	defer func(b int) { seriesBlock = b }(seriesBlock)
	rng := rand.New(rand.NewPCG(5, 5))
	irregular := 0
	for trial := range 60 {
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
		base := preprocess.Grid{Width: 0.001, Bins: baseBins}
		times := make([]float64, len(pos))
		for s, b := range pos {
			times[s] = (float64(b) + 0.3*(rng.Float64()-0.5)) / 1000 // on bin b, not on its centre
		}
		j := behJob{base: base, q: q, order: order, bins: bins}
		for i := range bins {
			j.rows = append(j.rows, i)
		}
		grid, err := onGrid(raw, times, "test", j)
		if err != nil {
			t.Fatal(err)
		}
		want := mat.NewDense(bins, channels, nil)
		for i := range bins {
			grid.row(i, want.RawRowView(i))
		}
		same := func(what string, rows []int, got *mat.Dense) {
			t.Helper()
			for r, i := range rows {
				for c := range channels {
					if w, g := want.At(i, c), got.At(r, c); math.Float64bits(w) != math.Float64bits(g) {
						t.Fatalf("trial %d (q %d, bins %d..%d of %d), %s: row %d channel %d = %v, base grid %v",
							trial, q, first, last, baseBins, what, i, c, g, w)
					}
				}
			}
		}
		got, err := seriesRows(mat.NewDense(len(pos), channels, data), times, "test", j)
		if err != nil {
			t.Fatal(err)
		}
		same("from memory", j.rows, got)

		// Read a block at a time, on rows in any order.
		rows := slices.Clone(j.rows)
		rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		rows = append(rows[:1+rng.IntN(len(rows))], rows[0])
		js := j
		js.rows = rows
		seriesBlock = []int{1, 7, 100, 1000}[trial%4]
		src := &memSeries{data: mat.NewDense(len(pos), channels, data), times: times}
		got, err = streamRows(src, js)
		if err != nil {
			t.Fatal(err)
		}
		same(fmt.Sprintf("in blocks of %d", seriesBlock), rows, got)

		// A NaN: where a row reads it, streamRows gives up and
		// seriesRows uses the base-grid columns; elsewhere neither
		// changes a value the rows hold.
		nan := slices.Clone(data)
		nan[rng.IntN(len(nan))] = math.NaN()
		if grid, err = onGrid(mat.NewDense(len(pos), channels, nan).RawMatrix(), times, "test", j); err != nil {
			// A channel of one sample, now NaN, has no value at all:
			// an error, or (when no row reads the sample) NaN rows.
			got, err := seriesRows(mat.NewDense(len(pos), channels, nan), times, "test", j)
			if err == nil && !slices.ContainsFunc(got.RawMatrix().Data, func(v float64) bool { return v == v }) {
				err = errors.New("all NaN")
			}
			if err == nil {
				t.Fatalf("trial %d: a channel without samples: no error, and values", trial)
			}
			continue
		}
		for i := range bins {
			grid.row(i, want.RawRowView(i))
		}
		if got, err = seriesRows(mat.NewDense(len(pos), channels, nan), times, "test", j); err != nil {
			t.Fatal(err)
		}
		same("a NaN, from memory", j.rows, got)
		src.data = mat.NewDense(len(pos), channels, nan)
		switch got, err = streamRows(src, j); err {
		case errIrregular:
			irregular++
		case nil:
			same("a NaN, in blocks", j.rows, got)
		default:
			t.Fatal(err)
		}
		if len(times) > 1 {
			src.data, src.times = mat.NewDense(len(pos), channels, data), slices.Clone(times)
			s := 1 + rng.IntN(len(times)-1)
			src.times[s-1], src.times[s] = src.times[s], src.times[s-1]
			if _, err := streamRows(src, j); err != errIrregular {
				t.Fatalf("trial %d: out of order: %v, want errIrregular", trial, err)
			}
		}
	}
	if irregular == 0 {
		t.Error("no NaN was found where a row reads it")
	}
}
