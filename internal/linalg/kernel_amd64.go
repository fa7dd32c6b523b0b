//go:build !noasm

package linalg

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

const (
	goarch    = runtime.GOARCH
	noasmNote = ""
)

// archPaths returns the amd64 assembly paths: AVX2 + FMA, then AVX-512 (F
// for the arithmetic, DQ for VEXTRACTF32X8 in the dot product).
func archPaths() []*kernelPath {
	return []*kernelPath{
		{
			name: "avx2", asm: true, nr32: 24, nr64: 12,
			k64: gemmKernels[float64]{
				packed: dkernel8x12avx2, packedSet: dkernel8x12setavx2,
				rm:    [3]func(int, *float64, int, *float64, *float64, int){dkernel8x4rmavx2, dkernel8x8rmavx2, dkernel8x12rmavx2},
				rmSet: [3]func(int, *float64, int, *float64, *float64, int){dkernel8x4rmsetavx2, dkernel8x8rmsetavx2, dkernel8x12rmsetavx2},
				st:    dkernel8x12stavx2, stSet: dkernel8x12stsetavx2,
			},
			k32: gemmKernels[float32]{
				packed: skernel8x24avx2, packedSet: skernel8x24setavx2,
				rm:    [3]func(int, *float32, int, *float32, *float32, int){skernel8x8rmavx2, skernel8x16rmavx2, skernel8x24rmavx2},
				rmSet: [3]func(int, *float32, int, *float32, *float32, int){skernel8x8rmsetavx2, skernel8x16rmsetavx2, skernel8x24rmsetavx2},
				st:    skernel8x24stavx2, stSet: skernel8x24stsetavx2,
			},
			vec: vecKernels{
				tanh: tanh32bodyavx2, tanhCoef: &tanhCoef8[0][0],
				axpby: axpby32bodyavx2, euler: euler32bodyavx2, tanhback: tanhback32bodyavx2,
				axpy: axpy32bodyavx2, dot: dot32bodyavx2, normals: normals32bodyavx2,
			},
			supported: func() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA },
			why:       "it needs AVX2 and FMA",
		},
		{
			name: "avx512", asm: true, nr32: 48, nr64: 24,
			k64: gemmKernels[float64]{
				packed: dkernel8x24, packedSet: dkernel8x24set,
				rm:    [3]func(int, *float64, int, *float64, *float64, int){dkernel8x8rm, dkernel8x16rm, dkernel8x24rm},
				rmSet: [3]func(int, *float64, int, *float64, *float64, int){dkernel8x8rmset, dkernel8x16rmset, dkernel8x24rmset},
				st:    dkernel8x24st, stSet: dkernel8x24stset,
			},
			k32: gemmKernels[float32]{
				packed: skernel8x48, packedSet: skernel8x48set,
				rm:    [3]func(int, *float32, int, *float32, *float32, int){skernel8x16rm, skernel8x32rm, skernel8x48rm},
				rmSet: [3]func(int, *float32, int, *float32, *float32, int){skernel8x16rmset, skernel8x32rmset, skernel8x48rmset},
				st:    skernel8x48st, stSet: skernel8x48stset,
			},
			vec: vecKernels{
				tanh: tanh32body, tanhCoef: &tanhCoef[0],
				axpby: axpby32body, euler: euler32body, tanhback: tanhback32body,
				axpy: axpy32body, dot: dot32body, normals: normals32body,
			},
			supported: func() bool { return cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ },
			why:       "it needs AVX-512 F and DQ",
		},
	}
}

// tanhCoef8 is tanhCoef with each constant repeated in 8 lanes: the AVX2
// tanh reads them as vector operands.
var tanhCoef8 = func() (t [len(tanhCoef)][8]float32) {
	for i, c := range tanhCoef {
		for l := range t[i] {
			t[i][l] = c
		}
	}
	return t
}()

// The GEMM micro-kernels (kernel_amd64.s, written by ./gen).

//go:noescape
func dkernel8x24(k int, a, b, c *float64, ldc int)

//go:noescape
func dkernel8x24set(k int, a, b, c *float64, ldc int)

//go:noescape
func skernel8x48(k int, a, b, c *float32, ldc int)

//go:noescape
func skernel8x48set(k int, a, b, c *float32, ldc int)

//go:noescape
func dkernel8x24rm(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x24rmset(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x8rm(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x8rmset(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x16rm(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x16rmset(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func skernel8x48rm(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x48rmset(k int, a *float32, lda int, b, c *float32, ldc int)

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
func dkernel8x12avx2(k int, a, b, c *float64, ldc int)

//go:noescape
func dkernel8x12setavx2(k int, a, b, c *float64, ldc int)

//go:noescape
func skernel8x24avx2(k int, a, b, c *float32, ldc int)

//go:noescape
func skernel8x24setavx2(k int, a, b, c *float32, ldc int)

//go:noescape
func dkernel8x12rmavx2(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x12rmsetavx2(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x4rmavx2(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x4rmsetavx2(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x8rmavx2(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func dkernel8x8rmsetavx2(k int, a *float64, lda int, b, c *float64, ldc int)

//go:noescape
func skernel8x24rmavx2(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x24rmsetavx2(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x8rmavx2(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x8rmsetavx2(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x16rmavx2(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func skernel8x16rmsetavx2(k int, a *float32, lda int, b, c *float32, ldc int)

//go:noescape
func dkernel8x12stavx2(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func dkernel8x12stsetavx2(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

//go:noescape
func skernel8x24stavx2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func skernel8x24stsetavx2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

// The element-wise kernels (vec_amd64.s).

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

//go:noescape
func normals32body(dst *float32, n int, st *uint32, coef *float32)

//go:noescape
func tanh32bodyavx2(dst, src *float32, n int, coef *float32)

//go:noescape
func axpby32bodyavx2(x, a *float32, n int, c, d float32)

//go:noescape
func euler32bodyavx2(x, a, xi *float32, n int, c, d, s float32)

//go:noescape
func tanhback32bodyavx2(dst, next, gw, h *float32, n int, c, e float32)

//go:noescape
func axpy32bodyavx2(y, x *float32, n int, alpha float32)

//go:noescape
func dot32bodyavx2(x, y *float32, n int) float32

//go:noescape
func normals32bodyavx2(dst *float32, n int, st *uint32, coef *float32)
