package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTanh bounds the float32 assembly tanh against math.Tanh: 4·10⁻⁷
// absolute (Eigen's rational approximation; a float32 ulp near 1 is
// 6·10⁻⁸), exact sign and odd symmetry, ±1 at the clamp, NaN kept.
func TestTanh(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: Tanh rounds math.Tanh")
	}
	const n = 1 << 20
	src := make([]float32, n+7)
	for i := range src {
		src[i] = float32(-12 + 24*float64(i)/float64(len(src)))
	}
	src[0], src[1], src[2], src[3] = 0, float32(math.Inf(1)), float32(math.Inf(-1)), 1e-30
	src[4] = float32(math.NaN())
	dst := make([]float32, len(src))
	Tanh(dst, src)
	for i, x := range src {
		want := math.Tanh(float64(x))
		got := float64(dst[i])
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Fatalf("tanh(NaN) = %v", got)
			}
			continue
		}
		if math.Abs(got-want) > 4e-7 || math.Abs(got) > 1 {
			t.Fatalf("tanh(%v) = %v, want %v", x, got, want)
		}
	}
	neg := make([]float32, len(src))
	for i := range src {
		neg[i] = -src[i]
	}
	Tanh(neg, neg)
	for i := range src {
		if !math.IsNaN(float64(dst[i])) && neg[i] != -dst[i] {
			t.Fatalf("tanh(−%v) = %v, not −%v", src[i], neg[i], dst[i])
		}
	}
}

// TestVecKernels compares the float32 assembly of the element-wise kernels
// with their Go loops, for lengths around the 16-value blocks.
func TestVecKernels(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 256, 300} {
		x, a, xi := randSlice[float32](rng, n), randSlice[float32](rng, n), randSlice[float32](rng, n)
		g, h := randSlice[float32](rng, n), randSlice[float32](rng, n)
		run := func(asm bool) (e, e0, b, y []float32, d float32) {
			defer func(u bool) { useAsm = u }(useAsm)
			useAsm = asm
			e = append([]float32(nil), x...)
			EulerStep(e, a, xi, 0.8, 0.2, 0.09)
			e0 = append([]float32(nil), x...)
			EulerStep(e0, a, nil, 0.8, 0.2, 0)
			b = make([]float32, n)
			TanhBackward(b, x, g, h, 0.8, 0.2)
			y = append([]float32(nil), x...)
			Axpy(-0.3, a, y)
			return e, e0, b, y, Dot(x, a)
		}
		e1, f1, b1, y1, d1 := run(true)
		e2, f2, b2, y2, d2 := run(false)
		for _, p := range [][2][]float32{{e1, e2}, {f1, f2}, {b1, b2}, {y1, y2}} {
			for i := range p[0] {
				if math.Abs(float64(p[0][i]-p[1][i])) > 1e-6 {
					t.Fatalf("n %d: asm %v, Go %v at %d", n, p[0][i], p[1][i], i)
				}
			}
		}
		if math.Abs(float64(d1-d2)) > 1e-5*float64(n+1) {
			t.Fatalf("n %d: Dot asm %v, Go %v", n, d1, d2)
		}
	}
}
