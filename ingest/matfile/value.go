package matfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Class is a MATLAB array class. The values of the on-disk classes are the
// mxClassID numbers of the MAT-file format; ClassLogical is not an on-disk
// class (level 5 files store logical arrays as uint8 with a flag bit).
type Class uint8

// MATLAB classes.
const (
	ClassUnknown  Class = 0
	ClassCell     Class = 1
	ClassStruct   Class = 2
	ClassObject   Class = 3
	ClassChar     Class = 4
	ClassSparse   Class = 5
	ClassDouble   Class = 6
	ClassSingle   Class = 7
	ClassInt8     Class = 8
	ClassUint8    Class = 9
	ClassInt16    Class = 10
	ClassUint16   Class = 11
	ClassInt32    Class = 12
	ClassUint32   Class = 13
	ClassInt64    Class = 14
	ClassUint64   Class = 15
	ClassFunction Class = 16
	ClassOpaque   Class = 17
	ClassLogical  Class = 18
)

var classNames = [...]string{
	ClassUnknown:  "unknown",
	ClassCell:     "cell",
	ClassStruct:   "struct",
	ClassObject:   "object",
	ClassChar:     "char",
	ClassSparse:   "sparse",
	ClassDouble:   "double",
	ClassSingle:   "single",
	ClassInt8:     "int8",
	ClassUint8:    "uint8",
	ClassInt16:    "int16",
	ClassUint16:   "uint16",
	ClassInt32:    "int32",
	ClassUint32:   "uint32",
	ClassInt64:    "int64",
	ClassUint64:   "uint64",
	ClassFunction: "function_handle",
	ClassOpaque:   "opaque",
	ClassLogical:  "logical",
}

// String returns MATLAB's name for the class ("double", "uint8", "cell", …).
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// IsNumeric reports whether c is one of the numeric classes, double to uint64.
func (c Class) IsNumeric() bool { return c >= ClassDouble && c <= ClassUint64 }

// ParseClass returns the class with MATLAB name s, as written for example in
// the MATLAB_class attribute of v7.3 files ("double", "logical", "cell", …).
func ParseClass(s string) (Class, bool) {
	for c, n := range classNames {
		if n == s && Class(c) != ClassUnknown {
			return Class(c), true
		}
	}
	return ClassUnknown, false
}

// Value is a decoded MATLAB array: *Numeric, *Logical, *Char, *Cell,
// *Struct, *Sparse or *Unsupported. Element data are kept in MATLAB's
// column-major order.
type Value interface {
	// Dims returns the MATLAB dimensions, at least two of them for arrays
	// read from a file. The slice must not be modified.
	Dims() []int
	// Class returns the MATLAB class of the array.
	Class() Class
}

// Numeric is a real or complex numeric array of any numeric class.
type Numeric struct {
	Type Class // ClassDouble … ClassUint64: the MATLAB class
	Size []int // dimensions

	// Real and Imag hold the values converted to float64 in column-major
	// order; Imag is nil for a real array. Integer classes convert exactly
	// except int64 and uint64 magnitudes above 2^53, which round.
	Real, Imag []float64

	// Int64 (class int64) and Uint64 (class uint64) hold the real part
	// exactly; both are nil for other classes.
	Int64  []int64
	Uint64 []uint64
}

// Dims returns the dimensions.
func (n *Numeric) Dims() []int { return n.Size }

// Class returns the numeric class.
func (n *Numeric) Class() Class { return n.Type }

// IsComplex reports whether the array has an imaginary part.
func (n *Numeric) IsComplex() bool { return n.Imag != nil }

// Dense returns the real 2-D array (or vector) as a row-major *mat.Dense.
// It fails for complex, empty or N-D arrays; use RealDense and ImagDense for
// the parts of a complex array.
func (n *Numeric) Dense() (*mat.Dense, error) {
	if n.Imag != nil {
		return nil, fmt.Errorf("%s is complex: use RealDense and ImagDense", describe(n))
	}
	return toDense(n, n.Real)
}

// RealDense returns the real part of a 2-D array as a row-major *mat.Dense.
func (n *Numeric) RealDense() (*mat.Dense, error) { return toDense(n, n.Real) }

// ImagDense returns the imaginary part of a 2-D array as a row-major
// *mat.Dense; it is zero for a real array.
func (n *Numeric) ImagDense() (*mat.Dense, error) {
	if n.Imag == nil {
		return toDense(n, make([]float64, len(n.Real)))
	}
	return toDense(n, n.Imag)
}

// Vector returns a copy of the values of a real vector (1×n, n×1 or 1×1)
// or of an empty array.
func (n *Numeric) Vector() ([]float64, error) {
	if n.Imag != nil {
		return nil, fmt.Errorf("%s is complex", describe(n))
	}
	if !isVector(n.Size) && len(n.Real) != 0 {
		return nil, fmt.Errorf("%s is not a vector", describe(n))
	}
	return append([]float64(nil), n.Real...), nil
}

// Scalar returns the value of a real 1×1 array.
func (n *Numeric) Scalar() (float64, error) {
	if n.Imag != nil || len(n.Real) != 1 {
		return 0, fmt.Errorf("%s is not a real scalar", describe(n))
	}
	return n.Real[0], nil
}

// Logical is a logical (boolean) array.
type Logical struct {
	Size []int  // dimensions
	Data []bool // values in column-major order
}

// Dims returns the dimensions.
func (l *Logical) Dims() []int { return l.Size }

// Class returns ClassLogical.
func (l *Logical) Class() Class { return ClassLogical }

// Dense returns the 2-D array as a row-major *mat.Dense of ones and zeros.
func (l *Logical) Dense() (*mat.Dense, error) {
	f := make([]float64, len(l.Data))
	for i, b := range l.Data {
		if b {
			f[i] = 1
		}
	}
	return toDense(l, f)
}

// Char is a character array. MATLAB stores characters as UTF-16 code
// units; Rows holds them decoded, one Go string a row.
type Char struct {
	Size []int // dimensions; for N-D arrays Rows has Size[0] rows of the remaining dimensions in column-major order

	// Rows holds row r of the array, Size[0] strings; MATLAB pads the rows
	// of a char matrix with spaces and they are kept.
	Rows []string
}

// Dims returns the dimensions.
func (c *Char) Dims() []int { return c.Size }

// Class returns ClassChar.
func (c *Char) Class() Class { return ClassChar }

// String returns the rows joined by newlines: the text of a 1×n char array.
func (c *Char) String() string { return strings.Join(c.Rows, "\n") }

// Cell is a cell array.
type Cell struct {
	Size  []int   // dimensions
	Elems []Value // elements in column-major order
}

// Dims returns the dimensions.
func (c *Cell) Dims() []int { return c.Size }

// Class returns ClassCell.
func (c *Cell) Class() Class { return ClassCell }

// Struct is a struct or struct array.
type Struct struct {
	Size   []int     // dimensions
	Fields []string  // field names in file order
	Elems  [][]Value // Elems[i][j] is field Fields[j] of element i (column-major); len(Elems) is the number of elements
}

// Dims returns the dimensions.
func (s *Struct) Dims() []int { return s.Size }

// Class returns ClassStruct.
func (s *Struct) Class() Class { return ClassStruct }

// FieldIndex returns the index of the named field in Fields, or -1.
func (s *Struct) FieldIndex(name string) int {
	for j, f := range s.Fields {
		if f == name {
			return j
		}
	}
	return -1
}

// Field returns field name of element i (0-based, column-major), or nil if
// the struct has no such field. It panics if i is out of range.
func (s *Struct) Field(i int, name string) Value {
	j := s.FieldIndex(name)
	if j < 0 {
		return nil
	}
	return s.Elems[i][j]
}

// Sparse is a 2-D sparse double or logical array in compressed sparse
// column form.
type Sparse struct {
	Size    []int // rows, columns
	Logical bool  // a logical sparse array; values are 1 and 0

	// ColStart has Size[1]+1 entries: the stored values of column j are at
	// positions ColStart[j] to ColStart[j+1]-1 of RowIndex, Real and Imag.
	ColStart []int
	RowIndex []int     // 0-based row of each stored value
	Real     []float64 // stored values
	Imag     []float64 // stored imaginary parts; nil for a real array
}

// Dims returns the dimensions.
func (s *Sparse) Dims() []int { return s.Size }

// Class returns ClassSparse.
func (s *Sparse) Class() Class { return ClassSparse }

// Dense returns the real part as a row-major *mat.Dense.
func (s *Sparse) Dense() (*mat.Dense, error) {
	r, c := s.Size[0], s.Size[1]
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("%s is empty", describe(s))
	}
	if r > math.MaxInt/8/c {
		return nil, fmt.Errorf("%s is too large for a dense matrix", describe(s))
	}
	if err := inputfile.CheckSize(int64(8 * r * c)); err != nil {
		return nil, &kindError{kind: err, msg: fmt.Sprintf("%s as a dense matrix %v", describe(s), err)}
	}
	d := mat.NewDense(r, c, nil)
	for j := range c {
		for k := s.ColStart[j]; k < s.ColStart[j+1]; k++ {
			d.Set(s.RowIndex[k], j, s.Real[k])
		}
	}
	return d, nil
}

// at returns the element at row i, column j.
func (s *Sparse) at(i, j int) (re, im float64) {
	for k := s.ColStart[j]; k < s.ColStart[j+1]; k++ {
		if s.RowIndex[k] == i {
			re = s.Real[k]
			if s.Imag != nil {
				im = s.Imag[k]
			}
			return re, im
		}
	}
	return 0, 0
}

// Unsupported stands for an array inside a struct or cell that this
// package does not decode (a function handle or an object), so that the
// rest of the container can be read. Reaching it with Lookup is an error.
type Unsupported struct {
	Type   Class  // ClassFunction, ClassObject or ClassOpaque
	Size   []int  // dimensions; nil when the file does not give them
	Reason string // why it is not decoded, e.g. `function handles are not supported`
}

// Dims returns the dimensions, or nil.
func (u *Unsupported) Dims() []int { return u.Size }

// Class returns the class.
func (u *Unsupported) Class() Class { return u.Type }

// Numel returns the number of elements of v: the product of its dimensions.
func Numel(v Value) int { return numel(v.Dims()) }

func numel(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// matrixSize returns the rows and columns of a 2-D shape, ignoring trailing
// singleton dimensions.
func matrixSize(dims []int) (r, c int, ok bool) {
	k := len(dims)
	for k > 2 && dims[k-1] == 1 {
		k--
	}
	switch k {
	case 0:
		return 1, 1, true
	case 1:
		return dims[0], 1, true
	case 2:
		return dims[0], dims[1], true
	}
	return 0, 0, false
}

func isVector(dims []int) bool {
	r, c, ok := matrixSize(dims)
	return ok && (r == 1 || c == 1)
}

// toDense copies the column-major data of a 2-D array v into a row-major
// *mat.Dense.
func toDense(v Value, colMajor []float64) (*mat.Dense, error) {
	r, c, ok := matrixSize(v.Dims())
	if !ok {
		return nil, fmt.Errorf("%s is not 2-D", describe(v))
	}
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("%s is empty", describe(v))
	}
	if len(colMajor) != r*c {
		return nil, fmt.Errorf("%s holds %d values, not %d", describe(v), len(colMajor), r*c)
	}
	data := make([]float64, r*c)
	for j := range c {
		col := colMajor[j*r : (j+1)*r]
		for i, x := range col {
			data[i*c+j] = x
		}
	}
	return mat.NewDense(r, c, data), nil
}

// denseOf converts a numeric, logical or sparse array to a *mat.Dense.
func denseOf(v Value) (*mat.Dense, error) {
	switch v := v.(type) {
	case *Numeric:
		return v.Dense()
	case *Logical:
		return v.Dense()
	case *Sparse:
		return v.Dense()
	case *Unsupported:
		return nil, &kindError{kind: ErrUnsupported, msg: v.Reason}
	}
	return nil, fmt.Errorf("%s is not a numeric or logical array", describe(v))
}

// DimString formats dimensions as MATLAB does: "86×69" ("?" for nil).
func DimString(dims []int) string {
	if dims == nil {
		return "?"
	}
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "×")
}

// describe names the size and class of v: "86×69 uint8", "1×8 cell".
func describe(v Value) string {
	switch v := v.(type) {
	case *Numeric:
		if v.Imag != nil {
			return DimString(v.Size) + " complex " + v.Type.String()
		}
	case *Sparse:
		kind := "double"
		if v.Logical {
			kind = "logical"
		}
		return DimString(v.Size) + " sparse " + kind
	case *Struct:
		if numel(v.Size) != 1 {
			return DimString(v.Size) + " struct array"
		}
	case nil:
		return "nothing"
	}
	return DimString(v.Dims()) + " " + v.Class().String()
}

// charRows turns character code units in column-major order into rows.
// Units below 0x10000 are UTF-16 code units (surrogate pairs are joined);
// larger ones are code points.
func charRows(units []rune, dims []int) []string {
	if len(dims) == 0 {
		return nil
	}
	rows := dims[0]
	if rows == 0 {
		return []string{}
	}
	cols := len(units) / rows
	out := make([]string, rows)
	row := make([]rune, cols)
	u16 := make([]uint16, 0, cols)
	for i := range rows {
		for j := range cols {
			row[j] = units[i+j*rows]
		}
		var b strings.Builder
		u16 = u16[:0]
		flush := func() {
			if len(u16) > 0 {
				for _, r := range utf16.Decode(u16) {
					b.WriteRune(r)
				}
				u16 = u16[:0]
			}
		}
		for _, r := range row {
			if r >= 0 && r < 0x10000 {
				u16 = append(u16, uint16(r))
				continue
			}
			flush()
			b.WriteRune(r)
		}
		flush()
		out[i] = b.String()
	}
	return out
}
