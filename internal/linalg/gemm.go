package linalg

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// The GEMM here is the classic packed algorithm (Goto; BLIS): panels of A
// and B are copied into contiguous, zero-padded buffers and an assembly
// micro-kernel computes one tile of C from them with the whole tile held in
// registers. It runs on every core by splitting C into independent blocks.
//
// Packing touches every element once anyway, so it can also subtract a
// per-column shift: products of centred data, (X − 1·μᵀ)ᵀ(X − 1·μᵀ) and
// (X − 1·μᵀ)·V, then never need the centred copy of X in memory.
//
// Block sizes for this machine's caches (48 KiB L1d, 2 MiB L2 per core):
// a packed A panel (mr × kc) stays in L1 while the kernel sweeps the packed
// B block (kc × nc), which stays in L2.
const (
	mr = 8   // rows of a C tile (A values broadcast)
	kc = 256 // depth of a packed block
	nc = 480 // columns of a packed B block: 20 tiles of 24 (float64), 10 of 48 (float32)
	mc = 128 // rows of a packed A block
)

// Float is a floating-point element type the GEMM handles.
type Float interface{ float32 | float64 }

// numWorkers is the number of goroutines a large Gemm or Syrk uses (and
// GemmTN when its caller passes 0): runtime.GOMAXPROCS(0) at the time of
// the call, or testWorkers when a test sets it. Results do not depend on
// it: every element of a product is summed in the same order whatever the
// split.
func numWorkers() int {
	if testWorkers > 0 {
		return testWorkers
	}
	return runtime.GOMAXPROCS(0)
}

// testWorkers, when positive, replaces GOMAXPROCS in numWorkers. Only this
// package's tests set it (through withWorkers), to check that the split
// does not change the bits; a program limits the goroutines with
// GOMAXPROCS, or passes GemmTN its workers.
var testWorkers int

// minParallel is the number of multiply-adds below which a product runs on
// one goroutine: starting goroutines costs about a microsecond.
const minParallel = 1 << 16

// operand is a row-major matrix as stored, whether the product uses it
// transposed, and an optional shift subtracted from each stored column.
type operand[T Float] struct {
	data  []T
	ld    int
	trans bool
	shift []T
}

// at returns op(M)[i, p] minus its shift.
func (o operand[T]) at(i, p int) T {
	if o.trans {
		v := o.data[p*o.ld+i]
		if o.shift != nil {
			v -= o.shift[i]
		}
		return v
	}
	v := o.data[i*o.ld+p]
	if o.shift != nil {
		v -= o.shift[p]
	}
	return v
}

// Gemm computes C = op(A)·op(B) + beta·C for row-major matrices, where op(A)
// is m×k (A is m×k with stride lda, or k×m when tA) and op(B) is k×n (B is
// k×n with stride ldb, or n×k when tB). C is m×n with stride ldc. It writes
// the caller's C in place (A and B are only read) and runs on up to
// GOMAXPROCS goroutines for a large product.
func Gemm[T Float](tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ar, ac, br, bc := m, k, k, n
	if tA {
		ar, ac = k, m
	}
	if tB {
		br, bc = n, k
	}
	if !fits(m, n, c, ldc) || (m > 0 && n > 0 && (!fits(ar, ac, a, lda) || !fits(br, bc, b, ldb))) {
		panic("linalg: Gemm: operand too short")
	}
	gemm(operand[T]{a, lda, tA, nil}, operand[T]{b, ldb, tB, nil}, m, n, k, beta, c, ldc)
}

// fits reports whether s holds a rows×cols row-major matrix with stride
// ld (any s holds an empty one). The assembly kernels do not check bounds,
// so the exported entry points check their operands with it.
func fits[T Float](rows, cols int, s []T, ld int) bool {
	return rows == 0 || cols == 0 || (ld >= cols && len(s) >= (rows-1)*ld+cols)
}

func gemm[T Float](a, b operand[T], m, n, k int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	p := cur
	if !p.asm {
		gonumGemm(a, b, m, n, k, beta, c, ldc)
		return
	}
	if k == 0 {
		scale(c, m, n, ldc, beta)
		return
	}
	// With beta = 0 the first block of k stores into C instead of adding,
	// so C is never cleared separately.
	set := beta == 0
	if !set {
		scale(c, m, n, ldc, beta)
	}
	w := numWorkers()
	if m*n*k < minParallel {
		w = 1
	}
	// Split the larger side of C into one block per worker (rows in
	// multiples of the tile height so that tiles stay whole).
	splitRows := m >= n
	size := n
	if splitRows {
		size = m
	}
	w = min(w, (size+mr-1)/mr)
	if w <= 1 {
		serial(p, a, b, m, n, k, c, ldc, set, -1)
		return
	}
	chunk := (size + w - 1) / w
	chunk = (chunk + mr - 1) / mr * mr
	var wg sync.WaitGroup
	for lo := 0; lo < size; lo += chunk {
		hi := min(lo+chunk, size)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			if splitRows {
				serial(p, rowsOf(a, lo), b, hi-lo, n, k, c[lo*ldc:], ldc, set, -1)
				return
			}
			serial(p, a, rowsOf(transposed(b), lo).transposed(), m, hi-lo, k, c[lo:], ldc, set, -1)
		}(lo, hi)
	}
	wg.Wait()
}

// rowsOf returns op(M) from row lo on.
func rowsOf[T Float](o operand[T], lo int) operand[T] {
	if o.trans {
		o.data = o.data[lo:]
		if o.shift != nil {
			o.shift = o.shift[lo:]
		}
		return o
	}
	o.data = o.data[lo*o.ld:]
	return o
}

func transposed[T Float](o operand[T]) operand[T] { return o.transposed() }

func (o operand[T]) transposed() operand[T] {
	o.trans = !o.trans
	return o
}

func scale[T Float](c []T, m, n, ldc int, beta T) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// Syrk computes the n×n matrix C = (A − 1·shiftᵀ)ᵀ(A − 1·shiftᵀ) for the
// k×n matrix A (stride lda), overwriting the caller's C (stride ldc) in
// place; A and shift (which may be nil) are only read.
// Only the upper triangle is computed, then mirrored. The columns of C are
// split between the workers in blocks of equal triangle area; each element
// is a sum over all k rows in one fixed order, so the result does not
// depend on the number of workers.
func Syrk[T Float](n, k int, a []T, lda int, shift []T, c []T, ldc int) {
	if !fits(n, n, c, ldc) || !fits(k, n, a, lda) || (shift != nil && len(shift) < n) {
		panic("linalg: Syrk: operand too short")
	}
	op := operand[T]{a, lda, false, shift}
	p := cur
	if !p.asm {
		gonumGemm(op.transposed(), op, n, n, k, 0, c, ldc)
		return
	}
	if n == 0 {
		return
	}
	if k == 0 {
		scale(c, n, n, ldc, 0)
		return
	}
	w := numWorkers()
	if n*n*k < minParallel {
		w = 1
	}
	w = max(1, min(w, n/mr))
	// Block b holds columns bounds[b]…bounds[b+1]−1: the triangle up to
	// column j has area ∝ j², so the bounds are at n·√(b/w).
	bounds := make([]int, w+1)
	for b := 1; b <= w; b++ {
		bounds[b] = min(n, int(math.Round(float64(n)*math.Sqrt(float64(b)/float64(w)))))
	}
	var wg sync.WaitGroup
	for b := 0; b < w; b++ {
		lo, hi := bounds[b], bounds[b+1]
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Rows 0…hi−1 of C reach the upper triangle of these columns.
			cols := operand[T]{op.data[lo:], op.ld, false, nil}
			if shift != nil {
				cols.shift = shift[lo:]
			}
			serial(p, op.transposed(), cols, hi, hi-lo, k, c[lo:], ldc, true, lo)
		}()
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			c[i*ldc+j] = c[j*ldc+i]
		}
	}
}

// buffers are reused between calls to spare the allocator.
type buffers[T Float] struct {
	a, b, tile []T
}

var pool64 = sync.Pool{New: func() any {
	return &buffers[float64]{a: make([]float64, mc*kc), b: make([]float64, kc*nc), tile: make([]float64, mr*48)}
}}

var pool32 = sync.Pool{New: func() any {
	return &buffers[float32]{a: make([]float32, mc*kc), b: make([]float32, kc*nc), tile: make([]float32, mr*48)}
}}

// serial computes C += op(A)·op(B) on one goroutine with the kernels of
// path p, or C = op(A)·op(B) when overwrite is set.
//
// With col0 ≥ 0, C is a block of columns col0… of a square matrix and only
// tiles that reach its upper triangle (some column col0+j ≥ row i) are
// computed; the others are left as they were.
func serial[T Float](p *kernelPath, a, b operand[T], m, n, k int, c []T, ldc int, overwrite bool, col0 int) {
	var zero T
	var buf *buffers[T]
	switch any(zero).(type) {
	case float64:
		bb := pool64.Get().(*buffers[float64])
		defer pool64.Put(bb)
		buf = any(bb).(*buffers[T])
	case float32:
		bb := pool32.Get().(*buffers[float32])
		defer pool32.Put(bb)
		buf = any(bb).(*buffers[T])
	}
	nr := tileCols[T](p)
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			set := overwrite && pc == 0
			packB(buf.b, b, pc, jc, kb, nb, nr)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				packA(buf.a, a, ic, pc, mb, kb)
				for ir := 0; ir < mb; ir += mr {
					ap := buf.a[ir*kb:]
					for jr := 0; jr < nb; jr += nr {
						if col0 >= 0 && col0+jc+jr+nr <= ic+ir {
							continue // the tile lies below the diagonal
						}
						bp := buf.b[jr*kb:]
						ci := (ic+ir)*ldc + jc + jr
						if ir+mr <= mb && jr+nr <= nb {
							kernel(p, kb, ap, bp, c[ci:], ldc, set)
							continue
						}
						// A partial tile: compute it whole into the scratch
						// tile, then add the part inside C.
						tile := buf.tile[:mr*nr]
						kernel(p, kb, ap, bp, tile, nr, true)
						for i := 0; i < min(mr, mb-ir); i++ {
							row := c[ci+i*ldc : ci+i*ldc+min(nr, nb-jr)]
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
	}
}

// packA copies rows ic…ic+mb, columns pc…pc+kb of op(A) into panels of mr
// rows: panel r holds, for each p, the mr values of column p (zero past mb).
// The loops are unrolled by hand over the mr = 8 rows: packing touches every
// element once and would otherwise cost a sizeable share of a product.
func packA[T Float](dst []T, a operand[T], ic, pc, mb, kb int) {
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : ir*kb+mr*kb]
		rows := min(mr, mb-ir)
		switch {
		case rows < mr:
			clear(panel)
			for i := 0; i < rows; i++ {
				for p := 0; p < kb; p++ {
					panel[p*mr+i] = a.at(ic+ir+i, pc+p)
				}
			}
		case a.trans:
			// op(A)[i, p] = A[p, i]: for each p the 8 values are contiguous.
			var sh [mr]T
			if a.shift != nil {
				copy(sh[:], a.shift[ic+ir:ic+ir+mr])
			}
			for p := 0; p < kb; p++ {
				o := (pc+p)*a.ld + ic + ir
				s := a.data[o : o+mr : o+mr]
				d := panel[p*mr : p*mr+mr : p*mr+mr]
				d[0], d[1], d[2], d[3] = s[0]-sh[0], s[1]-sh[1], s[2]-sh[2], s[3]-sh[3]
				d[4], d[5], d[6], d[7] = s[4]-sh[4], s[5]-sh[5], s[6]-sh[6], s[7]-sh[7]
			}
		default:
			o := (ic+ir)*a.ld + pc
			ld := a.ld
			r0 := a.data[o : o+kb]
			r1 := a.data[o+ld : o+ld+kb]
			r2 := a.data[o+2*ld : o+2*ld+kb]
			r3 := a.data[o+3*ld : o+3*ld+kb]
			r4 := a.data[o+4*ld : o+4*ld+kb]
			r5 := a.data[o+5*ld : o+5*ld+kb]
			r6 := a.data[o+6*ld : o+6*ld+kb]
			r7 := a.data[o+7*ld : o+7*ld+kb]
			if a.shift == nil {
				for p := range r0 {
					d := panel[p*mr : p*mr+mr : p*mr+mr]
					d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
					d[4], d[5], d[6], d[7] = r4[p], r5[p], r6[p], r7[p]
				}
				continue
			}
			sh := a.shift[pc : pc+kb]
			for p := range r0 {
				s := sh[p]
				d := panel[p*mr : p*mr+mr : p*mr+mr]
				d[0], d[1], d[2], d[3] = r0[p]-s, r1[p]-s, r2[p]-s, r3[p]-s
				d[4], d[5], d[6], d[7] = r4[p]-s, r5[p]-s, r6[p]-s, r7[p]-s
			}
		}
	}
}

// packB copies rows pc…pc+kb, columns jc…jc+nb of op(B) into panels of nr
// columns: panel j holds, for each p, the nr values of row p (zero past nb).
func packB[T Float](dst []T, b operand[T], pc, jc, kb, nb, nr int) {
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kb : jr*kb+nr*kb]
		cols := min(nr, nb-jr)
		if !b.trans {
			var sh []T
			if b.shift != nil {
				sh = b.shift[jc+jr : jc+jr+cols]
			}
			for p := 0; p < kb; p++ {
				o := (pc+p)*b.ld + jc + jr
				d := panel[p*nr : p*nr+nr]
				copy(d, b.data[o:o+cols])
				if cols < nr {
					clear(d[cols:])
				}
				for j, s := range sh {
					d[j] -= s
				}
			}
			continue
		}
		if cols < nr {
			clear(panel)
		}
		for j := 0; j < cols; j++ {
			// op(B)[p, j] = B[j, p]: column j of the panel is a
			// contiguous piece of row j of B.
			o := (jc+jr+j)*b.ld + pc
			src := b.data[o : o+kb]
			if b.shift == nil {
				for p, v := range src {
					panel[p*nr+j] = v
				}
				continue
			}
			sh := b.shift[pc : pc+kb] // columns of the stored B
			for p, v := range src {
				panel[p*nr+j] = v - sh[p]
			}
		}
	}
}

// gonumGemm is the generic path: shifted operands are materialised first.
func gonumGemm[T Float](a, b operand[T], m, n, k int, beta T, c []T, ldc int) {
	a, b = plain(a, m, k), plain(b, k, n)
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac, br, bc := m, k, k, n
	if a.trans {
		ta, ar, ac = blas.Trans, k, m
	}
	if b.trans {
		tb, br, bc = blas.Trans, n, k
	}
	switch ad := any(a.data).(type) {
	case []float64:
		blas64.Gemm(ta, tb, 1,
			blas64.General{Rows: ar, Cols: ac, Stride: a.ld, Data: ad},
			blas64.General{Rows: br, Cols: bc, Stride: b.ld, Data: any(b.data).([]float64)},
			float64(beta), blas64.General{Rows: m, Cols: n, Stride: ldc, Data: any(c).([]float64)})
	case []float32:
		blas32.Gemm(ta, tb, 1,
			blas32.General{Rows: ar, Cols: ac, Stride: a.ld, Data: ad},
			blas32.General{Rows: br, Cols: bc, Stride: b.ld, Data: any(b.data).([]float32)},
			float32(beta), blas32.General{Rows: m, Cols: n, Stride: ldc, Data: any(c).([]float32)})
	}
}

// plain returns op(M) (rows×cols) without a shift, copying only if needed.
func plain[T Float](o operand[T], rows, cols int) operand[T] {
	if o.shift == nil {
		return o
	}
	d := make([]T, rows*cols)
	for i := 0; i < rows; i++ {
		for p := 0; p < cols; p++ {
			d[i*cols+p] = o.at(i, p)
		}
	}
	return operand[T]{d, cols, false, nil}
}
