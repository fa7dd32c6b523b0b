package linalg

import (
	"math"
	"sort"
	"testing"
)

// TestNormalStream checks 2·10⁶ values: mean 0, variance 1, kurtosis 3
// (bounds at about 5 sampling sd), the Kolmogorov–Smirnov distance to the
// normal CDF below its 1 % critical value 1.63/√n, both signs in both
// halves of each block, and that the assembly and the Go loop agree to
// float32 rounding.
func TestNormalStream(t *testing.T) {
	const n = 2000000
	var s NormalStream
	s.Seed(7)
	v := make([]float32, n)
	s.Fill(v)
	var m1, m2, m4 float64
	x := make([]float64, n)
	for i, f := range v {
		x[i] = float64(f)
		m1 += x[i]
		m2 += x[i] * x[i]
		m4 += x[i] * x[i] * x[i] * x[i]
	}
	m1, m2, m4 = m1/n, m2/n, m4/n
	if math.Abs(m1) > 0.004 || math.Abs(m2-1) > 0.005 || math.Abs(m4/(m2*m2)-3) > 0.02 {
		t.Errorf("mean %v, variance %v, kurtosis %v", m1, m2, m4/(m2*m2))
	}
	// Cosine and sine halves separately: each is normal on its own.
	for half := 0; half < 2; half++ {
		var ss float64
		cnt := 0
		for i := half * 16; i < n; i += 32 {
			for l := 0; l < 16; l++ {
				ss += x[i+l] * x[i+l]
				cnt++
			}
		}
		if v := ss / float64(cnt); math.Abs(v-1) > 0.007 {
			t.Errorf("half %d: variance %v", half, v)
		}
	}
	sort.Float64s(x)
	d := 0.0
	for i, xi := range x {
		c := 0.5 * math.Erfc(-xi/math.Sqrt2)
		d = math.Max(d, math.Max(math.Abs(c-float64(i)/n), math.Abs(c-float64(i+1)/n)))
	}
	if d > 1.63/math.Sqrt(n) {
		t.Errorf("Kolmogorov–Smirnov distance %v", d)
	}
	if x[0] > -4.5 || x[n-1] < 4.5 || x[0] < -5.8 || x[n-1] > 5.8 {
		t.Errorf("range [%v, %v]", x[0], x[n-1])
	}
	for _, p := range asmPaths() {
		var a, b NormalStream
		a.Seed(3)
		b.Seed(3)
		va, vb := make([]float32, 4096+17), make([]float32, 4096+17)
		onPath(p, func() { a.Fill(va) })
		onPath(generic, func() { b.Fill(vb) })
		// The polynomials differ by the rounding of fused multiply-adds:
		// about ten roundings in ln, then √, the sine or cosine and the
		// product, each at most u32 relative; 1e-6 of 1 + |z| is 16 of them.
		for i := range va {
			if math.Abs(float64(va[i]-vb[i])) > 1e-6*(1+math.Abs(float64(va[i]))) {
				t.Fatalf("%s, value %d: assembly %v, Go %v", p.name, i, va[i], vb[i])
			}
		}
		if a != b {
			t.Errorf("%s: the states differ after the same draws", p.name)
		}
	}
}

func BenchmarkNormalStream(b *testing.B) {
	var s NormalStream
	s.Seed(1)
	v := make([]float32, 4096)
	for range b.N {
		s.Fill(v)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(v)), "ns/value")
}
