//go:build cgo && unix

package hdf5

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Reader processes.
//
// A File opened in the default mode has a reader process of its own: the
// program started again (serve.go), with the HDF5 library reading the file
// there. Requests and responses go through two pipes; numbers read by the
// library through shared memory (shared.go); contiguous datasets are read by
// File itself (direct.go). A call that outlasts what is left of the file's
// time limit gets the process killed and returns an error wrapping
// ErrTimeout; a fault kills only the reader. Closing the file returns the
// process to a pool of idle readers (maxIdle) for the next file.

// maxIdle is the number of idle reader processes kept for later files.
const maxIdle = 2

// child is a reader process.
type child struct {
	cmd    *exec.Cmd
	req    *os.File // requests, written here
	resp   *os.File // responses, read here
	life   *os.File // the lifeline's write end, never written (serve)
	bw     *bufio.Writer
	enc    *gob.Encoder
	dec    *gob.Decoder
	shm    shared
	stderr *tail
	done   chan struct{} // closed once the process has ended and been waited for
	exit   error         // how it ended, once done is closed
}

// executable is the program to start as a reader: this one.
func executable() (string, error) {
	if runtime.GOOS == "linux" {
		return "/proc/self/exe", nil // even if the file was replaced since
	}
	return os.Executable()
}

// errSpawn prefixes the errors of starting a reader process.
var errSpawn = "cannot start an HDF5 reader process (" + ModeEnv + "=inprocess reads in this process instead, without a time limit)"

// spawn starts a reader process.
func spawn() (*child, error) {
	exe, err := executable()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", errSpawn, err)
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", errSpawn, err)
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("%s: %w", errSpawn, err)
	}
	shm, err := newShared()
	if err != nil {
		for _, f := range []*os.File{reqR, reqW, respR, respW} {
			f.Close()
		}
		return nil, fmt.Errorf("%s: %w", errSpawn, err)
	}
	lifeR, lifeW, err := os.Pipe()
	if err != nil {
		for _, f := range []*os.File{reqR, reqW, respR, respW, shm} {
			f.Close()
		}
		return nil, fmt.Errorf("%s: %w", errSpawn, err)
	}
	c := &child{req: reqW, resp: respR, life: lifeW, shm: shared{f: shm}, stderr: &tail{}, done: make(chan struct{})}
	c.cmd = exec.Command(exe)
	c.cmd.Env = append(os.Environ(), readerEnv+"="+strconv.Itoa(os.Getpid()))
	c.cmd.ExtraFiles = []*os.File{fdRequests - 3: reqR, fdResponses - 3: respW, fdShared - 3: shm, fdLifeline - 3: lifeR}
	c.cmd.Stderr = c.stderr
	c.cmd.SysProcAttr = sysProcAttr()
	onSpawnThread(func() { err = c.cmd.Start() })
	reqR.Close()
	respW.Close()
	lifeR.Close()
	if err != nil {
		for _, f := range []*os.File{reqW, respR, lifeW, shm} {
			f.Close()
		}
		return nil, fmt.Errorf("%s: %w", errSpawn, err)
	}
	c.bw = bufio.NewWriterSize(reqW, 4<<10)
	c.enc = gob.NewEncoder(c.bw)
	c.dec = gob.NewDecoder(bufio.NewReaderSize(respR, 64<<10))
	go func() {
		c.exit = c.cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// roundTrip sends q and reads the response into r, killing the process if
// that takes longer than limit (0: no limit). It returns whether the limit
// was reached; after a false return with an error, the process is gone.
func (c *child) roundTrip(q *request, r *response, limit time.Duration) (timedOut bool, err error) {
	if err := c.enc.Encode(q); err != nil {
		return false, err
	}
	if err := c.bw.Flush(); err != nil {
		return false, err
	}
	var fired atomic.Bool
	var t *time.Timer
	if limit > 0 {
		t = time.AfterFunc(limit, func() {
			fired.Store(true)
			c.cmd.Process.Kill()
		})
	}
	err = c.dec.Decode(r)
	if t != nil {
		t.Stop()
	}
	if fired.Load() {
		return true, ErrTimeout
	}
	return false, err
}

// kill ends the process and waits for it.
func (c *child) kill() {
	c.cmd.Process.Kill()
	c.wait()
}

// stop asks the process to end (end of file on its requests) and waits for
// it, killing it if it takes more than a second.
func (c *child) stop() {
	c.req.Close()
	select {
	case <-c.done:
	case <-time.After(time.Second):
		c.cmd.Process.Kill()
	}
	c.wait()
}

// wait waits for the process to have ended and closes this side.
func (c *child) wait() {
	<-c.done
	c.req.Close()
	c.resp.Close()
	c.life.Close()
	c.shm.close()
}

// died describes the end of a process that stopped answering.
func (c *child) died() error {
	select {
	case <-c.done:
	case <-time.After(time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
	how := "it ended"
	if c.exit != nil {
		how = c.exit.Error()
	}
	if msg := c.stderr.firstLine(); msg != "" {
		how += ": " + msg
	}
	return fmt.Errorf("%w while reading this (a corrupt file?): its reader process ended (%s)", ErrFault, how)
}

// The idle reader processes.
var readers struct {
	mu   sync.Mutex
	idle []*child
}

// takeChild returns an idle reader, or a new one (fresh).
func takeChild() (c *child, fresh bool, err error) {
	readers.mu.Lock()
	if n := len(readers.idle); n > 0 {
		c = readers.idle[n-1]
		readers.idle = readers.idle[:n-1]
	}
	readers.mu.Unlock()
	if c != nil {
		return c, false, nil
	}
	c, err = spawn()
	return c, true, err
}

// giveBack keeps c for a later file, or stops it.
func giveBack(c *child) {
	readers.mu.Lock()
	if len(readers.idle) < maxIdle {
		readers.idle = append(readers.idle, c)
		c = nil
	}
	readers.mu.Unlock()
	if c != nil {
		c.stop()
	}
}

func stopReaders() {
	readers.mu.Lock()
	idle := readers.idle
	readers.idle = nil
	readers.mu.Unlock()
	for _, c := range idle {
		c.stop()
	}
}

// remote is a file open in a reader process.
type remote struct {
	mu    sync.Mutex
	c     *child // nil once closed or lost
	limit time.Duration
	used  time.Duration // spent in calls so far
	gone  error         // set when the reader was lost: every later call returns it
	id    fileIdent
}

var _ backend = (*remote)(nil)

// Errors of a file whose reader process was lost.
var (
	errFaultRemote = fmt.Errorf("%w while reading this: the file is corrupt (its reader process was ended)", ErrFault)
	errFaultEarly  = fmt.Errorf("%w on an earlier read of this file, which is corrupt", ErrFault)
	errLostEarly   = fmt.Errorf("%w on an earlier read of this file: its reader process ended", ErrFault)
	errTimeEarly   = fmt.Errorf("%w on an earlier read of this file", ErrTimeout)
)

// openRemote opens name in a reader process; limit (0: none) bounds the
// time its calls may take in all.
func openRemote(name string, limit time.Duration) (*remote, error) {
	if err := checkFile(name); err != nil {
		return nil, err
	}
	// The reader may have been started in another directory.
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, err
	}
	for {
		c, fresh, err := takeChild()
		if err != nil {
			return nil, err
		}
		r := &remote{c: c, limit: limit}
		resp, err := r.call(request{Op: opOpen, Path: abs})
		switch {
		case err != nil && !fresh && r.gone == errLostEarly:
			continue // an idle reader that had ended (killed from outside): take another
		case err != nil:
			return nil, err
		case resp.Err != nil:
			giveBack(c) // it has no file open
			return nil, resp.Err.err()
		}
		r.id = resp.Ident
		return r, nil
	}
}

// call sends q and returns the response; the error is that of the reader
// process (lost, timed out, faulted), the response's own error is left to
// the caller. Call it with r.mu held.
func (r *remote) call(q request) (*response, error) {
	if r.gone != nil {
		return nil, r.gone
	}
	if r.c == nil {
		return nil, ErrClosed
	}
	var limit time.Duration
	if r.limit > 0 {
		limit = max(r.limit-r.used, time.Nanosecond)
	}
	var resp response
	start := time.Now()
	timedOut, err := r.c.roundTrip(&q, &resp, limit)
	r.used += time.Since(start)
	switch {
	case timedOut:
		r.lose(errTimeEarly)
		return nil, fmt.Errorf("%w (%s=%v for each file; is it corrupt?): its reader process was killed", ErrTimeout, TimeoutEnv, r.limit)
	case err != nil:
		err = r.c.died()
		r.lose(errLostEarly)
		return nil, err
	case resp.Faulted:
		r.lose(errFaultEarly)
		return nil, errFaultRemote
	}
	return &resp, nil
}

// lose kills the reader; later calls return err.
func (r *remote) lose(err error) {
	r.c.kill()
	r.c = nil
	r.gone = err
}

func (r *remote) ident() fileIdent { return r.id }

func (r *remote) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.c == nil {
		return nil
	}
	resp, err := r.call(request{Op: opClose})
	if err != nil {
		return nil // the reader is gone, and the file with it
	}
	giveBack(r.c)
	r.c = nil
	return resp.Err.err()
}

// do runs one request and returns its response, or the error of either.
func (r *remote) do(q request) (*response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	resp, err := r.call(q)
	if err != nil {
		return nil, err
	}
	return resp, resp.Err.err()
}

var _ batcher = (*remote)(nil)

func (r *remote) batch(asks []ask) []answer {
	q := request{Op: opBatch, Batch: make([]request, len(asks))}
	for i, a := range asks {
		b := request{Op: opStat, Path: a.q.Path, Siblings: a.siblings}
		switch {
		case a.q.Attr != "":
			b.Op, b.Name = opAttr, a.q.Attr
		case a.q.Dataset:
			b.Op = opDataset
		}
		q.Batch[i] = b
	}
	resp, err := r.do(q)
	if err != nil {
		return nil // the calls will say
	}
	out := make([]answer, 0, len(resp.Batch))
	for i, b := range resp.Batch[:min(len(resp.Batch), len(asks))] {
		a := answer{ask: asks[i], stat: b.Stat, value: nonNil(b.Value), err: b.Err.err()}
		if asks[i].q.Dataset {
			a.stat.Info, a.stat.Layout = b.Info, b.Layout
		}
		out = append(out, a)
	}
	return out
}

func (r *remote) stat(p string, siblings bool) (statInfo, error) {
	resp, err := r.do(request{Op: opStat, Path: p, Siblings: siblings})
	if resp == nil {
		return statInfo{}, err
	}
	return resp.Stat, err
}

func (r *remote) members(p string) ([]Member, error) {
	resp, err := r.do(request{Op: opMembers, Path: p})
	if err != nil {
		return nil, err
	}
	if resp.Members == nil {
		resp.Members = []Member{}
	}
	return resp.Members, nil
}

func (r *remote) dataset(p string) (DatasetInfo, layout, error) {
	resp, err := r.do(request{Op: opDataset, Path: p})
	if err != nil {
		return DatasetInfo{}, layout{}, err
	}
	return resp.Info, resp.Layout, nil
}

func (r *remote) attrNames(p string) ([]string, error) {
	resp, err := r.do(request{Op: opAttrNames, Path: p})
	if err != nil {
		return nil, err
	}
	if resp.Names == nil {
		resp.Names = []string{}
	}
	return resp.Names, nil
}

func (r *remote) attr(p, name string) (any, error) {
	resp, err := r.do(request{Op: opAttr, Path: p, Name: name})
	if err != nil {
		return nil, err
	}
	return nonNil(resp.Value), nil
}

// nonNil undoes gob's decoding of an empty slice as nil: a library read
// gives an empty slice, never nil.
func nonNil(v any) any {
	switch s := v.(type) {
	case []int64:
		if s == nil {
			return []int64{}
		}
	case []uint64:
		if s == nil {
			return []uint64{}
		}
	case []float64:
		if s == nil {
			return []float64{}
		}
	case []bool:
		if s == nil {
			return []bool{}
		}
	case []string:
		if s == nil {
			return []string{}
		}
	case []Ref:
		if s == nil {
			return []Ref{}
		}
	}
	return v
}

func (r *remote) read(p string, start, count int, w want, dst any) (any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	resp, err := r.call(request{Op: opRead, Path: p, Start: start, Count: count, Want: w})
	if err != nil {
		return nil, err
	}
	if err := resp.Err.err(); err != nil {
		return nil, err
	}
	if w != wantFloat && w != wantInt {
		if resp.Value == nil {
			return empty(w), nil
		}
		return nonNil(resp.Value), nil
	}
	n := resp.Shared
	if n == 0 {
		return empty(w), nil
	}
	mem, err := r.c.shm.view(8 * n)
	if err != nil {
		return nil, err
	}
	if w == wantFloat {
		out, _ := dst.([]float64)
		if len(out) < n {
			out = make([]float64, n)
		}
		out = out[:n]
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 8*n), mem)
		return out, nil
	}
	out, _ := dst.([]int64)
	if len(out) < n {
		out = make([]int64, n)
	}
	out = out[:n]
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 8*n), mem)
	return out, nil
}

// tail keeps the first bytes a reader process writes to its standard
// error (a Go runtime's fatal error, say), for the error that reports its
// end.
type tail struct {
	mu sync.Mutex
	b  []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := 1024 - len(t.b); n > 0 {
		t.b = append(t.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

func (t *tail) firstLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	line, _, _ := bytes.Cut(bytes.TrimSpace(t.b), []byte("\n"))
	return string(line)
}
