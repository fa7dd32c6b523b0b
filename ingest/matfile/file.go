package matfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// VarInfo describes a variable of a file without decoding its data.
type VarInfo struct {
	Name    string
	Class   Class // ClassLogical for logical arrays, ClassSparse for sparse ones
	Size    []int // dimensions; nil when the file does not give them (MATLAB class objects)
	Complex bool
}

// Backend is a decoder of one MAT-file format. The level 5 decoder of this
// package is one; a v7.3 (HDF5) decoder registered with RegisterV73 is
// another. NewFile wraps a Backend in a File.
type Backend interface {
	// Vars lists the variables in file order.
	Vars() []VarInfo
	// Get decodes the named variable. Errors should be *Error values
	// whose Path names the variable or element at fault and that wrap
	// ErrFormat, ErrUnsupported or ErrNotFound; File adds the file name.
	Get(name string) (Value, error)
	// Close releases the backend's resources.
	Close() error
}

// File is an open MAT-file. Open reads only the directory of variables;
// Get and Lookup decode one variable at a time. A File is safe for
// concurrent use by several goroutines if its Backend is.
type File struct {
	name string
	desc string
	b    Backend
}

var (
	v73Mu   sync.Mutex
	openV73 func(path string) (Backend, error)
)

// RegisterV73 sets the function with which Open reads MATLAB v7.3 (HDF5)
// files, replacing any earlier one; nil removes it. Without one, Open
// returns an error wrapping ErrV73 for such files.
func RegisterV73(open func(path string) (Backend, error)) {
	v73Mu.Lock()
	defer v73Mu.Unlock()
	openV73 = open
}

func v73Opener() func(string) (Backend, error) {
	v73Mu.Lock()
	defer v73Mu.Unlock()
	return openV73
}

// NewFile returns a File that reads through b. name is used in error
// messages and description is returned by Description.
func NewFile(name, description string, b Backend) *File {
	return &File{name: name, desc: description, b: b}
}

// Open opens the MAT-file at path and reads its directory of variables.
// Level 5 files (MATLAB v5, v6 and v7, compressed or not, of either byte
// order) are read by this package; v7.3 files by the opener registered with
// RegisterV73. The caller must Close the File.
func Open(path string) (f *File, err error) {
	defer guard(&err, path, "")
	osf, err := inputfile.Open(path) // a regular file: not a device, pipe or mostly holes
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return nil, &Error{File: path, Err: err}
	}
	st, err := osf.Stat()
	if err != nil {
		osf.Close()
		return nil, &Error{File: path, Err: err}
	}
	fh, err := readHeader(osf, st.Size())
	if err != nil {
		osf.Close()
		return nil, withFile(err, path, "")
	}
	if fh.v73 {
		osf.Close()
		open := v73Opener()
		if open == nil {
			return nil, &Error{File: path, Err: ErrV73}
		}
		b, err := open(path)
		if err != nil {
			return nil, withFile(err, path, "")
		}
		return NewFile(path, fh.text, b), nil
	}
	b, err := openV5(osf, st.Size(), fh, osf)
	if err != nil {
		osf.Close()
		return nil, withFile(err, path, "")
	}
	return NewFile(path, fh.text, b), nil
}

// OpenReader reads a level 5 MAT-file of size bytes from r; name is used
// in error messages. Closing the File does not close r. A v7.3 file gives
// an error wrapping ErrV73: v7.3 openers take a path.
func OpenReader(r io.ReaderAt, size int64, name string) (f *File, err error) {
	defer guard(&err, name, "")
	fh, err := readHeader(r, size)
	if err != nil {
		return nil, withFile(err, name, "")
	}
	if fh.v73 {
		return nil, &Error{File: name, Err: ErrV73}
	}
	b, err := openV5(r, size, fh, nil)
	if err != nil {
		return nil, withFile(err, name, "")
	}
	return NewFile(name, fh.text, b), nil
}

func readHeader(r io.ReaderAt, size int64) (fileHeader, error) {
	h := make([]byte, min(size, headerLen))
	if _, err := r.ReadAt(h, 0); err != nil && err != io.EOF {
		return fileHeader{}, &Error{Err: err}
	}
	return parseHeader(h)
}

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Description returns the text at the start of the header, such as
// "MATLAB 5.0 MAT-file, Platform: MACI64, Created on: …".
func (f *File) Description() string { return f.desc }

// Vars lists the variables in file order.
func (f *File) Vars() []VarInfo { return f.b.Vars() }

// Get decodes the named variable with everything it holds. To read many
// paths inside one large variable, Get it once and use Lookup on the value.
func (f *File) Get(name string) (v Value, err error) {
	defer guard(&err, f.name, name)
	v, err = f.b.Get(name)
	if err != nil {
		return nil, withFile(err, f.name, name)
	}
	return v, nil
}

// Lookup decodes the variable named at the start of path and returns the
// element that the rest of path selects, in MATLAB syntax with 1-based
// indices: "beforeLearning.clouds.spikes{3}", "D_emg(2).A", "U{165}",
// "x(2,3)". A field selects from a 1×1 struct; (i) selects elements of any
// array, keeping their type (a 1×1 cell of a cell array); {i} selects the
// content of a cell.
func (f *File) Lookup(path string) (v Value, err error) {
	defer guard(&err, f.name, path)
	root, sels, err := parsePath(path, true)
	if err != nil {
		return nil, withFile(err, f.name, path)
	}
	v, err = f.Get(root)
	if err != nil {
		return nil, err
	}
	v, err = apply(v, root, sels)
	if err != nil {
		return nil, withFile(err, f.name, path)
	}
	return v, nil
}

// Dense returns the numeric or logical 2-D array at path (see Lookup) as a
// row-major *mat.Dense.
func (f *File) Dense(path string) (*mat.Dense, error) {
	v, err := f.Lookup(path)
	if err != nil {
		return nil, err
	}
	d, err := denseOf(v)
	if err != nil {
		return nil, withFile(err, f.name, path)
	}
	return d, nil
}

// Close closes the file.
func (f *File) Close() error {
	if err := f.b.Close(); err != nil {
		return &Error{File: f.name, Err: err}
	}
	return nil
}

// recoverPanics turns a panic while decoding into an error. It is a last
// resort: the decoder checks bounds explicitly. Fuzz tests turn it off so
// that any panic is seen.
var recoverPanics = true

// guard is deferred at the API boundary; see recoverPanics.
func guard(err *error, file, path string) {
	if !recoverPanics {
		return
	}
	if r := recover(); r != nil {
		*err = &Error{File: file, Path: path, Err: &kindError{kind: ErrFormat, msg: fmt.Sprintf("internal error while decoding (please report): %v", r)}}
	}
}
