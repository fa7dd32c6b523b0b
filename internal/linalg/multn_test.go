package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGemmTN compares GemmTN with gonum's BLAS on edge tiles read in place
// (padded strides) and from copies (tight strides), set and add, one and
// two workers.
func TestGemmTN(t *testing.T) {
	forAsmPaths(t, func(t *testing.T, _ *kernelPath) {
		rng := rand.New(rand.NewPCG(17, 18))
		for trial := 0; trial < 60; trial++ {
			m, n, k := 1+rng.IntN(70), 1+rng.IntN(110), 1+rng.IntN(400)
			pad := rng.IntN(2) == 1
			add := rng.IntN(2) == 1
			workers := 1 + rng.IntN(3)
			lda, ldb := m, n
			if pad {
				lda, ldb = (m+7)/8*8+rng.IntN(3), (n+47)/48*48+rng.IntN(3)
			}
			name := fmt.Sprintf("m%d n%d k%d pad%v add%v w%d", m, n, k, pad, add, workers)
			checkGemmTN[float32](t, rng, name, m, n, k, lda, ldb, add, workers)
			checkGemmTN[float64](t, rng, name, m, n, k, (lda+23)/24*24, (ldb+23)/24*24, add, workers)
		}
	})
}

// checkGemmTN compares GemmTN with gonum within bound, and with itself on
// one worker bit for bit.
func checkGemmTN[T Float](t *testing.T, rng *rand.Rand, name string, m, n, k, lda, ldb int, add bool, workers int) {
	t.Helper()
	a, b := randSlice[T](rng, (k-1)*lda+m), randSlice[T](rng, (k-1)*ldb+n)
	ldc := n + 3
	c := randSlice[T](rng, m*ldc)
	want := append([]T(nil), c...)
	var beta T
	if add {
		beta = 1
	}
	tol := bound(true, false, m, n, k, a, lda, b, ldb, float64(beta), c, ldc)
	onPath(generic, func() { Gemm(true, false, m, n, k, a, lda, b, ldb, beta, want, ldc) })
	one := append([]T(nil), c...)
	GemmTN(m, n, k, a, lda, b, ldb, one, ldc, add, 1)
	GemmTN(m, n, k, a, lda, b, ldb, c, ldc, add, workers)
	if !slices.Equal(one, c) {
		t.Fatalf("%T %s: %d workers give other bits than one", c[0], name, workers)
	}
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got, w := float64(c[i*ldc+j]), float64(want[i*ldc+j])
			if j >= n && got != w {
				t.Fatalf("%T %s: wrote outside C at (%d, %d)", c[0], name, i, j)
			}
			if math.Abs(got-w) > tol[i*ldc+j] {
				t.Fatalf("%T %s: C[%d,%d] = %v, gonum %v", c[0], name, i, j, got, w)
			}
		}
	}
}

// BenchmarkGemmTN times the RNN's weight-gradient product, 256×256 from
// 32 trials × 200 steps, on two goroutines.
func BenchmarkGemmTN(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, k, ld := 256, 32*199, 288
	d := randSlice[float32](rng, k*ld)
	h := randSlice[float32](rng, k*ld)
	c := make([]float32, n*n)
	b.ResetTimer()
	for range b.N {
		GemmTN(n, n, k, d, ld, h, ld, c, n, false, 2)
	}
	b.ReportMetric(2*float64(n*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
