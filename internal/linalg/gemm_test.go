package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestGemmMatchesGonum compares the packed assembly GEMM of every path
// with gonum's BLAS (the generic path) on shapes that exercise full and
// partial tiles of both tile widths, every block boundary, both
// transpositions, strides wider than the matrix, and beta. The two add the
// same k products in different orders: they may differ by twice γ_{k+2}
// times the sum of |terms| (bound).
func TestGemmMatchesGonum(t *testing.T) {
	forAsmPaths(t, func(t *testing.T, p *kernelPath) {
		rng := rand.New(rand.NewPCG(3, 4))
		sizes := []int{1, 7, 8, 9, 11, 12, 13, 23, 24, 25, 47, 48, 49, 130, 257, 481, 600}
		for trial := 0; trial < 60; trial++ {
			m, n, k := sizes[rng.IntN(len(sizes))], sizes[rng.IntN(len(sizes))], sizes[rng.IntN(len(sizes))]
			tA, tB := rng.IntN(2) == 1, rng.IntN(2) == 1
			beta := []float64{0, 1, 0.5}[rng.IntN(3)]
			name := fmt.Sprintf("m%d n%d k%d tA%v tB%v beta%v", m, n, k, tA, tB, beta)
			checkGemm[float64](t, rng, name, tA, tB, m, n, k, beta)
			checkGemm[float32](t, rng, name, tA, tB, m, n, k, beta)
		}
	})
}

func checkGemm[T Float](t *testing.T, rng *rand.Rand, name string, tA, tB bool, m, n, k int, beta float64) {
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
	tol := bound(tA, tB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	onPath(generic, func() { Gemm(tA, tB, m, n, k, a, lda, b, ldb, T(beta), want, ldc) })
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
			if math.Abs(got-w) > tol[i*ldc+j] {
				t.Fatalf("%T %s: C[%d,%d] = %v, gonum %v (bound %.3g)", c[0], name, i, j, got, w, tol[i*ldc+j])
			}
		}
	}
}

// withWorkers makes the large products of the rest of the test run on n
// goroutines whatever GOMAXPROCS is.
func withWorkers(t *testing.T, n int) {
	old := testWorkers
	testWorkers = n
	t.Cleanup(func() { testWorkers = old })
}

func randSlice[T Float](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rng.Float64()*2 - 1)
	}
	return s
}

// TestSyrkMatchesGonum compares Syrk on every assembly path with gonum
// (bound: the centred values are summed in other orders), and checks that
// the result is the same bits for 1, 2, 3 and 5 workers.
func TestSyrkMatchesGonum(t *testing.T) {
	forAsmPaths(t, func(t *testing.T, p *kernelPath) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, sz := range [][2]int{{1, 1}, {7, 3}, {200, 20000}, {33, 700}, {97, 257}, {300, 50}, {61, 1000}} {
			n, k := sz[0], sz[1]
			lda, ldc := n+2, n+1
			a := randSlice[float64](rng, k*lda)
			c := randSlice[float64](rng, n*ldc)
			want := append([]float64(nil), c...)
			var shift []float64
			if k%2 == 1 {
				shift = randSlice[float64](rng, n)
			}
			// The bound on the centred values a − shift, which both sides
			// form exactly the same way before multiplying.
			centred := append([]float64(nil), a...)
			for r := 0; r < k && shift != nil; r++ {
				for j := 0; j < n; j++ {
					centred[r*lda+j] -= shift[j]
				}
			}
			tol := bound(true, false, n, n, k, centred, lda, centred, lda, 0, c, ldc)
			onPath(generic, func() { Syrk(n, k, a, lda, shift, want, ldc) })
			withWorkers(t, 1)
			Syrk(n, k, a, lda, shift, c, ldc)
			for i := 0; i < n; i++ {
				for j := 0; j < ldc; j++ {
					if j >= n {
						if c[i*ldc+j] != want[i*ldc+j] {
							t.Fatalf("n%d k%d: wrote outside C", n, k)
						}
						continue
					}
					if math.Abs(c[i*ldc+j]-want[i*ldc+j]) > tol[i*ldc+j] {
						t.Fatalf("n%d k%d: C[%d,%d] = %v, gonum %v", n, k, i, j, c[i*ldc+j], want[i*ldc+j])
					}
				}
			}
			for _, w := range []int{2, 3, 5} {
				withWorkers(t, w)
				again := randSlice[float64](rng, n*ldc)
				for i := 0; i < n; i++ {
					copy(again[i*ldc+n:i*ldc+ldc], c[i*ldc+n:i*ldc+ldc])
				}
				Syrk(n, k, a, lda, shift, again, ldc)
				if !slices.Equal(again, c) {
					t.Fatalf("n%d k%d: %d workers give other bits than 1", n, k, w)
				}
			}
		}
	})
}

// TestShiftedOperands checks that the shift subtracted while packing gives
// the product of the explicitly centred matrices, for every operand layout,
// on every assembly path.
func TestShiftedOperands(t *testing.T) {
	forAsmPaths(t, testShiftedOperands)
}

func testShiftedOperands(t *testing.T, _ *kernelPath) {
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
				var want, terms float64
				for p := 0; p < k; p++ {
					want += a.at(i, p) * b.at(p, j)
					terms += math.Abs(a.at(i, p) * b.at(p, j))
				}
				// Both sums of the same (shifted) terms in other orders.
				if math.Abs(got[i*n+j]-want) > 2*gamma(k+1, u64)*terms {
					t.Fatalf("m%d n%d k%d tA%v tB%v: C[%d,%d] = %v, want %v", m, n, k, tA, tB, i, j, got[i*n+j], want)
				}
			}
		}
	}
}

// TestShortOperandsPanic checks that Gemm and Syrk refuse operands too
// short for the shapes given, instead of letting the assembly read or
// write past them.
func TestShortOperandsPanic(t *testing.T) {
	a, b, c := make([]float64, 12), make([]float64, 12), make([]float64, 9)
	for name, f := range map[string]func(){
		"Gemm C":   func() { Gemm(false, false, 3, 3, 4, a, 4, b, 3, 0, c[:8], 3) },
		"Gemm A":   func() { Gemm(true, false, 3, 3, 4, a[:11], 3, b, 3, 0, c, 3) },
		"Gemm B":   func() { Gemm(false, true, 3, 3, 4, a, 4, b[:11], 4, 0, c, 3) },
		"Gemm lda": func() { Gemm(false, false, 3, 3, 4, a, 3, b, 3, 0, c, 3) },
		"Syrk C":   func() { Syrk(3, 4, a, 3, nil, c[:8], 3) },
		"Syrk A":   func() { Syrk(3, 5, a, 3, nil, c, 3) },
		"shift":    func() { Syrk(3, 4, a, 3, make([]float64, 2), c, 3) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "operand too short") {
					t.Errorf("%s: recovered %v, want an operand too short panic", name, r)
				}
			}()
			f()
		}()
	}
	// The smallest operands that fit are accepted.
	Gemm(false, false, 3, 3, 4, a, 4, b, 3, 0, c, 3)
	Syrk(3, 4, a, 3, nil, c, 3)
}
