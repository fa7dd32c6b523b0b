// Package inputfile opens the files a user names as input, and bounds the
// memory that one input may make oblique allocate.
//
// Open (or Check, for readers that open files by name, such as the HDF5 C
// library) refuses, with an error naming the file and saying what it is:
//
//   - anything that is not a regular file, through symbolic links too: a
//     device (/dev/zero, /dev/urandom), a named pipe (FIFO), a socket, a
//     directory. A named pipe is opened without blocking, so that it cannot
//     stall the program waiting for a writer;
//   - a sparse file mostly made of holes (more than half of its length and
//     at least MinSparse bytes), which reads as gigabytes of zeros from a
//     few kilobytes of disk.
//
// Readers that allocate by sizes read from a file (an array's shape, a
// compressed member's length) check the bytes they are about to allocate
// with CheckSize before allocating: at most Limit bytes, by default half of
// the physical memory (or of the control group's memory limit, when lower),
// settable with the environment variable LimitEnv.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Errors wrapped by the errors of this package, for callers to test with
// errors.Is.
var (
	// ErrNotRegular: the path names a device, pipe, socket or directory.
	ErrNotRegular = errors.New("not a regular file")
	// ErrSparse: the file is mostly holes.
	ErrSparse = errors.New("sparse file")
	// ErrTooLarge: reading the input would take more memory than Limit,
	// or the file is longer than its reader accepts.
	ErrTooLarge = errors.New("input too large")
)

// MinSparse is the length below which a file is never refused as sparse:
// small files may be stored inside their inode, with no data blocks.
const MinSparse = 1 << 20

// LimitEnv names the environment variable that sets Limit: a number of
// bytes, optionally with a suffix KiB, MiB, GiB or TiB ("512MiB").
const LimitEnv = "OBLIQUE_MAX_INPUT"

// reasonError is the reason a file is refused; it wraps one of the
// sentinel errors.
type reasonError struct {
	kind error
	msg  string
}

func (e *reasonError) Error() string { return e.msg }
func (e *reasonError) Unwrap() error { return e.kind }

// Open opens the file at path for reading, after checking that it is a
// regular file, not mostly holes. Errors are *fs.PathError values naming
// the path ("open x.npy: a link to /dev/zero, a character device, not a
// regular file"), as os.Open's are.
func Open(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // as os.Open says it: "open x.npy: no such file or directory"
		}
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode())
	}
	f, err := openNonblock(path)
	if err != nil {
		return nil, err
	}
	// The path may have been replaced between Stat and the open: check
	// what was opened.
	ofi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !ofi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(path, ofi.Mode())
	}
	if err := checkHoles(f, ofi); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return f, nil
}

// Check makes Open's checks on path without keeping it open, for readers
// that open files by name.
func Check(path string) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// ReadFile reads the whole file at path, checked as by Open, refusing a
// file longer than max bytes (a small text file: a manifest, a settings
// file). The error wraps ErrTooLarge and names the file.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &reasonError{ErrTooLarge,
			fmt.Sprintf("longer than %s, the most a file of this kind may hold", Bytes(max))}}
	}
	return b, nil
}

// notRegular describes what path is, following links.
func notRegular(path string, m fs.FileMode) error {
	what := Kind(m) + ", not a regular file"
	if l, err := os.Lstat(path); err == nil && l.Mode()&fs.ModeSymlink != 0 {
		if target, err := filepath.EvalSymlinks(path); err == nil {
			what = "a link to " + target + ", " + what
		}
	}
	return &fs.PathError{Op: "open", Path: path, Err: &reasonError{ErrNotRegular, what}}
}

// Kind says what a file of mode m is, for messages: "a directory", "a
// named pipe (FIFO)", "a character device", ….
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}

// sparseError describes a file of size bytes of which data are stored.
func sparseError(size, data int64) error {
	return &reasonError{ErrSparse, fmt.Sprintf("a sparse file: %s long, of which %s are stored "+
		"(the rest are holes, which read as zeros); copy it into a regular file if it is meant to be so",
		Bytes(size), Bytes(data))}
}

// CheckSize returns nil when need bytes are within Limit, else an error
// wrapping ErrTooLarge that says so ("needs 8.0 GiB, more than the 4.0
// GiB one input may take (OBLIQUE_MAX_INPUT)"); the caller names the
// input. need < 0 stands for more than any int64 holds.
func CheckSize(need int64) error {
	limit, err := Limit()
	if err != nil {
		return err
	}
	if need >= 0 && need <= limit {
		return nil
	}
	needs := "more than 8 EiB"
	if need >= 0 {
		needs = Bytes(need)
	}
	return &reasonError{ErrTooLarge, fmt.Sprintf("needs %s, more than the %s one input may take (%s; see the README)",
		needs, Bytes(limit), LimitEnv)}
}

// Limit returns the most bytes one input (an array, a MATLAB variable) may
// make oblique allocate: the value of LimitEnv when set, else half the
// memory of the machine or of its control group.
func Limit() (int64, error) {
	if v := os.Getenv(LimitEnv); v != "" {
		n, err := ParseBytes(v)
		if err != nil {
			return 0, fmt.Errorf("%s=%q: %v", LimitEnv, v, err)
		}
		return n, nil
	}
	return memory() / 2, nil
}

var units = []struct {
	suffix string
	shift  uint
}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}, {"", 0}}

// ParseBytes reads a byte count: digits, optionally followed by B, KiB,
// MiB, GiB or TiB.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n <= 0 || n > (1<<62)>>u.shift {
			break
		}
		return n << u.shift, nil
	}
	return 0, errors.New("want a positive number of bytes, optionally with a suffix KiB, MiB, GiB or TiB, like 512MiB")
}

// Bytes formats a byte count for messages: "812 B", "4.0 KiB", "3.0 GiB".
func Bytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), 0
	for v >= 1024 && i < 4 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"", "KiB", "MiB", "GiB", "TiB"}[i])
}

// List joins names read from an input (variables, fields, archive members)
// for a message: the first 20, each cut to 64 bytes, then how many more;
// "none" when there are none.
func List(names []string) string {
	const most, long = 20, 64
	if len(names) == 0 {
		return "none"
	}
	cut := make([]string, min(len(names), most))
	for i := range cut {
		cut[i] = names[i]
		if len(cut[i]) > long {
			cut[i] = strings.ToValidUTF8(cut[i][:long], "") + "…"
		}
	}
	s := strings.Join(cut, ", ")
	if len(names) > most {
		s += fmt.Sprintf(", … (%d more)", len(names)-most)
	}
	return s
}
