package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmMatchesGonum compares the packed assembly GEMM with gonum's BLAS
// on shapes that exercise full and partial tiles, every block boundary,
// both transpositions, strides wider than the matrix, and beta. The
// tolerance is a few ulps of the sum of |terms|: both sides add the same k
// products in different orders.
func TestGemmMatchesGonum(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU: the assembly kernels are not used")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{1, 7, 8, 9, 23, 24, 25, 47, 48, 49, 130, 257, 481, 600}
	for trial := 0; trial < 60; trial++ {
		m, n, k := sizes[rng.IntN(len(sizes))], sizes[rng.IntN(len(sizes))], sizes[rng.IntN(len(sizes))]
		tA, tB := rng.IntN(2) == 1, rng.IntN(2) == 1
		beta := []float64{0, 1, 0.5}[rng.IntN(3)]
		name := fmt.Sprintf("m%d n%d k%d tA%v tB%v beta%v", m, n, k, tA, tB, beta)
		checkGemm[float64](t, rng, name, tA, tB, m, n, k, beta, 1e-13)
		checkGemm[float32](t, rng, name, tA, tB, m, n, k, beta, 1e-5)
	}
}

func checkGemm[T Float](t *testing.T, rng *rand.Rand, name string, tA, tB bool, m, n, k int, beta float64, tol float64) {
	t.Helper()
	ar, ac := m, k
	if tA {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+3, bc+1, n+5
	a := randSlice[T](rng, ar*lda)
	b := randSlice[T](rng, br*ldb)
	c := randSlice[T](rng, m*ldc)
	want := append([]T(nil), c...)
	useAsm = false
	Gemm(tA, tB, m, n, k, a, lda, b, ldb, T(beta), want, ldc)
	useAsm = true
	Gemm(tA, tB, m, n, k, a, lda, b, ldb, T(beta), c, ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got, w := float64(c[i*ldc+j]), float64(want[i*ldc+j])
			if j >= n {
				if got != w {
					t.Fatalf("%T %s: wrote outside C at (%d, %d)", c[0], name, i, j)
				}
				continue
			}
			if math.Abs(got-w) > tol*float64(k+1) {
				t.Fatalf("%T %s: C[%d,%d] = %v, gonum %v", c[0], name, i, j, got, w)
			}
		}
	}
}

func randSlice[T Float](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rng.Float64()*2 - 1)
	}
	return s
}

func TestSyrkMatchesGonum(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{1, 1}, {7, 3}, {200, 20000}, {33, 700}, {97, 257}, {300, 50}} {
		n, k := sz[0], sz[1]
		lda, ldc := n+2, n+1
		a := randSlice[float64](rng, k*lda)
		c := randSlice[float64](rng, n*ldc)
		want := append([]float64(nil), c...)
		var shift []float64
		if k%2 == 1 {
			shift = randSlice[float64](rng, n)
		}
		useAsm = false
		Syrk(n, k, a, lda, shift, want, ldc)
		useAsm = true
		Syrk(n, k, a, lda, shift, c, ldc)
		for i := 0; i < n; i++ {
			for j := 0; j < ldc; j++ {
				if j >= n {
					if c[i*ldc+j] != want[i*ldc+j] {
						t.Fatalf("n%d k%d: wrote outside C", n, k)
					}
					continue
				}
				if math.Abs(c[i*ldc+j]-want[i*ldc+j]) > 1e-13*float64(k) {
					t.Fatalf("n%d k%d: C[%d,%d] = %v, gonum %v", n, k, i, j, c[i*ldc+j], want[i*ldc+j])
				}
			}
		}
	}
}

// TestShiftedOperands checks that the shift subtracted while packing gives
// the product of the explicitly centred matrices, for every operand layout.
func TestShiftedOperands(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := rand.New(rand.NewPCG(8, 9))
	for trial := 0; trial < 40; trial++ {
		m, n, k := 1+rng.IntN(140), 1+rng.IntN(90), 1+rng.IntN(300)
		tA, tB := rng.IntN(2) == 1, rng.IntN(2) == 1
		ar, ac := m, k
		if tA {
			ar, ac = k, m
		}
		br, bc := k, n
		if tB {
			br, bc = n, k
		}
		a := operand[float64]{randSlice[float64](rng, ar*ac), ac, tA, randSlice[float64](rng, ac)}
		b := operand[float64]{randSlice[float64](rng, br*bc), bc, tB, randSlice[float64](rng, bc)}
		got := make([]float64, m*n)
		gemm(a, b, m, n, k, 0, got, n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var want float64
				for p := 0; p < k; p++ {
					want += a.at(i, p) * b.at(p, j)
				}
				if math.Abs(got[i*n+j]-want) > 1e-13*float64(k) {
					t.Fatalf("m%d n%d k%d tA%v tB%v: C[%d,%d] = %v, want %v", m, n, k, tA, tB, i, j, got[i*n+j], want)
				}
			}
		}
	}
}
