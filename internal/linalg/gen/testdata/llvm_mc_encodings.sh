#!/bin/sh
# Prints the A64 encodings that arm64_test.go expects, from LLVM's
# assembler (Debian: apt-get install llvm; any llvm-mc with AArch64):
#
#	sh internal/linalg/gen/testdata/llvm_mc_encodings.sh
#
# Each line is "encoding | instruction".
set -e
llvm-mc -triple=aarch64 -show-encoding <<'ASM' | sed -n 's/^[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*\/\/ encoding: \[0x\(..\),0x\(..\),0x\(..\),0x\(..\)\]/\5\4\3\2 | \1/p' | tr '\t' ' '
fadd v1.4s, v2.4s, v3.4s
fadd v31.2d, v0.2d, v17.2d
fsub v8.4s, v8.4s, v16.4s
fmul v4.4s, v4.4s, v17.4s
fmul v30.2d, v29.2d, v28.2d
fdiv v0.4s, v0.4s, v12.4s
fmax v3.4s, v3.4s, v17.4s
fmin v0.4s, v0.4s, v16.4s
fcmgt v9.4s, v8.4s, v18.4s
fsqrt v9.4s, v9.4s
fsqrt v1.2d, v30.2d
fneg v17.4s, v16.4s
scvtf v31.4s, v0.4s
fmla v8.4s, v0.4s, v3.s[0]
fmla v9.4s, v1.4s, v4.s[3]
fmla v17.4s, v1.4s, v20.s[2]
fmla v31.4s, v2.4s, v31.s[1]
fmla v8.2d, v0.2d, v3.d[0]
fmla v31.2d, v2.2d, v6.d[1]
fmla v0.2d, v31.2d, v16.d[1]
faddp s0, v0.2s
faddp s5, v7.2s
ASM
