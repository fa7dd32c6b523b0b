package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
)

// The grid in testdata is made by testdata/gen.py.
func TestReadArrayGrid(t *testing.T) {
	files, err := filepath.Glob("testdata/data_*_2x3_*order.npy")
	if err != nil || len(files) != 24 {
		t.Fatalf("want 24 grid files, found %d (%v)", len(files), err)
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
	h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = append(b, byte(len(h)), byte(len(h)>>8))
	b = append(b, h...)
	return append(b, make([]byte, data)...)
}
