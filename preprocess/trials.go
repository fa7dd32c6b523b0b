package preprocess

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Trial windows on a bin grid, with nlb_tools' make_trial_data conventions
// (METHODS.md §2). Times are handled in integer nanoseconds, as pandas'
// Timedelta does, so that edges compare exactly.

// Nanos converts seconds to integer nanoseconds (rounded).
func Nanos(s float64) int64 { return int64(math.Round(s * 1e9)) }

// Window is a trial's rows on the grid: rows [From, To) hold the trial with
// its margins, rows [InnerFrom, InnerTo) the trial without them. AlignNanos
// is the alignment time rounded up to the grid, the zero of the trial's
// time axis: row i is at (Start(i) − AlignNanos) from it.
type Window struct {
	From, To           int
	InnerFrom, InnerTo int
	AlignNanos         int64
}

// Rows returns the number of rows with margins.
func (w Window) Rows() int { return w.To - w.From }

// TimeMS returns the trial time of grid row i in milliseconds, relative to
// the (rounded-up) alignment time.
func (w Window) TimeMS(g Grid, i int) float64 {
	return float64(gridNanos(g, i)-w.AlignNanos) / 1e6
}

func gridNanos(g Grid, i int) int64 { return Nanos(g.T0) + int64(i)*Nanos(g.Width) }

// Align returns the window of a trial aligned to time align (s) on grid g,
// as nlb_tools' make_trial_data(align_field=…, align_range=(lo, hi),
// margin=m) takes it: the rows whose start time c satisfies
// align + lo − m ≤ c ≤ align + hi − 1 µs + m, the inner rows those with
// align + lo ≤ c ≤ align + hi − 1 µs, and time measured from align rounded
// up to the grid. lo, hi and margin are in seconds. ok is false when the
// window reaches outside the grid.
func Align(g Grid, align, lo, hi, margin float64) (w Window, ok bool) {
	a := Nanos(align)
	start, end := a+Nanos(lo), a+Nanos(hi)-1000
	return window(g, start, end, Nanos(margin), ceilTo(a-Nanos(g.T0), Nanos(g.Width))+Nanos(g.T0))
}

// Span returns the window of a trial from start to stop (s), without
// alignment: the rows with start ≤ c ≤ stop − 1 µs (make_trial_data without
// align_field), time measured from start rounded up to the grid.
func Span(g Grid, start, stop float64) (w Window, ok bool) {
	s := Nanos(start)
	return window(g, s, Nanos(stop)-1000, 0, ceilTo(s-Nanos(g.T0), Nanos(g.Width))+Nanos(g.T0))
}

func window(g Grid, start, end, margin, align int64) (Window, bool) {
	// First row with c ≥ x, and last row with c ≤ x, on the grid.
	first := func(x int64) int { return int(ceilDiv(x-Nanos(g.T0), Nanos(g.Width))) }
	last := func(x int64) int { return int(floorDiv(x-Nanos(g.T0), Nanos(g.Width))) }
	w := Window{
		From: first(start - margin), To: last(end+margin) + 1,
		InnerFrom: first(start), InnerTo: last(end) + 1,
		AlignNanos: align,
	}
	ok := w.From >= 0 && w.To <= g.Bins && w.From < w.To && w.InnerFrom < w.InnerTo
	return w, ok
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilTo(a, step int64) int64 { return ceilDiv(a, step) * step }

// ChangePoints returns the rows i > 0 at which row i of v differs from row
// i − 1 (any column): where MC_RTT's target position changes and a new
// reach begins.
func ChangePoints(v [][]float64) []int {
	var out []int
	for i := 1; i < len(v); i++ {
		for j := range v[i] {
			if v[i][j] != v[i-1][j] {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// GridFor returns the grid of width w seconds from 0 that covers end
// seconds: round(end/w) bins, as nlb_tools computes its 1 ms timestamps.
func GridFor(end, w float64) (Grid, error) {
	if !(w > 0) || !(end > 0) || math.IsInf(end, 0) {
		return Grid{}, fmt.Errorf("preprocess: no grid of %g s bins up to %g s", w, end)
	}
	return Grid{T0: 0, Width: w, Bins: int(math.RoundToEven(end / w))}, nil
}

// ExcludeAngles clears keep[i] for each sample i whose direction (row i of
// dirs: x, y) points at one of angles (degrees): atan2 in degrees mod 360,
// compared as numpy.isclose(a, b) does (|a − b| ≤ 1e-8 + 1e-5·|b|), as the
// paper selected the Golub samples. dirs has len(keep) rows.
func ExcludeAngles(keep []bool, dirs mat.Matrix, angles []float64) {
	for i := range keep {
		a := math.Atan2(dirs.At(i, 1), dirs.At(i, 0)) * 180 / math.Pi
		a = math.Mod(a, 360)
		if a < 0 {
			a += 360
		}
		for _, b := range angles {
			if math.Abs(a-b) <= 1e-8+1e-5*math.Abs(b) {
				keep[i] = false
			}
		}
	}
}
