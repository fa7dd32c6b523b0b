package main

import (
	"fmt"
	"strings"
	"testing"
)

// llvmMC is the output of testdata/llvm_mc_encodings.sh: LLVM's encodings
// of instructions Go's arm64 assembler has no mnemonic for, which the
// generator writes as WORDs.
const llvmMC = `4e23d441 | fadd v1.4s, v2.4s, v3.4s
4e71d41f | fadd v31.2d, v0.2d, v17.2d
4eb0d508 | fsub v8.4s, v8.4s, v16.4s
6e31dc84 | fmul v4.4s, v4.4s, v17.4s
6e7cdfbe | fmul v30.2d, v29.2d, v28.2d
6e2cfc00 | fdiv v0.4s, v0.4s, v12.4s
4e31f463 | fmax v3.4s, v3.4s, v17.4s
4eb0f400 | fmin v0.4s, v0.4s, v16.4s
6eb2e509 | fcmgt v9.4s, v8.4s, v18.4s
6ea1f929 | fsqrt v9.4s, v9.4s
6ee1fbc1 | fsqrt v1.2d, v30.2d
6ea0fa11 | fneg v17.4s, v16.4s
4e21d81f | scvtf v31.4s, v0.4s
4f831008 | fmla v8.4s, v0.4s, v3.s[0]
4fa41829 | fmla v9.4s, v1.4s, v4.s[3]
4f941831 | fmla v17.4s, v1.4s, v20.s[2]
4fbf105f | fmla v31.4s, v2.4s, v31.s[1]
4fc31008 | fmla v8.2d, v0.2d, v3.d[0]
4fc6185f | fmla v31.2d, v2.2d, v6.d[1]
4fd01be0 | fmla v0.2d, v31.2d, v16.d[1]
7e30d800 | faddp s0, v0.2s
7e30d8e5 | faddp s5, v7.2s`

// TestNeonEncodings checks the WORDs the generator writes, encoding and
// comment, against llvmMC: the same instructions, in its order.
func TestNeonEncodings(t *testing.T) {
	f64 := arrOf(8)
	var b asm
	b.f3("fadd", f32, 1, 2, 3)
	b.f3("fadd", f64, 31, 0, 17)
	b.f3("fsub", f32, 8, 8, 16)
	b.f3("fmul", f32, 4, 4, 17)
	b.f3("fmul", f64, 30, 29, 28)
	b.f3("fdiv", f32, 0, 0, 12)
	b.f3("fmax", f32, 3, 3, 17)
	b.f3("fmin", f32, 0, 0, 16)
	b.f3("fcmgt", f32, 9, 8, 18)
	b.f2("fsqrt", f32, 9, 9)
	b.f2("fsqrt", f64, 1, 30)
	b.f2("fneg", f32, 17, 16)
	b.f2("scvtf", f32, 31, 0)
	b.fmlaElem(f32, 8, 0, 3, 0)
	b.fmlaElem(f32, 9, 1, 4, 3)
	b.fmlaElem(f32, 17, 1, 20, 2)
	b.fmlaElem(f32, 31, 2, 31, 1)
	b.fmlaElem(f64, 8, 0, 3, 0)
	b.fmlaElem(f64, 31, 2, 6, 1)
	b.fmlaElem(f64, 0, 31, 16, 1)
	for _, r := range [][2]int{{0, 0}, {5, 7}} {
		b.faddpS(r[0], r[1])
	}
	got := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := strings.Split(llvmMC, "\n")
	if len(got) != len(want) {
		t.Fatalf("%d instructions written, %d expected", len(got), len(want))
	}
	for i, w := range want {
		enc, text, _ := strings.Cut(w, " | ")
		if g := strings.TrimSpace(got[i]); g != fmt.Sprintf("WORD $0x%s // %s", enc, text) {
			t.Errorf("wrote %q, LLVM encodes %s as %s", g, text, enc)
		}
	}
}
