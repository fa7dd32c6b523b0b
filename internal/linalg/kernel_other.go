//go:build !amd64

package linalg

// Other architectures use gonum's BLAS.
const hasAVX512 = false

func kernel[T Float](k int, a, b, c []T, ldc int, set bool) {
	panic("linalg: no assembly kernel on this architecture")
}

func kernelRM[T Float](k int, a []T, lda int, b, c []T, ldc int, set bool, vecs int) {
	panic("linalg: no assembly kernel on this architecture")
}

func kernelST[T Float](k int, a []T, lda int, b []T, ldb int, c []T, ldc int, set bool) {
	panic("linalg: no assembly kernel on this architecture")
}
