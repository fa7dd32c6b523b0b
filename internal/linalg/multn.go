package linalg

import "sync"

// multnBlock is the depth of a block of GemmTN: 256 rows of A and B, so
// that a tile column of B (256 × 24 float32 with AVX2, 24 KiB; 48 KiB with
// AVX-512) stays in L1 while the block of A stays in L2, and each tile's
// sum over the block is long enough to hide the cost of loading and storing
// the tile of C: on AMD Zen 5, 256 rows run BenchmarkGemmTN at 168 GFLOP/s
// (avx2) and 285 (avx512), against 140 and 250 with 128 rows. The block
// depth fixes the order of the sums, so it is the same on every path.
const multnBlock = 256

// GemmTN computes C = Aᵀ·B, or C += Aᵀ·B when add is set, for row-major A
// (k×m, stride lda) and B (k×n, stride ldb), with C m×n (stride ldc), on
// up to workers goroutines (split over C's rows; 0 means GOMAXPROCS). It
// writes the caller's C in place; A and B are only read.
//
// It is meant for tall operands (k ≫ m, n), such as the RNN's weight
// gradient Dᵀ·H over every (trial, step): the micro-kernel reads A and B in
// place, block by block of rows, instead of packing them. Tiles at the
// right and bottom edges read the next 8 columns of A and nr of B when the
// strides leave room for them (padded storage), else copies of the strips.
// Each element of C is a sum over k in the same order whatever workers is.
func GemmTN[T Float](m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, add bool, workers int) {
	if m == 0 || n == 0 {
		return
	}
	if (k > 0 && (lda < m || ldb < n || len(a) < (k-1)*lda+m || len(b) < (k-1)*ldb+n)) || ldc < n || len(c) < (m-1)*ldc+n {
		panic("linalg: GemmTN: operand too short")
	}
	kp := cur
	if !kp.asm || k == 0 {
		var beta T
		if add {
			beta = 1
		}
		gemm(operand[T]{a, lda, true, nil}, operand[T]{b, ldb, false, nil}, m, n, k, beta, c, ldc)
		return
	}
	if workers <= 0 {
		workers = numWorkers()
	}
	tiles := (m + mr - 1) / mr
	workers = max(1, min(workers, tiles))
	per := (tiles + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*per*mr, min((w+1)*per*mr, m)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			multn(kp, lo, hi, n, k, a, lda, b, ldb, c, ldc, add)
		}()
	}
	wg.Wait()
}

// multn computes rows lo…hi−1 of C.
func multn[T Float](kp *kernelPath, lo, hi, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, add bool) {
	nr := tileCols[T](kp)
	var tile [mr * 48]T
	// Edge strips that cannot be read in place are copied, zero-padded,
	// into contiguous k×mr and k×nr buffers.
	var astrip, bstrip []T
	for p0 := 0; p0 < k; p0 += multnBlock {
		kb := min(multnBlock, k-p0)
		set := !add && p0 == 0
		for j0 := 0; j0 < n; j0 += nr {
			bs, bld := b[p0*ldb+j0:], ldb
			jw := min(nr, n-j0)
			if jw < nr && (j0+nr > ldb || len(b) < (k-1)*ldb+j0+nr) {
				if bstrip == nil {
					bstrip = make([]T, k*nr)
				}
				for p := 0; p < kb; p++ {
					row := bstrip[p*nr : (p+1)*nr]
					clear(row)
					copy(row, b[(p0+p)*ldb+j0:(p0+p)*ldb+n])
				}
				bs, bld = bstrip, nr
			}
			for i0 := lo; i0 < hi; i0 += mr {
				as, ald := a[p0*lda+i0:], lda
				iw := min(mr, hi-i0)
				if iw < mr && (i0+mr > lda || len(a) < (k-1)*lda+i0+mr) {
					if astrip == nil {
						astrip = make([]T, k*mr)
					}
					for p := 0; p < kb; p++ {
						row := astrip[p*mr : (p+1)*mr]
						clear(row)
						copy(row, a[(p0+p)*lda+i0:(p0+p)*lda+i0+iw])
					}
					as, ald = astrip, mr
				}
				ci := i0*ldc + j0
				if iw == mr && jw == nr {
					kernelST(kp, kb, as, ald, bs, bld, c[ci:], ldc, set)
					continue
				}
				// A partial tile: compute it whole, keep the part in C.
				kernelST(kp, kb, as, ald, bs, bld, tile[:mr*nr], nr, true)
				for i := 0; i < iw; i++ {
					row := c[ci+i*ldc : ci+i*ldc+jw]
					if set {
						copy(row, tile[i*nr:])
						continue
					}
					for j := range row {
						row[j] += tile[i*nr+j]
					}
				}
			}
		}
	}
}
