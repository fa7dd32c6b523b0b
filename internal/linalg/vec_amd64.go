package linalg

import "unsafe"

// tanhCoef holds the constants of the float32 tanh in vec_amd64.s: the
// clamp, the odd numerator α13…α1 and the even denominator β6…β0 of
// Eigen's rational approximation (generic_fast_tanh_float), good to
// 4·10⁻⁷ absolute on all of float32 (TestTanh).
var tanhCoef = [13]float32{
	7.90531110763549805,
	-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
	1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03,
	1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03,
	1,
}

//go:noescape
func tanh32body(dst, src *float32, n int, coef *float32)

//go:noescape
func axpby32body(x, a *float32, n int, c, d float32)

//go:noescape
func euler32body(x, a, xi *float32, n int, c, d, s float32)

//go:noescape
func tanhback32body(dst, next, gw, h *float32, n int, c, e float32)

//go:noescape
func axpy32body(y, x *float32, n int, alpha float32)

//go:noescape
func dot32body(x, y *float32, n int) float32

// The wrappers take len(first argument), a positive multiple of 16, as n
// and check that the other slices are as long.

func tanh32(dst, src []float32) {
	_ = src[len(dst)-1]
	tanh32body(unsafe.SliceData(dst), unsafe.SliceData(src), len(dst), &tanhCoef[0])
}

func axpby32(x, a []float32, c, d float32) {
	_ = a[len(x)-1]
	axpby32body(unsafe.SliceData(x), unsafe.SliceData(a), len(x), c, d)
}

func euler32(x, a, xi []float32, c, d, s float32) {
	_, _ = a[len(x)-1], xi[len(x)-1]
	euler32body(unsafe.SliceData(x), unsafe.SliceData(a), unsafe.SliceData(xi), len(x), c, d, s)
}

func tanhback32(dst, next, g, h []float32, c, e float32) {
	_, _, _ = next[len(dst)-1], g[len(dst)-1], h[len(dst)-1]
	tanhback32body(unsafe.SliceData(dst), unsafe.SliceData(next), unsafe.SliceData(g), unsafe.SliceData(h), len(dst), c, e)
}

func axpy32(y, x []float32, alpha float32) {
	_ = x[len(y)-1]
	axpy32body(unsafe.SliceData(y), unsafe.SliceData(x), len(y), alpha)
}

func dot32(x, y []float32) float32 {
	_ = y[len(x)-1]
	return dot32body(unsafe.SliceData(x), unsafe.SliceData(y), len(x))
}

//go:noescape
func normals32body(dst *float32, n int, st *uint32, coef *float32)

// normals32 fills dst (a positive multiple of 32 values) from the lanes
// at st.
func normals32(dst []float32, st *uint32) {
	normals32body(unsafe.SliceData(dst), len(dst), st, &normalCoef[0])
}
