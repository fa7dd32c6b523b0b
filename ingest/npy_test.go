package ingest_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// The grid in testdata is made by testdata/gen.py.
func TestReadArrayGrid(t *testing.T) {
	files, err := filepath.Glob("testdata/data_*_2x3_*order.npy")
	if err != nil || len(files) != 38 {
		t.Fatalf("want 38 grid files, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		a, digest, err := ingest.ReadArray(f, "")
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		want := []float64{0, 1, 2, 3, 4, 5}
		if strings.Contains(f, "_b1_") {
			want = []float64{0, 1, 0, 1, 0, 1}
		}
		if !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Data, want) {
			t.Errorf("%s: shape %v data %v, want [2 3] %v", f, a.Shape, a.Data, want)
		}
		if len(digest) != 64 {
			t.Errorf("%s: digest %q", f, digest)
		}
	}
}

func TestReadArrayShapes(t *testing.T) {
	v, _, err := ingest.ReadArray("testdata/vector_f8.npy", "")
	if err != nil || v.Rows() != 3 || v.Cols() != 1 || v.Data[2] != 2.5 {
		t.Errorf("vector: %+v, %v", v, err)
	}
	s, _, err := ingest.ReadArray("testdata/scalar_f8.npy", "")
	if err != nil || s.Rows() != 1 || s.Cols() != 1 || s.Data[0] != 7 {
		t.Errorf("scalar: %+v, %v", s, err)
	}
	a, _, err := ingest.ReadArray("testdata/arrays.npz", "spikes")
	if err != nil || !slices.Equal(a.Data, []float64{0, 1, 2, 3, 4, 5}) || a.DType != "|u1" {
		t.Errorf("npz spikes: %+v, %v", a, err)
	}
	b, _, err := ingest.ReadArray("testdata/arrays.npz", "vel")
	if err != nil || !slices.Equal(b.Data, []float64{1, 2, 3, 4}) {
		t.Errorf("npz vel: %+v, %v", b, err)
	}
}

func TestReadArrayErrors(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("testdata/data_lef8_2x3_corder.npy")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, key string
		path      string
		want      string
	}{
		{"missing", "", filepath.Join(dir, "nope.npy"), "no such file"},
		{"not npy", "", write("text.npy", []byte("time,rate\n1,2\n")), "not a NumPy"},
		{"truncated", "", write("short.npy", good[:len(good)-8]), "truncated or corrupt"},
		{"empty", "", write("empty.npy", nil), "not a NumPy"},
		{"header only", "", write("hdr.npy", good[:12]), "truncated .npy header"},
		{"npz without key", "", "testdata/arrays.npz", "name the array"},
		{"npz wrong key", "rates", "testdata/arrays.npz", `no array "rates" (it holds spikes, vel)`},
		{"key on npy", "x", "testdata/vector_f8.npy", "not an NPZ archive"},
		{"object dtype", "", write("obj.npy", objectNPY()), "unsupported element type"},
		// Shapes whose byte count overflows int once wrapped to a small or
		// negative size and went on to a slice out of range.
		{"shape overflow", "", write("wrap.npy", headerNPY("<f8", "(4, 4611686018427387904)", 0)), "corrupt header"},
		{"shape overflow 2", "", write("wrap2.npy", headerNPY("<f8", "(9223372036854775807, 2)", 0)), "corrupt header"},
		{"shape overflow 3", "", write("wrap3.npy", headerNPY("<f8", "(2305843009213741360, 1)", 0)), "corrupt header"},
	}
	for _, c := range cases {
		_, _, err := ingest.ReadArray(c.path, c.key)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
			continue
		}
		if c.name != "missing" && !strings.Contains(err.Error(), filepath.Base(c.path)) {
			t.Errorf("%s: error %q does not name the file", c.name, err)
		}
	}
}

// objectNPY is the header of a NumPy object array, which oblique refuses.
func objectNPY() []byte { return headerNPY("|O", "(2,)", 16) }

// headerNPY is a version-1 .npy header for the type and shape, followed by
// data zero bytes.
func headerNPY(descr, shape string, data int) []byte {
	return append(ingest.NPYHeader(descr, shape), make([]byte, data)...)
}

// TestBigEndianAsNumPy: NumPy's big-endian float64 (random draws, every
// bit of the mantissa used) reads as the same numbers as its little-endian
// copy, bit for bit; a 3-D big-endian int32 array in Fortran order reads
// as in C order.
func TestBigEndianAsNumPy(t *testing.T) {
	le, _, err := ingest.ReadArray("testdata/random_lef8.npy", "")
	if err != nil {
		t.Fatal(err)
	}
	be, _, err := ingest.ReadArray("testdata/random_bef8.npy", "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(le.Shape, []int{50, 7}) || !slices.Equal(le.Data, be.Data) || be.DType != ">f8" {
		t.Errorf("big-endian %v %s differs from little-endian %v", be.Shape, be.DType, le.Shape)
	}
	// The first draw of default_rng(1).standard_normal, as NumPy prints it.
	if le.Data[0] != 0.345584192064786 {
		t.Errorf("first value %v", le.Data[0])
	}
	want := make([]float64, 24)
	for i := range want {
		want[i] = float64(i)
	}
	for _, f := range []string{"testdata/grid3_corder.npy", "testdata/grid3_forder.npy"} {
		a, _, err := ingest.ReadArray(f, "")
		if err != nil || !slices.Equal(a.Shape, []int{2, 3, 4}) || !slices.Equal(a.Data, want) {
			t.Errorf("%s: %v, %v", f, a, err)
		}
	}
}

// relabel writes src with its header's type string old replaced by new,
// the data untouched: the file of issue 17 whose activity was "stored
// big-endian".
func relabel(t *testing.T, src, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b[:128], []byte(old))
	if i < 0 {
		t.Fatalf("%s: no %s in the header", src, old)
	}
	copy(b[i:], new)
	p := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestByteSwappedRefused: the Golub spike counts with the header's '<f8'
// turned into '>f8' read (in NumPy too) as subnormal numbers around
// 1e-320, which gave ρ NaN or 0 with exit status 0: refused, saying why.
// So are random draws read in the wrong order either way, and float32.
func TestByteSwappedRefused(t *testing.T) {
	cases := []struct{ src, old, new, want string }{
		{"../data/golub2018_bci/npy/before_spikes.npy", "'<f8'", "'>f8'",
			"39675 of the 39675 non-zero values, read as >f8 (big-endian, as the header says), are below 1e-200 in magnitude, and read little-endian 0 are outside 1e-200 to 1e+200"},
		{"testdata/random_lef8.npy", "'<f8'", "'>f8'", "read as >f8 (big-endian, as the header says)"},
		{"testdata/random_bef8.npy", "'>f8'", "'<f8'", "read as <f8 (little-endian, as the header says)"},
	}
	for _, c := range cases {
		p := relabel(t, c.src, c.old, c.new)
		_, _, err := ingest.ReadArray(p, "")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "byte-swapped") {
			t.Errorf("%s relabelled %s: %v, want it to say %q", c.src, c.new, err, c.want)
		}
	}
}

// TestByteOrderTooFewValues: an array of a handful of values (here 2×3
// float32, relabelled) is not judged: a few extreme values say nothing
// about byte order (a run's deliberately huge weights in models' tests).
func TestByteOrderTooFewValues(t *testing.T) {
	p := relabel(t, "testdata/data_bef4_2x3_corder.npy", "'>f4'", "'<f4'")
	if _, _, err := ingest.ReadArray(p, ""); err != nil {
		t.Errorf("6 values relabelled: %v; want them read", err)
	}
}

// TestByteOrderNotMistaken: data that are legitimately odd are read: NaN
// padding, huge values (counts scaled by 1e306, as issue 17's overflow
// case: the analysis reports it), zeros, tiny values that read the other
// way round are no better.
func TestByteOrderNotMistaken(t *testing.T) {
	nan := math.NaN()
	for name, data := range map[string][]float64{
		"mostly NaN":   {nan, nan, nan, nan, 1, 2, nan, nan},
		"all zeros":    {0, 0, 0, 0},
		"one huge":     {1e250, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		"all huge":     {1e306, 2e306, 3e306, 0, 5e306},
		"tiny, random": {3.7e-210, -1.3e-250, 8.1e-280},
		"whole counts": {0, 1, 2, 0, 0, 3, 1},
	} {
		var b bytes.Buffer
		b.Write(headerNPY("<f8", fmt.Sprintf("(%d,)", len(data)), 0))
		for _, v := range data {
			binary.Write(&b, binary.LittleEndian, v)
		}
		a, err := ingest.DecodeNPY(b.Bytes(), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for i := range data {
			if a.Data[i] != data[i] && !(math.IsNaN(a.Data[i]) && math.IsNaN(data[i])) {
				t.Errorf("%s: value %d is %v, want %v", name, i, a.Data[i], data[i])
			}
		}
	}
}

// TestHeaders: the header is Python's literal syntax, as NumPy writes it
// (also Python 2's 2L and version 3's UTF-8); anything else is an error
// that says what is wrong, never a panic.
func TestHeaders(t *testing.T) {
	ok := []struct{ dict, shape string }{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "[2 3]"},
		{"{'descr':'<f8','fortran_order':False,'shape':(2L, 3L)}", "[2 3]"},
		{`{"shape": (6,), "fortran_order": True, "descr": "<f8"}`, "[6]"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3, ), }", "[1 2 3]"},
	}
	for _, c := range ok {
		a, err := ingest.DecodeNPY(withData(c.dict, 48), "ok.npy")
		if err != nil || fmt.Sprint(a.Shape) != c.shape {
			t.Errorf("%s: %v, %v", c.dict, a, err)
		}
	}
	bad := []struct{ dict, want string }{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", `unexpected key "x"`},
		{"{'descr': '<f8', 'fortran_order': False}", "no shape"},
		{"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6,)}", `a structured array ("[('a', '<f8')]")`},
		{"{'descr': '<c16', 'fortran_order': False, 'shape': (3,)}", `unsupported element type "<c16"`},
		{"{'descr': '<f8', 'fortran_order': 0, 'shape': (6,)}", "fortran_order is a number"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': [6]}", "shape is a list, not a tuple"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 'x')}", "bad shape"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}", `"-6" is not a value`},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", "is not a value"},
		{"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", `key "descr" given twice`},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (6,)} junk", `"junk" after the dictionary`},
		{"{'descr': '<f8", "unterminated string"},
		{"{'descr' '<f8'}", "want ':' after a key"},
		{"[" + strings.Repeat("(", 40) + "]", "nested more than 16 deep"},
		{"(6,)", "is not a dictionary"},
		{"", "unexpected end"},
	}
	for _, c := range bad {
		_, err := ingest.DecodeNPY(withData(c.dict, 48), "bad.npy")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "bad.npy: ") {
			t.Errorf("%s: %v, want it to say %q", c.dict, err, c.want)
		}
	}
	// Version 3 headers are UTF-8, with a 4-byte length.
	h := "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } \n"
	v3 := append([]byte("\x93NUMPY\x03\x00"), binary.LittleEndian.AppendUint32(nil, uint32(len(h)))...)
	v3 = append(append(v3, h...), make([]byte, 8)...)
	if a, err := ingest.DecodeNPY(v3, "v3.npy"); err != nil || len(a.Data) != 1 {
		t.Errorf("version 3: %v, %v", a, err)
	}
	// A header longer than 64 KiB is refused before it is read.
	huge := append([]byte("\x93NUMPY\x02\x00"), binary.LittleEndian.AppendUint32(nil, 1<<30)...)
	huge = append(huge, make([]byte, 1<<16)...)
	if _, err := ingest.DecodeNPY(huge, "huge.npy"); err == nil || !strings.Contains(err.Error(), "truncated .npy header") {
		t.Errorf("header of 1 GiB: %v", err)
	}
	huge = append([]byte("\x93NUMPY\x02\x00"), binary.LittleEndian.AppendUint32(nil, 1<<17)...)
	huge = append(huge, make([]byte, 1<<17)...)
	if _, err := ingest.DecodeNPY(huge, "huge.npy"); err == nil || !strings.Contains(err.Error(), "131072 bytes long, more than the 65536 accepted") {
		t.Errorf("header of 128 KiB: %v", err)
	}
}

// withData is a version 1 .npy file of the header dict and n zero bytes.
func withData(dict string, n int) []byte {
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	return append(append(b, dict...), make([]byte, n)...)
}

// TestArrayLimit: an array whose float64 form is over the limit for one
// input is refused from its header, whatever its file's size.
func TestArrayLimit(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "1KiB")
	b := headerNPY("|u1", "(200,)", 200)
	_, err := ingest.DecodeNPY(b, "u1.npy")
	if !errors.Is(err, inputfile.ErrTooLarge) || err.Error() != "u1.npy: shape [200] as float64 needs 1.6 KiB, more than the 1.0 KiB one input may take (OBLIQUE_MAX_INPUT; see the README)" {
		t.Errorf("200 uint8 over 1 KiB: %v", err)
	}
	if _, err := ingest.DecodeNPY(headerNPY("|u1", "(128,)", 128), "u1.npy"); err != nil {
		t.Errorf("128 uint8 within 1 KiB: %v", err)
	}
}

// TestNPZMemberChecked: a member whose bytes do not match what the
// archive's directory declares, or whose CRC is wrong, is an error.
func TestNPZMemberChecked(t *testing.T) {
	dir := t.TempDir()
	good := append(ingest.NPYHeader("|u1", "(4,)"), 1, 2, 3, 4)
	write := func(name string, data []byte, declared uint64, crc uint32) string {
		var b bytes.Buffer
		z := zip.NewWriter(&b)
		w, err := z.CreateRaw(&zip.FileHeader{Name: "x.npy", Method: zip.Store, CRC32: crc,
			CompressedSize64: uint64(len(data)), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		z.Close()
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o644)
		return p
	}
	crc := crc32.ChecksumIEEE(good)
	p := write("good.npz", good, uint64(len(good)), crc)
	if a, _, err := ingest.ReadArray(p, "x"); err != nil || !slices.Equal(a.Data, []float64{1, 2, 3, 4}) {
		t.Errorf("good: %v, %v", a, err)
	}
	for name, c := range map[string]struct {
		path, want string
	}{
		"bad CRC":        {write("crc.npz", good, uint64(len(good)), crc+1), "checksum error"},
		"declared short": {write("short.npz", good, uint64(len(good))-1, crc), "data section has 3 bytes, shape [4] of |u1 needs 4"},
		"declared long":  {write("long.npz", good, uint64(len(good))+8, crc), "data section has 12 bytes"},
	} {
		_, _, err := ingest.ReadArray(c.path, "x")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Base(c.path)) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
