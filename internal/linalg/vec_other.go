//go:build !amd64

package linalg

// Without the assembly (useAsm is false) these are never called.

func tanh32(dst, src []float32)                   { panic("linalg: no assembly on this architecture") }
func axpby32(x, a []float32, c, d float32)        { panic("linalg: no assembly on this architecture") }
func euler32(x, a, xi []float32, c, d, s float32) { panic("linalg: no assembly on this architecture") }
func tanhback32(dst, next, g, h []float32, c, e float32) {
	panic("linalg: no assembly on this architecture")
}
func axpy32(y, x []float32, alpha float32) { panic("linalg: no assembly on this architecture") }
func dot32(x, y []float32) float32         { panic("linalg: no assembly on this architecture") }

func normals32(dst []float32, st *uint32) { panic("linalg: no assembly on this architecture") }
