// Package regimes computes the measures that tell aligned from oblique
// dynamics (METHODS.md §4): the correlation ρ between activity and decoder,
// the variance and fitting dimensions and their ratio, and how ρ scales when
// neurons or samples are subsampled.
//
// The functions take a design — activity X (samples × neurons) and behaviour
// z (samples × outputs) — and know nothing of files.
package regimes

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
)

// Rho is the correlation between activity and decoder in its experimental
// form, ρ = ‖X·Wᵀ‖_F / (‖X‖_F·‖W‖_F), for X (T×N) centred over samples and W
// the decoder (K×N). It is zero when either norm is zero. (decode.Rho; the
// analyses get it from decode.FitDesign without a centred copy of X.)
func Rho(x, w mat.Matrix) float64 { return decode.Rho(x, w) }

// VarianceDimension returns the fewest leading components whose cumulative
// share of the variance exceeds threshold (0.9 in the paper).
func VarianceDimension(d *decode.Decomposition, threshold float64) int {
	for i, c := range d.CumulativeVarianceRatio() {
		if c > threshold {
			return i + 1
		}
	}
	return d.Rank()
}

// FittingDimension returns the fewest leading components whose fit reaches
// R²_k > threshold·full (the relative rule for data: threshold 0.9, full the
// R² of the decoder on all neurons), or 0 when no k does.
func FittingDimension(path []decode.PathPoint, threshold, full float64) int {
	for _, p := range path {
		if p.R2 > threshold*full {
			return p.K
		}
	}
	return 0
}

// DecoderMatch compares a fitted decoder with a given one: the relative
// Frobenius distance ‖W_fit − W_given‖/‖W_given‖.
func DecoderMatch(fit, given mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(fit, given)
	g := mat.Norm(given, 2)
	if g == 0 {
		return math.Inf(1)
	}
	return mat.Norm(&d, 2) / g
}
