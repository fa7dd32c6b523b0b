package matfile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"
)

// matWriter builds level 5 MAT-files byte by byte in either byte order, for
// what scipy cannot write: big-endian files, small data elements, data
// stored in a type smaller than the class, function handles, objects.
type matWriter struct{ o byteOrder }

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func (w matWriter) header() []byte {
	h := []byte(fmt.Sprintf("%-116s", "MATLAB 5.0 MAT-file, Platform: test, written by synth_test.go"))
	h = append(h, make([]byte, 8)...) // no subsystem data
	h = w.o.AppendUint16(h, 0x0100)
	if w.o == byteOrder(binary.LittleEndian) {
		return append(h, "IM"...)
	}
	return append(h, "MI"...)
}

// el is a data element with an 8-byte tag, padded to 8 bytes.
func (w matWriter) el(typ uint32, data []byte) []byte {
	b := w.o.AppendUint32(nil, typ)
	b = w.o.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	return append(b, make([]byte, pad8(int64(len(data))))...)
}

// small is a data element in the small format: up to 4 bytes in the tag.
func (w matWriter) small(typ uint32, data []byte) []byte {
	b := w.o.AppendUint32(nil, uint32(len(data))<<16|typ)
	return append(b, append(data, make([]byte, 4-len(data))...)...)
}

func (w matWriter) u32(v ...uint32) (b []byte) {
	for _, x := range v {
		b = w.o.AppendUint32(b, x)
	}
	return b
}

func (w matWriter) i32(v ...int32) (b []byte) {
	for _, x := range v {
		b = w.o.AppendUint32(b, uint32(x))
	}
	return b
}

func (w matWriter) u16(v ...uint16) (b []byte) {
	for _, x := range v {
		b = w.o.AppendUint16(b, x)
	}
	return b
}

func (w matWriter) f64(v ...float64) (b []byte) {
	for _, x := range v {
		b = w.o.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func (w matWriter) f32(v ...float32) (b []byte) {
	for _, x := range v {
		b = w.o.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// matrix is a miMATRIX element: flags, dimensions, name (in the small
// format when it fits), then parts.
func (w matWriter) matrix(class Class, flags uint32, dims []int32, name string, parts ...[]byte) []byte {
	body := w.el(miUINT32, w.u32(flags|uint32(class), 0))
	body = append(body, w.el(miINT32, w.i32(dims...))...)
	if n := len(name); n > 0 && n <= 4 {
		body = append(body, w.small(miINT8, []byte(name))...)
	} else {
		body = append(body, w.el(miINT8, []byte(name))...)
	}
	for _, p := range parts {
		body = append(body, p...)
	}
	return w.el(miMATRIX, body)
}

// fields is the field-name part of a struct or object.
func (w matWriter) fields(names ...string) []byte {
	width := 1
	for _, n := range names {
		width = max(width, len(n)+1)
	}
	var all []byte
	for _, n := range names {
		all = append(all, n...)
		all = append(all, make([]byte, width-len(n))...)
	}
	return append(w.small(miINT32, w.i32(int32(width))), w.el(miINT8, all)...)
}

// compressed wraps a miMATRIX element in a miCOMPRESSED one (unpadded).
func (w matWriter) compressed(elem []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(elem)
	zw.Close()
	b := w.o.AppendUint32(nil, miCOMPRESSED)
	b = w.o.AppendUint32(b, uint32(z.Len()))
	return append(b, z.Bytes()...)
}

func (w matWriter) file(elems ...[]byte) []byte {
	b := w.header()
	for _, e := range elems {
		b = append(b, e...)
	}
	return b
}

// synthFile is a file with one variable of each kind scipy does not write.
func synthFile(o byteOrder) []byte {
	w := matWriter{o}
	return w.file(
		w.matrix(ClassDouble, 0, []int32{2, 3}, "a", w.el(miDOUBLE, w.f64(1, 2, 3, 4, 5, 6))),
		// A double array stored as uint8, as MATLAB saves small integers.
		w.matrix(ClassDouble, 0, []int32{1, 3}, "u8dbl", w.el(miUINT8, []byte{0, 255, 7})),
		// Two int16 values fit in a small data element.
		w.matrix(ClassInt16, 0, []int32{1, 2}, "i16", w.small(miINT16, w.u16(0xfffe, 300))),
		w.matrix(ClassChar, 0, []int32{2, 2}, "txt", w.el(miUINT16, w.u16('H', 'y', 'i', 'o'))),
		// U+1F600 is a surrogate pair: two MATLAB characters.
		w.matrix(ClassChar, 0, []int32{1, 3}, "emoji", w.el(miUTF16, w.u16(0xd83d, 0xde00, '!'))),
		w.matrix(ClassStruct, 0, []int32{1, 1}, "s", w.fields("x", "c"),
			w.matrix(ClassSingle, 0, []int32{1, 1}, "", w.small(miSINGLE, w.f32(3.5))),
			w.matrix(ClassCell, 0, []int32{1, 3}, "",
				w.matrix(ClassDouble, 0, []int32{1, 1}, "", w.el(miDOUBLE, w.f64(1))),
				w.matrix(ClassChar, 0, []int32{1, 2}, "", w.small(miUTF8, []byte("zé"))),
				w.el(miMATRIX, nil), // an empty array
			)),
		w.compressed(w.matrix(ClassDouble, flagComplex, []int32{1, 2}, "zc",
			w.el(miDOUBLE, w.f64(1, -1)), w.el(miINT8, []byte{2, 0xff}))),
		w.matrix(ClassUint8, flagLogical, []int32{1, 3}, "lg", w.small(miUINT8, []byte{1, 0, 1})),
		// A 2×2 logical sparse array with one true at (2,1).
		w.matrix(ClassSparse, flagLogical, []int32{2, 2}, "sl",
			w.small(miINT32, w.i32(1)), w.el(miINT32, w.i32(0, 1, 1)), w.small(miUINT8, []byte{1})),
		w.matrix(ClassInt64, 0, []int32{1, 2}, "i64", w.el(miINT64, binaryInt64(o, math.MinInt64, 1<<53+1))),
	)
}

func binaryInt64(o byteOrder, v ...int64) (b []byte) {
	for _, x := range v {
		b = o.AppendUint64(b, uint64(x))
	}
	return b
}

func openBytes(t testing.TB, b []byte, name string) *File {
	t.Helper()
	f, err := OpenReader(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustLookup(t *testing.T, f *File, path string) Value {
	t.Helper()
	v, err := f.Lookup(path)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSynthBothByteOrders decodes the same content written little- and
// big-endian.
func TestSynthBothByteOrders(t *testing.T) {
	for _, o := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(fmt.Sprint(o), func(t *testing.T) {
			f := openBytes(t, synthFile(o), "synth.mat")
			var vars []string
			for _, v := range f.Vars() {
				vars = append(vars, fmt.Sprintf("%s:%v%v", v.Name, v.Class, v.Size))
			}
			want := "a:double[2 3] u8dbl:double[1 3] i16:int16[1 2] txt:char[2 2] emoji:char[1 3] " +
				"s:struct[1 1] zc:double[1 2] lg:logical[1 3] sl:sparse[2 2] i64:int64[1 2]"
			if got := strings.Join(vars, " "); got != want {
				t.Errorf("Vars:\n got %s\nwant %s", got, want)
			}
			num := func(path string) *Numeric {
				v := mustLookup(t, f, path)
				n, ok := v.(*Numeric)
				if !ok {
					t.Fatalf("%s: %T", path, v)
				}
				return n
			}
			if a := num("a"); !slices.Equal(a.Real, []float64{1, 2, 3, 4, 5, 6}) || a.Imag != nil {
				t.Errorf("a = %v %v", a.Real, a.Imag)
			}
			if x := num("a(2,3)").Real[0]; x != 6 {
				t.Errorf("a(2,3) = %v, want 6", x)
			}
			if u := num("u8dbl"); u.Type != ClassDouble || !slices.Equal(u.Real, []float64{0, 255, 7}) {
				t.Errorf("u8dbl = %v %v", u.Type, u.Real)
			}
			if i := num("i16"); !slices.Equal(i.Real, []float64{-2, 300}) {
				t.Errorf("i16 = %v", i.Real)
			}
			if c := mustLookup(t, f, "txt").(*Char); !slices.Equal(c.Rows, []string{"Hi", "yo"}) {
				t.Errorf("txt = %q", c.Rows)
			}
			if c := mustLookup(t, f, "emoji").(*Char); c.String() != "😀!" {
				t.Errorf("emoji = %q", c.String())
			}
			if x := num("s.x"); x.Type != ClassSingle || x.Real[0] != 3.5 {
				t.Errorf("s.x = %v %v", x.Type, x.Real)
			}
			if x := num("s.c{1}").Real[0]; x != 1 {
				t.Errorf("s.c{1} = %v", x)
			}
			if c := mustLookup(t, f, "s.c{2}").(*Char); c.String() != "zé" {
				t.Errorf("s.c{2} = %q", c.String())
			}
			if e := num("s.c{3}"); !slices.Equal(e.Size, []int{0, 0}) || len(e.Real) != 0 {
				t.Errorf("s.c{3} = %v %v", e.Size, e.Real)
			}
			if z := num("zc"); !slices.Equal(z.Real, []float64{1, -1}) || !slices.Equal(z.Imag, []float64{2, -1}) {
				t.Errorf("zc = %v + %vi", z.Real, z.Imag)
			}
			if l := mustLookup(t, f, "lg").(*Logical); !slices.Equal(l.Data, []bool{true, false, true}) {
				t.Errorf("lg = %v", l.Data)
			}
			sl := mustLookup(t, f, "sl").(*Sparse)
			d, err := sl.Dense()
			if err != nil || !sl.Logical || d.At(1, 0) != 1 || d.At(0, 0) != 0 || d.At(1, 1) != 0 {
				t.Errorf("sl = %+v, dense %v, %v", sl, d, err)
			}
			if l := mustLookup(t, f, "sl(2,1)").(*Logical); !l.Data[0] {
				t.Errorf("sl(2,1) is false")
			}
			if i := num("i64"); !slices.Equal(i.Int64, []int64{math.MinInt64, 1<<53 + 1}) {
				t.Errorf("i64 = %v", i.Int64)
			}
		})
	}
}

// unsupportedFile holds a function handle, an object and a MATLAB class
// object, at top level and inside a struct.
func unsupportedFile(o byteOrder) []byte {
	w := matWriter{o}
	handle := func(name string) []byte {
		return w.matrix(ClassFunction, 0, []int32{1, 1}, name,
			w.matrix(ClassStruct, 0, []int32{1, 1}, "", w.fields()))
	}
	// An opaque (MCOS) object has no dimensions: name, type system and
	// class name follow the flags.
	opaque := w.el(miMATRIX, slices.Concat(
		w.el(miUINT32, w.u32(uint32(ClassOpaque), 0)),
		w.el(miINT8, []byte("str")), w.el(miINT8, []byte("MCOS")), w.el(miINT8, []byte("string")),
		w.matrix(ClassUint32, 0, []int32{1, 1}, "", w.small(miUINT32, w.u32(7)))))
	return w.file(
		handle("fh"),
		w.matrix(ClassStruct, 0, []int32{1, 1}, "holder", w.fields("f", "ok"),
			handle(""),
			w.matrix(ClassDouble, 0, []int32{1, 1}, "", w.el(miDOUBLE, w.f64(2.5)))),
		w.matrix(ClassObject, 0, []int32{1, 1}, "obj", w.el(miINT8, []byte("myclass")), w.fields("p"),
			w.matrix(ClassDouble, 0, []int32{1, 1}, "", w.el(miDOUBLE, w.f64(1)))),
		opaque,
	)
}

func TestUnsupported(t *testing.T) {
	f := openBytes(t, unsupportedFile(binary.LittleEndian), "u.mat")
	var vars []string
	for _, v := range f.Vars() {
		vars = append(vars, fmt.Sprintf("%s:%v%v", v.Name, v.Class, v.Size))
	}
	if got, want := strings.Join(vars, " "), "fh:function_handle[1 1] holder:struct[1 1] obj:object[1 1] str:opaque[]"; got != want {
		t.Errorf("Vars: got %s, want %s", got, want)
	}
	for _, c := range []struct{ path, msg string }{
		{"fh", "matfile: u.mat: fh: function handles are not supported"},
		{"holder.f", "matfile: u.mat: holder.f: holder.f is a 1×1 function_handle: function handles are not supported"},
		{"holder.f(1)", "matfile: u.mat: holder.f(1): holder.f is a 1×1 function_handle: function handles are not supported"},
		{"obj", `matfile: u.mat: obj: MATLAB objects (class "myclass") are not supported`},
		{"str", `matfile: u.mat: str: MATLAB objects (MCOS class string) are not supported`},
	} {
		_, err := f.Lookup(c.path)
		if !errors.Is(err, ErrUnsupported) || err.Error() != c.msg {
			t.Errorf("Lookup(%q):\n got %v\nwant %s", c.path, err, c.msg)
		}
	}
	// The rest of the struct is readable.
	ok := mustLookup(t, f, "holder.ok").(*Numeric)
	if ok.Real[0] != 2.5 {
		t.Errorf("holder.ok = %v", ok.Real)
	}
	if _, err := f.Dense("holder.f"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Dense(holder.f): %v", err)
	}
}

// TestHeaders checks the detection of other formats.
func TestHeaders(t *testing.T) {
	_, err := Open("testdata/v73.mat")
	if !errors.Is(err, ErrV73) || !strings.Contains(err.Error(), "testdata/v73.mat") {
		t.Errorf("v7.3 file: %v", err)
	}
	_, err = Open("testdata/level4.mat")
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "level 4") {
		t.Errorf("level 4 file: %v", err)
	}
	_, err = Open("testdata/make_fixtures.py")
	if !errors.Is(err, ErrFormat) {
		t.Errorf("a Python script: %v", err)
	}
	_, err = Open("testdata/no such file.mat")
	var pe *Error
	if !errors.As(err, &pe) || pe.File != "testdata/no such file.mat" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	b := synthFile(binary.LittleEndian)
	b[124] = 9 // version 0x0109
	if _, err := OpenReader(bytes.NewReader(b), int64(len(b)), "v.mat"); !errors.Is(err, ErrFormat) {
		t.Errorf("bad version: %v", err)
	}
	short := b[:100]
	if _, err := OpenReader(bytes.NewReader(short), int64(len(short)), "short.mat"); !errors.Is(err, ErrFormat) {
		t.Errorf("short header: %v", err)
	}
}

// fakeV73 stands for the HDF5-based reader another package registers.
type fakeV73 struct{ closed bool }

func (b *fakeV73) Vars() []VarInfo {
	return []VarInfo{{Name: "x", Class: ClassDouble, Size: []int{3, 1}}}
}

func (b *fakeV73) Get(name string) (Value, error) {
	if name != "x" {
		return nil, errorf(name, ErrNotFound, "no variable %q", name)
	}
	return &Numeric{Type: ClassDouble, Size: []int{3, 1}, Real: []float64{1, 2, 3}}, nil
}

func (b *fakeV73) Close() error { b.closed = true; return nil }

func TestRegisterV73(t *testing.T) {
	be := &fakeV73{}
	RegisterV73(func(path string) (Backend, error) { return be, nil })
	defer RegisterV73(nil)
	f, err := Open("testdata/v73.mat")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.Description(), "MATLAB 7.3 MAT-file") {
		t.Errorf("Description = %q", f.Description())
	}
	v := mustLookup(t, f, "x(3)").(*Numeric)
	if v.Real[0] != 3 {
		t.Errorf("x(3) = %v", v.Real)
	}
	_, err = f.Lookup("y")
	if !errors.Is(err, ErrNotFound) || err.Error() != `matfile: testdata/v73.mat: y: no variable "y"` {
		t.Errorf("Lookup(y): %v", err)
	}
	if f.Close(); !be.closed {
		t.Error("Close did not close the backend")
	}
	if _, err := OpenReader(bytes.NewReader(nil), 0, "empty"); !errors.Is(err, ErrFormat) {
		t.Errorf("empty file: %v", err)
	}
}
