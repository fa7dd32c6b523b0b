package linalg

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPackedMul times the RNN engine's per-time-step product: half a
// batch of states (16 × N) times the packed N×N weights, on one goroutine.
func BenchmarkPackedMul(b *testing.B) {
	for _, n := range []int{256, 512} {
		b.Run(fmt.Sprintf("f32_16x%dx%d", n, n), func(b *testing.B) { benchPacked[float32](b, 16, n) })
		b.Run(fmt.Sprintf("f64_16x%dx%d", n, n), func(b *testing.B) { benchPacked[float64](b, 16, n) })
	}
}

func benchPacked[T Float](b *testing.B, m, n int) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := randSlice[T](rng, n*n)
	var p PackedB[T]
	p.Pack(true, n, n, w, n)
	a := randSlice[T](rng, m*n)
	c := make([]T, m*p.Stride())
	b.ResetTimer()
	for range b.N {
		p.Mul(m, a, n, c, p.Stride(), false)
	}
	b.ReportMetric(2*float64(m*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkTanh times the float32 tanh per value.
func BenchmarkTanh(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randSlice[float32](rng, 4096)
	y := make([]float32, len(x))
	b.ResetTimer()
	for range b.N {
		Tanh(y, x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/value")
}
