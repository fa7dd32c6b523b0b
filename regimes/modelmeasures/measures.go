// Package modelmeasures computes the regime measures of trained rate
// networks (METHODS.md §4–5, the paper's Figs. 2–6): the generalised
// correlation between states and output weights (model form), the
// magnitudes ‖W_out‖ and ‖x‖, the variance and fitting dimensions with the
// model rule, the susceptibility to perturbations along output weights,
// principal components, random and input directions, the compression of
// noise in the output directions, and the shape dissimilarity between
// networks. It also places a recording among networks on axes computed the
// same way on both sides (Place, Scorer).
//
// It sits beside package regimes, not in it, because it runs networks: it
// depends on the rate-network engine (models/rnn) and the tasks
// (models/tasks), which the measures on recordings never need. It knows
// nothing of run directories or files (a Model is a network and the few
// training settings the measures use), and, like regimes, nothing of ingest.
//
// Every random draw comes from PCG streams seeded with Settings.Seed, one
// stream per use, so that the same seed gives the same numbers and changing
// one analysis does not change the draws of another. Networks analysed with
// the same seed see the same evaluation trials (inputs and initial states),
// which the dissimilarity needs.
package modelmeasures

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// GeneralisedCorrelation is the correlation between output weights and
// states in its model form (paper Eq. 7, Fig. 3A): with every row of W
// (K×N) and of Y (M×N) centred across neurons (its own mean removed),
//
//	ρ = ‖W·Yᵀ‖_F / sqrt(‖W·Wᵀ‖_F · ‖Y·Yᵀ‖_F),
//
// ‖Y·Yᵀ‖_F computed as ‖Yᵀ·Y‖_F (equal, and N×N rather than M×M). It is
// zero when either norm is.
func GeneralisedCorrelation(w, y mat.Matrix) float64 {
	wc, yc := rowCentred(w), rowCentred(y)
	wy := linalg.Mul(yc, wc.T()) // Y·Wᵀ, the same norm as W·Yᵀ
	var ww mat.Dense
	ww.Mul(wc, wc.T())
	yy := linalg.Gram(yc, nil)
	den := math.Sqrt(mat.Norm(&ww, 2) * mat.Norm(yy, 2))
	if den == 0 {
		return 0
	}
	return mat.Norm(wy, 2) / den
}

// rowCentred returns a copy of m with each row's mean removed.
func rowCentred(m mat.Matrix) *mat.Dense {
	c := mat.DenseCopyOf(m)
	r, n := c.Dims()
	for i := 0; i < r; i++ {
		row := c.RawRowView(i)
		var s float64
		for _, v := range row {
			s += v
		}
		s /= float64(n)
		for j := range row {
			row[j] -= s
		}
	}
	return c
}

// Magnitude is the size of a matrix with N columns as the paper's Fig. 3B–C
// plots it: √N times the root mean square of its entries. For W_out (K×N)
// it is ‖W_out‖_F/√K, the typical norm of an output vector; for the states
// (M×N) the typical norm of a state vector.
func Magnitude(m mat.Matrix) float64 {
	r, c := m.Dims()
	if r*c == 0 {
		return 0
	}
	f := mat.Norm(m, 2)
	return math.Sqrt(float64(c)) * f / math.Sqrt(float64(r*c))
}

// Dissimilarity is the shape distance between two networks' states on the
// same trials (Williams et al. 2021, α = 1; paper Fig. 4C): with the columns
// of X (M×N₁) and Y (M×N₂) centred,
//
//	d = arccos(min(1, ‖CXᵀ·CY‖_* / (‖CX‖_F·‖CY‖_F))),
//
// ‖·‖_* the nuclear norm (sum of singular values). It is 0 when one set of
// states is a rotation (or reflection) of the other, π/2 when they are
// orthogonal. It panics if the sample counts differ.
func Dissimilarity(x, y mat.Matrix) float64 {
	mx, _ := x.Dims()
	my, _ := y.Dims()
	if mx != my {
		panic("modelmeasures: dissimilarity of states with different sample counts")
	}
	cx, _, _ := linalg.CentredCopy(x)
	cy, _, _ := linalg.CentredCopy(y)
	nx, ny := mat.Norm(cx, 2), mat.Norm(cy, 2)
	if nx == 0 || ny == 0 {
		return math.NaN()
	}
	var svd mat.SVD
	if !svd.Factorize(linalg.MulTN(cx, cy), mat.SVDNone) {
		return math.NaN()
	}
	var nuc float64
	for _, s := range svd.Values(nil) {
		nuc += s
	}
	return math.Acos(math.Min(1, nuc/(nx*ny)))
}

// rowBasis returns an orthonormal basis (N×r, as columns) of the span of
// the rows of m (r×N) by Gram–Schmidt in row order: the QR factorisation of
// mᵀ with a positive diagonal of R, so it is unique and its first column is
// the first row normalised. Linearly dependent rows (to 1e-10 relative)
// are an error (errDependent): there is then no basis with one column per
// row.
func rowBasis(m mat.Matrix) (*mat.Dense, error) {
	r, n := m.Dims()
	q := mat.NewDense(n, r, nil)
	v := make([]float64, n)
	for i := 0; i < r; i++ {
		mat.Row(v, i, m)
		norm0 := math.Sqrt(dot(v, v))
		// Modified Gram–Schmidt, twice for orthogonality to rounding.
		for pass := 0; pass < 2; pass++ {
			for j := 0; j < i; j++ {
				var d float64
				for k := 0; k < n; k++ {
					d += v[k] * q.At(k, j)
				}
				for k := 0; k < n; k++ {
					v[k] -= d * q.At(k, j)
				}
			}
		}
		// What is left of a row in the span of the others is rounding,
		// about eps·‖row‖; 1e-10 leaves a wide margin.
		norm := math.Sqrt(dot(v, v))
		if !(norm > 1e-10*norm0) {
			return nil, errDependent
		}
		for k := 0; k < n; k++ {
			q.Set(k, i, v[k]/norm)
		}
	}
	return q, nil
}

var errDependent = errors.New("linearly dependent (or zero) weight vectors")

// orient flips the sign of each column of v so that its entry of largest
// magnitude (the first of equal ones) is positive: principal axes are
// defined up to sign, and directions drawn in their plane must not depend on
// the eigensolver's choice.
func orient(v *mat.Dense) {
	n, c := v.Dims()
	for j := 0; j < c; j++ {
		best, arg := -1.0, 0
		for i := 0; i < n; i++ {
			if a := math.Abs(v.At(i, j)); a > best {
				best, arg = a, i
			}
		}
		if v.At(arg, j) < 0 {
			for i := 0; i < n; i++ {
				v.Set(i, j, -v.At(i, j))
			}
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// normalise scales every row of m to unit norm (rows of zeros stay zero).
func normalise(m *mat.Dense) {
	r, _ := m.Dims()
	for i := 0; i < r; i++ {
		row := m.RawRowView(i)
		if n := math.Sqrt(dot(row, row)); n > 0 {
			for j := range row {
				row[j] /= n
			}
		}
	}
}
