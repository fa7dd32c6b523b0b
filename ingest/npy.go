package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"

	"github.com/oblique-neuro/oblique/internal/kinderr"
)

// Array is a numeric array read from disk, converted to float64, in C
// (row-major) order whatever the order on disk.
type Array struct {
	Shape []int
	Data  []float64
	// DType is the NumPy type string on disk ("<f8", "|u1", …).
	DType string
}

// Rows and Cols view the array as a matrix: a 1-D array of length n is n×1,
// a 0-D array 1×1.
func (a *Array) Rows() int {
	if len(a.Shape) == 0 {
		return 1
	}
	return a.Shape[0]
}

// Cols returns the product of the trailing dimensions.
func (a *Array) Cols() int {
	c := 1
	for _, s := range a.Shape[min(1, len(a.Shape)):] {
		c *= s
	}
	return c
}

// ReadArray reads a .npy file, or the array key of a .npz archive when key is
// not empty. Any bool, integer or floating-point type is accepted.
func ReadArray(path, key string) (*Array, string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	isZip := bytes.HasPrefix(raw, []byte("PK\x03\x04")) || bytes.HasPrefix(raw, []byte("PK\x05\x06"))
	switch {
	case key == "" && isZip:
		return nil, digest, fmt.Errorf("%s is an NPZ archive: name the array as %s:KEY", path, path)
	case key != "" && !isZip:
		return nil, digest, fmt.Errorf("%s is not an NPZ archive, but array %q was asked for", path, key)
	case key != "":
		r, err := npz.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return nil, digest, kinderr.New(ErrFormat, "%s: not a readable NPZ archive: %w", path, err)
		}
		name := key
		if !strings.HasSuffix(name, ".npy") {
			name += ".npy"
		}
		rc, err := r.Open(name)
		if err != nil {
			return nil, digest, fmt.Errorf("%s: no array %q (it holds %s)", path, key, strings.Join(npzKeys(r), ", "))
		}
		member, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, digest, fmt.Errorf("%s: array %q: %w", path, key, err)
		}
		raw = member
	}
	a, err := decodeNPY(raw)
	if err != nil {
		where := path
		if key != "" {
			where += ":" + key
		}
		return nil, digest, fmt.Errorf("%s: %w", where, err)
	}
	return a, digest, nil
}

// DecodeNPY decodes the bytes of a .npy file; name is used in errors.
func DecodeNPY(raw []byte, name string) (*Array, error) {
	a, err := decodeNPY(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

func npzKeys(r *npz.Reader) []string {
	var keys []string
	for _, k := range r.Keys() {
		keys = append(keys, strings.TrimSuffix(k, ".npy"))
	}
	return keys
}

var errNotNPY = kinderr.New(ErrFormat, "not a NumPy .npy file (bad magic bytes)")

// decodeNPY checks the NPY framing itself (npyio tolerates a short data
// section) and decodes the data with npyio.
func decodeNPY(raw []byte) (a *Array, err error) {
	defer func() {
		// npyio panics on some malformed headers; a user's file must not
		// crash the program.
		if p := recover(); p != nil {
			a, err = nil, kinderr.New(ErrFormat, "malformed .npy data: %v", p)
		}
	}()
	if len(raw) >= 6 && len(raw) < 10 && string(raw[:6]) == "\x93NUMPY" {
		return nil, kinderr.New(ErrTruncated, "truncated .npy header")
	}
	if len(raw) < 10 || string(raw[:6]) != "\x93NUMPY" {
		return nil, errNotNPY
	}
	var hlen, off int
	switch raw[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	case 2, 3:
		if len(raw) < 12 {
			return nil, kinderr.New(ErrTruncated, "truncated .npy header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(raw[8:12])), 12
	default:
		return nil, kinderr.New(ErrUnsupported, "unsupported .npy format version %d", raw[6])
	}
	if off+hlen > len(raw) {
		return nil, kinderr.New(ErrTruncated, "truncated .npy header")
	}
	r, err := npy.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, kinderr.New(ErrFormat, "bad .npy header: %w", err)
	}
	h := r.Header
	dtype := h.Descr.Type
	dtype = strings.Trim(dtype, "'\"")
	size, ok := itemSize(dtype)
	if !ok {
		return nil, kinderr.New(ErrUnsupported, "unsupported element type %s (want bool, integer or float)", h.Descr.Type)
	}
	got := len(raw) - off - hlen
	n, overflow, zero := 1, false, false
	for _, s := range h.Descr.Shape {
		if s < 0 {
			return nil, kinderr.New(ErrFormat, "bad shape %v", h.Descr.Shape)
		}
		zero = zero || s == 0
		if s > 0 && n > math.MaxInt/size/s {
			overflow = true // more bytes than any file holds
		}
		n *= s
	}
	if overflow && !zero {
		return nil, kinderr.New(ErrFormat, "data section has %d bytes, shape %v of %s needs more than %d bytes (corrupt header)",
			got, h.Descr.Shape, dtype, math.MaxInt)
	}
	if zero {
		n = 0
	}
	if want := n * size; got != want {
		return nil, kinderr.New(cutShort(got < want), "data section has %d bytes, shape %v of %s needs %d (truncated or corrupt file)",
			got, h.Descr.Shape, dtype, want)
	}
	data, err := readAs(r, dtype[1:], n)
	if err != nil {
		return nil, kinderr.New(ErrFormat, "reading %s data: %w", dtype, err)
	}
	shape := append([]int(nil), h.Descr.Shape...)
	if h.Descr.Fortran && len(shape) > 1 {
		data = fortranToC(data, shape)
	}
	return &Array{Shape: shape, Data: data, DType: dtype}, nil
}

func itemSize(dtype string) (int, bool) {
	if len(dtype) != 3 || !strings.ContainsRune("<>|=", rune(dtype[0])) {
		return 0, false
	}
	switch dtype[1:] {
	case "b1", "i1", "u1":
		return 1, true
	case "i2", "u2":
		return 2, true
	case "i4", "u4", "f4":
		return 4, true
	case "i8", "u8", "f8":
		return 8, true
	}
	return 0, false
}

// readAs reads n values of the given kind as float64, holding at most one
// copy of the data besides the file's bytes.
func readAs(r *npy.Reader, kind string, n int) ([]float64, error) {
	if n == 0 {
		return []float64{}, nil
	}
	switch kind {
	case "f8":
		out := make([]float64, n)
		if err := r.Read(&out); err != nil {
			return nil, err
		}
		return out, nil
	case "f4":
		return convert[float32](r, n)
	case "i1":
		return convert[int8](r, n)
	case "i2":
		return convert[int16](r, n)
	case "i4":
		return convert[int32](r, n)
	case "i8":
		return convert[int64](r, n)
	case "u1":
		return convert[uint8](r, n)
	case "u2":
		return convert[uint16](r, n)
	case "u4":
		return convert[uint32](r, n)
	case "u8":
		return convert[uint64](r, n)
	case "b1":
		v := make([]bool, n)
		if err := r.Read(&v); err != nil {
			return nil, err
		}
		out := make([]float64, n)
		for i, b := range v {
			if b {
				out[i] = 1
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported element kind %s", kind)
}

func convert[T float32 | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](r *npy.Reader, n int) ([]float64, error) {
	v := make([]T, n)
	if err := r.Read(&v); err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i, x := range v {
		out[i] = float64(x)
	}
	return out, nil
}

// fortranToC reorders column-major data of the given shape to row-major.
func fortranToC(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	nd := len(shape)
	idx := make([]int, nd)
	for f := range data {
		// f is the Fortran linear index of idx; compute the C index.
		c := 0
		for d := 0; d < nd; d++ {
			c = c*shape[d] + idx[d]
		}
		out[c] = data[f]
		for d := 0; d < nd; d++ {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}
