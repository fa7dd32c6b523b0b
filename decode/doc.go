// Package decode fits the linear decoders of the analysis: ridge
// regression of behaviour on activity with an intercept, its penalty α
// chosen by cross-validation, and the principal-component decomposition
// that the decoders, the variance dimension and the fitting dimension
// share (METHODS.md §3–4).
//
// # Entry points
//
// CV configures the fit: the α grid (the paper's, DefaultAlphas, when
// nil) and efficient leave-one-out (the zero value) or K-fold
// cross-validation. Its reference semantics are scikit-learn's
// RidgeCV(alphas, fit_intercept=True), and its results agree with it to
// 10⁻⁸ relative (sklearn_test.go, against testdata/sklearn):
//
//   - CV.Fit fits the decoder of z (samples × outputs) from x (samples ×
//     features) and returns a Model: Alpha, Coef (outputs × features),
//     Intercept and the cross-validation score of every α.
//   - CV.FitDesign fits a Design (a view of rows and columns of X and z,
//     read in place) and returns a Fit: the Model, its R², ρ of the
//     activity and the decoder (and of a given decoder), the
//     Decomposition and, when asked, the fitting-dimension curve (Path).
//     The regime measures (package regimes) are built on it.
//   - Decompose computes the Decomposition of a matrix alone; CV.Path and
//     CV.FitDecomposed fit from one.
//   - Rho is ρ = ‖X·Wᵀ‖_F / (‖X‖_F·‖W‖_F) for any centred X and decoder W.
//
// # How
//
// With leave-one-out and more samples than features (a recording's usual
// shape) nothing of the size of X is copied: NewMoments computes the
// centred Gram matrix XcᵀXc and the cross products in two passes over
// blocks of rows, the decomposition is the eigenproblem of the Gram matrix
// (or a QR and SVD of X when the Gram matrix is too ill-conditioned to
// keep 10⁻⁸), and the leave-one-out errors of every α, the in-sample fit
// and the whole curve over k components come from one more pass. Moments
// of a subset of the features are sub-blocks (Moments.Sub), so the
// neuron-subsampling fits never form a new Gram matrix. Other shapes and
// K-fold cross-validation fit a copy of the view.
//
// # Determinism
//
// Passes over the samples run on FitOptions.Workers goroutines (the
// number passed to NewMoments), but their partial sums are added in a
// fixed order, so results do not depend on the number of workers. They
// are reproducible bit for bit on one kernel path (internal/linalg), and
// the paths agree within the rounding error of the computation.
//
// # Errors
//
// Invalid settings and mismatched shapes give errors whose text starts
// with "decode:". ErrNoVariance (every feature constant) and
// ErrNoConvergence (values so large the arithmetic overflows) can be
// tested with errors.Is.
package decode
