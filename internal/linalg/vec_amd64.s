// Element-wise float32 kernels of the RNN engine (vec.go), AVX-512: 16
// values per instruction. n is a positive multiple of 16.

#include "textflag.h"

// func tanh32body(dst, src *float32, n int, coef *float32)
// tanh(x) ≈ x·P(x²)/Q(x²) on x clamped to ±coef[0] (Eigen's float tanh).
TEXT ·tanh32body(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ coef+24(FP), R8
	SHRQ $4, CX
	VBROADCASTSS 0(R8), Z16  // clamp
	VXORPS Z17, Z17, Z17
	VSUBPS Z16, Z17, Z17     // −clamp
	VBROADCASTSS 4(R8), Z18  // α13
	VBROADCASTSS 8(R8), Z19  // α11
	VBROADCASTSS 12(R8), Z20 // α9
	VBROADCASTSS 16(R8), Z21 // α7
	VBROADCASTSS 20(R8), Z22 // α5
	VBROADCASTSS 24(R8), Z23 // α3
	VBROADCASTSS 28(R8), Z24 // α1
	VBROADCASTSS 32(R8), Z25 // β6
	VBROADCASTSS 36(R8), Z26 // β4
	VBROADCASTSS 40(R8), Z27 // β2
	VBROADCASTSS 44(R8), Z28 // β0
tanh_loop:
	VMOVUPS (SI), Z0
	VMINPS Z0, Z16, Z0       // min(clamp, x), NaN stays NaN
	VMAXPS Z0, Z17, Z0
	VMULPS Z0, Z0, Z1        // x²
	VMOVAPS Z18, Z2
	VFMADD213PS Z19, Z1, Z2  // p = x²·p + α11
	VFMADD213PS Z20, Z1, Z2
	VFMADD213PS Z21, Z1, Z2
	VFMADD213PS Z22, Z1, Z2
	VFMADD213PS Z23, Z1, Z2
	VFMADD213PS Z24, Z1, Z2
	VMULPS Z0, Z2, Z2        // p·x
	VMOVAPS Z25, Z3
	VFMADD213PS Z26, Z1, Z3  // q = x²·q + β4
	VFMADD213PS Z27, Z1, Z3
	VFMADD213PS Z28, Z1, Z3
	VDIVPS Z3, Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE tanh_loop
	VZEROUPPER
	RET

// func axpby32body(x, a *float32, n int, c, d float32)
// x = c·x + d·a
TEXT ·axpby32body(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	VBROADCASTSS c+24(FP), Z10
	VBROADCASTSS d+28(FP), Z11
axpby_loop:
	VMULPS (DI), Z10, Z0
	VFMADD231PS (SI), Z11, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE axpby_loop
	VZEROUPPER
	RET

// func euler32body(x, a, xi *float32, n int, c, d, s float32)
// x = c·x + d·a + s·xi
TEXT ·euler32body(SB), NOSPLIT, $0-44
	MOVQ x+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ xi+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $4, CX
	VBROADCASTSS c+32(FP), Z10
	VBROADCASTSS d+36(FP), Z11
	VBROADCASTSS s+40(FP), Z12
euler_loop:
	VMULPS (DI), Z10, Z0
	VFMADD231PS (SI), Z11, Z0
	VFMADD231PS (DX), Z12, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JNE euler_loop
	VZEROUPPER
	RET

// func tanhback32body(dst, next, gw, h *float32, n int, c, e float32)
// dst = c·next + e·gw·(1 − h²)
TEXT ·tanhback32body(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ next+8(FP), SI
	MOVQ gw+16(FP), DX
	MOVQ h+24(FP), BX
	MOVQ n+32(FP), CX
	SHRQ $4, CX
	VBROADCASTSS c+40(FP), Z10
	VBROADCASTSS e+44(FP), Z11
	MOVL $0x3f800000, AX     // 1.0
	VPBROADCASTD AX, Z12
tanhback_loop:
	VMOVUPS (BX), Z3
	VMOVAPS Z12, Z4
	VFNMADD231PS Z3, Z3, Z4  // 1 − h²
	VMULPS (DX), Z11, Z5     // e·g
	VMULPS Z4, Z5, Z5
	VFMADD231PS (SI), Z10, Z5
	VMOVUPS Z5, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, BX
	DECQ CX
	JNE tanhback_loop
	VZEROUPPER
	RET

// func axpy32body(y, x *float32, n int, alpha float32)
// y += alpha·x
TEXT ·axpy32body(SB), NOSPLIT, $0-28
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	VBROADCASTSS alpha+24(FP), Z10
axpy_loop:
	VMOVUPS (DI), Z0
	VFMADD231PS (SI), Z10, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE axpy_loop
	VZEROUPPER
	RET

// func dot32body(x, y *float32, n int) float32
// Σ x·y: 16 lanes, then a fixed tree across them.
TEXT ·dot32body(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	VXORPS Z0, Z0, Z0
dot_loop:
	VMOVUPS (SI), Z1
	VFMADD231PS (DI), Z1, Z0
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE dot_loop
	VEXTRACTF32X8 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVHLPS X0, X1, X1
	VADDPS X1, X0, X0
	VMOVSHDUP X0, X1
	VADDSS X1, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func normals32body(dst *float32, n int, st *uint32, coef *float32)
// Standard normal values by Box–Muller from 16 lanes of xoshiro128++ (the
// state st: s0, s1, s2, s3, 16 lanes each); 32 values per iteration (see
// normal.go for the method and coef's layout).
TEXT ·normals32body(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ st+16(FP), SI
	MOVQ coef+24(FP), R8
	SHRQ $5, CX
	VMOVDQU32 0(SI), Z0
	VMOVDQU32 64(SI), Z1
	VMOVDQU32 128(SI), Z2
	VMOVDQU32 192(SI), Z3
normals_loop:
	// r1 = next(): rotl(s0 + s3, 7) + s0, then the state update.
	VPADDD Z3, Z0, Z8
	VPROLD $7, Z8, Z8
	VPADDD Z0, Z8, Z8
	VPSLLD $9, Z1, Z9
	VPXORD Z0, Z2, Z2
	VPXORD Z1, Z3, Z3
	VPXORD Z2, Z1, Z1
	VPXORD Z3, Z0, Z0
	VPXORD Z9, Z2, Z2
	VPROLD $11, Z3, Z3
	// r2 = next()
	VPADDD Z3, Z0, Z10
	VPROLD $7, Z10, Z10
	VPADDD Z0, Z10, Z10
	VPSLLD $9, Z1, Z9
	VPXORD Z0, Z2, Z2
	VPXORD Z1, Z3, Z3
	VPXORD Z2, Z1, Z1
	VPXORD Z3, Z0, Z0
	VPXORD Z9, Z2, Z2
	VPROLD $11, Z3, Z3
	// u1 = (top 24 bits of r1 + 1)·2⁻²⁴ ∈ (0, 1]
	VPSRLD $8, Z8, Z8
	VCVTDQ2PS Z8, Z8
	VADDPS.BCST 0(R8), Z8, Z8
	VMULPS.BCST 4(R8), Z8, Z8
	// ln u1 = e·ln2 + ln(1+f), 1+f = mantissa in [√½, √2)
	VGETEXPPS Z8, Z11
	VGETMANTPS $0, Z8, Z12
	VCMPPS.BCST $0x1e, 8(R8), Z12, K1
	VMULPS.BCST 12(R8), Z12, K1, Z12
	VADDPS.BCST 0(R8), Z11, K1, Z11
	VSUBPS.BCST 0(R8), Z12, Z12
	VBROADCASTSS 60(R8), Z13
	VFMADD213PS.BCST 56(R8), Z12, Z13
	VFMADD213PS.BCST 52(R8), Z12, Z13
	VFMADD213PS.BCST 48(R8), Z12, Z13
	VFMADD213PS.BCST 44(R8), Z12, Z13
	VFMADD213PS.BCST 40(R8), Z12, Z13
	VFMADD213PS.BCST 36(R8), Z12, Z13
	VFMADD213PS.BCST 32(R8), Z12, Z13
	VFMADD213PS.BCST 28(R8), Z12, Z13
	VMULPS Z12, Z13, Z13
	VFMADD231PS.BCST 16(R8), Z11, Z13
	// radius √(−2 ln u1)
	VMULPS.BCST 20(R8), Z13, Z13
	VSQRTPS Z13, Z13
	// f = top 23 bits of r2 as a fraction in [0, 1); angle (π/2)·f
	VPSRLD $9, Z10, Z14
	VPORD.BCST 0(R8), Z14, Z14
	VSUBPS.BCST 0(R8), Z14, Z14
	VMULPS Z14, Z14, Z15
	VBROADCASTSS 80(R8), Z4
	VFMADD213PS.BCST 76(R8), Z15, Z4
	VFMADD213PS.BCST 72(R8), Z15, Z4
	VFMADD213PS.BCST 68(R8), Z15, Z4
	VFMADD213PS.BCST 64(R8), Z15, Z4
	VMULPS Z14, Z4, Z4
	VBROADCASTSS 100(R8), Z5
	VFMADD213PS.BCST 96(R8), Z15, Z5
	VFMADD213PS.BCST 92(R8), Z15, Z5
	VFMADD213PS.BCST 88(R8), Z15, Z5
	VFMADD213PS.BCST 84(R8), Z15, Z5
	VMULPS Z13, Z5, Z5
	VMULPS Z13, Z4, Z4
	// random quadrant: bits 0 and 1 of r2 flip the signs
	VPSLLD $31, Z10, Z6
	VPXORD Z6, Z5, Z5
	VPSLLD $30, Z10, Z7
	VPANDD.BCST 24(R8), Z7, Z7
	VPXORD Z7, Z4, Z4
	VMOVUPS Z5, (DI)
	VMOVUPS Z4, 64(DI)
	ADDQ $128, DI
	DECQ CX
	JNE normals_loop
	VMOVDQU32 Z0, 0(SI)
	VMOVDQU32 Z1, 64(SI)
	VMOVDQU32 Z2, 128(SI)
	VMOVDQU32 Z3, 192(SI)
	VZEROUPPER
	RET
