package linalg

//go:generate go run ./gen

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

// Kernel paths
//
// A kernel path is one set of micro-kernels behind every product and
// element-wise operation of this package:
//
//	generic  Go loops and gonum's BLAS; every CPU, and the only path of a
//	         binary built with -tags noasm
//	avx2     amd64 with AVX2 and FMA (Intel since Haswell, AMD since Zen)
//	avx512   amd64 with AVX-512 F and DQ
//	neon     arm64 (Advanced SIMD, which every arm64 CPU has)
//
// At start-up the fastest path the CPU supports is chosen, unless the
// environment variable OBLIQUE_KERNEL names one (auto, or a name above). A
// request the CPU or the binary cannot honour is not silently replaced:
// KernelEnvError reports it, and the oblique command refuses to run.
//
// Results are reproducible bit for bit within one path on one machine. The
// assembly paths compute every element of a product as the same chain of
// fused multiply-adds in the same order, and the element-wise kernels with
// the same operations, so avx2, avx512 and neon give the same bits
// (TestAsmPathsSameBits, and TestAsmBitsGolden against digests recorded on
// avx2); the generic
// path rounds differently (gonum's blocking, separate multiply and add,
// math.Tanh), so results on it agree with the others within the float32 or
// float64 rounding error of the computation, not bit for bit.

// kernelPath is one set of kernels.
type kernelPath struct {
	name string
	asm  bool // false: the Go loops and gonum's BLAS
	// nr32 and nr64 are the widths of a GEMM tile (three vectors).
	nr32, nr64 int
	k32        gemmKernels[float32]
	k64        gemmKernels[float64]
	vec        vecKernels
	// supported reports whether this CPU runs the path; why says what is
	// missing when it does not.
	supported func() bool
	why       string
}

// gemmKernels holds the micro-kernels of one element type (see
// gen/main.go for what each computes).
type gemmKernels[T Float] struct {
	packed, packedSet func(k int, a, b, c *T, ldc int)
	rm, rmSet         [3]func(k int, a *T, lda int, b, c *T, ldc int) // by vectors per tile row − 1
	st, stSet         func(k int, a *T, lda int, b *T, ldb int, c *T, ldc int)
}

// vecKernels holds the element-wise float32 kernels (vec.go, normal.go).
type vecKernels struct {
	tanh     func(dst, src *float32, n int, coef *float32)
	tanhCoef *float32 // the constants in the layout tanh reads
	axpby    func(x, a *float32, n int, c, d float32)
	euler    func(x, a, xi *float32, n int, c, d, s float32)
	tanhback func(dst, next, gw, h *float32, n int, c, e float32)
	axpy     func(y, x *float32, n int, alpha float32)
	dot      func(x, y *float32, n int) float32
	normals  func(dst *float32, n int, st *uint32, coef *float32)
}

// generic is the path of every CPU. Its tile widths only set the padding of
// PackedB's rows.
var generic = &kernelPath{name: "generic", nr32: 16, nr64: 8, supported: func() bool { return true }}

// paths lists the paths of this build, generic first, then from slowest to
// fastest; archPaths (one file per architecture) adds the assembly ones.
var paths = append([]*kernelPath{generic}, archPaths()...)

// cur is the active path; envErr is the error of an OBLIQUE_KERNEL request
// that could not be honoured.
var cur, envErr = fromEnv(os.Getenv("OBLIQUE_KERNEL"))

// fromEnv returns the path that OBLIQUE_KERNEL=v asks for (the fastest
// supported one for "" and "auto"), or the fastest one and an error.
func fromEnv(v string) (*kernelPath, error) {
	best := generic
	for _, p := range paths {
		if p.supported() {
			best = p
		}
	}
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" || v == "auto" {
		return best, nil
	}
	p, err := lookup(v)
	if err != nil {
		return best, fmt.Errorf("OBLIQUE_KERNEL=%s: %w", v, err)
	}
	return p, nil
}

// lookup returns the supported path called name.
func lookup(name string) (*kernelPath, error) {
	for _, p := range paths {
		if p.name != name {
			continue
		}
		if !p.supported() {
			return nil, fmt.Errorf("this CPU cannot run the %s kernels (%s); it can run %s", name, p.why, strings.Join(KernelPaths(), ", "))
		}
		return p, nil
	}
	switch name {
	case "avx2", "avx512", "neon":
		return nil, fmt.Errorf("the %s kernels are not in this binary (built for %s%s); it can run %s", name, goarch, noasmNote, strings.Join(KernelPaths(), ", "))
	}
	return nil, fmt.Errorf("unknown kernel path (want auto, generic, avx2, avx512 or neon)")
}

// KernelPaths lists the kernel paths this binary can run on this CPU,
// generic first and the fastest last.
func KernelPaths() []string {
	var names []string
	for _, p := range paths {
		if p.supported() {
			names = append(names, p.name)
		}
	}
	return names
}

// KernelPath returns the name of the active kernel path.
func KernelPath() string { return cur.name }

// SetKernelPath makes the named path active ("auto" for the fastest). It
// is meant for tests and for chasing a difference between machines; it
// must not be called while another goroutine uses this package.
func SetKernelPath(name string) error {
	if name == "auto" || name == "" {
		p, _ := fromEnv("")
		cur = p
		return nil
	}
	p, err := lookup(name)
	if err != nil {
		return err
	}
	cur = p
	return nil
}

// KernelEnvError returns the error of the OBLIQUE_KERNEL environment
// variable when it names a path this binary cannot run on this CPU (the
// fastest supported path is then active), and nil otherwise.
func KernelEnvError() error { return envErr }

// tiles returns the kernels of element type T on path p.
func tiles[T Float](p *kernelPath) *gemmKernels[T] {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(&p.k32).(*gemmKernels[T])
	}
	return any(&p.k64).(*gemmKernels[T])
}

// tileCols is the width of a GEMM tile of element type T on path p: three
// vectors.
func tileCols[T Float](p *kernelPath) int {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return p.nr32
	}
	return p.nr64
}

// kernel computes the mr×nr tile c += a·b (c = a·b when set) from packed
// panels of depth k ≥ 1 with the kernels of path p. The caller guarantees
// that a holds k·mr values, b holds k·nr, and c the whole tile at stride
// ldc: the assembly does not check bounds.
func kernel[T Float](p *kernelPath, k int, a, b, c []T, ldc int, set bool) {
	nr := tileCols[T](p)
	// Cheap checks that keep a bug in the driver from writing outside c.
	_, _, _ = a[k*mr-1], b[k*nr-1], c[(mr-1)*ldc+nr-1]
	g := tiles[T](p)
	f := g.packed
	if set {
		f = g.packedSet
	}
	f(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc)
}

// kernelRM is kernel with A read unpacked: 8 rows of a row-major matrix
// with stride lda, columns 0…k−1. vecs is the number of vectors of the
// tile row that are computed and stored: 3 (the whole tile), or 1 or 2 for
// the narrow last tile of a row. The caller guarantees that a holds
// 7·lda+k values and c the whole computed tile.
func kernelRM[T Float](p *kernelPath, k int, a []T, lda int, b, c []T, ldc int, set bool, vecs int) {
	nr := tileCols[T](p)
	_, _, _ = a[7*lda+k-1], b[k*nr-1], c[(mr-1)*ldc+vecs*nr/3-1]
	g := tiles[T](p)
	f := g.rm[vecs-1]
	if set {
		f = g.rmSet[vecs-1]
	}
	f(k, unsafe.SliceData(a), lda, unsafe.SliceData(b), unsafe.SliceData(c), ldc)
}

// kernelST computes the tile C (+)= Aᵀ·B reading both in place: for each
// of the k steps, 8 values of A (stride lda) and one tile row of B (stride
// ldb). The caller guarantees that a holds (k−1)·lda+8 values, b
// (k−1)·ldb+nr and c the whole tile.
func kernelST[T Float](p *kernelPath, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, set bool) {
	nr := tileCols[T](p)
	_, _, _ = a[(k-1)*lda+mr-1], b[(k-1)*ldb+nr-1], c[(mr-1)*ldc+nr-1]
	g := tiles[T](p)
	f := g.st
	if set {
		f = g.stSet
	}
	f(k, unsafe.SliceData(a), lda, unsafe.SliceData(b), ldb, unsafe.SliceData(c), ldc)
}
