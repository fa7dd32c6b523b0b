package linalg

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/cpuclock"
)

// BenchmarkGemm reports GFLOP/s for the products that dominate oblique's
// decoders (scores X·V, a tall-skinny Gram) and the RNN engine's step.
func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct {
		name    string
		m, n, k int
		tA      bool
	}{
		{"scores_20000x200x200", 20000, 200, 200, false},
		{"gram_200x200x20000", 200, 200, 20000, true},
		{"rnn_32x256x256", 32, 256, 256, false},
	} {
		b.Run(s.name, func(b *testing.B) {
			ar, ac := s.m, s.k
			if s.tA {
				ar, ac = s.k, s.m
			}
			a := randSlice[float64](rng, ar*ac)
			bb := randSlice[float64](rng, s.k*s.n)
			c := make([]float64, s.m*s.n)
			b.ResetTimer()
			for range b.N {
				Gemm(s.tA, false, s.m, s.n, s.k, a, ac, bb, s.n, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	_ = fmt.Sprint()
}

// BenchmarkKernel times the packed micro-kernel of the active path alone
// on panels in L1/L2 (kc deep, nc wide): the ceiling for one core. Select
// the path with OBLIQUE_KERNEL. It also reports FLOP per cycle, with the
// clock measured right after (cpuclock): one core's peak is 2 FMA units ×
// the lanes of a vector × 2, e.g. 32 float32 FLOP/cycle with AVX2 and 64
// with two 512-bit FMA units (half that where AVX-512 runs on 256-bit
// units, as on AMD Zen 4).
func BenchmarkKernel(b *testing.B) {
	b.Run("f64", benchKernel[float64])
	b.Run("f32", benchKernel[float32])
}

func benchKernel[T Float](b *testing.B) {
	p := cur
	if !p.asm {
		b.Skip("the generic path has no micro-kernel")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	a := randSlice[T](rng, kc*mr)
	bp := randSlice[T](rng, kc*nc)
	c := make([]T, mr*nc)
	nr := tileCols[T](p)
	b.ResetTimer()
	for range b.N {
		for jr := 0; jr < nc; jr += nr {
			kernel(p, kc, a, bp[jr*kc:], c[jr:], nc, false)
		}
	}
	b.StopTimer() // the clock measurement below is not part of the kernel's time
	gflops := 2 * float64(mr*nc*kc) * float64(b.N) / b.Elapsed().Seconds() / 1e9
	b.ReportMetric(gflops, "GFLOP/s")
	if ghz := cpuclock.GHz(50 * time.Millisecond); ghz > 0 {
		b.ReportMetric(gflops/ghz, "FLOP/cycle")
	}
}
