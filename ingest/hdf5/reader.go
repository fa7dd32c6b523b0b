package hdf5

import (
	"errors"
	"fmt"
	"strconv"
)

// Reader is what File offers: listing, describing and reading the objects of
// one HDF5 file. Paths are absolute inside the file ("/units/spike_times");
// a missing leading slash is added.
//
// Read methods convert as described in the package documentation. Range
// variants read rows [start, start+count) of the first dimension, every
// column of the others, in row-major order.
type Reader interface {
	// Name returns the file name as given when it was opened.
	Name() string
	// Close releases the file. Reading after Close returns ErrClosed.
	Close() error

	// Stat says whether path names a group, a dataset or a committed
	// datatype. An absent path gives an error wrapping ErrNotFound.
	Stat(path string) (Kind, error)
	// Members lists the links of a group, in name order.
	Members(path string) ([]Member, error)
	// Dataset describes a dataset.
	Dataset(path string) (DatasetInfo, error)

	// AttrNames lists the attributes of a group or dataset, in name order.
	AttrNames(path string) ([]string, error)
	// Attr reads one attribute as a Go value: see Attr for the types.
	Attr(path, name string) (any, error)

	// ReadFloat64 and ReadFloat64Range read numbers (integers, floats,
	// bools, enums) as float64.
	ReadFloat64(path string) ([]float64, error)
	ReadFloat64Range(path string, start, count int) ([]float64, error)
	// ReadInts and ReadIntsRange read integers, bools and enums as int64;
	// floats are refused with a DtypeError.
	ReadInts(path string) ([]int64, error)
	ReadIntsRange(path string, start, count int) ([]int64, error)
	// ReadStrings and ReadStringsRange read fixed- and variable-length
	// strings.
	ReadStrings(path string) ([]string, error)
	ReadStringsRange(path string, start, count int) ([]string, error)
	// ReadRefs reads references, resolved to paths.
	ReadRefs(path string) ([]Ref, error)
}

// Kind is the kind of object a link leads to.
type Kind int

const (
	// KindUnknown is a dangling soft link or an external link (which
	// is never followed).
	KindUnknown Kind = iota
	// KindGroup is a group.
	KindGroup
	// KindDataset is a dataset.
	KindDataset
	// KindDatatype is a committed (named) datatype.
	KindDatatype
)

func (k Kind) String() string {
	switch k {
	case KindUnknown:
		return "unknown"
	case KindGroup:
		return "group"
	case KindDataset:
		return "dataset"
	case KindDatatype:
		return "datatype"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Member is one link of a group.
type Member struct {
	// Name is the link's name inside its group.
	Name string
	// Kind is the kind of object the link leads to.
	Kind Kind
	// Link is empty for a hard link. For a soft link it is the target path,
	// for an external link "FILE:PATH". Code walking a file should follow
	// only hard links: soft links can make cycles.
	Link string
	// Addr identifies the object a hard link leads to (its address in the
	// file): two hard links with the same Addr lead to one object, and a
	// walk that meets an Addr again is in a cycle or at a shared group. 0
	// when unknown.
	Addr uint64
}

// Class is the class of a dtype.
type Class int

const (
	ClassUnknown Class = iota // a class this package does not know
	Int                       // signed integer
	Uint                      // unsigned integer
	Float                     // IEEE floating point
	Bool                      // h5py's boolean: an enum FALSE = 0, TRUE = 1
	Enum                      // any other enum, read as its integer values
	String                    // fixed- or variable-length string
	Reference                 // object or dataset-region reference
	// The classes below are described but not read.
	Compound
	Opaque
	Array
	VarLen // variable-length sequence of something other than characters
	Bitfield
	Time
)

var classNames = [...]string{
	ClassUnknown: "unknown", Int: "int", Uint: "uint", Float: "float", Bool: "bool", Enum: "enum",
	String: "string", Reference: "reference", Compound: "compound", Opaque: "opaque",
	Array: "array", VarLen: "vlen", Bitfield: "bitfield", Time: "time",
}

func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// Dtype describes the type of the elements of a dataset or attribute as
// stored in the file.
type Dtype struct {
	Class Class
	// Size is the size of one element in bytes; for an enum or a bool, the
	// size of its integer base. It is 0 for variable-length strings.
	Size int
	// VarLen reports a variable-length string.
	VarLen bool
	// UTF8 reports a string stored as UTF-8 rather than ASCII.
	UTF8 bool
	// Region reports a dataset-region reference rather than an object
	// reference.
	Region bool
}

// String gives numpy-like names: "int8", "uint64", "float32", "bool",
// "enum(int16)", "vlen string", "string[12]", "object reference".
func (d Dtype) String() string {
	bits := strconv.Itoa(8 * d.Size)
	switch d.Class {
	case Int:
		return "int" + bits
	case Uint:
		return "uint" + bits
	case Float:
		return "float" + bits
	case Bool:
		return "bool"
	case Enum:
		return "enum(" + strconv.Itoa(d.Size) + " bytes)"
	case String:
		if d.VarLen {
			return "vlen string"
		}
		return "string[" + strconv.Itoa(d.Size) + "]"
	case Reference:
		if d.Region {
			return "region reference"
		}
		return "object reference"
	}
	return d.Class.String()
}

// IsInteger reports a signed or unsigned integer dtype.
func (d Dtype) IsInteger() bool { return d.Class == Int || d.Class == Uint }

// IsNumeric reports a dtype the ReadFloat64 family reads: integers, floats,
// bools and enums.
func (d Dtype) IsNumeric() bool {
	switch d.Class {
	case Int, Uint, Float, Bool, Enum:
		return true
	}
	return false
}

// DatasetInfo describes a dataset.
type DatasetInfo struct {
	// Path is the dataset's absolute path.
	Path string
	// Shape is nil for a scalar dataset, and for a dataset with a null
	// dataspace (h5py's Empty: no elements at all), which has Null set.
	Shape []int
	Null  bool
	Dtype Dtype
}

// Len returns the number of elements: 1 for a scalar.
func (d DatasetInfo) Len() int {
	if d.Null {
		return 0
	}
	n := 1
	for _, s := range d.Shape {
		n *= s
	}
	return n
}

// Rows returns the length of the first dimension: 1 for a scalar.
func (d DatasetInfo) Rows() int {
	if d.Null {
		return 0
	}
	if len(d.Shape) == 0 {
		return 1
	}
	return d.Shape[0]
}

// Ref is a resolved object or dataset-region reference.
type Ref struct {
	// Path is the path of the object referred to; empty for a null
	// reference or one the library cannot name.
	Path string
	// Region reports a dataset-region reference; the region itself is
	// not read.
	Region bool
}

func (r Ref) String() string {
	p := r.Path
	if p == "" {
		p = "<null>"
	}
	if r.Region {
		return "region reference to " + p
	}
	return "reference to " + p
}

// Sentinel errors, wrapped by the errors of this package. ErrFault is
// described in the package documentation.
var (
	ErrNotFound    = errors.New("not found")
	ErrDtype       = errors.New("wrong dtype")
	ErrUnsupported = errors.New("not supported")
	ErrClosed      = errors.New("file is closed")
	ErrNotHDF5     = errors.New("not an HDF5 file")
	ErrFault       = errors.New("memory fault in the HDF5 library")
	ErrNoCgo       = errors.New("reading HDF5 needs cgo and the HDF5 C library, and this program was built with CGO_ENABLED=0")
)

// Error is an error about a file, and maybe a path and attribute inside it.
type Error struct {
	File string // as given to Open
	Path string // path inside the file; empty for the file itself
	Attr string // attribute name, if the error is about an attribute
	Err  error
}

func (e *Error) Error() string {
	s := e.File + ": "
	if e.Path != "" {
		s += e.Path + ": "
	}
	if e.Attr != "" {
		s += "attribute " + strconv.Quote(e.Attr) + ": "
	}
	return s + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// DtypeError reports a dataset or attribute whose dtype is not the one a
// read needs. It wraps ErrDtype.
type DtypeError struct {
	Dtype Dtype
	// Want says what was wanted, as in "an unsigned integer".
	Want string
}

func (e *DtypeError) Error() string {
	return fmt.Sprintf("dtype %v, want %s", e.Dtype, e.Want)
}

// Is makes errors.Is(err, ErrDtype) true.
func (e *DtypeError) Is(target error) bool { return target == ErrDtype }
