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
	forAsmPaths(t, testTanh)
}

func testTanh(t *testing.T, _ *kernelPath) {
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
// of every path with their Go loops (the generic path), for lengths around
// the 16-value blocks. The Go loops round each product, the assembly fuses
// them: each result may differ by twice γ_5 times the sum of its |terms|
// (at most five roundings in either), Dot by twice γ_n.
func TestVecKernels(t *testing.T) {
	forAsmPaths(t, func(t *testing.T, p *kernelPath) {
		rng := rand.New(rand.NewPCG(15, 16))
		const c, d, s, e, alpha = 0.8, 0.2, 0.09, 0.2, -0.3
		for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 256, 300} {
			x, a, xi := randSlice[float32](rng, n), randSlice[float32](rng, n), randSlice[float32](rng, n)
			g, h := randSlice[float32](rng, n), randSlice[float32](rng, n)
			run := func(p *kernelPath) (out [4][]float32, dot float32) {
				onPath(p, func() {
					out[0] = append([]float32(nil), x...)
					EulerStep(out[0], a, xi, c, d, s)
					out[1] = append([]float32(nil), x...)
					EulerStep(out[1], a, nil, c, d, 0)
					out[2] = make([]float32, n)
					TanhBackward(out[2], x, g, h, c, e)
					out[3] = append([]float32(nil), x...)
					Axpy(alpha, a, out[3])
					dot = Dot(x, a)
				})
				return out, dot
			}
			got, d1 := run(p)
			want, d2 := run(generic)
			g5 := 2 * gamma(5, u32)
			var terms float64
			for i := 0; i < n; i++ {
				abs := func(v float32) float64 { return math.Abs(float64(v)) }
				tol := [4]float64{
					g5 * (abs(c*x[i]) + abs(d*a[i]) + abs(s*xi[i])),
					g5 * (abs(c*x[i]) + abs(d*a[i])),
					g5 * (abs(c*x[i]) + abs(e*g[i])*(1+abs(h[i]*h[i]))),
					g5 * (abs(x[i]) + abs(alpha*a[i])),
				}
				for k := range tol {
					if diff := math.Abs(float64(got[k][i] - want[k][i])); diff > tol[k] {
						t.Fatalf("n %d, kernel %d: asm %v, Go %v at %d (bound %.3g)", n, k, got[k][i], want[k][i], i, tol[k])
					}
				}
				terms += abs(x[i] * a[i])
			}
			if math.Abs(float64(d1-d2)) > 2*gamma(n, u32)*terms {
				t.Fatalf("n %d: Dot asm %v, Go %v", n, d1, d2)
			}
		}
	})
}
