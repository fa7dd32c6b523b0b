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
