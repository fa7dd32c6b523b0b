package decode_test

import (
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
)

// Fit a ridge decoder of one output from two features, with α chosen from
// a grid by efficient leave-one-out. scikit-learn gives the same numbers:
//
//	RidgeCV(alphas=[0.1, 1, 10], store_cv_values=True).fit(x, z)
//	alpha_ 0.1, coef_ [0.46283551 0.75043014], intercept_ 0.67855730,
//	cv_values_.mean(0) [0.01459783 0.01959301 0.26101399], score 0.99910599
//
// (testdata/examples/reference.py). The fit is a 2×2 problem solved to
// ~10⁻¹⁵ on every kernel path; each printed value is at least 10⁻⁶ from a
// rounding boundary of its 4 decimals.
func ExampleCV_Fit() {
	x := mat.NewDense(8, 2, []float64{1, 0, 2, 1, 3, 1, 4, 3, 5, 2, 6, 5, 7, 4, 8, 6})
	z := mat.NewDense(8, 1, []float64{1.1, 2.3, 2.8, 4.9, 4.6, 7.2, 6.8, 8.9})
	m, err := decode.CV{Alphas: []float64{0.1, 1, 10}}.Fit(x, z)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("α = %g; score (minus the LOO mean squared error) per α: %.4f\n", m.Alpha, m.Scores)
	fmt.Printf("z ≈ x·%.4f + %.4f, R² = %.4f\n", m.Coef.RawRowView(0), m.Intercept[0], m.Score(x, z))
	// Output:
	// α = 0.1; score (minus the LOO mean squared error) per α: [-0.0146 -0.0196 -0.2610]
	// z ≈ x·[0.4628 0.7504] + 0.6786, R² = 0.9991
}

// Fit the decoder of the bundled Golub recording (cursor velocity from 86
// neurons, the paper's α grid) and measure ρ, the alignment of the
// activity with it, and with the experimenter's decoder. The reference is
// scikit-learn's on the same design (testdata/sklearn/golub.json, from
// make_goldens.py: alpha 0.001, r2 1.0, rho 0.16538403, coef[0][:3]
// -0.23761200 -0.04196534 0.08011363). On every kernel path the fit is
// within 10⁻⁸ (relative to the largest coefficient) of the exact one, the
// bound decode's Gram route keeps to and TestRidgeCVMatchesScikitLearn
// checks; the kernel paths measured here (generic, avx2, avx512) differ by
// under 10⁻¹⁴, and the output is the same on arm64 (neon, generic). Each printed value is at least 1.5·10⁻⁵ from a rounding
// boundary of its 4 decimals.
// The velocity is an exact linear map of the counts, hence R² = 1 and a
// fitted decoder equal to the experimenter's.
func ExampleCV_FitDesign() {
	// The design as preprocess.ExampleBuild makes it: rates, centred.
	recording, settings, err := manifest.Load("../data/golub2018_bci/before.toml")
	if err != nil {
		log.Fatal(err)
	}
	design, err := preprocess.Build(recording, settings)
	if err != nil {
		log.Fatal(err)
	}
	f, err := decode.CV{}.FitDesign(decode.Design{X: design.X, Z: design.Z}, nil, decode.FitOptions{Given: design.Decoder})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("α = %g of %d, R² = %.4f, %d principal components\n", f.Model.Alpha, len(f.Model.Alphas), f.R2, f.Rank())
	fmt.Printf("ρ = %.4f (experimenter's decoder: %.4f)\n", f.Rho, f.RhoGiven)
	fmt.Printf("vx weights of neurons 0–2: %.4f\n", f.Model.Coef.RawRowView(0)[:3])
	// Output:
	// α = 0.001 of 20, R² = 1.0000, 86 principal components
	// ρ = 0.1654 (experimenter's decoder: 0.1654)
	// vx weights of neurons 0–2: [-0.2376 -0.0420 0.0801]
}
