package regimes_test

import (
	"fmt"
	"log"

	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/regimes"
)

// Measure the regime of the bundled Golub recording: ρ, the alignment of
// the activity with its decoder, and the fitting dimension D_fit (the
// fewest principal components whose decoder reaches 90% of the full R²)
// against D_var (the components that hold 90% of the variance). The
// subsampling analyses are skipped here (NoScaling); `oblique analyze`
// runs them.
//
// scikit-learn gives the same numbers (testdata/sklearn/golub.json, from
// make_goldens.py: rho 0.16538403, d_var 59, d_fit 18, ratio 0.30508475).
// The dimensions are integers picked where a curve crosses 0.9, which the
// curves do with margins of at least 8·10⁻⁴ (variance share 0.8954 →
// 0.9009 at 58 → 59 components; R² share 0.8989 → 0.9059 at 17 → 18),
// against errors under 10⁻⁸ on every kernel path; ρ is at least 1.5·10⁻⁵
// from a rounding boundary of its 4 decimals.
func ExampleAnalyze() {
	rec, s, err := manifest.Load("../data/golub2018_bci/before.toml")
	if err != nil {
		log.Fatal(err)
	}
	d, err := preprocess.Take(rec, s)
	if err != nil {
		log.Fatal(err)
	}
	r, err := regimes.Analyze(d.X, d.Z, d.Decoder, regimes.Settings{NoScaling: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d samples × %d neurons → %d outputs, R² = %.4f\n", r.Samples, r.Neurons, r.Outputs, r.R2)
	fmt.Printf("ρ = %.4f, D_var = %d, D_fit = %d, D_fit/D_var = %.4f\n", r.Rho, r.DVar, r.DFit, r.Ratio)
	// Output:
	// 402 samples × 86 neurons → 2 outputs, R² = 1.0000
	// ρ = 0.1654, D_var = 59, D_fit = 18, D_fit/D_var = 0.3051
}
