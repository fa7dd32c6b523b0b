package golden

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/regimes"
)

// CheckUncentred compares a centred design matrix m (samples × columns,
// with the column means it had, mean) with a reference script's record of
// it before centring: its first row, within 1e-12 relative (a few float64
// operations each), and the sum of all its values, within 1e-12 relative
// plus sumAbs (a sum of centred-then-restored values can be near zero,
// where only an absolute bound holds). what names the matrix in errors.
func CheckUncentred(t testing.TB, what string, m *mat.Dense, mean, first []float64, sum, sumAbs float64) {
	t.Helper()
	for j, w := range first {
		if g := m.At(0, j) + mean[j]; math.Abs(g-w) > 1e-12*math.Abs(w) {
			t.Errorf("%s[0, %d] = %.15g, reference %.15g", what, j, g, w)
		}
	}
	rows, _ := m.Dims()
	var s float64
	for _, v := range mean {
		s += v * float64(rows)
	}
	if math.Abs(s-sum) > 1e-12*math.Abs(sum)+sumAbs {
		t.Errorf("sum of %s = %.15g, reference %.15g", what, s, sum)
	}
}

// RelErr returns |got − want| / |want| (want 0: any difference is +Inf or
// huge).
func RelErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

// CheckCoef compares fitted coefficients (outputs × neurons) with a
// reference's, each within tol times the reference's largest magnitude
// (the scale of a coefficient's float64 error in a ridge solve).
func CheckCoef(t testing.TB, coef mat.Matrix, ref [][]float64, tol float64) {
	t.Helper()
	var big float64
	for _, row := range ref {
		for _, w := range row {
			big = math.Max(big, math.Abs(w))
		}
	}
	for o, row := range ref {
		for j, w := range row {
			if g := coef.At(o, j); math.Abs(g-w) > tol*big {
				t.Errorf("coefficient (%d, %d) = %.12g, reference %.12g", o, j, g, w)
			}
		}
	}
}

// Analyse builds the design of rec with s and analyses it without the
// subsampling (regimes.Settings{NoScaling: true}), as the reference
// scripts do; a failure ends the test.
func Analyse(t testing.TB, rec *ingest.Recording, s preprocess.Settings) (*preprocess.Design, *regimes.Result) {
	t.Helper()
	d, err := preprocess.Build(rec, s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := regimes.Analyze(d.X, d.Z, d.Decoder, regimes.Settings{NoScaling: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d, res
}
