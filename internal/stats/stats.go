// Package stats holds the small summaries several packages share, so each
// is computed one way: means and standard deviations in a fixed summation
// order (the same bits everywhere they are used).
package stats

import "math"

// Mean returns the mean of v summed left to right; NaN when v is empty.
func Mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// MeanLast returns the mean of the last n values of v (all of them when
// there are fewer); NaN when v is empty.
func MeanLast(v []float64, n int) float64 {
	return Mean(v[max(0, len(v)-n):])
}

// MeanSD returns the mean and the standard deviation (ddof 0) of the
// values of v that are not NaN; both NaN when none is.
func MeanSD(v []float64) (mean, sd float64) {
	var clean []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			clean = append(clean, x)
		}
	}
	if len(clean) == 0 {
		return math.NaN(), math.NaN()
	}
	m := Mean(clean)
	var ss float64
	for _, x := range clean {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(clean)))
}
