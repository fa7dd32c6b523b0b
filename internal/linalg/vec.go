package linalg

import "math"

// Element-wise kernels of the RNN engine. Each runs over whole slices on
// the calling goroutine; in float32 on CPUs with AVX-512 the bulk of the
// slice goes through assembly (vec_amd64.s, 16 values per instruction) and
// the last len%16 values through the Go loop. float64 always takes the Go
// loops: the float64 engine is the reference that gradient checks use.
//
// The float32 Tanh is a rational approximation (the one Eigen uses): at
// most 4·10⁻⁷ from math.Tanh, so 1 − tanh² stays the derivative of the
// value computed. The Go loop for float32 rounds math.Tanh instead, so the
// two paths differ in the last bits; results are reproducible on one
// machine, not across CPUs with and without AVX-512.

// Tanh sets dst[i] = tanh(src[i]). dst and src may be the same slice.
func Tanh[T Float](dst, src []T) {
	if len(dst) != len(src) {
		panic("linalg: Tanh: length mismatch")
	}
	done := 0
	if d, ok := any(dst).([]float32); ok && useAsm {
		done = len(d) &^ 15
		if done > 0 {
			tanh32(d[:done], any(src).([]float32))
		}
	}
	for i := done; i < len(dst); i++ {
		dst[i] = T(math.Tanh(float64(src[i])))
	}
}

// EulerStep sets x[i] = c·x[i] + d·a[i] + s·xi[i], or c·x[i] + d·a[i] when
// xi is nil: the Euler–Maruyama update of the RNN state.
func EulerStep[T Float](x, a, xi []T, c, d, s T) {
	if len(a) != len(x) || (xi != nil && len(xi) != len(x)) {
		panic("linalg: EulerStep: length mismatch")
	}
	done := 0
	if x32, ok := any(x).([]float32); ok && useAsm {
		done = len(x32) &^ 15
		if done > 0 {
			a32 := any(a).([]float32)
			if xi == nil {
				axpby32(x32[:done], a32, float32(c), float32(d))
			} else {
				euler32(x32[:done], a32, any(xi).([]float32), float32(c), float32(d), float32(s))
			}
		}
	}
	if xi == nil {
		for i := done; i < len(x); i++ {
			x[i] = c*x[i] + d*a[i]
		}
		return
	}
	for i := done; i < len(x); i++ {
		x[i] = c*x[i] + d*a[i] + s*xi[i]
	}
}

// TanhBackward sets dst[i] = c·next[i] + e·g[i]·(1 − h[i]²): one step of
// backpropagation through x ← c·x + e·tanh(x)·Wᵀ, with h = tanh(x) and
// g = δ·W. dst may be next.
func TanhBackward[T Float](dst, next, g, h []T, c, e T) {
	if len(next) != len(dst) || len(g) != len(dst) || len(h) != len(dst) {
		panic("linalg: TanhBackward: length mismatch")
	}
	done := 0
	if d32, ok := any(dst).([]float32); ok && useAsm {
		done = len(d32) &^ 15
		if done > 0 {
			tanhback32(d32[:done], any(next).([]float32), any(g).([]float32), any(h).([]float32), float32(c), float32(e))
		}
	}
	for i := done; i < len(dst); i++ {
		dst[i] = c*next[i] + e*g[i]*(1-h[i]*h[i])
	}
}

// Axpy sets y[i] += alpha·x[i].
func Axpy[T Float](alpha T, x, y []T) {
	if len(x) != len(y) {
		panic("linalg: Axpy: length mismatch")
	}
	done := 0
	if y32, ok := any(y).([]float32); ok && useAsm {
		done = len(y32) &^ 15
		if done > 0 {
			axpy32(y32[:done], any(x).([]float32), float32(alpha))
		}
	}
	for i := done; i < len(y); i++ {
		y[i] += alpha * x[i]
	}
}

// Dot returns Σ x[i]·y[i]. The float32 assembly adds in 16 lanes, then
// across them, always in the same order.
func Dot[T Float](x, y []T) T {
	if len(x) != len(y) {
		panic("linalg: Dot: length mismatch")
	}
	var s T
	done := 0
	if x32, ok := any(x).([]float32); ok && useAsm {
		done = len(x32) &^ 15
		if done > 0 {
			s = T(dot32(x32[:done], any(y).([]float32)))
		}
	}
	for i := done; i < len(x); i++ {
		s += x[i] * y[i]
	}
	return s
}
