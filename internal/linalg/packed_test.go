package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPackedBMatchesGonum checks PackedB.Mul against gonum's BLAS for both
// element types, both transpositions of B, set and add, partial tiles of
// rows and columns, and strides wider than the matrices; and that the
// padding columns of C are zero or untouched.
func TestPackedBMatchesGonum(t *testing.T) {
	forAsmPaths(t, func(t *testing.T, _ *kernelPath) {
		rng := rand.New(rand.NewPCG(11, 12))
		ms := []int{1, 7, 8, 9, 16, 17, 33}
		ks := []int{0, 1, 2, 7, 48, 255, 256}
		ns := []int{1, 4, 8, 12, 16, 20, 24, 36, 47, 48, 49, 256}
		for trial := 0; trial < 120; trial++ {
			m, k, n := ms[rng.IntN(len(ms))], ks[rng.IntN(len(ks))], ns[rng.IntN(len(ns))]
			tB, add := rng.IntN(2) == 1, rng.IntN(2) == 1
			name := fmt.Sprintf("m%d k%d n%d tB%v add%v", m, k, n, tB, add)
			checkPacked[float64](t, rng, name, m, k, n, tB, add)
			checkPacked[float32](t, rng, name, m, k, n, tB, add)
		}
	})
}

// checkPacked compares PackedB.Mul with gonum's GEMM within bound.
func checkPacked[T Float](t *testing.T, rng *rand.Rand, name string, m, k, n int, tB, add bool) {
	t.Helper()
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	ldb := bc + 2
	b := randSlice[T](rng, br*ldb)
	var p PackedB[T]
	p.Pack(tB, k, n, b, ldb)
	lda, ldc := k+3, p.Stride()+5
	a := randSlice[T](rng, m*lda)
	c := randSlice[T](rng, m*ldc)
	want := append([]T(nil), c...)
	var beta T
	if add {
		beta = 1
	}
	tol := bound(false, tB, m, n, k, a, lda, b, ldb, float64(beta), c, ldc)
	onPath(generic, func() { Gemm(false, tB, m, n, k, a, lda, b, ldb, beta, want, ldc) })
	p.Mul(m, a, lda, c, ldc, add)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got, w := float64(c[i*ldc+j]), float64(want[i*ldc+j])
			switch {
			case j >= p.Stride():
				if got != w {
					t.Fatalf("%T %s: wrote outside the padded row at (%d, %d)", c[0], name, i, j)
				}
			case j >= n:
				// Padding: untouched, or zero when the tile was set.
				if got != w && (add || got != 0) {
					t.Fatalf("%T %s: padding C[%d,%d] = %v", c[0], name, i, j, got)
				}
			case math.Abs(got-w) > tol[i*ldc+j]:
				t.Fatalf("%T %s: C[%d,%d] = %v, gonum %v", c[0], name, i, j, got, w)
			}
		}
	}
}

// TestPackedBFallback runs the generic path of PackedB against the plain
// sum, and checks that a PackedB keeps the path it was packed for.
func TestPackedBFallback(t *testing.T) {
	defer func(old *kernelPath) { cur = old }(cur)
	cur = generic
	rng := rand.New(rand.NewPCG(13, 14))
	m, k, n := 9, 20, 30
	b := randSlice[float64](rng, n*k)
	var p PackedB[float64]
	p.Pack(true, k, n, b, k)
	a := randSlice[float64](rng, m*k)
	c := make([]float64, m*p.Stride())
	for _, q := range asmPaths() {
		cur = q // a later switch does not change a packed matrix
	}
	p.Mul(m, a, k, c, p.Stride(), false)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var w, terms float64
			for q := 0; q < k; q++ {
				w += a[i*k+q] * b[j*k+q]
				terms += math.Abs(a[i*k+q] * b[j*k+q])
			}
			if math.Abs(c[i*p.Stride()+j]-w) > 2*gamma(k, u64)*terms {
				t.Fatalf("C[%d,%d] = %v, want %v", i, j, c[i*p.Stride()+j], w)
			}
		}
	}
}
