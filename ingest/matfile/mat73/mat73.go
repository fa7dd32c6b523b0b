// Package mat73 reads MATLAB v7.3 MAT-files, which are HDF5 files, for
// package matfile. Importing it registers its reader with
// matfile.RegisterV73, so that matfile.Open reads v7.3 files as it reads
// level 5 ones:
//
//	import _ "github.com/oblique-neuro/oblique/ingest/matfile/mat73"
//
// It reads through package ingest/hdf5, the project's one cgo package, and
// so is kept apart from matfile, which stays plain Go.
//
// # On-disk layout of v7.3 files
//
// A v7.3 file starts with a 512-byte user block holding the level 5 text
// header ("MATLAB 7.3 MAT-file, …"); the HDF5 file follows. Each variable
// is a member of the root group; /#refs# holds the elements of cells and
// struct arrays, /#subsystem# the data of MATLAB objects (not read here).
// Every array carries a MATLAB_class attribute ("double", "uint8",
// "logical", "char", "cell", "struct", an object's class name, …).
//
//   - Numeric and logical arrays are datasets whose dimensions are MATLAB's
//     reversed: HDF5 is row-major and MATLAB column-major, so the elements
//     in HDF5 order are MATLAB's column-major order. Logical arrays are
//     uint8. Complex arrays are a compound type {real, imag} (not read).
//   - char arrays are uint16 UTF-16 code units (MATLAB_int_decode = 2).
//   - An empty array is a dataset holding its MATLAB dimensions (uint64)
//     with MATLAB_empty = 1.
//   - A cell array is a dataset of object references, one per element,
//     each to a dataset or group in /#refs#.
//   - A 1×1 struct is a group with one member per field; MATLAB_fields
//     (variable-length sequences of characters) gives the field order,
//     else the members' name order is used. A struct array is a group
//     whose fields are datasets of object references without a
//     MATLAB_class attribute, shaped like the struct array.
//   - A sparse array is a group with MATLAB_sparse = number of rows and
//     datasets data, ir (row indices) and jc (column starts).
//   - Objects (datetime, string, table, …) and function handles decode to
//     *matfile.Unsupported placeholders, as in level 5 files.
package mat73

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"
	"unicode/utf16"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/internal/inputfile"
)

func init() { matfile.RegisterV73(Open) }

// maxDepth bounds the nesting of cells and structs: a corrupt file whose
// references form a cycle gives an error, not endless recursion.
const maxDepth = 64

// Backend reads one v7.3 file. It implements matfile.Backend.
type Backend struct {
	r    hdf5.Reader
	vars []matfile.VarInfo
}

var _ matfile.Backend = (*Backend)(nil)

// Open opens the v7.3 MAT-file at path and lists its variables. Its type is
// that of the function matfile.RegisterV73 takes.
func Open(path string) (matfile.Backend, error) {
	if err := inputfile.Check(path); err != nil { // not a device, pipe or mostly holes
		return nil, err
	}
	r, err := hdf5.Open(path)
	if err != nil {
		return nil, hdfErr("", err)
	}
	b, err := New(r)
	if err != nil {
		r.Close()
		return nil, err
	}
	return b, nil
}

// New reads the MAT-file held by r (a fake in tests); the Backend takes r
// over and closes it.
func New(r hdf5.Reader) (*Backend, error) {
	b := &Backend{r: r}
	ms, err := r.Members("/")
	if err != nil {
		return nil, hdfErr("", err)
	}
	for _, m := range ms {
		if strings.HasPrefix(m.Name, "#") || m.Link != "" {
			continue // #refs#, #subsystem#; MATLAB writes no links
		}
		info := matfile.VarInfo{Name: m.Name}
		if c, size, err := b.describe("/"+m.Name, m.Name); err == nil {
			info.Class, info.Size = c, size
		}
		b.vars = append(b.vars, info)
	}
	return b, nil
}

// Vars lists the variables in name order (the order HDF5 keeps them in).
func (b *Backend) Vars() []matfile.VarInfo { return b.vars }

// Close closes the file.
func (b *Backend) Close() error { return b.r.Close() }

// Get decodes the named variable. An object that several references point
// at is decoded once and its Value shared; a reference cycle is an error.
// What the decoding allocates is charged to the limit for one input
// (inputfile.Limit), beyond which it stops with matfile.ErrTooLarge; a
// shared value is charged at each reference as if it were a copy, so that
// the variable as its user walks it (converting each element to a matrix)
// stays within the limit too, and references that fan out level after
// level are refused at once rather than walked.
func (b *Backend) Get(name string) (matfile.Value, error) {
	for _, v := range b.vars {
		if v.Name == name {
			limit, err := inputfile.Limit()
			if err != nil {
				return nil, &matfile.Error{Path: name, Err: err}
			}
			g := &getter{Backend: b, left: limit, limit: limit, open: map[string]bool{}, done: map[string]decoded{}}
			return g.decode("/"+name, name, 0)
		}
	}
	var names []string
	for _, v := range b.vars {
		names = append(names, v.Name)
	}
	return nil, fail(name, matfile.ErrNotFound, "no variable %q (variables: %s)", name, strings.Join(names, ", "))
}

// kindError is a message that unwraps to one of matfile's sentinels and,
// when it comes from the HDF5 reader, to that reader's error.
type kindError struct {
	kind  error
	msg   string
	cause error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// getter decodes one variable: the memory it may still allocate (left, of
// limit), the objects being decoded (to find cycles) and those decoded.
type getter struct {
	*Backend
	left, limit int64
	open        map[string]bool
	done        map[string]decoded
}

// decoded is a value decoded and what it was charged.
type decoded struct {
	v    matfile.Value
	cost int64
}

// valueBytes is what a decoded value costs besides its data (an estimate
// on the high side).
const valueBytes = 256

// charge takes n elements of size bytes from the budget, before they are
// allocated or after a read that allocated them.
func (g *getter) charge(mpath string, n, size int) error {
	if n > 0 && size > math.MaxInt64/n {
		g.left = -1
	} else {
		g.left -= int64(n * size)
	}
	if g.left < 0 {
		return fail(mpath, matfile.ErrTooLarge, "decoding the variable takes more than the %s one input may take (%s; see the README)",
			inputfile.Bytes(g.limit), inputfile.LimitEnv)
	}
	return nil
}

// fail returns a *matfile.Error for the MATLAB path mpath.
func fail(mpath string, kind error, format string, args ...any) error {
	return &matfile.Error{Path: mpath, Err: &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}}
}

// hdfErr turns an error of the HDF5 reader into a *matfile.Error for the
// MATLAB path mpath; it wraps ErrFormat, ErrNotFound for a missing object
// or ErrUnsupported for a build without cgo, and the reader's error. The
// message keeps the HDF5 path, which names the object in the file.
func hdfErr(mpath string, err error) error {
	kind := matfile.ErrFormat
	switch {
	case errors.Is(err, inputfile.ErrTooLarge):
		kind = matfile.ErrTooLarge
	case errors.Is(err, hdf5.ErrNotFound):
		kind = matfile.ErrNotFound
	case errors.Is(err, hdf5.ErrNoCgo), errors.Is(err, hdf5.ErrUnsupported):
		kind = matfile.ErrUnsupported
	}
	var he *hdf5.Error
	msg := err.Error()
	if errors.As(err, &he) {
		// The file name is added by matfile.
		msg = strings.TrimPrefix(msg, he.File+": ")
	}
	return &matfile.Error{Path: mpath, Err: &kindError{kind: kind, msg: msg, cause: err}}
}

// attrString reads a string attribute; ok is false when it is absent.
func (b *Backend) attrString(p, name, mpath string) (s string, ok bool, err error) {
	v, err := b.r.Attr(p, name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, hdfErr(mpath, err)
	}
	s, ok = v.(string)
	if !ok {
		return "", false, fail(mpath, matfile.ErrFormat, "%s: attribute %s is %T, want a string", p, name, v)
	}
	return s, true, nil
}

// attrInt reads an integer attribute; ok is false when it is absent.
func (b *Backend) attrInt(p, name, mpath string) (n int64, ok bool, err error) {
	v, err := b.r.Attr(p, name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, hdfErr(mpath, err)
	}
	switch x := v.(type) {
	case int64:
		return x, true, nil
	case uint64:
		if x <= 1<<62 {
			return int64(x), true, nil
		}
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true, nil
		}
	}
	return 0, false, fail(mpath, matfile.ErrFormat, "%s: attribute %s is %v, want an integer", p, name, v)
}

// reversed returns MATLAB's dimensions for an HDF5 shape: reversed, and at
// least two.
func reversed(shape []int) []int {
	d := make([]int, 0, max(2, len(shape)))
	for i := len(shape) - 1; i >= 0; i-- {
		d = append(d, shape[i])
	}
	for len(d) < 2 {
		d = append(d, 1)
	}
	return d
}

func numel(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// describe returns the class and size of the array at p without reading
// its data (for Vars).
func (b *Backend) describe(p, mpath string) (matfile.Class, []int, error) {
	k, err := b.r.Stat(p)
	if err != nil {
		return 0, nil, hdfErr(mpath, err)
	}
	cls, _, err := b.attrString(p, "MATLAB_class", mpath)
	if err != nil {
		return 0, nil, err
	}
	if k == hdf5.KindGroup {
		if rows, ok, _ := b.attrInt(p, "MATLAB_sparse", mpath); ok {
			jc, err := b.r.Dataset(p + "/jc")
			if err != nil {
				return matfile.ClassSparse, nil, hdfErr(mpath, err)
			}
			return matfile.ClassSparse, []int{int(rows), max(jc.Len()-1, 0)}, nil
		}
		_, arrayDims, err := b.structLayout(p, mpath)
		if err != nil {
			return matfile.ClassStruct, nil, err
		}
		if arrayDims == nil {
			arrayDims = []int{1, 1}
		}
		return matfile.ClassStruct, arrayDims, nil
	}
	d, err := b.r.Dataset(p)
	if err != nil {
		return 0, nil, hdfErr(mpath, err)
	}
	c, ok := matfile.ParseClass(cls)
	if !ok {
		c = matfile.ClassObject
	}
	if e, ok, _ := b.attrInt(p, "MATLAB_empty", mpath); ok && e != 0 {
		dims, err := b.emptyDims(p, mpath)
		return c, dims, err
	}
	return c, reversed(d.Shape), nil
}

// emptyDims reads the dimensions an empty array's dataset holds.
func (b *Backend) emptyDims(p, mpath string) ([]int, error) {
	v, err := b.r.ReadInts(p)
	if err != nil {
		return nil, hdfErr(mpath, err)
	}
	dims := make([]int, 0, max(2, len(v)))
	zero := false
	for _, x := range v {
		if x < 0 || x > 1<<31 {
			return nil, fail(mpath, matfile.ErrFormat, "%s: empty array with dimension %d", p, x)
		}
		zero = zero || x == 0
		dims = append(dims, int(x))
	}
	if !zero || len(dims) < 2 {
		// Not a list of dimensions with a zero: MATLAB's 0×0.
		dims = []int{0, 0}
	}
	return dims, nil
}

// structLayout returns the field names of the struct group at p and, for a
// struct array, its dimensions (nil for a 1×1 struct).
func (b *Backend) structLayout(p, mpath string) (fields []string, arrayDims []int, err error) {
	ms, err := b.r.Members(p)
	if err != nil {
		return nil, nil, hdfErr(mpath, err)
	}
	have := map[string]hdf5.Member{}
	var names []string
	for _, m := range ms {
		if m.Link != "" || strings.HasPrefix(m.Name, "#") {
			continue
		}
		have[m.Name] = m
		names = append(names, m.Name)
	}
	fields = names
	if v, err := b.r.Attr(p, "MATLAB_fields"); err == nil {
		var order []string
		switch x := v.(type) {
		case []string:
			order = x
		case string:
			order = []string{x}
		}
		if len(order) == len(names) {
			ok := true
			for _, f := range order {
				if _, in := have[f]; !in {
					ok = false
				}
			}
			if ok {
				fields = order
			}
		}
	}
	// A struct array's fields are reference datasets without a
	// MATLAB_class, all shaped like the array.
	for _, f := range fields {
		m := have[f]
		if m.Kind != hdf5.KindDataset {
			return fields, nil, nil
		}
		fp := p + "/" + f
		d, err := b.r.Dataset(fp)
		if err != nil {
			return nil, nil, hdfErr(mpath+"."+f, err)
		}
		if d.Dtype.Class != hdf5.Reference {
			return fields, nil, nil
		}
		if _, has, err := b.attrString(fp, "MATLAB_class", mpath+"."+f); err != nil {
			return nil, nil, err
		} else if has {
			return fields, nil, nil
		}
		dims := reversed(d.Shape)
		if arrayDims != nil && numel(arrayDims) != numel(dims) {
			return nil, nil, fail(mpath, matfile.ErrFormat, "%s: struct array fields of %v and %v elements", p, arrayDims, dims)
		}
		arrayDims = dims
	}
	return fields, arrayDims, nil
}

// decode reads the array at HDF5 path p, whose MATLAB path is mpath, or
// returns it as decoded before.
func (g *getter) decode(p, mpath string, depth int) (matfile.Value, error) {
	if depth > maxDepth {
		return nil, fail(mpath, matfile.ErrFormat, "%s: cells and structs nested more than %d deep", p, maxDepth)
	}
	key := path.Clean("/" + p)
	if d, ok := g.done[key]; ok {
		if err := g.charge(mpath, 1, int(d.cost)); err != nil {
			return nil, err
		}
		return d.v, nil
	}
	if g.open[key] {
		return nil, fail(mpath, matfile.ErrFormat, "%s: a reference cycle: the array refers to itself", p)
	}
	if err := g.charge(mpath, 1, valueBytes); err != nil {
		return nil, err
	}
	g.open[key] = true
	left := g.left
	v, err := g.decodeNew(p, mpath, depth)
	delete(g.open, key)
	if err != nil {
		return nil, err
	}
	g.done[key] = decoded{v, left - g.left}
	return v, nil
}

// decodeNew reads the array at p.
func (g *getter) decodeNew(p, mpath string, depth int) (matfile.Value, error) {
	b := g.Backend
	k, err := b.r.Stat(p)
	if err != nil {
		return nil, hdfErr(mpath, err)
	}
	cls, hasClass, err := b.attrString(p, "MATLAB_class", mpath)
	if err != nil {
		return nil, err
	}
	if k == hdf5.KindGroup {
		if _, ok, _ := b.attrInt(p, "MATLAB_sparse", mpath); ok {
			return g.sparse(p, mpath, cls)
		}
		if hasClass && cls != "struct" {
			return &matfile.Unsupported{Type: matfile.ClassObject, Reason: fmt.Sprintf("objects of class %s are not supported", cls)}, nil
		}
		return g.structure(p, mpath, depth)
	}
	if k != hdf5.KindDataset {
		return nil, fail(mpath, matfile.ErrFormat, "%s is a %v, not an array", p, k)
	}
	d, err := b.r.Dataset(p)
	if err != nil {
		return nil, hdfErr(mpath, err)
	}
	if !hasClass {
		return nil, fail(mpath, matfile.ErrFormat, "%s has no MATLAB_class attribute", p)
	}
	c, known := matfile.ParseClass(cls)
	if _, ok, _ := b.attrInt(p, "MATLAB_object_decode", mpath); ok || !known ||
		c == matfile.ClassFunction || c == matfile.ClassObject || c == matfile.ClassOpaque {
		t := c
		if !known || t != matfile.ClassFunction {
			t = matfile.ClassObject
		}
		return &matfile.Unsupported{Type: t, Size: reversed(d.Shape),
			Reason: fmt.Sprintf("MATLAB %s values are not supported", cls)}, nil
	}
	if e, ok, _ := b.attrInt(p, "MATLAB_empty", mpath); ok && e != 0 {
		dims, err := b.emptyDims(p, mpath)
		if err != nil {
			return nil, err
		}
		if c == matfile.ClassChar { // a row of an empty string each
			if err := g.charge(mpath, dims[0], 16); err != nil {
				return nil, err
			}
		}
		return empty(c, dims), nil
	}
	dims := reversed(d.Shape)
	if d.Null {
		return empty(c, []int{0, 0}), nil
	}
	switch {
	case c == matfile.ClassCell:
		return g.cell(p, mpath, dims, depth)
	case c == matfile.ClassStruct:
		// A struct stored as a dataset is an empty one.
		return &matfile.Struct{Size: []int{0, 0}}, nil
	case d.Dtype.Class == hdf5.Compound:
		return nil, fail(mpath, matfile.ErrUnsupported, "%s: complex %s arrays of v7.3 files are not supported", p, cls)
	case !d.Dtype.IsNumeric():
		return nil, fail(mpath, matfile.ErrFormat, "%s: dtype %v for a MATLAB %s array", p, d.Dtype, cls)
	}
	switch c {
	case matfile.ClassChar:
		units, err := b.r.ReadInts(p)
		if err != nil {
			return nil, hdfErr(mpath, err)
		}
		// The units, and up to 6 bytes of UTF-8 each.
		if err := g.charge(mpath, len(units), 14); err != nil {
			return nil, err
		}
		return &matfile.Char{Size: dims, Rows: charRows(units, dims)}, nil
	case matfile.ClassLogical:
		v, err := b.r.ReadInts(p)
		if err != nil {
			return nil, hdfErr(mpath, err)
		}
		if err := g.charge(mpath, len(v), 9); err != nil {
			return nil, err
		}
		l := &matfile.Logical{Size: dims, Data: make([]bool, len(v))}
		for i, x := range v {
			l.Data[i] = x != 0
		}
		return l, nil
	}
	if !c.IsNumeric() {
		return nil, fail(mpath, matfile.ErrFormat, "%s: MATLAB_class %q on a numeric dataset", p, cls)
	}
	n := &matfile.Numeric{Type: c, Size: dims}
	if n.Real, err = b.r.ReadFloat64(p); err != nil {
		return nil, hdfErr(mpath, err)
	}
	size := 8 // float64, and the integers of int64 and uint64
	if c == matfile.ClassInt64 || c == matfile.ClassUint64 {
		size = 24
	}
	if err := g.charge(mpath, len(n.Real), size); err != nil {
		return nil, err
	}
	switch c {
	case matfile.ClassInt64:
		if n.Int64, err = b.r.ReadInts(p); err != nil {
			return nil, hdfErr(mpath, err)
		}
	case matfile.ClassUint64:
		ints, err := b.r.ReadInts(p) // values above MaxInt64 are refused
		if err != nil {
			return nil, hdfErr(mpath, err)
		}
		n.Uint64 = make([]uint64, len(ints))
		for i, x := range ints {
			n.Uint64[i] = uint64(x)
		}
	}
	if len(n.Real) != numel(dims) {
		return nil, fail(mpath, matfile.ErrFormat, "%s: %d values for %v", p, len(n.Real), dims)
	}
	return n, nil
}

// empty returns an empty array of class c.
func empty(c matfile.Class, dims []int) matfile.Value {
	switch c {
	case matfile.ClassCell:
		return &matfile.Cell{Size: dims}
	case matfile.ClassStruct:
		return &matfile.Struct{Size: dims}
	case matfile.ClassChar:
		rows := make([]string, dims[0])
		return &matfile.Char{Size: dims, Rows: rows}
	case matfile.ClassLogical:
		return &matfile.Logical{Size: dims, Data: []bool{}}
	}
	if !c.IsNumeric() {
		c = matfile.ClassDouble
	}
	return &matfile.Numeric{Type: c, Size: dims, Real: []float64{}}
}

// charRows turns UTF-16 code units in column-major order into the rows of
// a char array.
func charRows(units []int64, dims []int) []string {
	rows := dims[0]
	if rows == 0 {
		return []string{}
	}
	cols := len(units) / rows
	out := make([]string, rows)
	row := make([]uint16, cols)
	for i := range out {
		for j := range row {
			row[j] = uint16(units[i+j*rows])
		}
		out[i] = string(utf16.Decode(row))
	}
	return out
}

// cell reads a dataset of references as a cell array.
func (g *getter) cell(p, mpath string, dims []int, depth int) (matfile.Value, error) {
	refs, err := g.r.ReadRefs(p)
	if err != nil {
		return nil, hdfErr(mpath, err)
	}
	// The references and the elements.
	if err := g.charge(mpath, len(refs), 48); err != nil {
		return nil, err
	}
	if len(refs) != numel(dims) {
		return nil, fail(mpath, matfile.ErrFormat, "%s: %d references for a %v cell", p, len(refs), dims)
	}
	c := &matfile.Cell{Size: dims, Elems: make([]matfile.Value, len(refs))}
	for i, r := range refs {
		ep := fmt.Sprintf("%s{%d}", mpath, i+1)
		if r.Path == "" {
			return nil, fail(ep, matfile.ErrFormat, "%s: element %d is a null reference", p, i+1)
		}
		if c.Elems[i], err = g.decode(r.Path, ep, depth+1); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// structure reads a struct group: a 1×1 struct or a struct array.
func (g *getter) structure(p, mpath string, depth int) (matfile.Value, error) {
	fields, arrayDims, err := g.structLayout(p, mpath)
	if err != nil {
		return nil, err
	}
	if arrayDims == nil {
		s := &matfile.Struct{Size: []int{1, 1}, Fields: fields, Elems: [][]matfile.Value{make([]matfile.Value, len(fields))}}
		for j, f := range fields {
			if s.Elems[0][j], err = g.decode(p+"/"+f, mpath+"."+f, depth+1); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	// The dimensions come from the fields' shapes, not from data read:
	// charge the elements before making them.
	n := numel(arrayDims)
	if n < 0 || len(fields) > 0 && n > math.MaxInt64/16/len(fields) {
		return nil, fail(mpath, matfile.ErrFormat, "%s: struct array of %v elements", p, arrayDims)
	}
	if err := g.charge(mpath, n, 24+16*len(fields)); err != nil {
		return nil, err
	}
	s := &matfile.Struct{Size: arrayDims, Fields: fields, Elems: make([][]matfile.Value, n)}
	for i := range s.Elems {
		s.Elems[i] = make([]matfile.Value, len(fields))
	}
	for j, f := range fields {
		refs, err := g.r.ReadRefs(p + "/" + f)
		if err != nil {
			return nil, hdfErr(mpath+"."+f, err)
		}
		if len(refs) != n {
			return nil, fail(mpath+"."+f, matfile.ErrFormat, "%s/%s: %d references for a %v struct array", p, f, len(refs), arrayDims)
		}
		for i, r := range refs {
			ep := fmt.Sprintf("%s(%d).%s", mpath, i+1, f)
			if r.Path == "" {
				return nil, fail(ep, matfile.ErrFormat, "%s/%s: element %d is a null reference", p, f, i+1)
			}
			if s.Elems[i][j], err = g.decode(r.Path, ep, depth+1); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// sparse reads a sparse group (data, ir, jc).
func (g *getter) sparse(p, mpath, cls string) (matfile.Value, error) {
	rows, _, err := g.attrInt(p, "MATLAB_sparse", mpath)
	if err != nil {
		return nil, err
	}
	jc, err := g.r.ReadInts(p + "/jc")
	if err != nil {
		return nil, hdfErr(mpath, err)
	}
	if err := g.charge(mpath, len(jc), 16); err != nil {
		return nil, err
	}
	cols := len(jc) - 1
	if cols < 0 || rows < 0 || rows > 1<<31 {
		return nil, fail(mpath, matfile.ErrFormat, "%s: sparse array with %d rows and %d column starts", p, rows, len(jc))
	}
	s := &matfile.Sparse{Size: []int{int(rows), cols}, Logical: cls == "logical", ColStart: make([]int, len(jc))}
	nnz := int(jc[cols])
	for j, x := range jc {
		if x < 0 || (j > 0 && x < jc[j-1]) || x > int64(nnz) {
			return nil, fail(mpath, matfile.ErrFormat, "%s/jc: column starts not increasing", p)
		}
		s.ColStart[j] = int(x)
	}
	if nnz > 0 {
		ir, err := g.r.ReadInts(p + "/ir")
		if err != nil {
			return nil, hdfErr(mpath, err)
		}
		if s.Real, err = g.r.ReadFloat64(p + "/data"); err != nil {
			return nil, hdfErr(mpath, err)
		}
		if err := g.charge(mpath, len(ir)+len(s.Real)+nnz, 8); err != nil {
			return nil, err
		}
		if len(ir) < nnz || len(s.Real) < nnz {
			return nil, fail(mpath, matfile.ErrFormat, "%s: %d row indices and %d values for %d stored elements", p, len(ir), len(s.Real), nnz)
		}
		s.RowIndex = make([]int, nnz)
		for k := range s.RowIndex {
			if ir[k] < 0 || ir[k] >= rows {
				return nil, fail(mpath, matfile.ErrFormat, "%s/ir: row %d outside %d rows", p, ir[k], rows)
			}
			s.RowIndex[k] = int(ir[k])
		}
		s.Real = s.Real[:nnz]
	} else {
		s.RowIndex, s.Real = []int{}, []float64{}
	}
	return s, nil
}
