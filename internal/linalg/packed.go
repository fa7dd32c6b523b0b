package linalg

// PackedB is a matrix op(B) (k×n) copied once into the panels that the
// GEMM micro-kernel reads, for many products A·op(B) with the same B.
//
// The RNN engine multiplies a few hundred small blocks of states (16 × 256)
// by the same weights during one training step. A general GEMM packs both
// operands and starts goroutines on every call, which costs more than the
// arithmetic at that size; with the weights packed once per step, Mul reads
// A in place (the "rm" micro-kernels broadcast straight from A's rows) and
// runs on the calling goroutine, so that callers parallelise at a coarser
// grain (the engine runs each group of trials on its own core).
//
// The zero value is empty; Pack sizes it and reuses its storage.
type PackedB[T Float] struct {
	k, n int
	path *kernelPath // the kernels it was packed for
	// panels holds ⌈n/nr⌉ panels of k×nr values (row p of panel j is
	// op(B)[p, j·nr : j·nr+nr]), zero past column n.
	panels []T
	// plain is op(B) row-major (k×n), used instead of panels on the
	// generic path.
	plain []T
	// atile and ctile hold a partial tile of rows (m not a multiple of 8).
	atile, ctile []T
}

// Pack copies op(B) into p: B is k×n with stride ldb, or n×k when tB.
func (p *PackedB[T]) Pack(tB bool, k, n int, b []T, ldb int) {
	if k < 0 || n < 0 || (k > 0 && n > 0 && ldb < 1) {
		panic("linalg: bad PackedB shape")
	}
	p.k, p.n, p.path = k, n, cur
	op := operand[T]{b, ldb, tB, nil}
	if !p.path.asm {
		p.plain = grow(p.plain, k*n)
		for i := 0; i < k; i++ {
			for j := 0; j < n; j++ {
				p.plain[i*n+j] = op.at(i, j)
			}
		}
		return
	}
	nr := tileCols[T](p.path)
	p.panels = grow(p.panels, k*p.Stride())
	if k > 0 && n > 0 {
		packB(p.panels, op, 0, 0, k, n, nr)
	}
}

// grow returns s resized to n values, reallocating only when it is too
// small.
func grow[T Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Rows returns k, the rows of op(B).
func (p *PackedB[T]) Rows() int { return p.k }

// Cols returns n, the columns of op(B).
func (p *PackedB[T]) Cols() int { return p.n }

// Stride returns the smallest row stride of C that Mul accepts: n rounded
// up to the width of a micro-kernel tile of the kernel path p was packed
// for (three vectors: 48 float32 or 24 float64 values with AVX-512, 24 or
// 12 with AVX2, 12 or 6 with NEON).
func (p *PackedB[T]) Stride() int {
	path := p.path
	if path == nil {
		path = cur
	}
	nr := tileCols[T](path)
	return (p.n + nr - 1) / nr * nr
}

// Mul computes C = A·op(B), or C += A·op(B) when add is set, for the m×k
// matrix A (row-major, stride lda ≥ k) and C (m×n, stride ldc ≥ Stride()).
// The kernels write whole vectors (up to 16 float32 or 8 float64 values), so up
// to Stride()−1 columns of C's rows may be written too: set to zero, or
// left as they were when adding. Mul runs on the calling goroutine and
// allocates nothing after its first call with a given shape.
func (p *PackedB[T]) Mul(m int, a []T, lda int, c []T, ldc int, add bool) {
	k, n := p.k, p.n
	if m == 0 || n == 0 {
		return
	}
	stride := p.Stride()
	if lda < k || ldc < stride || len(a) < (m-1)*lda+k || len(c) < (m-1)*ldc+stride {
		panic("linalg: PackedB.Mul: operand too short")
	}
	if !p.path.asm {
		var beta T
		if add {
			beta = 1
		}
		gonumGemm(operand[T]{a, lda, false, nil}, operand[T]{p.plain, n, false, nil}, m, n, k, beta, c, ldc)
		return
	}
	if k == 0 {
		if !add {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+stride])
			}
		}
		return
	}
	nr := tileCols[T](p.path)
	lane := nr / 3 // values per vector
	full := m / mr * mr
	for jr := 0; jr < stride; jr += nr {
		bp := p.panels[jr*k : (jr+nr)*k]
		// The last tile of a row computes only the vectors that hold
		// columns of C.
		vecs := min(3, (n-jr+lane-1)/lane)
		for ir := 0; ir < full; ir += mr {
			kernelRM(p.path, k, a[ir*lda:], lda, bp, c[ir*ldc+jr:], ldc, !add, vecs)
		}
	}
	if rem := m - full; rem > 0 {
		// A partial tile of rows: copy them into a zero-padded tile of
		// 8 rows, multiply, and use the rows that exist.
		if len(p.atile) < mr*k {
			p.atile = make([]T, mr*k)
		}
		if len(p.ctile) < mr*stride {
			p.ctile = make([]T, mr*stride)
		}
		at, ct := p.atile[:mr*k], p.ctile[:mr*stride]
		clear(at)
		for i := 0; i < rem; i++ {
			copy(at[i*k:(i+1)*k], a[(full+i)*lda:(full+i)*lda+k])
		}
		for jr := 0; jr < stride; jr += nr {
			kernelRM(p.path, k, at, k, p.panels[jr*k:(jr+nr)*k], ct[jr:], stride, true, 3)
		}
		for i := 0; i < rem; i++ {
			row := c[(full+i)*ldc : (full+i)*ldc+stride]
			src := ct[i*stride : (i+1)*stride]
			if !add {
				copy(row, src)
				continue
			}
			for j, v := range src {
				row[j] += v
			}
		}
	}
}
