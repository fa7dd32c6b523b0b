package matfile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Data types of level 5 data elements (the "mi" types of the format).
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
	miUTF8       = 16
	miUTF16      = 17
	miUTF32      = 18
)

// Bits of the array flags word; its low byte is the class.
const (
	flagComplex = 0x0800
	flagLogical = 0x0200
)

const (
	headerLen = 128 // bytes of the file header

	// headerProbe is how much of a variable is read to list it: flags,
	// dimensions and name take well under this unless the name is very
	// long or the array has very many dimensions, when more is read.
	headerProbe = 1024

	// maxDepth bounds the nesting of cells and structs, so that a crafted
	// file cannot exhaust the stack. MATLAB data nest a few levels deep.
	maxDepth = 256

	// maxNumel bounds the element count of an array, so that its size in
	// bytes (at most 16 a complex element) fits an int.
	maxNumel = math.MaxInt / 16

	// maxFieldless bounds the element count of a struct array without
	// fields, the one array whose size no stored data vouches for.
	maxFieldless = 1 << 20
)

// fileHeader is the decoded 128-byte header.
type fileHeader struct {
	text    string
	order   binary.ByteOrder
	version uint16
	v73     bool
}

// parseHeader decodes the 128-byte header h.
func parseHeader(h []byte) (fileHeader, error) {
	var fh fileHeader
	if len(h) >= 4 && bytes.IndexByte(h[:4], 0) >= 0 {
		return fh, errorf("", ErrUnsupported, "not a level 5 MAT-file: a zero in the first 4 bytes marks a MATLAB level 4 file, which is not supported")
	}
	if len(h) < headerLen {
		return fh, errorf("", ErrFormat, "not a MAT-file: %d bytes, shorter than the 128-byte header", len(h))
	}
	fh.text = string(bytes.TrimRight(h[:116], " \x00"))
	if bytes.HasPrefix(h, []byte("MATLAB 7.3 MAT-file")) {
		fh.v73 = true
		return fh, nil
	}
	switch string(h[126:128]) {
	case "IM":
		fh.order = binary.LittleEndian
	case "MI":
		fh.order = binary.BigEndian
	default:
		return fh, errorf("", ErrFormat, "not a MAT-file: endian indicator %q is neither \"IM\" nor \"MI\"", h[126:128])
	}
	fh.version = fh.order.Uint16(h[124:126])
	switch fh.version {
	case 0x0100:
	case 0x0200:
		fh.v73 = true
	default:
		return fh, errorf("", ErrFormat, "not a level 5 MAT-file: version 0x%04x, want 0x0100", fh.version)
	}
	return fh, nil
}

// v5var locates one top-level variable.
type v5var struct {
	info VarInfo
	off  int64  // offset of the element's tag
	typ  uint32 // miMATRIX or miCOMPRESSED
	size int64  // bytes after the tag
}

// v5file is the Backend for level 5 files. It is not modified after
// openV5, so its methods are safe for concurrent use.
type v5file struct {
	r      io.ReaderAt
	size   int64
	order  binary.ByteOrder
	vars   []v5var
	closer io.Closer
}

// openV5 reads the variable directory of a level 5 file.
func openV5(r io.ReaderAt, size int64, fh fileHeader, closer io.Closer) (*v5file, error) {
	f := &v5file{r: r, size: size, order: fh.order, closer: closer}
	pos := int64(headerLen)
	var tag [8]byte
	for pos < size {
		if size-pos < 8 {
			return nil, errorf("", ErrTruncated, "truncated file: %d stray bytes at offset %d", size-pos, pos)
		}
		if _, err := r.ReadAt(tag[:], pos); err != nil {
			return nil, &Error{Err: err}
		}
		typ := f.order.Uint32(tag[:4])
		n := int64(f.order.Uint32(tag[4:]))
		if typ != miMATRIX && typ != miCOMPRESSED {
			return nil, errorf("", ErrFormat, "data element of type %d at offset %d: a MAT-file holds only matrices (type 14) and compressed matrices (type 15)", typ, pos)
		}
		if n > size-pos-8 {
			return nil, errorf("", ErrTruncated, "truncated file: the variable at offset %d needs %d bytes, only %d remain", pos, n, size-pos-8)
		}
		v := v5var{off: pos, typ: typ, size: n}
		h, err := f.probe(v)
		if err != nil {
			return nil, err
		}
		v.info = h.info()
		if v.info.Name != "" {
			f.vars = append(f.vars, v)
		}
		pos += 8 + n
		if typ == miMATRIX {
			pos += pad8(n)
		}
	}
	return f, nil
}

// pad8 returns the padding that aligns n bytes to 8.
func pad8(n int64) int64 { return (8 - n%8) % 8 }

// Vars lists the variables in file order.
func (f *v5file) Vars() []VarInfo {
	out := make([]VarInfo, len(f.vars))
	for i, v := range f.vars {
		out[i] = v.info
		out[i].Size = append([]int(nil), v.info.Size...)
	}
	return out
}

// Get decodes the named variable; the last one wins if the name repeats,
// as in MATLAB's load.
func (f *v5file) Get(name string) (Value, error) {
	for i := len(f.vars) - 1; i >= 0; i-- {
		v := f.vars[i]
		if v.info.Name != name {
			continue
		}
		limit, err := inputfile.Limit()
		if err != nil {
			return nil, &Error{Path: name, Err: err}
		}
		body, err := f.body(v, -1, name)
		if err != nil {
			return nil, err
		}
		budget := limit - int64(len(body))
		d := decoder{order: f.order, budget: &budget, limit: limit}
		val, err := d.matrix(body, &elemPath{name: name}, 0)
		if err != nil {
			return nil, err
		}
		if u, ok := val.(*Unsupported); ok {
			return nil, errorf(name, ErrUnsupported, "%s", u.Reason)
		}
		return val, nil
	}
	return nil, notFoundVar(name, f.Vars())
}

// Close closes the underlying file, if Open opened it.
func (f *v5file) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// probe decodes the array header of variable v.
func (f *v5file) probe(v v5var) (matHeader, error) {
	d := decoder{order: f.order}
	at := fmt.Sprintf("variable at offset %d", v.off)
	limit := int64(headerProbe)
	for {
		b, err := f.body(v, limit, at)
		if err != nil {
			return matHeader{}, err
		}
		complete := int64(len(b)) < limit
		h, _, err := d.header(b)
		var short *shortError
		if errors.As(err, &short) && !complete {
			limit *= 16
			continue
		}
		if err != nil {
			return matHeader{}, fail(&elemPath{name: at}, err)
		}
		return h, nil
	}
}

// body returns the content of the miMATRIX element of v (after its tag),
// decompressing if need be. When limit is not negative at most limit bytes
// are returned, and a compressed stream is read only that far.
// Errors name the variable as at.
func (f *v5file) body(v v5var, limit int64, at string) ([]byte, error) {
	sr := io.NewSectionReader(f.r, v.off+8, v.size)
	if v.typ == miMATRIX {
		n := v.size
		if limit >= 0 && limit < n {
			n = limit
		}
		if err := inputfile.CheckSize(n); err != nil {
			return nil, errorf(at, err, "its data %v", err)
		}
		b := make([]byte, n) // n ≤ the file's size: openV5 checked it
		if _, err := io.ReadFull(sr, b); err != nil {
			return nil, errorf(at, ErrFormat, "reading: %v", err)
		}
		return b, nil
	}
	zr, err := zlib.NewReader(sr)
	if err != nil {
		return nil, errorf(at, ErrFormat, "compressed data: %v", err)
	}
	var tag [8]byte
	if _, err := io.ReadFull(zr, tag[:]); err != nil {
		return nil, errorf(at, ErrFormat, "compressed data: %v", zerr(err))
	}
	typ := f.order.Uint32(tag[:4])
	if typ != miMATRIX {
		return nil, errorf(at, ErrFormat, "compressed element holds a data element of type %d, not a matrix (14)", typ)
	}
	n := int64(f.order.Uint32(tag[4:]))
	want := n
	if limit >= 0 && limit < n {
		want = limit
	}
	if err := inputfile.CheckSize(want); err != nil {
		return nil, errorf(at, err, "its decompressed data %v", err)
	}
	// Grow the buffer as data arrive rather than trusting the size; start
	// with a guess bounded by the compressed bytes present.
	var buf bytes.Buffer
	buf.Grow(int(min(want, 4*v.size)))
	got, err := io.CopyN(&buf, zr, want)
	if err != nil {
		return nil, errorf(at, ErrFormat, "compressed data end after %d of the %d bytes the matrix declares: %v", got, n, zerr(err))
	}
	if want == n {
		// Read on to the end of the stream so that zlib checks its
		// checksum; a little padding may follow the matrix.
		if _, err := io.Copy(io.Discard, io.LimitReader(zr, 1<<16)); err != nil {
			return nil, errorf(at, ErrFormat, "compressed data: %v", zerr(err))
		}
	}
	return buf.Bytes(), nil
}

// zerr names a premature end of compressed data.
func zerr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("unexpected end of compressed data")
	}
	return err
}

// notFoundVar reports a missing variable and lists those present.
func notFoundVar(name string, vars []VarInfo) error {
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.Name
	}
	return errorf(name, ErrNotFound, "no variable %q (variables: %s)%s", name, inputfile.List(names), suggest(name, names))
}

// shortError reports a data element that runs past the end of its buffer.
type shortError struct{ need, have int64 }

func (e *shortError) Error() string {
	return fmt.Sprintf("truncated data: a data element needs %d bytes, only %d remain", e.need, e.have)
}

// formatErr is an ErrFormat error with a message.
func formatErr(format string, args ...any) error {
	return &kindError{kind: ErrFormat, msg: fmt.Sprintf(format, args...)}
}

// decoder decodes the content of miMATRIX elements held in memory.
type decoder struct {
	order binary.ByteOrder
	// budget, when not nil, is what the decoding may still allocate, of
	// limit bytes in all; charge takes from it.
	budget *int64
	limit  int64
}

// valueBytes is what a decoded value costs besides its data: the value,
// its dimensions and path (an estimate on the high side).
const valueBytes = 256

// charge takes the bytes that an allocation of n elements of size bytes
// will use from the budget, before it is made, and returns an error
// wrapping ErrTooLarge when the budget is spent.
func (d decoder) charge(p *elemPath, n, size int) error {
	if d.budget == nil {
		return nil
	}
	if n > 0 && size > math.MaxInt64/n {
		*d.budget = -1
	} else {
		*d.budget -= int64(n * size)
	}
	if *d.budget < 0 {
		return errorf(p.String(), ErrTooLarge, "decoding the variable takes more than the %s one input may take (%s; see the README)",
			inputfile.Bytes(d.limit), inputfile.LimitEnv)
	}
	return nil
}

// elem reads the data element at b[pos:] and returns its type, its data and
// the offset of the next element. It handles the small data element format,
// where a tag of 4 bytes holds up to 4 bytes of data.
func (d decoder) elem(b []byte, pos int) (typ uint32, data []byte, next int, err error) {
	rest := len(b) - pos
	if rest < 8 {
		return 0, nil, 0, &shortError{need: 8, have: int64(rest)}
	}
	w := d.order.Uint32(b[pos:])
	if small := int(w >> 16); small != 0 {
		if small > 4 {
			return 0, nil, 0, formatErr("small data element of %d bytes (at most 4)", small)
		}
		return w & 0xffff, b[pos+4 : pos+4+small], pos + 8, nil
	}
	n := int64(d.order.Uint32(b[pos+4:]))
	if n > int64(rest-8) {
		return 0, nil, 0, &shortError{need: n + 8, have: int64(rest)}
	}
	end := pos + 8 + int(n)
	next = end + int(pad8(n))
	return w, b[pos+8 : end], min(next, len(b)), nil
}

// matHeader is the array header that starts every miMATRIX element.
type matHeader struct {
	class   Class // on-disk class
	flags   uint32
	nzmax   uint32
	dims    []int
	name    string
	objType string // type system and class name of an opaque object
}

func (h matHeader) info() VarInfo {
	c := h.class
	if c.IsNumeric() && h.flags&flagLogical != 0 {
		c = ClassLogical
	}
	return VarInfo{Name: h.name, Class: c, Size: h.dims, Complex: h.flags&flagComplex != 0}
}

// header decodes the array flags, dimensions and name at the start of a
// miMATRIX body and returns the offset after them.
func (d decoder) header(b []byte) (h matHeader, pos int, err error) {
	typ, flags, pos, err := d.elem(b, 0)
	if err != nil {
		return h, 0, err
	}
	if typ != miUINT32 || len(flags) != 8 {
		return h, 0, formatErr("array flags are %d bytes of type %d, want 8 bytes of type 6", len(flags), typ)
	}
	h.flags = d.order.Uint32(flags)
	h.nzmax = d.order.Uint32(flags[4:])
	h.class = Class(h.flags & 0xff)
	if h.class == ClassUnknown || h.class > ClassOpaque {
		return h, 0, formatErr("unknown array class %d", h.flags&0xff)
	}
	if h.class == ClassOpaque {
		// An opaque object has no dimensions: its name, its type
		// system ("MCOS") and its class name follow the flags.
		var s [3]string
		for i := range s {
			var data []byte
			typ, data, pos, err = d.elem(b, pos)
			if err != nil {
				return h, 0, err
			}
			if !isText(typ) {
				return h, 0, formatErr("opaque object text of type %d", typ)
			}
			s[i] = string(data)
		}
		h.name, h.objType = s[0], s[1]+" class "+s[2]
		return h, pos, nil
	}
	typ, dims, pos, err := d.elem(b, pos)
	if err != nil {
		return h, 0, err
	}
	if typ != miINT32 || len(dims)%4 != 0 || len(dims) == 0 {
		return h, 0, formatErr("dimensions are %d bytes of type %d, want int32 values (type 5)", len(dims), typ)
	}
	h.dims = make([]int, len(dims)/4)
	total, tooLarge := 1, false
	for i := range h.dims {
		n := int32(d.order.Uint32(dims[4*i:]))
		if n < 0 {
			return h, 0, formatErr("negative dimension %d", n)
		}
		h.dims[i] = int(n)
		// Bound the element count so that byte counts computed from it
		// cannot overflow; the decoders then check it against the data.
		if n != 0 && total > maxNumel/int(n) {
			tooLarge = true
		}
		total *= int(n)
	}
	if tooLarge {
		return h, 0, formatErr("dimensions %s are too large", DimString(h.dims))
	}
	typ, name, pos, err := d.elem(b, pos)
	if err != nil {
		return h, 0, err
	}
	if !isText(typ) {
		return h, 0, formatErr("array name of type %d, want int8 text (type 1)", typ)
	}
	h.name = string(name)
	return h, pos, nil
}

func isText(typ uint32) bool { return typ == miINT8 || typ == miUINT8 || typ == miUTF8 }

// elemPath is the MATLAB path of an element, built lazily for messages.
type elemPath struct {
	parent *elemPath
	name   string // variable or field name
	index  int    // 1-based element index when name is ""
	cell   bool   // index is a cell index
}

func (p *elemPath) String() string {
	if p == nil {
		return ""
	}
	switch {
	case p.parent == nil:
		return p.name
	case p.name != "":
		return p.parent.String() + "." + p.name
	case p.cell:
		return fmt.Sprintf("%s{%d}", p.parent, p.index)
	}
	return fmt.Sprintf("%s(%d)", p.parent, p.index)
}

// fail wraps err, adding the path unless err already has one.
func fail(p *elemPath, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var short *shortError
	if errors.As(err, &short) {
		err = &kindError{kind: ErrFormat, msg: err.Error()}
	}
	return &Error{Path: p.String(), Err: err}
}

func (d decoder) failf(p *elemPath, format string, args ...any) error {
	return errorf(p.String(), ErrFormat, format, args...)
}

// matrix decodes the body of a miMATRIX element.
func (d decoder) matrix(b []byte, p *elemPath, depth int) (Value, error) {
	if depth > maxDepth {
		return nil, errorf(p.String(), ErrUnsupported, "cells and structs nest more than %d levels deep", maxDepth)
	}
	if err := d.charge(p, 1, valueBytes); err != nil {
		return nil, err
	}
	if len(b) == 0 {
		// An empty miMATRIX element stands for an empty array.
		return &Numeric{Type: ClassDouble, Size: []int{0, 0}, Real: []float64{}}, nil
	}
	h, pos, err := d.header(b)
	if err != nil {
		return nil, fail(p, err)
	}
	n := numel(h.dims)
	switch c := h.class; {
	case c.IsNumeric():
		return d.numeric(b, pos, h, n, p)
	case c == ClassChar:
		return d.char(b, pos, h, n, p)
	case c == ClassCell:
		return d.cell(b, pos, h, n, p, depth)
	case c == ClassStruct:
		return d.structure(b, pos, h, n, p, depth)
	case c == ClassSparse:
		return d.sparse(b, pos, h, p)
	case c == ClassObject:
		typ, name, _, err := d.elem(b, pos)
		if err != nil || !isText(typ) {
			name = []byte("?")
		}
		return &Unsupported{Type: c, Size: h.dims, Reason: fmt.Sprintf("MATLAB objects (class %q) are not supported", name)}, nil
	case c == ClassFunction:
		return &Unsupported{Type: c, Size: h.dims, Reason: "function handles are not supported"}, nil
	default: // ClassOpaque
		return &Unsupported{Type: c, Reason: fmt.Sprintf("MATLAB objects (%s) are not supported", h.objType)}, nil
	}
}

// numbers decodes the next element, which must hold n numbers.
func (d decoder) numbers(b []byte, pos, n int, what string, p *elemPath) ([]float64, uint32, []byte, int, error) {
	if pos >= len(b) && n == 0 {
		return []float64{}, miDOUBLE, nil, pos, nil
	}
	typ, data, next, err := d.elem(b, pos)
	if err != nil {
		return nil, 0, nil, 0, fail(p, err)
	}
	size := elemSize(typ)
	if size == 0 {
		return nil, 0, nil, 0, d.failf(p, "%s stored as data type %d, which is not numeric", what, typ)
	}
	if len(data) != n*size {
		return nil, 0, nil, 0, d.failf(p, "%s holds %d bytes of type %d; %d elements need %d", what, len(data), typ, n, n*size)
	}
	if err := d.charge(p, n, 8); err != nil {
		return nil, 0, nil, 0, err
	}
	return d.floats(typ, data), typ, data, next, nil
}

func (d decoder) numeric(b []byte, pos int, h matHeader, n int, p *elemPath) (Value, error) {
	re, typ, data, pos, err := d.numbers(b, pos, n, "real part", p)
	if err != nil {
		return nil, err
	}
	if h.flags&flagLogical != 0 {
		if err := d.charge(p, n, 1); err != nil {
			return nil, err
		}
		l := &Logical{Size: h.dims, Data: make([]bool, n)}
		for i, x := range re {
			l.Data[i] = x != 0
		}
		return l, nil
	}
	v := &Numeric{Type: h.class, Size: h.dims, Real: re}
	if h.class == ClassInt64 || h.class == ClassUint64 {
		if err := d.charge(p, n, 8); err != nil {
			return nil, err
		}
	}
	switch h.class {
	case ClassInt64:
		v.Int64 = make([]int64, n)
		for i := range v.Int64 {
			v.Int64[i] = int64(d.integer(typ, data, i))
		}
	case ClassUint64:
		v.Uint64 = make([]uint64, n)
		for i := range v.Uint64 {
			v.Uint64[i] = d.integer(typ, data, i)
		}
	}
	if h.flags&flagComplex != 0 {
		v.Imag, _, _, _, err = d.numbers(b, pos, n, "imaginary part", p)
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (d decoder) char(b []byte, pos int, h matHeader, n int, p *elemPath) (Value, error) {
	var units []rune
	if pos < len(b) {
		typ, data, _, err := d.elem(b, pos)
		if err != nil {
			return nil, fail(p, err)
		}
		// At most one unit a byte, 4 bytes as a rune and 4 in a string.
		if err := d.charge(p, len(data), 8); err != nil {
			return nil, err
		}
		switch typ {
		case miUTF8:
			units = make([]rune, 0, len(data))
			for _, r := range string(data) {
				units = append(units, r)
			}
		case miINT8, miUINT8:
			units = make([]rune, len(data))
			for i, c := range data {
				units[i] = rune(c)
			}
		case miUINT16, miINT16, miUTF16:
			if len(data)%2 != 0 {
				return nil, d.failf(p, "char data of %d bytes is not whole UTF-16 code units", len(data))
			}
			units = make([]rune, len(data)/2)
			for i := range units {
				units[i] = rune(d.order.Uint16(data[2*i:]))
			}
		case miUTF32, miUINT32, miINT32:
			if len(data)%4 != 0 {
				return nil, d.failf(p, "char data of %d bytes is not whole UTF-32 code points", len(data))
			}
			units = make([]rune, len(data)/4)
			for i := range units {
				r := rune(d.order.Uint32(data[4*i:]))
				if !utf8.ValidRune(r) {
					r = utf8.RuneError
				}
				units[i] = r
			}
		default:
			return nil, d.failf(p, "char data stored as data type %d", typ)
		}
	}
	if len(units) != n {
		return nil, d.failf(p, "char data hold %d characters; dimensions %s need %d", len(units), DimString(h.dims), n)
	}
	return &Char{Size: h.dims, Rows: charRows(units, h.dims)}, nil
}

func (d decoder) cell(b []byte, pos int, h matHeader, n int, p *elemPath, depth int) (Value, error) {
	if n > (len(b)-pos)/8 {
		return nil, d.failf(p, "a %s cell needs %d elements, but only %d bytes remain", DimString(h.dims), n, len(b)-pos)
	}
	if err := d.charge(p, n, 16); err != nil {
		return nil, err
	}
	c := &Cell{Size: h.dims, Elems: make([]Value, n)}
	for i := range c.Elems {
		ep := &elemPath{parent: p, index: i + 1, cell: true}
		typ, data, next, err := d.elem(b, pos)
		if err != nil {
			return nil, fail(ep, err)
		}
		if typ != miMATRIX {
			return nil, d.failf(ep, "cell element of data type %d, not a matrix (14)", typ)
		}
		if c.Elems[i], err = d.matrix(data, ep, depth+1); err != nil {
			return nil, err
		}
		pos = next
	}
	return c, nil
}

func (d decoder) structure(b []byte, pos int, h matHeader, n int, p *elemPath, depth int) (Value, error) {
	typ, lenData, pos, err := d.elem(b, pos)
	if err != nil {
		return nil, fail(p, err)
	}
	if elemSize(typ) != 4 || len(lenData) != 4 {
		return nil, d.failf(p, "struct field name length is %d bytes of type %d, want one int32", len(lenData), typ)
	}
	width := int(int32(d.order.Uint32(lenData)))
	typ, names, pos, err := d.elem(b, pos)
	if err != nil {
		return nil, fail(p, err)
	}
	if !isText(typ) {
		return nil, d.failf(p, "struct field names of data type %d", typ)
	}
	nf := 0
	switch {
	case len(names) == 0:
	case width <= 0 || len(names)%width != 0:
		return nil, d.failf(p, "%d bytes of struct field names are not a whole number of %d-byte names", len(names), width)
	default:
		nf = len(names) / width
	}
	s := &Struct{Size: h.dims, Fields: make([]string, nf)}
	for j := range s.Fields {
		name := names[j*width : (j+1)*width]
		if k := bytes.IndexByte(name, 0); k >= 0 {
			name = name[:k]
		}
		s.Fields[j] = string(name)
	}
	switch {
	case nf == 0 && n > maxFieldless:
		return nil, errorf(p.String(), ErrUnsupported, "a %s struct array without fields is too large", DimString(h.dims))
	case nf > 0 && n > (len(b)-pos)/8/nf:
		return nil, d.failf(p, "a %s struct array with %d fields needs %d values, but only %d bytes remain", DimString(h.dims), nf, n*nf, len(b)-pos)
	}
	if err := d.charge(p, n*nf, 16); err != nil {
		return nil, err
	}
	if err := d.charge(p, n, 24); err != nil {
		return nil, err
	}
	all := make([]Value, n*nf)
	s.Elems = make([][]Value, n)
	for i := range s.Elems {
		s.Elems[i] = all[i*nf : (i+1)*nf : (i+1)*nf]
		ep := p
		if n != 1 {
			ep = &elemPath{parent: p, index: i + 1}
		}
		for j, f := range s.Fields {
			fp := &elemPath{parent: ep, name: f}
			typ, data, next, err := d.elem(b, pos)
			if err != nil {
				return nil, fail(fp, err)
			}
			if typ != miMATRIX {
				return nil, d.failf(fp, "struct field of data type %d, not a matrix (14)", typ)
			}
			if s.Elems[i][j], err = d.matrix(data, fp, depth+1); err != nil {
				return nil, err
			}
			pos = next
		}
	}
	return s, nil
}

func (d decoder) sparse(b []byte, pos int, h matHeader, p *elemPath) (Value, error) {
	if len(h.dims) != 2 {
		return nil, d.failf(p, "sparse array with %d dimensions", len(h.dims))
	}
	rows, cols := h.dims[0], h.dims[1]
	index := func(what string) ([]int, error) {
		typ, data, next, err := d.elem(b, pos)
		if err != nil {
			return nil, fail(p, err)
		}
		size := elemSize(typ)
		if size == 0 || typ == miSINGLE || typ == miDOUBLE || len(data)%size != 0 {
			return nil, d.failf(p, "sparse %s stored as %d bytes of data type %d", what, len(data), typ)
		}
		pos = next
		if err := d.charge(p, len(data)/size, 8); err != nil {
			return nil, err
		}
		out := make([]int, len(data)/size)
		for i := range out {
			x := d.integer(typ, data, i)
			if x > math.MaxInt32 {
				return nil, d.failf(p, "sparse %s value %d out of range", what, int64(x))
			}
			out[i] = int(x)
		}
		return out, nil
	}
	ir, err := index("row indices")
	if err != nil {
		return nil, err
	}
	jc, err := index("column starts")
	if err != nil {
		return nil, err
	}
	if len(jc) < cols+1 || jc[0] != 0 {
		return nil, d.failf(p, "sparse array of %d columns has %d column starts", cols, len(jc))
	}
	jc = jc[:cols+1]
	for j := range cols {
		if jc[j+1] < jc[j] {
			return nil, d.failf(p, "sparse column starts decrease at column %d", j+1)
		}
	}
	nnz := jc[cols]
	if nnz > len(ir) {
		return nil, d.failf(p, "sparse array has %d values but %d row indices", nnz, len(ir))
	}
	ir = ir[:nnz]
	for _, r := range ir {
		if r >= rows {
			return nil, d.failf(p, "sparse row index %d out of range for %d rows", r, rows)
		}
	}
	s := &Sparse{Size: h.dims, Logical: h.flags&flagLogical != 0, ColStart: jc, RowIndex: ir}
	values := func(what string) ([]float64, error) {
		if pos >= len(b) && nnz == 0 {
			return []float64{}, nil
		}
		typ, data, next, err := d.elem(b, pos)
		if err != nil {
			return nil, fail(p, err)
		}
		size := elemSize(typ)
		if size == 0 || len(data)%size != 0 || len(data)/size < nnz {
			return nil, d.failf(p, "sparse %s: %d bytes of data type %d for %d values", what, len(data), typ, nnz)
		}
		pos = next
		if err := d.charge(p, nnz, 8); err != nil {
			return nil, err
		}
		return d.floats(typ, data[:nnz*size]), nil
	}
	if s.Real, err = values("values"); err != nil {
		return nil, err
	}
	if s.Logical {
		for i, x := range s.Real {
			if x != 0 {
				s.Real[i] = 1
			}
		}
	}
	if h.flags&flagComplex != 0 {
		if s.Imag, err = values("imaginary parts"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// elemSize returns the byte size of numeric data type typ, or 0.
func elemSize(typ uint32) int {
	switch typ {
	case miINT8, miUINT8:
		return 1
	case miINT16, miUINT16:
		return 2
	case miINT32, miUINT32, miSINGLE:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// floats converts numeric data of type typ to float64; len(data) is a
// multiple of the type's size.
func (d decoder) floats(typ uint32, data []byte) []float64 {
	o := d.order
	out := make([]float64, len(data)/elemSize(typ))
	switch typ {
	case miDOUBLE:
		for i := range out {
			out[i] = math.Float64frombits(o.Uint64(data[8*i:]))
		}
	case miSINGLE:
		for i := range out {
			out[i] = float64(math.Float32frombits(o.Uint32(data[4*i:])))
		}
	case miINT8:
		for i := range out {
			out[i] = float64(int8(data[i]))
		}
	case miUINT8:
		for i := range out {
			out[i] = float64(data[i])
		}
	case miINT16:
		for i := range out {
			out[i] = float64(int16(o.Uint16(data[2*i:])))
		}
	case miUINT16:
		for i := range out {
			out[i] = float64(o.Uint16(data[2*i:]))
		}
	case miINT32:
		for i := range out {
			out[i] = float64(int32(o.Uint32(data[4*i:])))
		}
	case miUINT32:
		for i := range out {
			out[i] = float64(o.Uint32(data[4*i:]))
		}
	case miINT64:
		for i := range out {
			out[i] = float64(int64(o.Uint64(data[8*i:])))
		}
	case miUINT64:
		for i := range out {
			out[i] = float64(o.Uint64(data[8*i:]))
		}
	}
	return out
}

// integer returns element i of numeric data of type typ as the bits of an
// int64 (signed types) or a uint64 (unsigned types); floating-point values
// are truncated toward zero.
func (d decoder) integer(typ uint32, data []byte, i int) uint64 {
	o := d.order
	switch typ {
	case miINT8:
		return uint64(int64(int8(data[i])))
	case miUINT8:
		return uint64(data[i])
	case miINT16:
		return uint64(int64(int16(o.Uint16(data[2*i:]))))
	case miUINT16:
		return uint64(o.Uint16(data[2*i:]))
	case miINT32:
		return uint64(int64(int32(o.Uint32(data[4*i:]))))
	case miUINT32:
		return uint64(o.Uint32(data[4*i:]))
	case miINT64, miUINT64:
		return o.Uint64(data[8*i:])
	case miSINGLE:
		return floatBits(float64(math.Float32frombits(o.Uint32(data[4*i:]))))
	case miDOUBLE:
		return floatBits(math.Float64frombits(o.Uint64(data[8*i:])))
	}
	return 0
}

// floatBits converts x to an integer, saturating and mapping NaN to 0, as
// MATLAB's integer conversion does (but truncating rather than rounding).
func floatBits(x float64) uint64 {
	switch {
	case x != x:
		return 0
	case x >= math.MaxInt64:
		return math.MaxInt64
	case x <= math.MinInt64:
		return 1 << 63
	}
	return uint64(int64(x))
}
