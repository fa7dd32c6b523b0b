//go:build !amd64

package linalg

// Other architectures use gonum's BLAS.
const hasAVX512 = false

func kernel[T Float](k int, a, b, c []T, ldc int, set bool) {
	panic("linalg: no assembly kernel on this architecture")
}
