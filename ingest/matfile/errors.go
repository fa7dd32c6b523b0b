package matfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Sentinel errors. Every error returned by this package is an *Error that
// wraps one of these (test with errors.Is) or a plain I/O error.
var (
	// ErrV73 reports a MATLAB v7.3 (HDF5-based) MAT-file when no v7.3
	// opener has been registered with RegisterV73.
	ErrV73 = errors.New("MATLAB v7.3 (HDF5) MAT-file: no v7.3 reader is registered")

	// ErrFormat reports a file that is not a MAT-file, or a corrupt or
	// truncated one.
	ErrFormat = errors.New("malformed MAT-file")

	// ErrUnsupported reports valid MATLAB content this package does not
	// decode: level 4 files, function handles, objects.
	ErrUnsupported = errors.New("unsupported MAT-file content")

	// ErrNotFound reports a variable, field or index that is not in the file.
	ErrNotFound = errors.New("not found")

	// ErrTruncated reports a file that ends inside a variable (an
	// interrupted copy or download). An error that matches ErrTruncated
	// also matches ErrFormat.
	ErrTruncated error = &kindError{kind: ErrFormat, msg: "truncated MAT-file"}

	// ErrTooLarge reports a variable whose decoding would take more memory
	// than one input may (see the README: OBLIQUE_MAX_INPUT).
	ErrTooLarge = inputfile.ErrTooLarge
)

// Error is the error type of this package. It names the file and the
// MATLAB path of the variable or element inside it.
type Error struct {
	File string // file path as given to Open; "" when not known
	Path string // MATLAB path inside the file ("x.a{2}"); "" for the file itself
	Err  error  // what went wrong; wraps ErrV73, ErrFormat, ErrUnsupported, ErrNotFound or ErrTooLarge
}

// Error formats as "matfile: FILE: PATH: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("matfile: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// kindError is a message that unwraps to one of the sentinel errors without
// repeating the sentinel's text.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// errorf returns an *Error for path wrapping kind with a formatted message.
func errorf(path string, kind error, format string, args ...any) *Error {
	return &Error{Path: path, Err: &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}}
}

// withFile sets the file name of err when err is an *Error without one, and
// wraps any other error.
func withFile(err error, file, path string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.File == "" {
			c.File = file
		}
		if c.Path == "" {
			c.Path = path
		}
		return &c
	}
	return &Error{File: file, Path: path, Err: err}
}
