package matfile

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// golden is the JSON written by testdata/make_goldens.py from scipy.io.loadmat.
type golden struct {
	Source  string        `json:"source"`
	Vars    []string      `json:"vars"`
	Entries []goldenEntry `json:"entries"`
}

type goldenEntry struct {
	Path     string              `json:"path"`
	Class    string              `json:"class"`
	Shape    []int               `json:"shape"`
	Fields   []string            `json:"fields"`
	Rows     []string            `json:"rows"`
	NNZ      *int                `json:"nnz"`
	Real     *goldenStats        `json:"real"`
	Imag     *goldenStats        `json:"imag"`
	Elements [][]json.RawMessage `json:"elements"`
}

type goldenStats struct {
	N      int    `json:"n"`
	Sum    *jsonF `json:"sum"`
	Sumsq  *jsonF `json:"sumsq"`
	Sumabs *jsonF `json:"sumabs"`
	Min    *jsonF `json:"min"`
	Max    *jsonF `json:"max"`
}

// jsonF is a float64 written as a JSON number or as "NaN", "Inf", "-Inf".
type jsonF float64

func (f *jsonF) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*f = jsonF(math.NaN())
		case "Inf":
			*f = jsonF(math.Inf(1))
		case "-Inf":
			*f = jsonF(math.Inf(-1))
		default:
			return fmt.Errorf("bad float %q", s)
		}
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	*f = jsonF(x)
	return err
}

// goldenFiles maps each golden to the MAT-files it describes.
var goldenFiles = map[string][]string{
	"numeric":              {"testdata/numeric.mat", "testdata/numeric_z.mat"},
	"text":                 {"testdata/text.mat", "testdata/text_z.mat"},
	"containers":           {"testdata/containers.mat", "testdata/containers_z.mat"},
	"velime_example_data":  {"testdata/velime_example_data.mat"},
	"EMG_sampleData":       {"testdata/EMG_sampleData.mat"},
	"kinematic_sampleData": {"testdata/kinematic_sampleData.mat"},
	"exampleData":          {golubPath},
}

// golubPath is the Golub et al. 2018 file bundled with the repository.
const golubPath = "../../data/golub2018_bci/exampleData.mat"

func readGolden(t *testing.T, name string) golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s.golden.json: %v", name, err)
	}
	return g
}

// TestGoldens compares every array of every test file with what scipy read.
func TestGoldens(t *testing.T) {
	for name, files := range goldenFiles {
		g := readGolden(t, name)
		for _, path := range files {
			t.Run(filepath.Base(path), func(t *testing.T) {
				f, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				checkGolden(t, f, g)
			})
		}
	}
}

func checkGolden(t *testing.T, f *File, g golden) {
	var names []string
	for _, v := range f.Vars() {
		names = append(names, v.Name)
	}
	if !slices.Equal(names, g.Vars) {
		t.Errorf("Vars: got %q, want %q", names, g.Vars)
	}
	roots := map[string]Value{}
	for i, e := range g.Entries {
		root, rest := e.Path, ""
		if k := strings.IndexAny(root, ".({"); k >= 0 {
			root, rest = root[:k], root[k:]
		}
		v, ok := roots[root]
		if !ok {
			var err error
			if v, err = f.Get(root); err != nil {
				t.Errorf("%s: %v", e.Path, err)
				continue
			}
			roots[root] = v
			if rest == "" {
				checkInfo(t, f, root, e)
			}
		}
		var err error
		if i%10 == 0 {
			// Every tenth entry the long way, through the file.
			v, err = f.Lookup(e.Path)
		} else {
			v, err = Lookup(v, rest)
		}
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		checkEntry(t, e, v)
	}
}

// checkInfo compares the directory entry of a variable with the golden.
func checkInfo(t *testing.T, f *File, name string, e goldenEntry) {
	for _, vi := range f.Vars() {
		if vi.Name != name {
			continue
		}
		if vi.Class.String() != e.Class || !slices.Equal(vi.Size, e.Shape) || vi.Complex != (e.Imag != nil) {
			t.Errorf("Vars entry %s: got %v %v complex=%v, want %s %v complex=%v",
				name, vi.Class, vi.Size, vi.Complex, e.Class, e.Shape, e.Imag != nil)
		}
	}
}

func checkEntry(t *testing.T, e goldenEntry, v Value) {
	t.Helper()
	if got := v.Class().String(); got != e.Class {
		t.Errorf("%s: class %s, want %s", e.Path, got, e.Class)
		return
	}
	if !slices.Equal(v.Dims(), e.Shape) {
		t.Errorf("%s: dims %v, want %v", e.Path, v.Dims(), e.Shape)
		return
	}
	switch v := v.(type) {
	case *Struct:
		if !slices.Equal(v.Fields, e.Fields) {
			t.Errorf("%s: fields %q, want %q", e.Path, v.Fields, e.Fields)
		}
		if len(v.Elems) != numel(e.Shape) {
			t.Errorf("%s: %d elements, want %d", e.Path, len(v.Elems), numel(e.Shape))
		}
	case *Cell:
		if len(v.Elems) != numel(e.Shape) {
			t.Errorf("%s: %d elements, want %d", e.Path, len(v.Elems), numel(e.Shape))
		}
	case *Char:
		if !slices.Equal(v.Rows, e.Rows) {
			t.Errorf("%s: rows %q, want %q", e.Path, v.Rows, e.Rows)
		}
	case *Numeric:
		checkNumbers(t, e, v.Real, v.Imag)
		checkElements(t, e, v.Real, v.Imag, v)
	case *Logical:
		f := make([]float64, len(v.Data))
		for i, b := range v.Data {
			if b {
				f[i] = 1
			}
		}
		checkNumbers(t, e, f, nil)
		checkElements(t, e, f, nil, v)
	case *Sparse:
		if len(v.RowIndex) != *e.NNZ {
			t.Errorf("%s: %d stored values, want %d", e.Path, len(v.RowIndex), *e.NNZ)
		}
		r, c := v.Size[0], v.Size[1]
		re, im := make([]float64, r*c), make([]float64, r*c)
		for j := range c {
			for i := range r {
				re[i+j*r], im[i+j*r] = v.at(i, j)
			}
		}
		if v.Imag == nil {
			im = nil
		}
		checkNumbers(t, e, re, im)
		checkElements(t, e, re, im, v)
	default:
		t.Errorf("%s: unexpected %T", e.Path, v)
	}
}

// checkNumbers compares the statistics of the real and imaginary parts.
func checkNumbers(t *testing.T, e goldenEntry, re, im []float64) {
	t.Helper()
	if e.Real == nil {
		t.Errorf("%s: golden has no values", e.Path)
		return
	}
	checkStats(t, e.Path+" real part", re, e.Real)
	switch {
	case e.Imag != nil && im == nil:
		t.Errorf("%s: not complex, want complex", e.Path)
	case e.Imag == nil && im != nil:
		t.Errorf("%s: complex, want real", e.Path)
	case e.Imag != nil:
		checkStats(t, e.Path+" imaginary part", im, e.Imag)
	}
}

func checkStats(t *testing.T, what string, x []float64, want *goldenStats) {
	t.Helper()
	if len(x) != want.N {
		t.Errorf("%s: %d values, want %d", what, len(x), want.N)
		return
	}
	if len(x) == 0 {
		return
	}
	sq := make([]float64, len(x))
	for i, v := range x {
		sq[i] = v * v
	}
	// The goldens' sums are math.fsum, correctly rounded; compensated
	// summation in file order agrees to within a few ulps of Σ|x|, so a
	// tolerance of 1e-12·Σ|x| allows for the different summation order
	// with a wide margin. Non-finite sums must match exactly.
	tol := 0.0
	if want.Sumabs != nil {
		tol = 1e-12 * float64(*want.Sumabs)
	}
	checkClose(t, what+" sum", sum(x), want.Sum, tol)
	if want.Sumsq != nil {
		tolSq := 1e-12 * float64(*want.Sumsq)
		checkClose(t, what+" sum of squares", sum(sq), want.Sumsq, tolSq)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if want.Min != nil && lo != float64(*want.Min) {
		t.Errorf("%s: min %v, want %v", what, lo, float64(*want.Min))
	}
	if want.Max != nil && hi != float64(*want.Max) {
		t.Errorf("%s: max %v, want %v", what, hi, float64(*want.Max))
	}
}

func checkClose(t *testing.T, what string, got float64, want *jsonF, tol float64) {
	t.Helper()
	if want == nil {
		return
	}
	w := float64(*want)
	switch {
	case math.IsNaN(w) || math.IsInf(w, 0):
		if !sameFloat(got, w) {
			t.Errorf("%s: %v, want %v", what, got, w)
		}
	case math.Abs(got-w) > tol:
		t.Errorf("%s: %v, want %v ± %g", what, got, w, tol)
	}
}

// sum is Neumaier's compensated sum.
func sum(x []float64) float64 {
	s, c := 0.0, 0.0
	for _, v := range x {
		t := s + v
		if math.Abs(s) >= math.Abs(v) {
			c += (s - t) + v
		} else {
			c += (v - t) + s
		}
		s = t
	}
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return s
	}
	return s + c
}

// sameFloat reports whether a and b have the same bits, or are both NaN.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// checkElements compares the recorded elements exactly.
func checkElements(t *testing.T, e goldenEntry, re, im []float64, v Value) {
	t.Helper()
	for _, el := range e.Elements {
		var k int
		if err := json.Unmarshal(el[0], &k); err != nil || k >= len(re) {
			t.Errorf("%s: bad golden element index %s", e.Path, el[0])
			continue
		}
		raw := string(el[1])
		switch {
		case raw == "true" || raw == "false":
			if got := re[k] != 0; got != (raw == "true") {
				t.Errorf("%s: element %d is %v, want %s", e.Path, k, got, raw)
			}
		case strings.HasPrefix(raw, "["):
			var pair [2]jsonF
			if err := json.Unmarshal(el[1], &pair); err != nil {
				t.Fatalf("%s: %v", e.Path, err)
			}
			if im == nil || !sameFloat(re[k], float64(pair[0])) || !sameFloat(im[k], float64(pair[1])) {
				t.Errorf("%s: element %d is %v+%vi, want %v+%vi", e.Path, k, re[k], at(im, k), pair[0], pair[1])
			}
		case e.Class != "double" && e.Class != "single" && e.Class != "sparse":
			// Integer classes are written as exact integers.
			n, _ := v.(*Numeric)
			switch {
			case e.Class == "int64":
				want, err := strconv.ParseInt(raw, 10, 64)
				if err != nil || n.Int64[k] != want {
					t.Errorf("%s: element %d is %d, want %s", e.Path, k, n.Int64[k], raw)
				}
			case e.Class == "uint64":
				want, err := strconv.ParseUint(raw, 10, 64)
				if err != nil || n.Uint64[k] != want {
					t.Errorf("%s: element %d is %d, want %s", e.Path, k, n.Uint64[k], raw)
				}
			}
			want, _ := strconv.ParseFloat(raw, 64)
			if re[k] != want {
				t.Errorf("%s: element %d is %v, want %s", e.Path, k, re[k], raw)
			}
		default:
			var want jsonF
			if err := json.Unmarshal(el[1], &want); err != nil {
				t.Fatalf("%s: %v", e.Path, err)
			}
			if !sameFloat(re[k], float64(want)) {
				t.Errorf("%s: element %d is %v, want %v", e.Path, k, re[k], float64(want))
			}
		}
	}
}

func at(x []float64, k int) float64 {
	if x == nil {
		return 0
	}
	return x[k]
}
