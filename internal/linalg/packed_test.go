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
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU: PackedB uses gonum's BLAS")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	ms := []int{1, 7, 8, 9, 16, 17, 33}
	ks := []int{0, 1, 2, 7, 48, 255, 256}
	ns := []int{1, 16, 24, 47, 48, 49, 256}
	for trial := 0; trial < 80; trial++ {
		m, k, n := ms[rng.IntN(len(ms))], ks[rng.IntN(len(ks))], ns[rng.IntN(len(ns))]
		tB, add := rng.IntN(2) == 1, rng.IntN(2) == 1
		name := fmt.Sprintf("m%d k%d n%d tB%v add%v", m, k, n, tB, add)
		checkPacked[float64](t, rng, name, m, k, n, tB, add, 1e-13)
		checkPacked[float32](t, rng, name, m, k, n, tB, add, 1e-5)
	}
}

func checkPacked[T Float](t *testing.T, rng *rand.Rand, name string, m, k, n int, tB, add bool, tol float64) {
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
	useAsm = false
	Gemm(false, tB, m, n, k, a, lda, b, ldb, beta, want, ldc)
	useAsm = true
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
			case math.Abs(got-w) > tol*float64(k+1):
				t.Fatalf("%T %s: C[%d,%d] = %v, gonum %v", c[0], name, i, j, got, w)
			}
		}
	}
}

// TestPackedBFallback runs the pure-Go path of PackedB (CPUs without
// AVX-512) against the plain GEMM.
func TestPackedBFallback(t *testing.T) {
	defer func(u bool) { useAsm = u }(useAsm)
	useAsm = false
	rng := rand.New(rand.NewPCG(13, 14))
	m, k, n := 9, 20, 30
	b := randSlice[float64](rng, n*k)
	var p PackedB[float64]
	p.Pack(true, k, n, b, k)
	a := randSlice[float64](rng, m*k)
	c := make([]float64, m*p.Stride())
	p.Mul(m, a, k, c, p.Stride(), false)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var w float64
			for q := 0; q < k; q++ {
				w += a[i*k+q] * b[j*k+q]
			}
			if math.Abs(c[i*p.Stride()+j]-w) > 1e-13 {
				t.Fatalf("C[%d,%d] = %v, want %v", i, j, c[i*p.Stride()+j], w)
			}
		}
	}
}
