//go:build !noasm

package linalg

import "runtime"

const (
	goarch    = runtime.GOARCH
	noasmNote = ""
)

// archPaths returns the arm64 assembly path: NEON (Advanced SIMD), which
// every arm64 CPU has. Its tiles are 8 rows by three 128-bit vectors (8×12
// float32, 8×6 float64); it gives the same bits as the amd64 paths
// (gen/arm64.go).
func archPaths() []*kernelPath {
	return []*kernelPath{
		{
			name: "neon", asm: true, nr32: 12, nr64: 6,
			k64: gemmKernels[float64]{
				packed: dkernel8x6neon, packedSet: dkernel8x6setneon,
				rm:    [3]func(int, *float64, int, *float64, *float64, int){dkernel8x2rmneon, dkernel8x4rmneon, dkernel8x6rmneon},
				rmSet: [3]func(int, *float64, int, *float64, *float64, int){dkernel8x2rmsetneon, dkernel8x4rmsetneon, dkernel8x6rmsetneon},
				st:    dkernel8x6stneon, stSet: dkernel8x6stsetneon,
			},
			k32: gemmKernels[float32]{
				packed: skernel8x12neon, packedSet: skernel8x12setneon,
				rm:    [3]func(int, *float32, int, *float32, *float32, int){skernel8x4rmneon, skernel8x8rmneon, skernel8x12rmneon},
				rmSet: [3]func(int, *float32, int, *float32, *float32, int){skernel8x4rmsetneon, skernel8x8rmsetneon, skernel8x12rmsetneon},
				st:    skernel8x12stneon, stSet: skernel8x12stsetneon,
			},
			vec: vecKernels{
				tanh: tanh32bodyneon, tanhCoef: &tanhCoef[0],
				axpby: axpby32bodyneon, euler: euler32bodyneon, tanhback: tanhback32bodyneon,
				axpy: axpy32bodyneon, dot: dot32bodyneon, normals: normals32bodyneon,
			},
			supported: func() bool { return true },
		},
	}
}

// The GEMM micro-kernels (kernel_arm64.s, written by ./gen).

//go:noescape
func dkernel8x6neon(k int, a, b, c *float64, ldc int)

//go:noescape
func dkernel8x6setneon(k int, a, b, c *float64, ldc int)

//go:noescape
func dkernel8x2rmneon(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x2rmsetneon(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x4rmneon(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x4rmsetneon(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x6rmneon(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x6rmsetneon(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x6stneon(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func dkernel8x6stsetneon(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func skernel8x12neon(k int, a, b, c *float32, ldc int)

//go:noescape
func skernel8x12setneon(k int, a, b, c *float32, ldc int)

//go:noescape
func skernel8x4rmneon(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x4rmsetneon(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x8rmneon(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x8rmsetneon(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x12rmneon(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x12rmsetneon(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x12stneon(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func skernel8x12stsetneon(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

// The element-wise kernels (vec_arm64.s).

//go:noescape
func tanh32bodyneon(dst, src *float32, n int, coef *float32)

//go:noescape
func axpby32bodyneon(x, a *float32, n int, c, d float32)

//go:noescape
func euler32bodyneon(x, a, xi *float32, n int, c, d, s float32)

//go:noescape
func tanhback32bodyneon(dst, next, gw, h *float32, n int, c, e float32)

//go:noescape
func axpy32bodyneon(y, x *float32, n int, alpha float32)

//go:noescape
func dot32bodyneon(x, y *float32, n int) float32

//go:noescape
func normals32bodyneon(dst *float32, n int, st *uint32, coef *float32)
