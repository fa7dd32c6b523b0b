package hdf5

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"sync/atomic"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// File is an HDF5 file open for reading. It implements Reader.
type File struct {
	name   string
	b      backend
	raw    *os.File // the file, for direct reads; nil when they are off
	size   int64    // raw's size
	closed atomic.Bool
	c      cache
}

var _ Reader = (*File)(nil)

// backend is where the HDF5 library reads the file: in this process
// (handle, cgo.go) or in a reader process (remote, isolate.go). Paths are
// clean; errors do not name the file (File adds it).
type backend interface {
	close() error
	// ident identifies the file the library opened, for direct reads.
	ident() fileIdent
	// stat says what p names, with what it learnt on the way; siblings
	// asks for the names of the links of p's parent group too.
	stat(p string, siblings bool) (statInfo, error)
	members(p string) ([]Member, error)
	// dataset describes a dataset and, for a null dataspace, says nothing
	// of its layout.
	dataset(p string) (DatasetInfo, layout, error)
	attrNames(p string) ([]string, error)
	attr(p, name string) (any, error)
	// read reads count rows (-1: to the end) from row start, as w asks;
	// numbers go into dst ([]float64 or []int64) when it holds them all.
	read(p string, start, count int, w want, dst any) (any, error)
}

// maxElements bounds one read: 2³⁰ elements (8 GiB as float64). A larger
// selection, or a corrupt header claiming one, is refused rather than
// allocated; read such datasets by ranges.
const maxElements = 1 << 30

// Open opens an HDF5 file read-only. A missing file, a file without the
// HDF5 signature (ErrNotHDF5), and a truncated or corrupt file give an error
// naming the file.
//
// By default the HDF5 library runs in a reader process (see the package
// documentation), within the time limit that OBLIQUE_HDF5_TIMEOUT sets;
// OBLIQUE_HDF5=inprocess runs it in this process instead.
func Open(name string) (*File, error) {
	cfg, err := readConfig()
	if err != nil {
		return nil, wrap(name, "", "", err)
	}
	var b backend
	if cfg.inProcess {
		b, err = openFile(name)
	} else {
		b, err = openRemote(name, cfg.limit)
	}
	if err != nil {
		return nil, wrap(name, "", "", err)
	}
	f := &File{name: name, b: b}
	f.raw, f.size = openRaw(name, b.ident())
	return f, nil
}

// batcher is a backend that answers several queries at once: a reader
// process, for which each call is a round trip.
type batcher interface {
	batch(asks []ask) []answer
}

// ask is a query for a batch; siblings asks a stat to list the path's
// parent too.
type ask struct {
	q        Query
	siblings bool
}

// answer is what a batch gives for an ask: a stat's (or a dataset's
// description in stat.Info and stat.Layout), or an attribute's value.
type answer struct {
	ask   ask
	stat  statInfo
	value any
	err   error
}

// statInfo is what a backend's stat learns: the kind of the path and, for
// a dataset, its description and layout (IsSet); asked for, the names of
// the links of the path's parent group, in name order (nil when it has more
// than maxListed or cannot be listed).
type statInfo struct {
	Kind     Kind
	IsSet    bool
	Info     DatasetInfo
	Layout   layout
	Siblings []string
}

// maxListed bounds the group listings that stat makes.
const maxListed = 1024

// checkFile refuses, before the library sees it, a name that is missing,
// a directory or not a regular file (a FIFO would block the library).
func checkFile(name string) error {
	st, err := os.Stat(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory, not an HDF5 file")
	}
	if !st.Mode().IsRegular() {
		return errors.New("is not a regular file")
	}
	return nil
}

// Name returns the file name as given to Open.
func (f *File) Name() string { return f.name }

// Close releases the file. Closing twice is not an error.
func (f *File) Close() error {
	if f.closed.Swap(true) {
		return nil
	}
	if f.raw != nil {
		f.raw.Close()
	}
	return wrap(f.name, "", "", f.b.close())
}

// Stat returns the kind of object path names, or an error wrapping
// ErrNotFound.
func (f *File) Stat(p string) (Kind, error) {
	p = clean(p)
	if f.closed.Load() {
		return KindUnknown, wrap(f.name, p, "", ErrClosed)
	}
	k, err := f.c.stat(p, f.b)
	return k, wrap(f.name, p, "", err)
}

// Members lists the links of the group at path, in name order.
func (f *File) Members(p string) ([]Member, error) {
	p = clean(p)
	if f.closed.Load() {
		return nil, wrap(f.name, p, "", ErrClosed)
	}
	m, err := f.b.members(p)
	return m, wrap(f.name, p, "", err)
}

// Dataset describes the dataset at path.
func (f *File) Dataset(p string) (DatasetInfo, error) {
	p = clean(p)
	if f.closed.Load() {
		return DatasetInfo{Path: p}, wrap(f.name, p, "", ErrClosed)
	}
	d, _, err := f.c.dataset(p, f.b)
	d.Path = p
	return d, wrap(f.name, p, "", err)
}

// AttrNames lists the attributes of the group or dataset at path, in name
// order.
func (f *File) AttrNames(p string) ([]string, error) {
	p = clean(p)
	if f.closed.Load() {
		return nil, wrap(f.name, p, "", ErrClosed)
	}
	n, err := f.b.attrNames(p)
	return n, wrap(f.name, p, "", err)
}

// Attr reads the attribute name of the group or dataset at path. A scalar
// attribute gives a scalar value and any other a slice (flattened in
// row-major order) of:
//
//   - int64 for signed integers, uint64 for unsigned ones;
//   - float64 for floats;
//   - bool for h5py's booleans, int64 for other enums;
//   - string for fixed- and variable-length strings, and for
//     variable-length sequences of one-byte strings or integers (as
//     MATLAB's MATLAB_fields attribute holds the field names of a struct);
//   - Ref for object and region references.
//
// An attribute with a null dataspace (h5py's Empty) gives nil. Other dtypes
// give an error wrapping ErrUnsupported; an absent attribute one wrapping
// ErrNotFound.
func (f *File) Attr(p, name string) (any, error) {
	p = clean(p)
	if f.closed.Load() {
		return nil, wrap(f.name, p, name, ErrClosed)
	}
	v, err := f.c.attr(p, name, f.b)
	return v, wrap(f.name, p, name, err)
}

// Query names what a later call will ask: Stat(Path) when Attr is empty and
// Dataset false, Dataset(Path) when Dataset is set, Attr(Path, Attr) when
// Attr is set.
type Query struct {
	Path    string
	Attr    string
	Dataset bool
}

// Prefetch gets, in one go, the answers to the calls that qs name, so that
// those calls then ask nothing more of the library. With a reader process
// it saves a round trip a call; in process it does nothing (each call costs
// what it would). It asks the library for nothing those calls would not,
// and reports nothing: each call returns its own result or error.
func (f *File) Prefetch(qs ...Query) {
	if b, ok := f.b.(batcher); ok && !f.closed.Load() {
		f.c.prefetch(qs, b)
	}
}

// ReadFloat64 reads a whole numeric dataset as float64, in row-major order.
func (f *File) ReadFloat64(p string) ([]float64, error) {
	return f.ReadFloat64Range(p, 0, -1)
}

// ReadFloat64Range reads count rows from row start of a numeric dataset as
// float64. A count of -1 reads to the last row.
func (f *File) ReadFloat64Range(p string, start, count int) ([]float64, error) {
	v, err := f.read(p, start, count, wantFloat)
	if err != nil {
		return nil, err
	}
	return v.([]float64), nil
}

// ReadFloat64RangeTo reads count rows from row start of a numeric dataset
// as float64 into dst when it can hold all their values (count times the
// values per row; else into a new slice), and returns the values. Reading
// into a buffer reused from call to call spares allocating and clearing
// one each time.
func (f *File) ReadFloat64RangeTo(p string, start, count int, dst []float64) ([]float64, error) {
	if count < 0 {
		return nil, wrap(f.name, clean(p), "", fmt.Errorf("invalid row range: start %d, count %d", start, count))
	}
	v, err := f.readInto(p, start, count, wantFloat, dst)
	if err != nil {
		return nil, err
	}
	return v.([]float64), nil
}

// ReadInts reads a whole integer, bool or enum dataset as int64. Floats are
// refused with a DtypeError: they are never truncated.
func (f *File) ReadInts(p string) ([]int64, error) {
	return f.ReadIntsRange(p, 0, -1)
}

// ReadIntsRange reads count rows from row start of an integer, bool or enum
// dataset as int64. A count of -1 reads to the last row.
func (f *File) ReadIntsRange(p string, start, count int) ([]int64, error) {
	v, err := f.read(p, start, count, wantInt)
	if err != nil {
		return nil, err
	}
	return v.([]int64), nil
}

// ReadStrings reads a whole string dataset, fixed- or variable-length.
// Fixed-length strings lose their padding.
func (f *File) ReadStrings(p string) ([]string, error) {
	return f.ReadStringsRange(p, 0, -1)
}

// ReadStringsRange reads count rows from row start of a string dataset. A
// count of -1 reads to the last row.
func (f *File) ReadStringsRange(p string, start, count int) ([]string, error) {
	v, err := f.read(p, start, count, wantString)
	if err != nil {
		return nil, err
	}
	return v.([]string), nil
}

// ReadRefs reads a dataset of object or region references and resolves
// each to the path of the object it points at.
func (f *File) ReadRefs(p string) ([]Ref, error) {
	v, err := f.read(p, 0, -1, wantRef)
	if err != nil {
		return nil, err
	}
	return v.([]Ref), nil
}

// want is what a read converts to.
type want int

const (
	wantFloat want = iota
	wantInt
	wantString
	wantRef
)

// accepts returns nil if a read of w can convert dtype d, else the error.
func (w want) accepts(d Dtype) error {
	ok := false
	var what string
	switch w {
	case wantFloat:
		ok, what = d.IsNumeric(), "a number"
	case wantInt:
		ok, what = d.IsInteger() || d.Class == Bool || d.Class == Enum, "an integer"
	case wantString:
		ok, what = d.Class == String, "a string"
	case wantRef:
		ok, what = d.Class == Reference, "a reference"
	}
	if ok {
		return nil
	}
	switch d.Class {
	case Compound, Opaque, Array, VarLen, Bitfield, Time, ClassUnknown:
		return fmt.Errorf("dtype %v: %w", d, ErrUnsupported)
	}
	return &DtypeError{Dtype: d, Want: what}
}

func (f *File) read(p string, start, count int, w want) (any, error) {
	return f.readInto(p, start, count, w, nil)
}

// readInto reads count rows from row start (-1: to the end) as w asks:
// directly from the file when it can (direct.go), else through the
// library.
func (f *File) readInto(p string, start, count int, w want, dst any) (any, error) {
	p = clean(p)
	if start < 0 || count < -1 {
		return nil, wrap(f.name, p, "", fmt.Errorf("invalid row range: start %d, count %d", start, count))
	}
	if f.closed.Load() {
		return nil, wrap(f.name, p, "", ErrClosed)
	}
	if v, ok, err := f.readDirect(p, start, count, w, dst); ok {
		return v, wrap(f.name, p, "", err)
	}
	if err := f.checkLimit(p, start, count); err != nil {
		return nil, wrap(f.name, p, "", err)
	}
	v, err := f.b.read(p, start, count, w, dst)
	return v, wrap(f.name, p, "", err)
}

// checkLimit refuses, in this process, a read beyond this process's
// inputfile.Limit (elements): a reader process checks against the limit of
// its environment when it was started, which a program may have changed
// since. A dataset this process cannot describe is left to the library's
// read and its error.
func (f *File) checkLimit(p string, start, count int) error {
	if _, ok := f.b.(*remote); !ok {
		return nil // the library's read checks in this process
	}
	info, _, err := f.c.dataset(p, f.b)
	if err != nil || info.Null {
		return nil
	}
	if count, err = rowRange(start, count, info.Rows()); err != nil {
		return nil
	}
	_, err = elements(count, info.Shape)
	return err
}

// empty returns a zero-length result of the type a read of w gives.
func empty(w want) any {
	switch w {
	case wantFloat:
		return []float64{}
	case wantInt:
		return []int64{}
	case wantString:
		return []string{}
	case wantRef:
		return []Ref{}
	}
	return nil
}

// rowRange checks rows [start, start+count) against a first dimension of
// length rows; count -1 means to the end. It returns the count.
func rowRange(start, count, rows int) (int, error) {
	if count == -1 {
		count = rows - start
	}
	if start < 0 || count < 0 || start > rows || count > rows-start {
		return 0, fmt.Errorf("rows [%d, %d) out of range: the dataset has %d rows", start, start+count, rows)
	}
	return count, nil
}

// elements returns the number of elements in count rows of a dataset of
// the given shape, or an error when there are more than maxElements or when
// their 8-byte form (float64, int64) is beyond the memory one input may
// take (inputfile.Limit, OBLIQUE_MAX_INPUT): a file whose header declares a
// huge dataset (chunked and compressed, or never written) is refused before
// anything is allocated.
func elements(count int, shape []int) (int, error) {
	n := count
	for _, d := range shape[min(1, len(shape)):] {
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("%d rows of shape %v: more than %d elements, read fewer rows", count, shape, maxElements)
		}
		n *= d
	}
	if n > maxElements {
		return 0, fmt.Errorf("%d elements: more than %d, read fewer rows", n, maxElements)
	}
	if err := inputfile.CheckSize(8 * int64(n)); err != nil {
		return 0, fmt.Errorf("%d rows of shape %v: %w", count, shape, err)
	}
	return n, nil
}

// clean makes p absolute and canonical: "units//id/" → "/units/id".
func clean(p string) string {
	return path.Clean("/" + strings.TrimSpace(p))
}

// wrap adds the file, path and attribute to err unless it has them already.
func wrap(file, p, attr string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{File: file, Path: p, Attr: attr, Err: err}
}
