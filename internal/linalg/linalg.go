// Package linalg holds the dense products that dominate oblique's run time.
//
// Every heavy product in the decoders and the PCA goes through this package so
// that the kernel behind it can be chosen (and measured) in one place.
// Matrices are row-major (blas64.General storage, or *mat.Dense), and each
// function is one of two kinds, as its doc says:
//
//   - it writes a destination the caller owns: Gemm, Syrk and GemmTN write
//     C, PackedB.Mul writes C, the element-wise kernels write the slice
//     their doc names (dst; x of EulerStep, y of Axpy), NormalStream.Fill
//     writes dst; and Centre, the one function that changes a matrix it
//     is given, centres dst in place;
//   - or it allocates its result and returns it: Mul, MulTN, Gram,
//     MulCentred, CentredCopy, ColumnStats and ConstantColumns.
//
// Every other argument is only read. Operands whose shapes do not fit panic,
// as gonum's do: with mat.ErrShape for the *mat.Dense functions, with a
// message naming the function for the slice ones.
//
// The package has no settings of its own besides the kernel path: a large
// Gemm or Syrk runs on up to GOMAXPROCS goroutines, and GemmTN on the
// number its caller passes. Results never depend on the number.
//
// The RNN engine (models/rnn) has its own entry points, generic over float32
// and float64 and running on the calling goroutine unless said otherwise:
// PackedB (weights packed once, multiplied by many small blocks of states),
// GemmTN (Aᵀ·B for tall operands read in place, the weight gradient), the
// element-wise kernels Tanh, EulerStep, TanhBackward, Axpy and Dot, and
// NormalStream (the state noise).
//
// The kernels behind all of them come from one kernel path (kernel.go):
// assembly for AVX-512 or AVX2 + FMA on amd64 (kernel_amd64.s and
// vec_amd64.s) and for NEON on arm64 (kernel_arm64.s, vec_arm64.s), all
// written by ./gen, or the generic Go loops and gonum's BLAS.
// The fastest path the CPU supports is used unless OBLIQUE_KERNEL names
// another; results are reproducible bit for bit within one path.
package linalg

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Gram allocates and returns (X − 1·μᵀ)ᵀ(X − 1·μᵀ) for the m×p matrix x
// and column shifts mu (nil for none) as a new p×p symmetric matrix,
// without forming the centred copy of x.
func Gram(x *mat.Dense, mu []float64) *mat.SymDense {
	m, p := x.Dims()
	g := mat.NewSymDense(p, nil)
	rx := x.RawMatrix()
	Syrk(p, m, rx.Data, rx.Stride, mu, g.RawSymmetric().Data, p)
	return g
}

// MulCentred allocates and returns (X − 1·μᵀ)·B as a new matrix, without
// forming the centred copy of x.
func MulCentred(x *mat.Dense, mu []float64, b mat.Matrix) *mat.Dense {
	rx, rb := x.RawMatrix(), dense(b)
	if rb.Rows != rx.Cols || len(mu) != rx.Cols {
		panic(mat.ErrShape)
	}
	c := mat.NewDense(rx.Rows, rb.Cols, nil)
	gemm(operand[float64]{rx.Data, rx.Stride, false, mu}, operand[float64]{rb.Data, rb.Stride, false, nil},
		rx.Rows, rb.Cols, rx.Cols, 0, c.RawMatrix().Data, rb.Cols)
	return c
}

// Mul allocates and returns A·B as a new matrix.
func Mul(a, b mat.Matrix) *mat.Dense { return product(false, a, b) }

// MulTN allocates and returns Aᵀ·B as a new matrix.
func MulTN(a, b mat.Matrix) *mat.Dense { return product(true, a, b) }

func product(tA bool, a, b mat.Matrix) *mat.Dense {
	ra, rb := dense(a), dense(b)
	m, k := ra.Rows, ra.Cols
	if tA {
		m, k = k, m
	}
	if rb.Rows != k {
		panic(mat.ErrShape)
	}
	c := mat.NewDense(m, rb.Cols, nil)
	Gemm(tA, false, m, rb.Cols, k, ra.Data, ra.Stride, rb.Data, rb.Stride, 0, c.RawMatrix().Data, rb.Cols)
	return c
}

// dense returns the row-major storage of m, copying only when m is not a
// *mat.Dense.
func dense(m mat.Matrix) blas64.General {
	if d, ok := m.(*mat.Dense); ok {
		return d.RawMatrix()
	}
	return mat.DenseCopyOf(m).RawMatrix()
}

// ConstantColumns returns a new list, in order, of the columns of m whose
// values are all equal (silent or saturated neurons, constant channels).
func ConstantColumns(m *mat.Dense) []int {
	_, varies := columnStats(m.RawMatrix())
	return constantOf(varies)
}

// ColumnStats returns new slices of the column means of x and its constant
// columns (in order). For a constant column the "mean" is its value exactly, so
// that centring makes it exactly zero (the mean of equal values can differ
// from them by rounding). x is read once, row by row.
func ColumnStats(x mat.Matrix) (mean []float64, constant []int) {
	raw := dense(x)
	mean, varies := columnStats(raw)
	constant = constantOf(varies)
	for _, j := range constant {
		mean[j] = raw.Data[j]
	}
	return mean, constant
}

// CentredCopy allocates and returns a copy of x with its column means
// subtracted, the means, and the constant columns (see ColumnStats); x is
// left as it was. Centre is the in-place form.
func CentredCopy(x mat.Matrix) (xc *mat.Dense, mean []float64, constant []int) {
	raw := dense(x)
	mean, constant = ColumnStats(x)
	xc = mat.NewDense(raw.Rows, raw.Cols, nil)
	out := xc.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		src := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		dst := out.Data[i*out.Stride : i*out.Stride+raw.Cols]
		for j, v := range src {
			dst[j] = v - mean[j]
		}
	}
	return xc, mean, constant
}

// columnStats returns the column means of a and whether each column holds
// more than one value.
func columnStats(a blas64.General) (mean []float64, varies []bool) {
	mean = make([]float64, a.Cols)
	varies = make([]bool, a.Cols)
	if a.Rows == 0 {
		return mean, varies
	}
	first := a.Data[:a.Cols]
	for i := 0; i < a.Rows; i++ {
		row := a.Data[i*a.Stride : i*a.Stride+a.Cols]
		for j, v := range row {
			mean[j] += v
			if v != first[j] {
				varies[j] = true
			}
		}
	}
	for j := range mean {
		mean[j] /= float64(a.Rows)
	}
	return mean, varies
}

func constantOf(varies []bool) []int {
	var out []int
	for j, v := range varies {
		if !v {
			out = append(out, j)
		}
	}
	return out
}

// Centre MODIFIES dst: it subtracts the mean of each column of dst from
// that column in place, and returns the means (a new slice). Callers that
// need the matrix as it was use CentredCopy instead.
//
// The two differ on constant columns: Centre uses the mean as summed
// (Σ/T, which can differ from the column's value by rounding, leaving
// values of the order of ε·|value| behind), CentredCopy the value itself
// (leaving exact zeros). Centre's rounding is the one the analysis
// goldens were recorded with.
func Centre(dst *mat.Dense) []float64 {
	t, c := dst.Dims()
	mean := make([]float64, c)
	for i := 0; i < t; i++ {
		for j, v := range dst.RawRowView(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(t)
	}
	for i := 0; i < t; i++ {
		row := dst.RawRowView(i)
		for j := range row {
			row[j] -= mean[j]
		}
	}
	return mean
}
