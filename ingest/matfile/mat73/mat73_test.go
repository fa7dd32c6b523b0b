package mat73_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	_ "github.com/oblique-neuro/oblique/ingest/matfile/mat73"
)

// The fixture and its goldens are written by testdata/make_v73.py (h5py),
// which lays arrays out as MATLAB's save -v7.3 does; the goldens are the
// arrays as MATLAB sees them (column-major values, MATLAB dimensions).
const (
	fixture = "testdata/v73_layout.mat"
	goldens = "testdata/v73_layout.golden.json"
)

type golden struct {
	Variables []string `json:"variables"`
	Paths     map[string]struct {
		Class       string    `json:"class"`
		MatlabClass string    `json:"matlab_class"`
		Dims        []int     `json:"dims"`
		Values      []float64 `json:"values"`
		Rows        []string  `json:"rows"`
		Fields      []string  `json:"fields"`
	} `json:"paths"`
}

func open(t *testing.T) *matfile.File {
	t.Helper()
	f, err := matfile.Open(fixture)
	if errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile(goldens)
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGoldens reads every path of the fixture through matfile.Open (which
// hands v7.3 files to this package) and compares class, dimensions, field
// names and values with the goldens, exactly: the values are stored as they
// are, so nothing may change them.
func TestGoldens(t *testing.T) {
	f := open(t)
	g := readGolden(t)
	var names []string
	for _, v := range f.Vars() {
		names = append(names, v.Name)
	}
	want := slices.Clone(g.Variables)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("Vars: %q, want %q", names, want)
	}
	if !strings.HasPrefix(f.Description(), "MATLAB 7.3 MAT-file") {
		t.Errorf("Description %q", f.Description())
	}
	for path, w := range g.Paths {
		v, err := f.Lookup(path)
		if w.Class == "unsupported" {
			if !errors.Is(err, matfile.ErrUnsupported) || !strings.Contains(err.Error(), w.MatlabClass) {
				t.Errorf("%s: error %v, want ErrUnsupported naming %s", path, err, w.MatlabClass)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if v.Class().String() != w.Class {
			t.Errorf("%s: class %v, want %s", path, v.Class(), w.Class)
		}
		if !slices.Equal(v.Dims(), w.Dims) {
			t.Errorf("%s: dims %v, want %v", path, v.Dims(), w.Dims)
		}
		switch v := v.(type) {
		case *matfile.Numeric:
			if !slices.Equal(v.Real, w.Values) {
				t.Errorf("%s: values %v, want %v", path, v.Real, w.Values)
			}
		case *matfile.Logical:
			for i, b := range v.Data {
				if b != (w.Values[i] != 0) {
					t.Errorf("%s: element %d = %v", path, i, b)
				}
			}
		case *matfile.Char:
			if !slices.Equal(v.Rows, w.Rows) {
				t.Errorf("%s: rows %q, want %q", path, v.Rows, w.Rows)
			}
		case *matfile.Struct:
			if !slices.Equal(v.Fields, w.Fields) {
				t.Errorf("%s: fields %q, want %q (MATLAB_fields order)", path, v.Fields, w.Fields)
			}
		case *matfile.Sparse:
			d, err := v.Dense()
			if err != nil {
				t.Fatal(err)
			}
			r, _ := d.Dims()
			for k, x := range w.Values { // column-major
				if got := d.At(k%r, k/r); got != x {
					t.Errorf("%s: element %d = %v, want %v", path, k, got, x)
				}
			}
		}
	}
	// int64 beyond 2^53 is kept exactly.
	v, err := f.Lookup("big")
	if err != nil {
		t.Fatal(err)
	}
	if n := v.(*matfile.Numeric); !slices.Equal(n.Int64, []int64{-(1 << 62), 1<<53 + 1}) {
		t.Errorf("big: Int64 = %v", n.Int64)
	}
	// Dense gives MATLAB's x(i, j) at (i-1, j-1).
	x, err := f.Dense("x")
	if err != nil {
		t.Fatal(err)
	}
	w := g.Paths["x"]
	if r, c := x.Dims(); r != 3 || c != 4 || x.At(1, 2) != w.Values[2*3+1] {
		t.Errorf("Dense(x) is %d×%d, x(2,3) = %v, want %v", r, c, x.At(1, 2), w.Values[7])
	}
}

// TestVarInfo checks the directory: classes and sizes without decoding.
func TestVarInfo(t *testing.T) {
	f := open(t)
	got := map[string]string{}
	for _, v := range f.Vars() {
		d := make([]string, len(v.Size))
		for i, x := range v.Size {
			d[i] = fmt.Sprint(x)
		}
		got[v.Name] = v.Class.String() + " " + strings.Join(d, "×")
	}
	for name, want := range map[string]string{
		"x": "double 3×4", "row": "int16 1×5", "mask": "logical 2×3", "name": "char 1×7", "lines": "char 3×2",
		"e": "double 0×3", "s": "struct 1×1", "c": "cell 2×2", "sa": "struct 1×3", "sp": "sparse 3×3",
		"when": "object 1×6",
	} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
}

// TestErrors checks errors for paths that are not in the file and for
// files that are not HDF5 behind a v7.3 header: they name the file and
// the path, and nothing panics.
func TestErrors(t *testing.T) {
	f := open(t)
	for path, want := range map[string]string{
		"nope":          `matfile: testdata/v73_layout.mat: nope: no variable "nope"`,
		"s.zet":         `did you mean "zeta"`,
		"c{5}":          "c{5}",
		"sa(2).missing": "sa(2).missing",
	} {
		_, err := f.Lookup(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", path, err, want)
		}
	}

	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range []int{512, 600, 2048, len(b) / 2, len(b) - 100} {
		p := filepath.Join(dir, "cut.mat")
		if err := os.WriteFile(p, b[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := matfile.Open(p)
		if err == nil {
			// The directory may still be readable: reading every
			// variable must then fail cleanly or succeed.
			for _, v := range f.Vars() {
				if _, err := f.Get(v.Name); err != nil && !strings.Contains(err.Error(), p) {
					t.Errorf("%d bytes: %s: error %v does not name the file", n, v.Name, err)
				}
			}
			f.Close()
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%d bytes: error %v does not name the file", n, err)
		}
	}
}
