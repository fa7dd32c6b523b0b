package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"os"
	"unsafe"
)

// Direct reads.
//
// Most numeric datasets of NWB files (spike times, behaviour) are stored
// contiguously: their elements lie one after the other at one offset in the
// file, in a plain integer or IEEE float type. The library says so when it
// describes the dataset (obl_layout in cgo.go: allocated contiguous storage
// in the file itself, of exactly elements × size bytes). File then reads the
// rows it is asked for with one pread of its own into the caller's slice and
// converts them there: what H5Dread does for such data, without a round trip
// to the reader process, a copy out of shared memory or the library's lock,
// and several reads can run at once. The results are those of the library,
// bit for bit (TestDirectMatchesLibrary). Anything else (chunked or
// compressed data, float16, enums, strings) is read by the library.

// layout says where a dataset's elements are when File can read them
// itself.
type layout struct {
	// Direct reports contiguous storage of a plain number type at Offset
	// bytes from the start of the file.
	Direct    bool
	Offset    int64
	BigEndian bool
}

// fileIdent identifies the file the library has open: its device and
// inode, when the library reads it through its default driver.
type fileIdent struct {
	OK       bool
	Dev, Ino uint64
}

// directReads switches direct reads on; tests switch them off to compare.
var directReads = true

// openRaw opens name for direct reads when it is the file the library
// opened (the same device and inode: not a file renamed into its place
// since), and returns it with its size; else it returns nil and the library
// reads everything.
func openRaw(name string, id fileIdent) (*os.File, int64) {
	if !directReads || !id.OK {
		return nil, 0
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0
	}
	st, err := f.Stat()
	if err != nil || statIdent(st) != id {
		f.Close()
		return nil, 0
	}
	return f, st.Size()
}

var nativeBig = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// readDirect reads rows [start, start+count) (count -1: to the end) of the
// dataset at p as w asks, from the file, when it can: ok is false when the
// library must read them. Its checks and errors are those of the library's
// read (handle.read).
func (f *File) readDirect(p string, start, count int, w want, dst any) (v any, ok bool, err error) {
	if f.raw == nil || (w != wantFloat && w != wantInt) {
		return nil, false, nil
	}
	info, lay, err := f.c.dataset(p, f.b)
	if err != nil || !lay.Direct || info.Null {
		return nil, false, nil // the library's read gives its own error
	}
	d := info.Dtype
	swap := lay.BigEndian != nativeBig
	if d.Class == Float && d.Size == 4 && swap {
		// The library widens such floats bit by bit, and makes every
		// NaN all ones: let it.
		return nil, false, nil
	}
	if err := w.accepts(d); err != nil {
		return nil, true, err
	}
	if count, err = rowRange(start, count, info.Rows()); err != nil {
		return nil, true, err
	}
	// The whole dataset must lie inside the file, which also keeps the
	// offsets below from overflowing; else the library reads (and says
	// what is wrong).
	all, err := elements(info.Rows(), info.Shape)
	if err != nil || int64(all) > (f.size-lay.Offset)/int64(d.Size) {
		return nil, false, nil
	}
	n, err := elements(count, info.Shape)
	if err != nil {
		return nil, true, err
	}
	if n == 0 {
		return empty(w), true, nil
	}
	row := n / count
	size := d.Size
	off := lay.Offset + int64(start)*int64(row)*int64(size)
	// Read the n elements into the tail of the 8n bytes of the result
	// and widen them forwards: element i is read before element i is
	// written, and writing it (bytes 8i to 8i+8) never reaches element
	// i+1 (from byte (8−size)·n + size·(i+1)).
	var mem unsafe.Pointer
	var fl []float64
	var in []int64
	if w == wantFloat {
		fl, _ = dst.([]float64)
		if len(fl) < n {
			fl = make([]float64, n)
		}
		fl = fl[:n]
		mem = unsafe.Pointer(&fl[0])
	} else {
		in, _ = dst.([]int64)
		if len(in) < n {
			in = make([]int64, n)
		}
		in = in[:n]
		mem = unsafe.Pointer(&in[0])
	}
	raw := unsafe.Slice((*byte)(mem), 8*n)[(8-size)*n:]
	if _, err := f.raw.ReadAt(raw, off); err != nil {
		return nil, true, fmt.Errorf("cannot read %d bytes at offset %d: %v", len(raw), off, err)
	}
	if w == wantFloat {
		widenFloats(fl, raw, d, swap)
		return fl, true, nil
	}
	widenInts(in, raw, d, swap)
	if d.Class == Uint && size == 8 {
		if err := uint64sFit(in); err != nil {
			return nil, true, err
		}
	}
	return in, true, nil
}

// word returns element i of raw, elements of size bytes in file order, as
// its bits in native order.
func word(raw []byte, i, size int, swap bool) uint64 {
	b := raw[i*size : i*size+size]
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		x := binary.NativeEndian.Uint16(b)
		if swap {
			x = bits.ReverseBytes16(x)
		}
		return uint64(x)
	case 4:
		x := binary.NativeEndian.Uint32(b)
		if swap {
			x = bits.ReverseBytes32(x)
		}
		return uint64(x)
	}
	x := binary.NativeEndian.Uint64(b)
	if swap {
		x = bits.ReverseBytes64(x)
	}
	return x
}

// signed sign-extends the size-byte integer x.
func signed(x uint64, size int) int64 {
	s := 64 - 8*uint(size)
	return int64(x<<s) >> s
}

// widenFloats converts the elements in raw (the tail of out's memory) to
// float64 in out, as the library converts numbers.
func widenFloats(out []float64, raw []byte, d Dtype, swap bool) {
	size := d.Size
	switch {
	case d.Class == Float && size == 8:
		if swap {
			for i := range out {
				out[i] = math.Float64frombits(bits.ReverseBytes64(math.Float64bits(out[i])))
			}
		}
	case d.Class == Float:
		for i := range out {
			out[i] = float64(math.Float32frombits(uint32(word(raw, i, 4, swap))))
		}
	case d.Class == Int:
		for i := range out {
			out[i] = float64(signed(word(raw, i, size, swap), size))
		}
	default:
		for i := range out {
			out[i] = float64(word(raw, i, size, swap))
		}
	}
}

// widenInts converts the integers in raw (the tail of out's memory) to
// int64 in out; a uint64 is kept as its bits, for uint64sFit to check.
func widenInts(out []int64, raw []byte, d Dtype, swap bool) {
	size := d.Size
	if size == 8 && !swap {
		return
	}
	for i := range out {
		x := word(raw, i, size, swap)
		if d.Class == Int {
			out[i] = signed(x, size)
		} else {
			out[i] = int64(x)
		}
	}
}

// uint64sFit checks that the uint64s held as the bits of v fit an int64.
func uint64sFit(v []int64) error {
	for i, x := range v {
		if x < 0 {
			return fmt.Errorf("element %d: %d does not fit an int64", i, uint64(x))
		}
	}
	return nil
}
