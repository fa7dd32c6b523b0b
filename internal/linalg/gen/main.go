// Command gen writes the assembly of package linalg: kernel_amd64.s (the
// GEMM micro-kernels) and vec_amd64.s (the element-wise float32 kernels of
// the RNN engine), each for AVX-512 and for AVX2 + FMA, and their NEON
// counterparts for arm64, kernel_arm64.s and vec_arm64.s (arm64.go says
// how they differ):
//
//	go generate ./internal/linalg        (runs: go run ./gen)
//	go run ./internal/linalg/gen -o DIR  (writes the files into DIR instead)
//
// TestGeneratedFilesCurrent runs the generator into a temporary folder and
// fails when the committed files differ from its output.
//
// # GEMM micro-kernels
//
// dkernel8x24 computes an 8×24 tile of C += A·B in float64 from packed
// panels: a holds k groups of 8 values (one per row of the tile), b holds k
// groups of 24 (one per column). The 24 accumulators are Z8–Z31 (3 vectors
// of 8 doubles per row); B is loaded into Z0–Z2 and each A value broadcast
// into Z3–Z6. skernel8x48 is the same in float32 (48 columns, 16 per
// vector).
//
// The AVX2 kernels (names ending in avx2) compute the same 8-row tiles
// three 256-bit vectors wide (8×12 in float64, 8×24 in float32) with 16
// registers: the 8 rows are computed in two passes of 4 rows over the whole
// depth (12 accumulators Y4–Y15, B in Y0–Y2, the broadcast in Y3); the
// narrow one-vector tiles take all 8 rows in one pass. Every element of C
// is the same chain of fused multiply-adds over p = 0…k−1 in both ISAs, so
// the AVX2 and AVX-512 products are equal bit for bit.
//
// The "rm" variants read A unpacked, as 8 rows of a row-major matrix with
// stride lda, broadcasting each value straight from its row: products whose
// B is packed once and reused (the RNN's weights, PackedB) then need no
// copy of A at all.
//
// The narrow "rm" kernels (one or two vectors: dkernel8x8rm, skernel8x16rm,
// skernel8x32rm, …) compute the last tile of a row when n is not a multiple
// of the tile width: they read the same zero-padded panels and compute only
// the columns that exist.
//
// The "st" variants read both operands in place from row-major storage for
// C = Aᵀ·B: for each p the 8 values of A are contiguous (row p of the stored
// A, stride lda) and so are the tile's values of B (row p of B, stride
// ldb). GemmTN uses them for the RNN's weight gradient, where A and B are
// tall (trials·steps rows) and packing them would cost as much as the
// product.
//
// # Element-wise kernels
//
// Each processes 16 float32 values per iteration (one 512-bit vector, or
// two 256-bit ones) with the same operations in the same order in both
// ISAs, so they too agree bit for bit; see vec.go and normal.go for what
// they compute.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("o", ".", "folder to write the assembly files into")
	flag.Parse()
	files := map[string]*asm{"kernel_amd64.s": gemmFile(), "vec_amd64.s": vecFile()}
	for name, b := range archFiles() {
		files[name] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
