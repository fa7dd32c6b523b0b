package linalg

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasAVX512 is true when the CPU and the OS support AVX-512F, which the
// micro-kernels in kernel_amd64.s use.
var hasAVX512 = cpu.X86.HasAVX512F

//go:noescape
func dkernel8x24(k int, a, b, c *float64, ldc int)

//go:noescape
func skernel8x48(k int, a, b, c *float32, ldc int)

//go:noescape
func dkernel8x24set(k int, a, b, c *float64, ldc int)

//go:noescape
func skernel8x48set(k int, a, b, c *float32, ldc int)

//go:noescape
func dkernel8x24rm(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x24rmset(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func skernel8x48rm(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func dkernel8x8rm(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x8rmset(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x16rm(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x16rmset(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func skernel8x16rm(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x16rmset(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x32rm(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x32rmset(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func dkernel8x24st(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func dkernel8x24stset(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func skernel8x48st(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func skernel8x48stset(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func skernel8x48rmset(k int, a *float32, lda int, b, c *float32, ldc int)

// kernel computes the mr×nr tile c += a·b (c = a·b when set) from packed
// panels of depth k. The
// caller guarantees that a holds k·mr values, b holds k·nr, and c holds the
// whole tile at stride ldc: the assembly does not check bounds.
func kernel[T Float](k int, a, b, c []T, ldc int, set bool) {
	// Cheap checks that keep a bug in the driver from writing outside c.
	_, _, _ = a[k*mr-1], b[k*tileCols[T]()-1], c[(mr-1)*ldc+tileCols[T]()-1]
	switch a := any(a).(type) {
	case []float64:
		pa, pb, pc := unsafe.SliceData(a), unsafe.SliceData(any(b).([]float64)), unsafe.SliceData(any(c).([]float64))
		if set {
			dkernel8x24set(k, pa, pb, pc, ldc)
		} else {
			dkernel8x24(k, pa, pb, pc, ldc)
		}
	case []float32:
		pa, pb, pc := unsafe.SliceData(a), unsafe.SliceData(any(b).([]float32)), unsafe.SliceData(any(c).([]float32))
		if set {
			skernel8x48set(k, pa, pb, pc, ldc)
		} else {
			skernel8x48(k, pa, pb, pc, ldc)
		}
	}
}

// kernelRM is kernel with A read unpacked: 8 rows of a row-major matrix
// with stride lda, columns 0…k−1. vecs is the number of 512-bit vectors
// of the tile row that are computed and stored: 3 (the whole tile), or 1
// or 2 for the narrow last tile of a row. The caller guarantees that a
// holds 7·lda+k values and c the whole computed tile.
func kernelRM[T Float](k int, a []T, lda int, b, c []T, ldc int, set bool, vecs int) {
	nr := tileCols[T]()
	_, _, _ = a[7*lda+k-1], b[k*nr-1], c[(mr-1)*ldc+vecs*nr/3-1]
	switch a := any(a).(type) {
	case []float64:
		pa, pb, pc := unsafe.SliceData(a), unsafe.SliceData(any(b).([]float64)), unsafe.SliceData(any(c).([]float64))
		switch {
		case vecs == 1 && set:
			dkernel8x8rmset(k, pa, lda, pb, pc, ldc)
		case vecs == 1:
			dkernel8x8rm(k, pa, lda, pb, pc, ldc)
		case vecs == 2 && set:
			dkernel8x16rmset(k, pa, lda, pb, pc, ldc)
		case vecs == 2:
			dkernel8x16rm(k, pa, lda, pb, pc, ldc)
		case set:
			dkernel8x24rmset(k, pa, lda, pb, pc, ldc)
		default:
			dkernel8x24rm(k, pa, lda, pb, pc, ldc)
		}
	case []float32:
		pa, pb, pc := unsafe.SliceData(a), unsafe.SliceData(any(b).([]float32)), unsafe.SliceData(any(c).([]float32))
		switch {
		case vecs == 1 && set:
			skernel8x16rmset(k, pa, lda, pb, pc, ldc)
		case vecs == 1:
			skernel8x16rm(k, pa, lda, pb, pc, ldc)
		case vecs == 2 && set:
			skernel8x32rmset(k, pa, lda, pb, pc, ldc)
		case vecs == 2:
			skernel8x32rm(k, pa, lda, pb, pc, ldc)
		case set:
			skernel8x48rmset(k, pa, lda, pb, pc, ldc)
		default:
			skernel8x48rm(k, pa, lda, pb, pc, ldc)
		}
	}
}

// kernelST computes the tile C (+)= Aᵀ·B reading both in place: for each
// of the k steps, 8 values of A (stride lda) and one tile row of B (stride
// ldb). The caller guarantees that a holds (k−1)·lda+8 values, b
// (k−1)·ldb+nr and c the whole tile.
func kernelST[T Float](k int, a []T, lda int, b []T, ldb int, c []T, ldc int, set bool) {
	nr := tileCols[T]()
	_, _, _ = a[(k-1)*lda+mr-1], b[(k-1)*ldb+nr-1], c[(mr-1)*ldc+nr-1]
	switch a := any(a).(type) {
	case []float64:
		pa, pb, pc := unsafe.SliceData(a), unsafe.SliceData(any(b).([]float64)), unsafe.SliceData(any(c).([]float64))
		if set {
			dkernel8x24stset(k, pa, lda, pb, ldb, pc, ldc)
		} else {
			dkernel8x24st(k, pa, lda, pb, ldb, pc, ldc)
		}
	case []float32:
		pa, pb, pc := unsafe.SliceData(a), unsafe.SliceData(any(b).([]float32)), unsafe.SliceData(any(c).([]float32))
		if set {
			skernel8x48stset(k, pa, lda, pb, ldb, pc, ldc)
		} else {
			skernel8x48st(k, pa, lda, pb, ldb, pc, ldc)
		}
	}
}
