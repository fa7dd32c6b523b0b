//go:build cgo && unix

package hdf5

import (
	"encoding/gob"
	"errors"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// The messages between a program and its reader process (isolate.go,
// serve.go), gob-encoded over two pipes. Numbers read by the library travel
// in shared memory instead: the response says how many.

type op uint8

const (
	opOpen op = iota + 1
	opClose
	opStat
	opMembers
	opDataset
	opAttrNames
	opAttr
	opRead
	opBatch
)

type request struct {
	Op op
	// Path is the file name for opOpen, else the path inside the file.
	Path, Name   string
	Start, Count int
	Want         want
	// Siblings asks opStat for the link names of the path's parent.
	Siblings bool
	// Batch holds the requests of an opBatch: opStat, opDataset or
	// opAttr.
	Batch []request
}

type response struct {
	Err *wireError
	// Faulted reports a fault in the library: the reader process must
	// not be used again.
	Faulted bool
	Stat    statInfo
	Members []Member
	Info    DatasetInfo
	Layout  layout
	Ident   fileIdent
	Names   []string
	// Value is an attribute's value, or the []string or []Ref of a read.
	Value any
	// Shared is the number of values a numeric read left in shared
	// memory, float64 or int64 as the request's Want says.
	Shared int
	// Batch holds the responses of an opBatch, one a request; fewer after
	// a fault.
	Batch []response
}

// The types an attribute value or a read can have, registered with gob as
// a package variable is initialised: before any init, the reader's
// (serve.go) included.
var _ = func() int {
	for _, v := range []any{int64(0), uint64(0), float64(0), false, "", Ref{},
		[]int64(nil), []uint64(nil), []float64(nil), []bool(nil), []string(nil), []Ref(nil)} {
		gob.Register(v)
	}
	return 0
}()

// wireError carries an error across: its message, the sentinel it wraps
// and a DtypeError in it, so that errors.Is and errors.As work on the
// other side as on the error itself.
type wireError struct {
	Msg      string
	Sentinel int
	Dtype    *DtypeError
	// Self reports that the error is the DtypeError itself.
	Self bool
}

// sentinels are the errors a wireError can wrap, by index (0: none).
var sentinels = []error{nil, ErrNotFound, ErrDtype, ErrUnsupported, ErrClosed, ErrNotHDF5, ErrFault, ErrNoCgo, ErrTimeout, inputfile.ErrTooLarge}

func toWire(err error) *wireError {
	if err == nil {
		return nil
	}
	w := &wireError{Msg: err.Error()}
	if errors.As(err, &w.Dtype) {
		_, w.Self = err.(*DtypeError)
	}
	for i, s := range sentinels[1:] {
		if errors.Is(err, s) {
			w.Sentinel = i + 1
			break
		}
	}
	return w
}

// remoteError is an error from the reader process.
type remoteError struct {
	msg  string
	errs []error
}

func (e *remoteError) Error() string   { return e.msg }
func (e *remoteError) Unwrap() []error { return e.errs }

func (w *wireError) err() error {
	if w == nil {
		return nil
	}
	if w.Self && w.Dtype != nil {
		return w.Dtype
	}
	e := &remoteError{msg: w.Msg}
	if w.Sentinel > 0 && w.Sentinel < len(sentinels) {
		e.errs = append(e.errs, sentinels[w.Sentinel])
	}
	if w.Dtype != nil {
		e.errs = append(e.errs, w.Dtype)
	}
	return e
}
