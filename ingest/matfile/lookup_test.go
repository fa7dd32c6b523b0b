package matfile

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func openFixture(t *testing.T, name string) *File {
	t.Helper()
	f, err := Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestLookupPaths(t *testing.T) {
	f := openFixture(t, "containers_z.mat")
	for _, c := range []struct {
		path string
		want string // describe() of the result, and its value where short
		real []float64
	}{
		{path: "s.a", want: "1×1 double", real: []float64{1}},
		{path: "s.b", want: "2×2 int32", real: []float64{1, 3, 2, 4}},
		{path: "s.b(2,2)", want: "1×1 int32", real: []float64{4}},
		{path: "s.b(3)", want: "1×1 int32", real: []float64{2}},
		{path: "s.b(1,2)", want: "1×1 int32", real: []float64{2}},
		{path: "s(1).inner.deep.x", want: "1×3 double", real: []float64{1, 2, 3}},
		{path: "s.inner.deep", want: "1×1 struct"},
		{path: "sarr", want: "1×3 struct array"},
		{path: "sarr(3)", want: "1×1 struct"},
		{path: "sarr(1,3).data", want: "3×2 double", real: []float64{0, 2, 4, 1, 3, 5}},
		{path: "sarr2x2(2,1).v", want: "1×1 double", real: []float64{21}},
		{path: "sarr2x2(3).v", want: "1×1 double", real: []float64{12}},
		{path: "c", want: "1×6 cell"},
		{path: "c(2)", want: "1×1 cell"},
		{path: "c{3}", want: "1×3 uint16", real: []float64{1, 2, 3}},
		{path: "c{3}(3)", want: "1×1 uint16", real: []float64{3}},
		{path: "c{4}{2}", want: "1×1 double", real: []float64{-7.5}},
		{path: "c{4}{1}", want: "1×2 logical"},
		{path: "c{5}.f", want: "1×1 double", real: []float64{3}},
		{path: "c{6}", want: "0×0 double"},
		{path: "c2x3{2,3}", want: "1×1 double", real: []float64{12}},
		{path: "c2x3{5}", want: "1×1 double", real: []float64{2}},
		{path: "sp(2,4)", want: "1×1 double", real: []float64{-3}},
		{path: "sp(1,1)", want: "1×1 double", real: []float64{0}},
		{path: "sp_cplx(1,2)", want: "1×1 complex double", real: []float64{1}},
	} {
		v, err := f.Lookup(c.path)
		if err != nil {
			t.Errorf("Lookup(%q): %v", c.path, err)
			continue
		}
		if got := describe(v); got != c.want {
			t.Errorf("Lookup(%q) is a %s, want %s", c.path, got, c.want)
		}
		if c.real != nil && !slices.Equal(v.(*Numeric).Real, c.real) {
			t.Errorf("Lookup(%q) = %v, want %v", c.path, v.(*Numeric).Real, c.real)
		}
	}
	label := mustLookup(t, f, "sarr(2).label").(*Char)
	if label.String() != "cond2" {
		t.Errorf("sarr(2).label = %q", label.String())
	}
	flags := mustLookup(t, f, "c{4}{1}").(*Logical)
	if !slices.Equal(flags.Data, []bool{true, false}) {
		t.Errorf("c{4}{1} = %v", flags.Data)
	}
}

// TestLookupErrors checks that errors name the file, the full path and what
// was found instead.
func TestLookupErrors(t *testing.T) {
	f := openFixture(t, "containers.mat")
	const p = "matfile: testdata/containers.mat: "
	for _, c := range []struct {
		path, msg string
		kind      error
	}{
		{"s.inner.deep.y", p + `s.inner.deep.y: struct s.inner.deep has no field "y" (fields: x, flag)`, ErrNotFound},
		{"s.inner.deeep", p + `s.inner.deeep: struct s.inner has no field "deeep" (fields: deep); did you mean "deep"?`, ErrNotFound},
		{"s.Name", p + `s.Name: struct s has no field "Name" (fields: a, b, name, inner); did you mean "name"?`, ErrNotFound},
		{"sarr.id", p + "sarr.id: sarr is a 1×3 struct array: select one element first, as in sarr(1).id", ErrNotFound},
		{"sarr(4).id", p + "sarr(4): index 4 is out of range: sarr is a 1×3 struct array", ErrNotFound},
		{"c{7}", p + "c{7}: index 7 is out of range: c is a 1×6 cell", ErrNotFound},
		{"c2x3{3,1}", p + "c2x3{3,1}: index (3,1) is out of range: c2x3 is a 2×3 cell", ErrNotFound},
		{"s{1}", p + "s{1}: s is a 1×1 struct, not a cell array: index it with ( )", ErrNotFound},
		{"c.x", p + "c.x: c is a 1×6 cell, not a struct", ErrNotFound},
		{"s.b.c", p + "s.b.c: s.b is a 2×2 int32, not a struct", ErrNotFound},
		{"c(2).x", p + "c(2).x: c(2) is a 1×1 cell, not a struct", ErrNotFound},
		{"empty_cell{1}", p + "empty_cell{1}: index 1 is out of range: empty_cell is a 0×0 cell", ErrNotFound},
		{"nope.x", p + `nope: no variable "nope" (variables: s, sarr, sarr2x2, c, c2x3, empty_cell, sp, sp_cplx)`, ErrNotFound},
		{"sarr2", p + `sarr2: no variable "sarr2" (variables: s, sarr, sarr2x2, c, c2x3, empty_cell, sp, sp_cplx); did you mean "sarr"?`, ErrNotFound},
		{"s..a", p + "s..a: bad path: no field name after '.' at byte 2", nil},
		{"s(0)", p + `s(0): bad path: index "0" is not a positive integer (indices are 1-based)`, nil},
		{"s(1", p + `s(1: bad path: no ')' after '(' at byte 1`, nil},
		{"", p + "bad path: it must start with a variable name", nil},
		{"s.a b", p + `s.a b: bad path: unexpected ' ' at byte 3`, nil},
	} {
		_, err := f.Lookup(c.path)
		if err == nil {
			t.Errorf("Lookup(%q) did not fail", c.path)
			continue
		}
		if err.Error() != c.msg {
			t.Errorf("Lookup(%q):\n got %s\nwant %s", c.path, err, c.msg)
		}
		if c.kind != nil && !errors.Is(err, c.kind) {
			t.Errorf("Lookup(%q): %v does not wrap %v", c.path, err, c.kind)
		}
		var e *Error
		if !errors.As(err, &e) || e.File != "testdata/containers.mat" {
			t.Errorf("Lookup(%q): %#v is not an *Error naming the file", c.path, err)
		}
	}

	// Lookup on a value names paths relative to it.
	s, err := f.Get("s")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Lookup(s, "inner.deep.x(2)"); err != nil || v.(*Numeric).Real[0] != 2 {
		t.Errorf("Lookup(s, inner.deep.x(2)) = %v, %v", v, err)
	}
	if v, err := Lookup(s, ".a"); err != nil || v.(*Numeric).Real[0] != 1 {
		t.Errorf("Lookup(s, .a) = %v, %v", v, err)
	}
	_, err = Lookup(s, "inner.nope")
	if want := `matfile: .inner.nope: struct .inner has no field "nope" (fields: deep)`; err == nil || err.Error() != want {
		t.Errorf("Lookup(s, inner.nope):\n got %v\nwant %s", err, want)
	}
}

func TestAccessors(t *testing.T) {
	f := openFixture(t, "numeric_z.mat")
	num := func(path string) *Numeric { return mustLookup(t, f, path).(*Numeric) }

	d, err := num("dbl").Dense()
	if err != nil {
		t.Fatal(err)
	}
	want := mat.NewDense(2, 3, []float64{1.5, -2.25, 3.0, math.Pi, 0, 1e-300})
	if !mat.Equal(d, want) || !math.Signbit(d.At(1, 1)) {
		t.Errorf("dbl =\n%v\nwant\n%v", mat.Formatted(d), mat.Formatted(want))
	}
	if d, err := f.Dense("logic"); err != nil || !mat.Equal(d, mat.NewDense(2, 3, []float64{1, 0, 1, 0, 0, 1})) {
		t.Errorf("Dense(logic) = %v, %v", d, err)
	}
	if d, err := f.Dense("nd4_uint8(2,3,2,2)"); err != nil || d.At(0, 0) != 23 {
		t.Errorf("Dense(nd4_uint8(2,3,2,2)) = %v, %v", d, err)
	}
	// With two subscripts, the second spans the trailing dimensions.
	if x := num("nd3(2,5)").Real[0]; x != 9.5 {
		t.Errorf("nd3(2,5) = %v, want 9.5", x)
	}
	if x := num("nd3(2,3,4)").Real[0]; x != 23.5 {
		t.Errorf("nd3(2,3,4) = %v, want 23.5", x)
	}

	for _, c := range []struct{ path, msg string }{
		{"nd3", "matfile: testdata/numeric_z.mat: nd3: 2×3×4 double is not 2-D"},
		{"cplx", "matfile: testdata/numeric_z.mat: cplx: 2×3 complex double is complex: use RealDense and ImagDense"},
		{"empty_0x5", "matfile: testdata/numeric_z.mat: empty_0x5: 0×5 double is empty"},
	} {
		if _, err := f.Dense(c.path); err == nil || err.Error() != c.msg {
			t.Errorf("Dense(%q):\n got %v\nwant %s", c.path, err, c.msg)
		}
	}

	c := num("cplx")
	re, err1 := c.RealDense()
	im, err2 := c.ImagDense()
	if err1 != nil || err2 != nil || re.At(1, 2) != -1e10 || im.At(1, 2) != 1e-10 || im.At(0, 1) != -0.25 {
		t.Errorf("cplx parts: %v %v %v %v", re, im, err1, err2)
	}

	if v, err := num("rowvec").Vector(); err != nil || !slices.Equal(v, []float64{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("rowvec = %v, %v", v, err)
	}
	if v, err := num("colvec").Vector(); err != nil || len(v) != 5 || v[2] != 1 {
		t.Errorf("colvec = %v, %v", v, err)
	}
	if _, err := num("dbl").Vector(); err == nil {
		t.Error("Vector of a 2×3 array did not fail")
	}
	if x, err := num("scalar").Scalar(); err != nil || x != 42 {
		t.Errorf("scalar = %v, %v", x, err)
	}
	if _, err := num("rowvec").Scalar(); err == nil {
		t.Error("Scalar of a vector did not fail")
	}
	i64 := num("int64")
	if !slices.Equal(i64.Int64, []int64{math.MinInt64, -1, 0, 1<<53 + 1, math.MaxInt64}) || i64.Uint64 != nil {
		t.Errorf("int64 = %v", i64.Int64)
	}
	u64 := num("uint64")
	if !slices.Equal(u64.Uint64, []uint64{0, 1, 1<<53 + 1, math.MaxUint64}) || u64.Int64 != nil {
		t.Errorf("uint64 = %v", u64.Uint64)
	}

	g := openFixture(t, "containers.mat")
	sp, err := g.Dense("sp")
	if err != nil {
		t.Fatal(err)
	}
	wantSp := mat.NewDense(3, 4, []float64{0, 1.5, 0, 0, 2, 0, 0, -3, 0, 0, 0, 4.25})
	if !mat.Equal(sp, wantSp) {
		t.Errorf("sp =\n%v\nwant\n%v", mat.Formatted(sp), mat.Formatted(wantSp))
	}
	if _, err := g.Dense("c"); err == nil {
		t.Error("Dense of a cell did not fail")
	}
}

func TestClassNames(t *testing.T) {
	for c := ClassUnknown; c <= ClassLogical; c++ {
		p, ok := ParseClass(c.String())
		if c == ClassUnknown {
			if ok {
				t.Errorf("ParseClass(%q) succeeded", c)
			}
			continue
		}
		if !ok || p != c {
			t.Errorf("ParseClass(%q) = %v, %v", c, p, ok)
		}
	}
	if s := Class(200).String(); s != "class(200)" {
		t.Errorf("Class(200) = %q", s)
	}
	if !ClassUint64.IsNumeric() || ClassLogical.IsNumeric() || ClassChar.IsNumeric() {
		t.Error("IsNumeric")
	}
}
