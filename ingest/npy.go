package ingest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/oblique-neuro/oblique/internal/inputfile"
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
// not empty, and returns it with the SHA-256 digest of the file. Any bool,
// integer or floating-point type is accepted, in either byte order.
//
// Memory is bounded: the file must be a regular file (see package
// internal/inputfile); the data are streamed from the file (or the
// archive's member) into the float64 array, which is allocated only once
// the header's shape has been checked against the bytes present (the
// member's declared size for NPZ, which the archive reader then enforces)
// and against inputfile.Limit.
func ReadArray(path, key string) (*Array, string, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	size := before.Size()
	var magic [4]byte
	n, err := f.ReadAt(magic[:], 0)
	if err != nil && err != io.EOF {
		return nil, "", err
	}
	isZip := n == 4 && (string(magic[:]) == "PK\x03\x04" || string(magic[:]) == "PK\x05\x06")
	h := sha256.New()
	var a *Array
	switch {
	case key == "" && isZip:
		return nil, "", fmt.Errorf("%s is an NPZ archive: name the array as %s:KEY", path, path)
	case key != "" && !isZip:
		return nil, "", fmt.Errorf("%s is not an NPZ archive, but array %q was asked for", path, key)
	case key != "":
		if a, err = readMember(f, size, key); err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, size)); err != nil {
			return nil, "", err
		}
	default:
		// The digest is taken of the bytes decoded.
		r := io.TeeReader(io.NewSectionReader(f, 0, size), h)
		if a, err = decodeNPY(r, size); err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
	}
	after, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if stateOf(after) != stateOf(before) {
		return nil, "", fmt.Errorf("%s changed while it was read: read it again", path)
	}
	return a, hex.EncodeToString(h.Sum(nil)), nil
}

// readMember decodes the array key of the NPZ archive in r.
func readMember(r io.ReaderAt, size int64, key string) (*Array, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, kinderr.New(ErrFormat, "not a readable NPZ archive: %w", err)
	}
	name := key
	if !strings.HasSuffix(name, ".npy") {
		name += ".npy"
	}
	var m *zip.File
	names := make([]string, 0, len(z.File))
	for _, f := range z.File {
		if f.Name == name {
			m = f
		}
		names = append(names, strings.TrimSuffix(f.Name, ".npy"))
	}
	if m == nil {
		return nil, fmt.Errorf("no array %q (it holds %s)", key, inputfile.List(names))
	}
	if m.UncompressedSize64 > math.MaxInt64 {
		return nil, fmt.Errorf("array %q: member size %d is corrupt", key, m.UncompressedSize64)
	}
	rc, err := m.Open()
	if err != nil {
		return nil, fmt.Errorf("array %q: %v", key, err)
	}
	defer rc.Close()
	a, err := decodeNPY(rc, int64(m.UncompressedSize64))
	if err != nil {
		return nil, fmt.Errorf("array %q: %w", key, err)
	}
	// The member must end where it said it would; zip checks its CRC there.
	if _, err := rc.Read(make([]byte, 1)); err != io.EOF {
		if err == nil {
			err = errors.New("the member holds more bytes than the archive declares")
		}
		return nil, fmt.Errorf("array %q: %v", key, err)
	}
	return a, nil
}

// DecodeNPY decodes the bytes of a .npy file; name is used in errors.
func DecodeNPY(raw []byte, name string) (*Array, error) {
	a, err := decodeNPY(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

var errNotNPY = kinderr.New(ErrFormat, "not a NumPy .npy file (bad magic bytes)")

// maxHeader bounds the length of an .npy header (NumPy's own default
// bound is 10000 bytes).
const maxHeader = 1 << 16

// decodeNPY decodes an .npy stream of size bytes from r. It reads the
// header, checks that its shape and type need exactly the bytes that
// follow and that their float64 form is within inputfile.Limit, and only
// then allocates the array and reads the data into it.
func decodeNPY(r io.Reader, size int64) (*Array, error) {
	var pre [12]byte
	if size < 10 {
		if size >= 6 {
			return nil, kinderr.New(ErrTruncated, "truncated .npy header")
		}
		return nil, errNotNPY
	}
	if _, err := io.ReadFull(r, pre[:10]); err != nil {
		return nil, fmt.Errorf("reading the header: %v", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, errNotNPY
	}
	var hlen, off int64
	switch pre[6] {
	case 1:
		hlen, off = int64(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		if size < 12 {
			return nil, kinderr.New(ErrTruncated, "truncated .npy header")
		}
		if _, err := io.ReadFull(r, pre[10:12]); err != nil {
			return nil, fmt.Errorf("reading the header: %v", err)
		}
		hlen, off = int64(binary.LittleEndian.Uint32(pre[8:12])), 12
	default:
		return nil, kinderr.New(ErrUnsupported, "unsupported .npy format version %d", pre[6])
	}
	if off+hlen > size {
		return nil, kinderr.New(ErrTruncated, "truncated .npy header")
	}
	if hlen > maxHeader {
		return nil, kinderr.New(ErrFormat, "bad .npy header: %d bytes long, more than the %d accepted", hlen, maxHeader)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf("reading the header: %v", err)
	}
	h, err := parseHeader(string(text))
	if err != nil {
		return nil, kinderr.New(ErrFormat, "bad .npy header: %w", err)
	}
	var k kind
	if len(h.descr) == 3 && strings.ContainsRune("<>|=", rune(h.descr[0])) {
		k = kinds[h.descr[1:]]
	}
	if k.size == 0 {
		return nil, kinderr.New(ErrUnsupported, "unsupported element type %s (want bool, integer or float)", quote(h.descr))
	}
	got := size - off - hlen
	n, overflow, zero := int64(1), false, false
	for _, s := range h.shape {
		zero = zero || s == 0
		if s > 0 && n > math.MaxInt64/int64(k.size)/s {
			overflow = true // more bytes than any file holds
		}
		n *= s
	}
	if zero {
		n = 0
	}
	if overflow && !zero {
		return nil, kinderr.New(ErrFormat, "data section has %d bytes, shape %v of %s needs more than %d bytes (corrupt header)",
			got, h.shape, h.descr, int64(math.MaxInt64))
	}
	if want := n * int64(k.size); got != want {
		return nil, kinderr.New(cutShort(got < want), "data section has %d bytes, shape %v of %s needs %d (truncated or corrupt file)",
			got, h.shape, h.descr, want)
	}
	if err := inputfile.CheckSize(8 * n); err != nil {
		return nil, fmt.Errorf("shape %v as float64 %w", h.shape, err)
	}
	shape := make([]int, len(h.shape))
	for i, s := range h.shape {
		shape[i] = int(s)
	}
	// '=' and '|' (which NumPy writes for one-byte types) mean the
	// machine's order.
	swap := h.descr[0] == '<' && !littleEndian || h.descr[0] == '>' && littleEndian
	data, err := readData(r, k, swap, int(n), shape, h.fortran)
	if err != nil {
		return nil, kinderr.New(ErrFormat, "reading %s data: %w", h.descr, err)
	}
	if err := checkByteOrder(data, h.descr); err != nil {
		return nil, err
	}
	return &Array{Shape: shape, Data: data, DType: h.descr}, nil
}

// littleEndian says whether the machine is little-endian.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// kind is an element type: its name ("f8"), size in bytes and the
// conversion of elements held in the machine's byte order to float64.
type kind struct {
	name  string
	size  int
	widen func(src []byte, dst []float64)
}

var kinds = map[string]kind{
	"b1": {"b1", 1, func(src []byte, dst []float64) {
		for i, b := range src[:len(dst)] {
			dst[i] = 0
			if b != 0 {
				dst[i] = 1
			}
		}
	}},
	"i1": {"i1", 1, widen[int8]}, "u1": {"u1", 1, widen[uint8]},
	"i2": {"i2", 2, widen[int16]}, "u2": {"u2", 2, widen[uint16]},
	"i4": {"i4", 4, widen[int32]}, "u4": {"u4", 4, widen[uint32]}, "f4": {"f4", 4, widen[float32]},
	"i8": {"i8", 8, widen[int64]}, "u8": {"u8", 8, widen[uint64]}, "f8": {"f8", 8, widen[float64]},
}

// widen converts the len(dst) elements of type T at the start of src to
// float64. src must be aligned for T: it is a block from make.
func widen[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64](src []byte, dst []float64) {
	s := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(src))), len(dst))
	for i, v := range s {
		dst[i] = float64(v)
	}
}

// swapBytes reverses the bytes of each size-byte element of b.
func swapBytes(b []byte, size int) {
	p := unsafe.Pointer(unsafe.SliceData(b))
	switch size {
	case 2:
		for i, v := range unsafe.Slice((*uint16)(p), len(b)/2) {
			*(*uint16)(unsafe.Add(p, 2*i)) = bits.ReverseBytes16(v)
		}
	case 4:
		for i, v := range unsafe.Slice((*uint32)(p), len(b)/4) {
			*(*uint32)(unsafe.Add(p, 4*i)) = bits.ReverseBytes32(v)
		}
	case 8:
		for i, v := range unsafe.Slice((*uint64)(p), len(b)/8) {
			*(*uint64)(unsafe.Add(p, 8*i)) = bits.ReverseBytes64(v)
		}
	}
}

// chunk is the size of the blocks data are read in.
const chunk = 1 << 16

// readData reads n elements of kind k from r into a new []float64 in C
// order; swap says the file's byte order is not the machine's. Elements
// stored in Fortran order are placed as they arrive; float64 in the
// machine's order and C order is read straight into the array.
func readData(r io.Reader, k kind, swap bool, n int, shape []int, fortran bool) ([]float64, error) {
	out := make([]float64, n)
	if n == 0 {
		return out, nil
	}
	fortran = fortran && len(shape) > 1
	if k.name == "f8" && !swap && !fortran {
		_, err := io.ReadFull(r, unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 8*n))
		return out, err
	}
	buf := make([]byte, chunk)
	var vals []float64 // Fortran order: a block's values before they are placed
	if fortran {
		vals = make([]float64, chunk/k.size)
	}
	idx := make([]int, len(shape)) // Fortran order: the index of element f
	for f := 0; f < n; {
		m := min(chunk/k.size, n-f)
		b := buf[:m*k.size]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		if swap && k.size > 1 {
			swapBytes(b, k.size)
		}
		if !fortran {
			k.widen(b, out[f:f+m])
			f += m
			continue
		}
		k.widen(b, vals[:m])
		for _, v := range vals[:m] {
			c := 0
			for d := range shape {
				c = c*shape[d] + idx[d]
			}
			out[c] = v
			for d := range shape {
				idx[d]++
				if idx[d] < shape[d] {
					break
				}
				idx[d] = 0
			}
		}
		f += m
	}
	return out, nil
}

// checkByteOrder refuses float data that look byte-swapped: read in the
// header's byte order, a tenth or more of the non-zero values are tinier
// than any measured quantity (below 1e-200 in magnitude for float64, 1e-30
// for float32), while read in the other order fewer than 1 in 100 are
// tinier or larger than any (above 1e200, 1e30) or not finite. Whole spike
// counts stored as float64 and read in the wrong order are all subnormal
// numbers near 1e-320, which analyses would take for zeros; random
// mantissa bits read as an exponent make a sixth of real-valued data that
// tiny. Data that are merely huge (counts scaled by 1e300) are left to the
// analysis, which reports the overflow. NaN values (missing samples) are
// left out of the count, and arrays of fewer than minByteOrderValues
// non-zero values are not judged: a handful of extreme values (a test's
// deliberately huge weights) says nothing about byte order.
func checkByteOrder(data []float64, descr string) error {
	const minByteOrderValues = 64
	var tiny, huge float64
	var swap func(float64) float64
	switch descr[1:] {
	case "f8":
		tiny, huge = 1e-200, 1e200
		swap = func(v float64) float64 { return math.Float64frombits(bits.ReverseBytes64(math.Float64bits(v))) }
	case "f4":
		tiny, huge = 1e-30, 1e30
		swap = func(v float64) float64 {
			return float64(math.Float32frombits(bits.ReverseBytes32(math.Float32bits(float32(v)))))
		}
	default:
		return nil
	}
	var nonzero, asRead, swapped int
	for _, v := range data {
		if v == 0 || math.IsNaN(v) {
			continue
		}
		nonzero++
		if math.Abs(v) < tiny {
			asRead++
		}
		// NaN compares false: it counts as out of range.
		if s := math.Abs(swap(v)); s != 0 && !(s >= tiny && s <= huge) {
			swapped++
		}
	}
	if nonzero < minByteOrderValues || 10*asRead < nonzero || 100*swapped >= nonzero {
		return nil
	}
	order, other := "little-endian", "big-endian"
	if descr[0] == '>' {
		order, other = other, order
	}
	return fmt.Errorf("%d of the %d non-zero values, read as %s (%s, as the header says), are below %g in magnitude, "+
		"and read %s %d are outside %g to %g: the data look byte-swapped, the header's byte order wrong "+
		"(in NumPy, a.view(a.dtype.newbyteorder()) reads them the other way round)",
		asRead, nonzero, descr, order, tiny, other, swapped, tiny, huge)
}

// header is the dictionary of an .npy header.
type header struct {
	descr   string
	fortran bool
	shape   []int64
}

// parseHeader reads the Python dictionary literal of an .npy header:
// {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }, padded with
// spaces and a newline. It takes the three keys NumPy writes, no others.
func parseHeader(s string) (header, error) {
	p := &pyParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return header{}, err
	}
	if rest := strings.Trim(p.s[p.i:], " \t\r\n\x00"); rest != "" {
		return header{}, fmt.Errorf("%s after the dictionary", quote(rest))
	}
	d, ok := v.(pyDict)
	if !ok {
		return header{}, fmt.Errorf("%s is not a dictionary", quote(s))
	}
	var h header
	seen := map[string]bool{}
	for _, kv := range d {
		k, _ := kv.key.(string)
		if seen[k] {
			return header{}, fmt.Errorf("key %s given twice", quote(k))
		}
		seen[k] = true
		switch k {
		case "descr":
			switch t := kv.val.(type) {
			case string:
				h.descr = t
			case pyList:
				return header{}, fmt.Errorf("unsupported element type: a structured array (%s)", quote(p.s[t.start:t.end]))
			default:
				return header{}, fmt.Errorf("descr is %s, not a type string", pyType(kv.val))
			}
		case "fortran_order":
			b, ok := kv.val.(bool)
			if !ok {
				return header{}, fmt.Errorf("fortran_order is %s, not True or False", pyType(kv.val))
			}
			h.fortran = b
		case "shape":
			t, ok := kv.val.(pyList)
			if !ok || !t.tuple {
				return header{}, fmt.Errorf("shape is %s, not a tuple", pyType(kv.val))
			}
			for _, e := range t.elems {
				n, ok := e.(int64)
				if !ok || n < 0 {
					return header{}, fmt.Errorf("bad shape %s", quote(p.s[t.start:t.end]))
				}
				h.shape = append(h.shape, n)
			}
		default:
			return header{}, fmt.Errorf("unexpected key %s (want descr, fortran_order and shape)", quote(fmt.Sprint(kv.key)))
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return header{}, fmt.Errorf("no %s", k)
		}
	}
	return h, nil
}

// quote quotes s for a message, cut to 60 bytes.
func quote(s string) string {
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "…"
	}
	return fmt.Sprintf("%q", s)
}

// The values of a Python literal: string, bool, int64, nil (None), pyList
// (a tuple or list) and pyDict.
type (
	pyList struct {
		elems      []any
		tuple      bool
		start, end int // the literal's place in the text
	}
	pyDict []struct{ key, val any }
)

func pyType(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case bool:
		return "a bool"
	case int64:
		return "a number"
	case pyList:
		if v.tuple {
			return "a tuple"
		}
		return "a list"
	case pyDict:
		return "a dictionary"
	}
	return "None"
}

// maxLiteralDepth bounds the nesting of a header's literal.
const maxLiteralDepth = 16

// pyParser reads the Python literals of .npy headers.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: "+format, append([]any{p.i}, args...)...)
}

// value reads one literal.
func (p *pyParser) value(depth int) (any, error) {
	if depth > maxLiteralDepth {
		return nil, p.errorf("nested more than %d deep", maxLiteralDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.s[p.i]; c {
	case '\'', '"':
		return p.str()
	case '(', '[':
		start := p.i
		close := map[byte]byte{'(': ')', '[': ']'}[c]
		p.i++
		l := pyList{tuple: c == '(', start: start}
		for {
			p.space()
			if p.i < len(p.s) && p.s[p.i] == close {
				p.i++
				break
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			l.elems = append(l.elems, v)
			if err := p.sep(close); err != nil {
				return nil, err
			}
		}
		l.end = p.i
		return l, nil
	case '{':
		p.i++
		var d pyDict
		for {
			p.space()
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return d, nil
			}
			k, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, p.errorf("want ':' after a key")
			}
			p.i++
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			d = append(d, struct{ key, val any }{k, v})
			if err := p.sep('}'); err != nil {
				return nil, err
			}
		}
	}
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n,:)]}([{'\"", p.s[p.i]) < 0 {
		p.i++
	}
	word := p.s[start:p.i]
	switch word {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return nil, nil
	}
	// Python 2 NumPy wrote long integers with an L.
	num := strings.TrimSuffix(word, "L")
	var n int64
	if num == "" || len(num) > 19 {
		return nil, p.errorf("%s is not a value", quote(word))
	}
	for _, d := range []byte(num) {
		if d < '0' || d > '9' || n > (math.MaxInt64-int64(d-'0'))/10 {
			return nil, p.errorf("%s is not a value", quote(word))
		}
		n = 10*n + int64(d-'0')
	}
	return n, nil
}

// sep reads the ',' between elements, or sees the closing bracket.
func (p *pyParser) sep(close byte) error {
	p.space()
	switch {
	case p.i >= len(p.s):
		return p.errorf("unexpected end")
	case p.s[p.i] == ',':
		p.i++
		return nil
	case p.s[p.i] == close:
		return nil
	}
	return p.errorf("want ',' or %q", close)
}

// str reads a quoted string; escapes are kept as written (the strings of
// .npy headers have none).
func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	p.i++
	start := p.i
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\\':
			p.i += 2
			continue
		case q:
			p.i++
			return p.s[start : p.i-1], nil
		case '\n':
			return "", p.errorf("unterminated string")
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}
