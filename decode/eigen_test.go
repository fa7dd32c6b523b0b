package decode

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ratioLimit is LAPACK's acceptance threshold for its eigensolver tests
// (dchkst, dchkee: "THRESH 30"): a backward-stable method leaves residuals
// ‖A·W − W·Λ‖₁ ≤ p(n)·ulp·‖A‖₁ and ‖WᵀW − I‖₁ ≤ p(n)·ulp with p(n) a small
// multiple of n; the test ratios divide by n·ulp and must stay below 30.
const ratioLimit = 30

// testMatrices returns symmetric matrices of size n with the spectra that
// stress a divide-and-conquer eigensolver: random (Wigner), Gram matrices
// of random data (a spread of positive eigenvalues), low rank (many zero
// eigenvalues: deflation of negligible weights), diagonal, a multiple of
// the identity and clusters of equal eigenvalues (deflation of close
// poles), a graded spectrum 1 … 1e-12, and a tridiagonal matrix that splits.
func testMatrices(rng *rand.Rand, n int) map[string][]float64 {
	out := map[string][]float64{}
	sym := func(f func(i, j int) float64) []float64 {
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				a[i*n+j] = f(i, j)
				a[j*n+i] = a[i*n+j]
			}
		}
		return a
	}
	out["wigner"] = sym(func(int, int) float64 { return rng.NormFloat64() })
	gram := func(rows int) []float64 {
		x := mat.NewDense(rows, n, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < n; j++ {
				x.Set(i, j, rng.NormFloat64()*float64(1+j%7))
			}
		}
		var g mat.Dense
		g.Mul(x.T(), x)
		return g.RawMatrix().Data
	}
	out["gram"] = gram(2 * n)
	out["low rank"] = gram(max(1, n/5))
	out["diagonal"] = sym(func(i, j int) float64 {
		if i == j {
			return float64((i * 7) % 13)
		}
		return 0
	})
	out["identity"] = sym(func(i, j int) float64 {
		if i == j {
			return 3
		}
		return 0
	})
	// Q·diag(λ)·Qᵀ for a random orthogonal Q.
	spectral := func(lambda func(i int) float64) []float64 {
		g := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		var qr mat.QR
		qr.Factorize(g)
		var q mat.Dense
		qr.QTo(&q)
		l := mat.NewDiagDense(n, nil)
		for i := 0; i < n; i++ {
			l.SetDiag(i, lambda(i))
		}
		var a mat.Dense
		a.Product(&q, l, q.T())
		return sym(func(i, j int) float64 { return (a.At(i, j) + a.At(j, i)) / 2 })
	}
	out["clusters"] = spectral(func(i int) float64 { return float64(i % 3) })
	out["graded"] = spectral(func(i int) float64 { return math.Pow(10, -12*float64(i)/float64(max(1, n-1))) })
	out["split tridiagonal"] = sym(func(i, j int) float64 {
		switch {
		case i == j:
			return float64(i%5) - 2
		case i == j+1 && i%11 != 0:
			return 1
		}
		return 0
	})
	return out
}

// TestSymEigen checks the eigensolver's residual and orthogonality against
// LAPACK's test ratios, and its eigenvalues against gonum's EigenSym (an
// independent algorithm: QL iterations) to the same precision, on sizes
// that take each path: the QL base case (≤ dcBase), one and several levels
// of divide and conquer, and the blocked reduction (> 2·nbTrid).

func TestSymEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	ulp := 0x1p-52
	for _, n := range []int{1, 2, 5, 32, 33, 64, 65, 100, 257, 400} {
		for name, a := range testMatrices(rng, n) {
			t.Run(fmt.Sprintf("%d/%s", n, name), func(t *testing.T) {
				am := mat.NewDense(n, n, append([]float64(nil), a...))
				norm := mat.Norm(am, 1)
				vals, w, ok := symEigen(n, append([]float64(nil), a...))
				if !ok {
					t.Fatal("no convergence")
				}
				for i := 1; i < n; i++ {
					if vals[i] < vals[i-1] {
						t.Fatalf("eigenvalues not ascending at %d: %v < %v", i, vals[i], vals[i-1])
					}
				}
				wm := mat.NewDense(n, n, w)
				var aw, wl mat.Dense
				aw.Mul(am, wm)
				wl.Mul(wm, mat.NewDiagDense(n, vals))
				aw.Sub(&aw, &wl)
				if norm > 0 {
					if ratio := mat.Norm(&aw, 1) / (float64(n) * ulp * norm); ratio > ratioLimit {
						t.Errorf("residual ratio %.3g > %d", ratio, ratioLimit)
					}
				}
				var wtw mat.Dense
				wtw.Mul(wm.T(), wm)
				for i := 0; i < n; i++ {
					wtw.Set(i, i, wtw.At(i, i)-1)
				}
				if ratio := mat.Norm(&wtw, 1) / (float64(n) * ulp); ratio > ratioLimit {
					t.Errorf("orthogonality ratio %.3g > %d", ratio, ratioLimit)
				}
				var es mat.EigenSym
				if !es.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), false) {
					t.Fatal("gonum's EigenSym failed")
				}
				for i, v := range es.Values(nil) {
					if diff := math.Abs(v - vals[i]); diff > ratioLimit*float64(n)*ulp*norm {
						t.Errorf("eigenvalue %d: %v, gonum %v", i, vals[i], v)
					}
				}
			})
		}
	}
}

// TestSymEigenNotFinite: NaN or ±Inf entries are refused, not iterated on.
func TestSymEigenNotFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		a := []float64{1, 2, 2, v}
		if _, _, ok := symEigen(2, a); ok {
			t.Errorf("%v accepted", v)
		}
	}
}

// BenchmarkSymEigen times the eigensolver on Gram matrices of the sizes of
// the neuron subsets, next to gonum's EigenSym (dsyev).
func BenchmarkSymEigen(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{100, 300, 1000} {
		x := mat.NewDense(2*n, n, nil)
		for i := 0; i < 2*n; i++ {
			for j := 0; j < n; j++ {
				x.Set(i, j, rng.NormFloat64()*float64(1+j%7))
			}
		}
		var g mat.Dense
		g.Mul(x.T(), x)
		a := g.RawMatrix().Data
		b.Run(fmt.Sprintf("n=%d/divide", n), func(b *testing.B) {
			for range b.N {
				symEigen(n, append([]float64(nil), a...))
			}
		})
		b.Run(fmt.Sprintf("n=%d/gonum", n), func(b *testing.B) {
			for range b.N {
				var es mat.EigenSym
				es.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), true)
			}
		})
	}
}
