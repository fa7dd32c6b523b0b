// This file writes the arm64 kernels (NEON, the Advanced SIMD of every
// arm64 CPU): kernel_arm64.s and vec_arm64.s.
//
// # GEMM micro-kernels
//
// The tiles are 8 rows by three 128-bit vectors: 8×12 in float32
// (skernel8x12neon), 8×6 in float64 (dkernel8x6neon). The 24 accumulators
// are V8–V31 (row r, vector j in V8+3r+j; V8+vecs·r+j in the narrow
// tiles), B is loaded into V0–V2. The packed and "st" kernels load the 8
// values of A with one instruction into V3–V4 (float32) or V3–V6 (float64)
// and multiply by element (FMLA Vd.4S, Vn.4S, Vm.S[i]): per step of the
// depth, 2 loads for 24 fused multiply-adds. The "rm" kernels broadcast
// each A value from its row (LD1R into V3–V7 in rotation). Every element of
// C is, as on amd64, the chain acc ← fma(a_ip, b_pj, acc) over p = 0…k−1
// from acc = 0, then C + acc, so the products equal the AVX2 and AVX-512
// ones bit for bit.
//
// # Element-wise kernels
//
// The same operations in the same order as the amd64 kernels, on four
// 128-bit vectors (16 values) per iteration: dot keeps 16 lanes in V0–V3
// (lanes 0–3, 4–7, 8–11, 12–15) and adds them with the same tree; tanh
// clamps with FMIN/FMAX (which, like VMINPS/VMAXPS with x second, keep a
// NaN) and evaluates the same Horner chains, each step c + p·x² fused;
// normals runs lanes 0–3 over the whole of dst, then 4–7, 8–11 and 12–15
// (as the AVX2 kernel runs 0–7 then 8–15), with the exponent and mantissa
// taken by the same integer operations.
//
// # Instructions Go's assembler lacks
//
// The floating-point vector arithmetic other than FMLA/FMLS (FADD, FSUB,
// FMUL, FDIV, FMIN, FMAX, FCMGT, FSQRT, FNEG, SCVTF, FADDP) and FMLA by
// element have no mnemonic in Go's arm64 assembler (go1.26); they are
// written as WORD with the instruction in a comment, encoded by the
// functions below (checked against llvm-mc in arm64_test.go).

package main

import "fmt"

// neon is the arm64 vector unit, for kernelName: 128-bit vectors.
var neon = isa{suffix: "neon", v: "V", bytes: 16, regs: 32}

// archFiles returns the files of the other architectures than amd64.
func archFiles() map[string]*asm {
	return map[string]*asm{"kernel_arm64.s": neonGemmFile(), "vec_arm64.s": neonVecFile()}
}

// varr describes the vector arrangement of an element type.
type varr struct {
	size  int    // bytes per element
	lanes int    // elements per vector
	sz    uint32 // the sz bit of the floating-point encodings
	goArr string // Go's arrangement suffix: S4 or D2
	arm   string // the ARM one: 4s or 2d
	lane  string // one lane: s or d
}

func arrOf(size int) varr {
	if size == 8 {
		return varr{8, 2, 1, "D2", "2d", "d"}
	}
	return varr{4, 4, 0, "S4", "4s", "s"}
}

var f32 = arrOf(4)

// Encodings of the three-register floating-point vector instructions
// (Advanced SIMD three same, Q = 1): Vd = Vn op Vm.
var op3 = map[string]uint32{
	"fadd":  0x4e20d400,
	"fsub":  0x4ea0d400,
	"fmul":  0x6e20dc00,
	"fdiv":  0x6e20fc00,
	"fmax":  0x4e20f400,
	"fmin":  0x4ea0f400,
	"fcmgt": 0x6ea0e400,
}

// Encodings of the two-register ones (Advanced SIMD two-register
// miscellaneous, Q = 1): Vd = op(Vn).
var op2 = map[string]uint32{
	"fsqrt": 0x6ea1f800,
	"fneg":  0x6ea0f800,
	"scvtf": 0x4e21d800,
}

// enc3 encodes "op Vd.T, Vn.T, Vm.T".
func enc3(op string, a varr, d, n, m int) uint32 {
	return op3[op] | a.sz<<22 | uint32(m)<<16 | uint32(n)<<5 | uint32(d)
}

// enc2 encodes "op Vd.T, Vn.T".
func enc2(op string, a varr, d, n int) uint32 {
	return op2[op] | a.sz<<22 | uint32(n)<<5 | uint32(d)
}

// encFmlaElem encodes "fmla Vd.T, Vn.T, Vm.Ts[i]" (vector × element):
// the index is H:L for singles and H for doubles.
func encFmlaElem(a varr, d, n, m, i int) uint32 {
	h, l := uint32(i>>1), uint32(i&1)
	if a.size == 8 {
		h, l = uint32(i), 0
	}
	return 0x4f801000 | a.sz<<22 | l<<21 | uint32(m)<<16 | h<<11 | uint32(n)<<5 | uint32(d)
}

// encFaddpS encodes "faddp Sd, Vn.2S": Sd = Vn[0] + Vn[1].
func encFaddpS(d, n int) uint32 { return 0x7e30d800 | uint32(n)<<5 | uint32(d) }

// f3 writes Vd = Vn op Vm.
func (b *asm) f3(op string, a varr, d, n, m int) {
	b.w("\tWORD $0x%08x // %s v%d.%s, v%d.%s, v%d.%s", enc3(op, a, d, n, m), op, d, a.arm, n, a.arm, m, a.arm)
}

// f2 writes Vd = op(Vn).
func (b *asm) f2(op string, a varr, d, n int) {
	b.w("\tWORD $0x%08x // %s v%d.%s, v%d.%s", enc2(op, a, d, n), op, d, a.arm, n, a.arm)
}

// fmlaElem writes Vd += Vn·Vm[i], fused.
func (b *asm) fmlaElem(a varr, d, n, m, i int) {
	b.w("\tWORD $0x%08x // fmla v%d.%s, v%d.%s, v%d.%s[%d]", encFmlaElem(a, d, n, m, i), d, a.arm, n, a.arm, m, a.lane, i)
}

// faddpS writes Sd = Vn[0] + Vn[1].
func (b *asm) faddpS(d, n int) {
	b.w("\tWORD $0x%08x // faddp s%d, v%d.2s", encFaddpS(d, n), d, n)
}

// fmla writes Vd += Vn·Vm, fused (Go: VFMLA Vm, Vn, Vd).
func (b *asm) fmla(a varr, d, n, m int) {
	b.w("\tVFMLA V%d.%s, V%d.%s, V%d.%s", m, a.goArr, n, a.goArr, d, a.goArr)
}

// vlist returns the register list [Vfirst.T, …] of count registers.
func vlist(a varr, first, count int) string {
	s := "["
	for i := 0; i < count; i++ {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("V%d.%s", first+i, a.goArr)
	}
	return s + "]"
}

func neonGemmFile() *asm {
	var b asm
	header(&b)
	for _, e := range elems {
		for _, v := range variants {
			neonGemmKernel(&b, e, v)
		}
	}
	return &b
}

// neonGemmKernel writes one micro-kernel. Registers: R0 the count, R1 A
// (row 0 in "rm"; rows 1–7 in R6–R12), R2 B, R3 C, R4 ldc in bytes, R5
// lda in bytes, R6 ldb in bytes ("st"), R13 the width of a B row in bytes
// (narrow "rm").
func neonGemmKernel(b *asm, e elem, v variant) {
	name := kernelName(neon, e, v)
	a := arrOf(e.size)
	nr := 3 * a.lanes
	acc := func(r, vec int) int { return 8 + v.vecs*r + vec }
	b.w("")
	if v.set {
		b.w("// %s stores the tile, C = A·B, without reading C.", name)
	}
	if v.vecs < 3 {
		b.w("// A narrow tile (%d columns) from a panel %d columns wide.", v.vecs*a.lanes, nr)
	}
	switch {
	case v.st:
		b.w("// A and B are read in place: 8 values of A every lda, nr of B every ldb.")
		b.w("// func %s(k int, a *%s, lda int, b *%s, ldb int, c *%s, ldc int)", name, e.goType, e.goType, e.goType)
		b.w("TEXT ·%s(SB), NOSPLIT, $0-56", name)
		b.w("\tMOVD k+0(FP), R0")
		b.w("\tMOVD a+8(FP), R1")
		b.w("\tMOVD lda+16(FP), R5")
		b.w("\tMOVD b+24(FP), R2")
		b.w("\tMOVD ldb+32(FP), R6")
		b.w("\tMOVD c+40(FP), R3")
		b.w("\tMOVD ldc+48(FP), R4")
		b.w("\tLSL $%d, R5, R5", shiftOf(e.size))
		b.w("\tLSL $%d, R6, R6", shiftOf(e.size))
	case v.rm:
		b.w("// A is 8 rows of a row-major matrix with stride lda.")
		b.w("// func %s(k int, a *%s, lda int, b, c *%s, ldc int)", name, e.goType, e.goType)
		b.w("TEXT ·%s(SB), NOSPLIT, $0-48", name)
		b.w("\tMOVD k+0(FP), R0")
		b.w("\tMOVD a+8(FP), R1")
		b.w("\tMOVD lda+16(FP), R5")
		b.w("\tMOVD b+24(FP), R2")
		b.w("\tMOVD c+32(FP), R3")
		b.w("\tMOVD ldc+40(FP), R4")
		b.w("\tLSL $%d, R5, R5", shiftOf(e.size))
		b.w("\tADD R5, R1, R6")
		for r := 7; r <= 12; r++ {
			b.w("\tADD R5, R%d, R%d", r-1, r)
		}
		if v.vecs < 3 {
			b.w("\tMOVD $%d, R13", nr*e.size)
		}
	default:
		b.w("// func %s(k int, a, b, c *%s, ldc int)", name, e.goType)
		b.w("TEXT ·%s(SB), NOSPLIT, $0-40", name)
		b.w("\tMOVD k+0(FP), R0")
		b.w("\tMOVD a+8(FP), R1")
		b.w("\tMOVD b+16(FP), R2")
		b.w("\tMOVD c+24(FP), R3")
		b.w("\tMOVD ldc+32(FP), R4")
	}
	b.w("\tLSL $%d, R4, R4", shiftOf(e.size))
	for r := 0; r < 8; r++ {
		for vec := 0; vec < v.vecs; vec++ {
			b.w("\tVEOR V%d.B16, V%d.B16, V%d.B16", acc(r, vec), acc(r, vec), acc(r, vec))
		}
	}
	b.w("\tCBZ R0, store_%s", name)
	b.w("loop_%s:", name)
	areg := 8 / a.lanes // vectors holding the 8 values of A
	switch {
	case v.st:
		b.w("\tVLD1.P (R2)(R6), %s", vlist(a, 0, 3))
		b.w("\tVLD1.P (R1)(R5), %s", vlist(a, 3, areg))
	case v.rm && v.vecs < 3:
		b.w("\tVLD1.P (R2)(R13), %s", vlist(a, 0, v.vecs))
	default:
		b.w("\tVLD1.P %d(R2), %s", nr*e.size, vlist(a, 0, 3))
		if !v.rm {
			b.w("\tVLD1.P %d(R1), %s", 8*e.size, vlist(a, 3, areg))
		}
	}
	rows := []string{"R1", "R6", "R7", "R8", "R9", "R10", "R11", "R12"}
	for r := 0; r < 8; r++ {
		if v.rm {
			bc := 3 + r%5
			b.w("\tVLD1R.P %d(%s), [V%d.%s]", e.size, rows[r], bc, a.goArr)
			for vec := 0; vec < v.vecs; vec++ {
				b.fmla(a, acc(r, vec), vec, bc)
			}
			continue
		}
		for vec := 0; vec < v.vecs; vec++ {
			b.fmlaElem(a, acc(r, vec), vec, 3+r/a.lanes, r%a.lanes)
		}
	}
	b.w("\tSUBS $1, R0, R0")
	b.w("\tBNE loop_%s", name)
	b.w("store_%s:", name)
	for r := 0; r < 8; r++ {
		if !v.set {
			b.w("\tVLD1 (R3), %s", vlist(a, 0, v.vecs))
			for vec := 0; vec < v.vecs; vec++ {
				b.f3("fadd", a, acc(r, vec), acc(r, vec), vec)
			}
		}
		if r < 7 {
			b.w("\tVST1.P %s, (R3)(R4)", vlist(a, acc(r, 0), v.vecs))
		} else {
			b.w("\tVST1 %s, (R3)", vlist(a, acc(r, 0), v.vecs))
		}
	}
	b.w("\tRET")
}

func shiftOf(size int) int { return map[int]int{8: 3, 4: 2}[size] }

// neonVecFile writes the element-wise kernels.
func neonVecFile() *asm {
	var b asm
	header(&b)
	b.w("")
	b.w("// Element-wise float32 kernels of the RNN engine (vec.go, normal.go): 16")
	b.w("// values per iteration. n is a positive multiple of 16 (32 for normals).")
	neonTanh(&b)
	neonStreams(&b)
	neonDot(&b)
	neonNormals(&b)
	return &b
}

// horner writes the steps p ← c_i + p·x (fused) for the constants in
// registers cs, in order, for each of the vectors j: p starts in pa[j]
// (or in the register first when first ≥ 0, shared by all j) and
// alternates between pa[j] and pb[j]. It returns the registers holding
// the results.
func (b *asm) horner(first int, cs []int, x, pa, pb []int) []int {
	cur, other := append([]int(nil), pa...), append([]int(nil), pb...)
	for i, c := range cs {
		for j := range x {
			b.w("\tVMOV V%d.B16, V%d.B16", c, other[j])
			src := cur[j]
			if i == 0 && first >= 0 {
				src = first
			}
			b.fmla(f32, other[j], src, x[j])
		}
		cur, other = other, cur
	}
	return cur
}

// neonTanh: x clamped to ±coef[0] (V16, V17), then x·P(x²)/Q(x²) with the
// constants coef[1…11] in V18–V28. Per vector j of four: x in Vj, x² in
// V4+j, the Horner chains in V8+j and V12+j.
func neonTanh(b *asm) {
	b.w("")
	b.w("// func tanh32bodyneon(dst, src *float32, n int, coef *float32)")
	b.w("// tanh(x) ≈ x·P(x²)/Q(x²) on x clamped to ±coef[0] (Eigen's float tanh).")
	b.w("TEXT ·tanh32bodyneon(SB), NOSPLIT, $0-32")
	b.w("\tMOVD dst+0(FP), R0")
	b.w("\tMOVD src+8(FP), R1")
	b.w("\tMOVD n+16(FP), R2")
	b.w("\tMOVD coef+24(FP), R3")
	b.w("\tLSR $4, R2, R2")
	b.w("\tVLD1R.P 4(R3), [V16.S4] // clamp")
	b.f2("fneg", f32, 17, 16)
	for i := 1; i <= 11; i++ {
		b.w("\tVLD1R.P 4(R3), [V%d.S4]", 17+i)
	}
	konst := func(i int) int { return 17 + i }
	x, x2, pa, pb := []int{0, 1, 2, 3}, []int{4, 5, 6, 7}, []int{8, 9, 10, 11}, []int{12, 13, 14, 15}
	b.w("tanh_loopneon:")
	b.w("\tVLD1.P 64(R1), %s", vlist(f32, 0, 4))
	for j := range x {
		b.f3("fmin", f32, x[j], x[j], 16)
	}
	for j := range x {
		b.f3("fmax", f32, x[j], x[j], 17)
	}
	for j := range x {
		b.f3("fmul", f32, x2[j], x[j], x[j])
	}
	var cs []int
	for i := 2; i <= 7; i++ {
		cs = append(cs, konst(i))
	}
	p := b.horner(konst(1), cs, x2, pa, pb)
	for j := range x {
		b.f3("fmul", f32, x[j], p[j], x[j]) // p·x
	}
	cs = cs[:0]
	for i := 9; i <= 11; i++ {
		cs = append(cs, konst(i))
	}
	q := b.horner(konst(8), cs, x2, pa, pb)
	for j := range x {
		b.f3("fdiv", f32, x[j], x[j], q[j])
	}
	b.w("\tVST1.P %s, 64(R0)", vlist(f32, 0, 4))
	b.w("\tSUBS $1, R2, R2")
	b.w("\tBNE tanh_loopneon")
	b.w("\tRET")
}

// scalarArg loads the float32 argument name+off into every lane of Vr.
func (b *asm) scalarArg(name string, off, r int) {
	b.w("\tFMOVS %s+%d(FP), F%d", name, off, r)
	b.w("\tVDUP V%d.S[0], V%d.S4", r, r)
}

// neonStreams writes axpby, euler, tanhback and axpy: the operands of 16
// values in V0–V3, V4–V7, V8–V11, the scalars in V16–V18.
func neonStreams(b *asm) {
	loopEnd := func(label, count string) {
		b.w("\tSUBS $1, %s, %s", count, count)
		b.w("\tBNE %s", label)
		b.w("\tRET")
	}
	all := []int{0, 1, 2, 3}

	b.w("")
	b.w("// func axpby32bodyneon(x, a *float32, n int, c, d float32)")
	b.w("// x = c·x + d·a")
	b.w("TEXT ·axpby32bodyneon(SB), NOSPLIT, $0-32")
	b.w("\tMOVD x+0(FP), R0")
	b.w("\tMOVD a+8(FP), R1")
	b.w("\tMOVD n+16(FP), R2")
	b.w("\tLSR $4, R2, R2")
	b.scalarArg("c", 24, 16)
	b.scalarArg("d", 28, 17)
	b.w("axpby_loopneon:")
	b.w("\tVLD1 (R0), %s", vlist(f32, 0, 4))
	b.w("\tVLD1.P 64(R1), %s", vlist(f32, 4, 4))
	for _, j := range all {
		b.f3("fmul", f32, j, j, 16)
		b.fmla(f32, j, 4+j, 17)
	}
	b.w("\tVST1.P %s, 64(R0)", vlist(f32, 0, 4))
	loopEnd("axpby_loopneon", "R2")

	b.w("")
	b.w("// func euler32bodyneon(x, a, xi *float32, n int, c, d, s float32)")
	b.w("// x = c·x + d·a + s·xi")
	b.w("TEXT ·euler32bodyneon(SB), NOSPLIT, $0-44")
	b.w("\tMOVD x+0(FP), R0")
	b.w("\tMOVD a+8(FP), R1")
	b.w("\tMOVD xi+16(FP), R2")
	b.w("\tMOVD n+24(FP), R3")
	b.w("\tLSR $4, R3, R3")
	b.scalarArg("c", 32, 16)
	b.scalarArg("d", 36, 17)
	b.scalarArg("s", 40, 18)
	b.w("euler_loopneon:")
	b.w("\tVLD1 (R0), %s", vlist(f32, 0, 4))
	b.w("\tVLD1.P 64(R1), %s", vlist(f32, 4, 4))
	b.w("\tVLD1.P 64(R2), %s", vlist(f32, 8, 4))
	for _, j := range all {
		b.f3("fmul", f32, j, j, 16)
		b.fmla(f32, j, 4+j, 17)
		b.fmla(f32, j, 8+j, 18)
	}
	b.w("\tVST1.P %s, 64(R0)", vlist(f32, 0, 4))
	loopEnd("euler_loopneon", "R3")

	b.w("")
	b.w("// func tanhback32bodyneon(dst, next, gw, h *float32, n int, c, e float32)")
	b.w("// dst = c·next + e·gw·(1 − h²)")
	b.w("TEXT ·tanhback32bodyneon(SB), NOSPLIT, $0-48")
	b.w("\tMOVD dst+0(FP), R0")
	b.w("\tMOVD next+8(FP), R1")
	b.w("\tMOVD gw+16(FP), R2")
	b.w("\tMOVD h+24(FP), R3")
	b.w("\tMOVD n+32(FP), R4")
	b.w("\tLSR $4, R4, R4")
	b.scalarArg("c", 40, 16)
	b.scalarArg("e", 44, 17)
	b.w("\tFMOVS $(1.0), F18")
	b.w("\tVDUP V18.S[0], V18.S4")
	b.w("tanhback_loopneon:")
	b.w("\tVLD1.P 64(R3), %s // h", vlist(f32, 0, 4))
	b.w("\tVLD1.P 64(R2), %s // g", vlist(f32, 4, 4))
	b.w("\tVLD1.P 64(R1), %s // next", vlist(f32, 8, 4))
	for _, j := range all {
		b.w("\tVMOV V18.B16, V%d.B16", 12+j)
		b.w("\tVFMLS V%d.S4, V%d.S4, V%d.S4 // 1 − h²", j, j, 12+j)
		b.f3("fmul", f32, 4+j, 4+j, 17) // e·g
		b.f3("fmul", f32, 4+j, 4+j, 12+j)
		b.fmla(f32, 4+j, 8+j, 16)
	}
	b.w("\tVST1.P %s, 64(R0)", vlist(f32, 4, 4))
	loopEnd("tanhback_loopneon", "R4")

	b.w("")
	b.w("// func axpy32bodyneon(y, x *float32, n int, alpha float32)")
	b.w("// y += alpha·x")
	b.w("TEXT ·axpy32bodyneon(SB), NOSPLIT, $0-28")
	b.w("\tMOVD y+0(FP), R0")
	b.w("\tMOVD x+8(FP), R1")
	b.w("\tMOVD n+16(FP), R2")
	b.w("\tLSR $4, R2, R2")
	b.scalarArg("alpha", 24, 16)
	b.w("axpy_loopneon:")
	b.w("\tVLD1 (R0), %s", vlist(f32, 0, 4))
	b.w("\tVLD1.P 64(R1), %s", vlist(f32, 4, 4))
	for _, j := range all {
		b.fmla(f32, j, 4+j, 16)
	}
	b.w("\tVST1.P %s, 64(R0)", vlist(f32, 0, 4))
	loopEnd("axpy_loopneon", "R2")
}

// neonDot: Σ x·y in 16 lanes (V0–V3), then the tree of the amd64 kernels:
// lanes i and i+8, then i and i+4, i and i+2, 0 and 1.
func neonDot(b *asm) {
	b.w("")
	b.w("// func dot32bodyneon(x, y *float32, n int) float32")
	b.w("// Σ x·y: 16 lanes, then a fixed tree across them.")
	b.w("TEXT ·dot32bodyneon(SB), NOSPLIT, $0-28")
	b.w("\tMOVD x+0(FP), R0")
	b.w("\tMOVD y+8(FP), R1")
	b.w("\tMOVD n+16(FP), R2")
	b.w("\tLSR $4, R2, R2")
	for j := 0; j < 4; j++ {
		b.w("\tVEOR V%d.B16, V%d.B16, V%d.B16", j, j, j)
	}
	b.w("dot_loopneon:")
	b.w("\tVLD1.P 64(R0), %s", vlist(f32, 4, 4))
	b.w("\tVLD1.P 64(R1), %s", vlist(f32, 8, 4))
	for j := 0; j < 4; j++ {
		b.fmla(f32, j, 4+j, 8+j)
	}
	b.w("\tSUBS $1, R2, R2")
	b.w("\tBNE dot_loopneon")
	b.f3("fadd", f32, 0, 0, 2) // lanes i, i+8
	b.f3("fadd", f32, 1, 1, 3)
	b.f3("fadd", f32, 0, 0, 1) // i, i+4
	b.w("\tVEXT $8, V0.B16, V0.B16, V1.B16")
	b.f3("fadd", f32, 0, 0, 1) // i, i+2
	b.faddpS(0, 0)             // 0, 1
	b.w("\tFMOVS F0, ret+24(FP)")
	b.w("\tRET")
}

// neonNormals: the normals of normals32body (kernel for AVX-512, see
// normal.go), four lanes at a time: lanes 4g…4g+3 of the 16 for g = 0…3,
// each over the whole of dst with its part of the state. Registers: V0–V3
// the state, V4 r1 then u1 then the angle, V5 r2, V6 scratch, V7 the
// exponent, V8 the mantissa, V9–V15 the polynomials and the result;
// V16–V22 coef[0…6], V23 the mantissa mask, V24 the exponent bias. The
// polynomial constants are broadcast from coef as they are used (R11
// walks them downwards, R9 = −4).
func neonNormals(b *asm) {
	b.w(`
// func normals32bodyneon(dst *float32, n int, st *uint32, coef *float32)
// normals32body with 128-bit vectors: the lanes 0–3 of every block of 32
// values, then the lanes 4–7, 8–11 and 12–15, each with its own part of
// the state.
TEXT ·normals32bodyneon(SB), NOSPLIT, $0-32
	MOVD dst+0(FP), R0
	MOVD st+16(FP), R2
	MOVD coef+24(FP), R3
	MOVD R3, R11
	VLD1R.P 4(R11), [V16.S4] // 1
	VLD1R.P 4(R11), [V17.S4] // 2⁻²⁴
	VLD1R.P 4(R11), [V18.S4] // √2
	VLD1R.P 4(R11), [V19.S4] // ½
	VLD1R.P 4(R11), [V20.S4] // ln 2
	VLD1R.P 4(R11), [V21.S4] // −2
	VLD1R.P 4(R11), [V22.S4] // −0: the sign bit
	MOVW $0x007fffff, R12
	VDUP R12, V23.S4
	MOVW $127, R12
	VDUP R12, V24.S4
	MOVD $-4, R9
	MOVD $4, R10
normals_group_neon:
	MOVD n+8(FP), R1
	LSR $5, R1, R1
	MOVD R0, R4
	FMOVQ 0(R2), F0
	FMOVQ 64(R2), F1
	FMOVQ 128(R2), F2
	FMOVQ 192(R2), F3
normals_loop_neon:
	// r1 = next(): rotl(s0 + s3, 7) + s0, then the state update.
	VADD V3.S4, V0.S4, V4.S4
	VSHL $7, V4.S4, V6.S4
	VSRI $25, V4.S4, V6.S4
	VADD V0.S4, V6.S4, V4.S4`)
	update := `
	VSHL $9, V1.S4, V6.S4
	VEOR V0.B16, V2.B16, V2.B16
	VEOR V1.B16, V3.B16, V3.B16
	VEOR V2.B16, V1.B16, V1.B16
	VEOR V3.B16, V0.B16, V0.B16
	VEOR V6.B16, V2.B16, V2.B16
	VSHL $11, V3.S4, V6.S4
	VSRI $21, V3.S4, V6.S4
	VMOV V6.B16, V3.B16`
	b.w(update[1:])
	b.w(`	// r2 = next()
	VADD V3.S4, V0.S4, V5.S4
	VSHL $7, V5.S4, V6.S4
	VSRI $25, V5.S4, V6.S4
	VADD V0.S4, V6.S4, V5.S4`)
	b.w(update[1:])
	b.w("\t// u1 = (top 24 bits of r1 + 1)·2⁻²⁴ ∈ (0, 1]")
	b.w("\tVUSHR $8, V4.S4, V4.S4")
	b.f2("scvtf", f32, 4, 4)
	b.f3("fadd", f32, 4, 4, 16)
	b.f3("fmul", f32, 4, 4, 17)
	b.w("\t// ln u1 = e·ln2 + ln(1+f), 1+f = mantissa in [√½, √2): the exponent")
	b.w("\t// field less 127 and the mantissa with the exponent of 1, as in AVX2.")
	b.w("\tVUSHR $23, V4.S4, V7.S4")
	b.w("\tVSUB V24.S4, V7.S4, V7.S4")
	b.f2("scvtf", f32, 7, 7)
	b.w("\tVAND V23.B16, V4.B16, V8.B16")
	b.w("\tVORR V16.B16, V8.B16, V8.B16")
	b.f3("fcmgt", f32, 9, 8, 18) // mantissa > √2
	b.f3("fmul", f32, 10, 8, 19)
	b.w("\tVBIT V9.B16, V10.B16, V8.B16 // halved where above √2")
	b.w("\tVAND V16.B16, V9.B16, V10.B16")
	b.f3("fadd", f32, 7, 7, 10) // exponent + 1 there (+ 0 elsewhere)
	b.f3("fsub", f32, 8, 8, 16)
	// The polynomial constants, loaded downwards from coef+start.
	chain := func(start, steps, x, ra, rb int) int {
		b.w("\tADD $%d, R3, R11", start)
		b.w("\tVLD1R.P (R11)(R9), [V%d.S4]", ra)
		cur, other := ra, rb
		for i := 0; i < steps; i++ {
			b.w("\tVLD1R.P (R11)(R9), [V%d.S4]", other)
			b.fmla(f32, other, cur, x)
			cur, other = other, cur
		}
		return cur
	}
	ln := chain(60, 8, 8, 9, 10) // l8 … l0
	b.f3("fmul", f32, ln, ln, 8)
	b.fmla(f32, ln, 7, 20) // + e·ln2
	b.w("\t// radius √(−2 ln u1)")
	b.f3("fmul", f32, ln, ln, 21)
	b.f2("fsqrt", f32, ln, ln)
	rho := ln
	b.w("\t// f = top 23 bits of r2 as a fraction in [0, 1); angle (π/2)·f")
	b.w("\tVUSHR $9, V5.S4, V4.S4")
	b.w("\tVORR V16.B16, V4.B16, V4.B16")
	b.f3("fsub", f32, 4, 4, 16)
	b.f3("fmul", f32, 6, 4, 4)
	sin := chain(80, 4, 6, 11, 12) // s4 … s0
	b.f3("fmul", f32, sin, sin, 4)
	cos := chain(100, 4, 6, 13, 14) // c4 … c0
	b.f3("fmul", f32, cos, cos, rho)
	b.f3("fmul", f32, sin, sin, rho)
	b.w("\t// random quadrant: bits 0 and 1 of r2 flip the signs")
	b.w("\tVSHL $31, V5.S4, V6.S4")
	b.w("\tVEOR V6.B16, V%d.B16, V%d.B16", cos, cos)
	b.w("\tVSHL $30, V5.S4, V6.S4")
	b.w("\tVAND V22.B16, V6.B16, V6.B16")
	b.w("\tVEOR V6.B16, V%d.B16, V%d.B16", sin, sin)
	b.w("\tFMOVQ F%d, 0(R4)", cos)
	b.w("\tFMOVQ F%d, 64(R4)", sin)
	b.w(`	ADD $128, R4, R4
	SUBS $1, R1, R1
	BNE normals_loop_neon
	FMOVQ F0, 0(R2)
	FMOVQ F1, 64(R2)
	FMOVQ F2, 128(R2)
	FMOVQ F3, 192(R2)
	ADD $16, R2, R2
	ADD $16, R0, R0
	SUBS $1, R10, R10
	BNE normals_group_neon
	RET`)
}
