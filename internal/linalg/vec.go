package linalg

import (
	"math"
	"unsafe"
)

// Element-wise kernels of the RNN engine. Each runs over whole slices on
// the calling goroutine; in float32 on the assembly paths the bulk of the
// slice goes through assembly (vec_amd64.s or vec_arm64.s, 16 values per
// iteration) and the last len%16 values through the Go loop. float64 always
// takes the Go loops: the float64 engine is the reference that gradient
// checks use. (The Go compiler fuses x*y + z into one multiply-add on
// arm64 and not on amd64, so those loops round differently there.)
//
// The float32 Tanh of the assembly paths is a rational approximation (the
// one Eigen uses): at most 4·10⁻⁷ from math.Tanh, so 1 − tanh² stays the
// derivative of the value computed. The generic path rounds math.Tanh
// instead, so the paths differ in the last bits (see KernelPath).

// tanhCoef holds the constants of the float32 tanh: the clamp, the odd
// numerator α13…α1 and the even denominator β6…β0 of Eigen's rational
// approximation (generic_fast_tanh_float), good to 4·10⁻⁷ absolute on all
// of float32 (TestTanh).
var tanhCoef = [13]float32{
	7.90531110763549805,
	-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
	1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03,
	1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03,
	1,
}

// bulk returns the active vector kernels and how many of n values they
// take (a multiple of 16); 0 for float64 and on the generic path.
func bulk[T Float](n int) (*vecKernels, int) {
	var zero T
	if _, ok := any(zero).(float32); !ok || !cur.asm {
		return nil, 0
	}
	return &cur.vec, n &^ 15
}

func p32[T Float](s []T) *float32 { return (*float32)(unsafe.Pointer(unsafe.SliceData(s))) }

// Tanh sets dst[i] = tanh(src[i]). dst and src may be the same slice.
func Tanh[T Float](dst, src []T) {
	if len(dst) != len(src) {
		panic("linalg: Tanh: length mismatch")
	}
	v, done := bulk[T](len(dst))
	if done > 0 {
		v.tanh(p32(dst), p32(src), done, v.tanhCoef)
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
	v, done := bulk[T](len(x))
	if done > 0 {
		if xi == nil {
			v.axpby(p32(x), p32(a), done, float32(c), float32(d))
		} else {
			v.euler(p32(x), p32(a), p32(xi), done, float32(c), float32(d), float32(s))
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
	v, done := bulk[T](len(dst))
	if done > 0 {
		v.tanhback(p32(dst), p32(next), p32(g), p32(h), done, float32(c), float32(e))
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
	v, done := bulk[T](len(y))
	if done > 0 {
		v.axpy(p32(y), p32(x), done, float32(alpha))
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
	v, done := bulk[T](len(x))
	if done > 0 {
		s = T(v.dot(p32(x), p32(y), done))
	}
	for i := done; i < len(x); i++ {
		s += x[i] * y[i]
	}
	return s
}
