//go:build cgo && unix

package hdf5

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"os"
	"strconv"
	"unsafe"
)

// The reader process: the program itself, started again by isolate.go with
// readerEnv set to its parent's process id. Package initialisation runs
// serve instead of the program: every binary that links this package, the
// test binaries included, can be a reader, with nothing to add to main or
// TestMain.

// readerEnv marks a reader process. Its value, the parent's process id,
// keeps a variable left in a user's environment from making a program a
// reader.
const readerEnv = "OBLIQUE_HDF5_READER"

// The reader's file descriptors: requests in, responses out, shared
// memory, and the lifeline (serve).
const (
	fdRequests  = 3
	fdResponses = 4
	fdShared    = 5
	fdLifeline  = 6
)

func init() {
	v, ok := os.LookupEnv(readerEnv)
	if !ok {
		return
	}
	os.Unsetenv(readerEnv)
	if v != strconv.Itoa(os.Getppid()) {
		return
	}
	os.Exit(serve())
}

// server is the state of a reader process: the file open (one at a time)
// and its mapping of the shared memory.
type server struct {
	h   *handle
	shm shared
}

// serve answers requests until its parent closes the request pipe. It
// reads them on a goroutine of its own, not on the main thread, to which
// package initialisation is locked: handing each request to that thread
// would cost a thread switch. The process group is its own (isolate.go), so
// the terminal's signals (Ctrl-C) reach only the parent, which decides.
func serve() int {
	installGuard()
	// The parent holds the write end of the lifeline and never writes:
	// end of file means it has ended, even while a call into the library
	// is stuck (on Linux, the parent-death signal also kills the process).
	go func() {
		var b [1]byte
		os.NewFile(fdLifeline, "lifeline").Read(b[:])
		os.Exit(0)
	}()
	code := make(chan int)
	go func() { code <- serveRequests() }()
	return <-code
}

func serveRequests() int {
	in := bufio.NewReaderSize(os.NewFile(fdRequests, "requests"), 16<<10)
	out := bufio.NewWriterSize(os.NewFile(fdResponses, "responses"), 64<<10)
	s := &server{shm: shared{f: os.NewFile(fdShared, "shared memory")}}
	dec, enc := gob.NewDecoder(in), gob.NewEncoder(out)
	for {
		var q request
		if err := dec.Decode(&q); err != nil {
			return 0 // the parent closed the pipe, or ended
		}
		r := s.do(q)
		if err := enc.Encode(&r); err != nil {
			fmt.Fprintf(os.Stderr, "HDF5 reader: %v\n", err)
			return 1
		}
		if err := out.Flush(); err != nil {
			return 0 // the parent is gone
		}
		if r.Faulted {
			return 0
		}
	}
}

func (s *server) do(q request) (r response) {
	var err error
	if q.Op != opOpen && s.h == nil {
		err = ErrClosed
	}
	switch {
	case err != nil:
	case q.Op == opOpen:
		if s.h != nil {
			s.h.close()
			s.h = nil
		}
		if s.h, err = openFile(q.Path); err == nil {
			r.Ident = s.h.ident()
		}
	case q.Op == opClose:
		err = s.h.close()
		s.h = nil
		if len(s.shm.mem) > keepShared {
			s.shm.release()
		}
	case q.Op == opStat:
		r.Stat, err = s.h.stat(q.Path, q.Siblings)
	case q.Op == opMembers:
		r.Members, err = s.h.members(q.Path)
	case q.Op == opDataset:
		r.Info, r.Layout, err = s.h.dataset(q.Path)
	case q.Op == opAttrNames:
		r.Names, err = s.h.attrNames(q.Path)
	case q.Op == opAttr:
		r.Value, err = s.h.attr(q.Path, q.Name)
	case q.Op == opRead:
		r.Value, r.Shared, err = s.read(q)
	case q.Op == opBatch:
		for _, b := range q.Batch {
			if b.Op != opStat && b.Op != opDataset && b.Op != opAttr {
				b.Op = 0 // an unknown request: an error
			}
			a := s.do(b)
			r.Batch = append(r.Batch, a)
			if a.Faulted {
				break
			}
		}
	default:
		err = fmt.Errorf("internal error: unknown request %d", q.Op)
	}
	r.Err = toWire(err)
	r.Faulted = faulted()
	return r
}

// read reads as q asks; numbers go into shared memory, which it grows to
// hold them.
func (s *server) read(q request) (any, int, error) {
	if q.Want != wantFloat && q.Want != wantInt {
		v, err := s.h.read(q.Path, q.Start, q.Count, q.Want, nil)
		return v, 0, err
	}
	var grow error
	dst := func(n int) any {
		if grow = s.shm.grow(8 * n); grow != nil {
			return nil
		}
		p := unsafe.Pointer(unsafe.SliceData(s.shm.mem))
		if q.Want == wantFloat {
			return unsafe.Slice((*float64)(p), n)
		}
		return unsafe.Slice((*int64)(p), n)
	}
	v, err := s.h.read(q.Path, q.Start, q.Count, q.Want, dst)
	if err != nil {
		return nil, 0, err
	}
	if grow != nil {
		return nil, 0, grow
	}
	// Some conversions (enums) make their own slice: copy it over.
	var n int
	var p unsafe.Pointer
	switch v := v.(type) {
	case []float64:
		n, p = len(v), unsafe.Pointer(unsafe.SliceData(v))
	case []int64:
		n, p = len(v), unsafe.Pointer(unsafe.SliceData(v))
	default:
		return v, 0, nil
	}
	if n > 0 && p != unsafe.Pointer(unsafe.SliceData(s.shm.mem)) {
		if err := s.shm.grow(8 * n); err != nil {
			return nil, 0, err
		}
		copy(s.shm.mem, unsafe.Slice((*byte)(p), 8*n))
	}
	return nil, n, nil
}
