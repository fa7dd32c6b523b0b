package mat73_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/ingest/matfile/mat73"
	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/testcost"
)

// The v7.3 layer is fuzzed without the HDF5 library: the fixture's tree
// (every group, dataset, attribute and value as hdf5.Reader gives them)
// is stored as JSON, testdata/v73_layout.fake.json, and read through a
// fake hdf5.Reader. A fuzz input is a program of edits to that tree (a
// class attribute changed, a shape, a reference redirected, a node
// deleted or copied, …), so that every input is a file the HDF5 library
// could give: mutating the HDF5 bytes themselves would mostly test the
// library. Regenerate the JSON (needs cgo) with
//
//	go test -run TestWriteFake -update-fake ./ingest/matfile/mat73/
const fakeJSON = "testdata/v73_layout.fake.json"

var updateFake = flag.Bool("update-fake", false, "rewrite "+fakeJSON+" from the fixture")

// fakeAttr is an attribute value with its Go type: t is s (string), i
// (int64), u (uint64), f (float64), b (bool), r (Ref), a slice of those
// (ss, is, us, fs, bs, rs), or nil.
type fakeAttr struct {
	T  string    `json:"t"`
	S  []string  `json:"s,omitempty"`
	I  []int64   `json:"i,omitempty"`
	U  []uint64  `json:"u,omitempty"`
	F  []float64 `json:"f,omitempty"`
	B  []bool    `json:"b,omitempty"`
	RG []bool    `json:"rg,omitempty"` // Region of each Ref
}

// fakeNode is a group or dataset. A dataset's values are in F (float
// classes), I (integer classes, bool, enum), S (strings) or R (reference
// paths), in row-major order. Huge marks a dataset whose shape holds too
// many elements to store: reading it fails as a bounded reader would.
type fakeNode struct {
	Kind  hdf5.Kind           `json:"kind"`
	Dtype hdf5.Dtype          `json:"dtype"`
	Shape []int               `json:"shape,omitempty"`
	Null  bool                `json:"null,omitempty"`
	Huge  bool                `json:"huge,omitempty"`
	F     []float64           `json:"f,omitempty"`
	I     []int64             `json:"i,omitempty"`
	S     []string            `json:"s,omitempty"`
	R     []string            `json:"r,omitempty"`
	Attrs map[string]fakeAttr `json:"attrs,omitempty"`
}

// fakeFile is an hdf5.Reader over a tree of fakeNodes keyed by path; the
// tree must not change once it is read.
type fakeFile struct {
	nodes    map[string]*fakeNode
	children map[string][]hdf5.Member // made at the first Members
}

var _ hdf5.Reader = (*fakeFile)(nil)

func (f *fakeFile) Name() string { return "fuzz.mat" }
func (f *fakeFile) Close() error { return nil }

func (f *fakeFile) err(p string, err error) error {
	return &hdf5.Error{File: f.Name(), Path: p, Err: err}
}

func clean(p string) string { return path.Clean("/" + p) }

func (f *fakeFile) node(p string) (*fakeNode, error) {
	n, ok := f.nodes[clean(p)]
	if !ok {
		return nil, f.err(p, hdf5.ErrNotFound)
	}
	return n, nil
}

func (f *fakeFile) Stat(p string) (hdf5.Kind, error) {
	n, err := f.node(p)
	if err != nil {
		return 0, err
	}
	return n.Kind, nil
}

func (f *fakeFile) Members(p string) ([]hdf5.Member, error) {
	n, err := f.node(p)
	if err != nil {
		return nil, err
	}
	if n.Kind != hdf5.KindGroup {
		return nil, f.err(p, errors.New("not a group"))
	}
	if f.children == nil {
		f.children = map[string][]hdf5.Member{}
		for q, c := range f.nodes {
			if q != "/" {
				f.children[path.Dir(q)] = append(f.children[path.Dir(q)], hdf5.Member{Name: path.Base(q), Kind: c.Kind})
			}
		}
		for _, ms := range f.children {
			sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
		}
	}
	return slices.Clone(f.children[clean(p)]), nil
}

func (f *fakeFile) dataset(p string) (*fakeNode, error) {
	n, err := f.node(p)
	if err != nil {
		return nil, err
	}
	if n.Kind != hdf5.KindDataset {
		return nil, f.err(p, errors.New("not a dataset"))
	}
	return n, nil
}

func (f *fakeFile) Dataset(p string) (hdf5.DatasetInfo, error) {
	n, err := f.dataset(p)
	if err != nil {
		return hdf5.DatasetInfo{}, err
	}
	return hdf5.DatasetInfo{Path: clean(p), Shape: slices.Clone(n.Shape), Null: n.Null, Dtype: n.Dtype}, nil
}

func (f *fakeFile) AttrNames(p string) ([]string, error) {
	n, err := f.node(p)
	if err != nil {
		return nil, err
	}
	var names []string
	for k := range n.Attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, nil
}

func (f *fakeFile) Attr(p, name string) (any, error) {
	n, err := f.node(p)
	if err != nil {
		return nil, err
	}
	a, ok := n.Attrs[name]
	if !ok {
		return nil, &hdf5.Error{File: f.Name(), Path: p, Attr: name, Err: hdf5.ErrNotFound}
	}
	return a.value(), nil
}

// value is the attribute as hdf5.Reader.Attr returns it.
func (a fakeAttr) value() any {
	refs := func() []hdf5.Ref {
		out := make([]hdf5.Ref, len(a.S))
		for i, s := range a.S {
			out[i] = hdf5.Ref{Path: s, Region: i < len(a.RG) && a.RG[i]}
		}
		return out
	}
	one := func(n int) bool { return n == 1 }
	switch a.T {
	case "s":
		if one(len(a.S)) {
			return a.S[0]
		}
	case "i":
		if one(len(a.I)) {
			return a.I[0]
		}
	case "u":
		if one(len(a.U)) {
			return a.U[0]
		}
	case "f":
		if one(len(a.F)) {
			return a.F[0]
		}
	case "b":
		if one(len(a.B)) {
			return a.B[0]
		}
	case "r":
		if one(len(a.S)) {
			return refs()[0]
		}
	case "ss":
		return slices.Clone(a.S)
	case "is":
		return slices.Clone(a.I)
	case "us":
		return slices.Clone(a.U)
	case "fs":
		return slices.Clone(a.F)
	case "bs":
		return slices.Clone(a.B)
	case "rs":
		return refs()
	}
	return nil
}

// errTooLarge is what reading a Huge dataset gives.
var errTooLarge = fmt.Errorf("fake: %w", inputfile.ErrTooLarge)

// rows returns [start, start+count) of the first dimension of n's values.
func rows[T any](n *fakeNode, v []T, start, count int) ([]T, error) {
	if count < 0 {
		return slices.Clone(v), nil
	}
	per := 1
	for _, d := range n.Shape[min(1, len(n.Shape)):] {
		per *= d
	}
	if start < 0 || count < 0 || (start+count)*per > len(v) {
		return nil, errors.New("rows out of range")
	}
	return slices.Clone(v[start*per : (start+count)*per]), nil
}

func (f *fakeFile) read(p string, class func(hdf5.Class) bool, want string) (*fakeNode, error) {
	n, err := f.dataset(p)
	if err != nil {
		return nil, err
	}
	if !class(n.Dtype.Class) {
		return nil, f.err(p, &hdf5.DtypeError{Dtype: n.Dtype, Want: want})
	}
	if n.Huge {
		return nil, f.err(p, errTooLarge)
	}
	return n, nil
}

func isInt(c hdf5.Class) bool {
	return c == hdf5.Int || c == hdf5.Uint || c == hdf5.Bool || c == hdf5.Enum
}

func (f *fakeFile) ReadFloat64(p string) ([]float64, error) { return f.ReadFloat64Range(p, 0, -1) }
func (f *fakeFile) ReadFloat64Range(p string, start, count int) ([]float64, error) {
	n, err := f.read(p, func(c hdf5.Class) bool { return c == hdf5.Float || isInt(c) }, "a number")
	if err != nil {
		return nil, err
	}
	if n.Dtype.Class == hdf5.Float {
		return rows(n, n.F, start, count)
	}
	v := make([]float64, len(n.I))
	for i, x := range n.I {
		v[i] = float64(x)
	}
	return rows(n, v, start, count)
}

func (f *fakeFile) ReadInts(p string) ([]int64, error) { return f.ReadIntsRange(p, 0, -1) }
func (f *fakeFile) ReadIntsRange(p string, start, count int) ([]int64, error) {
	n, err := f.read(p, isInt, "an integer")
	if err != nil {
		return nil, err
	}
	return rows(n, n.I, start, count)
}

func (f *fakeFile) ReadStrings(p string) ([]string, error) { return f.ReadStringsRange(p, 0, -1) }
func (f *fakeFile) ReadStringsRange(p string, start, count int) ([]string, error) {
	n, err := f.read(p, func(c hdf5.Class) bool { return c == hdf5.String }, "a string")
	if err != nil {
		return nil, err
	}
	return rows(n, n.S, start, count)
}

func (f *fakeFile) ReadRefs(p string) ([]hdf5.Ref, error) {
	n, err := f.read(p, func(c hdf5.Class) bool { return c == hdf5.Reference }, "a reference")
	if err != nil {
		return nil, err
	}
	out := make([]hdf5.Ref, len(n.R))
	for i, r := range n.R {
		out[i] = hdf5.Ref{Path: r}
	}
	return out, nil
}

// TestWriteFake writes fakeJSON from the fixture through the HDF5 library,
// with -update-fake.
func TestWriteFake(t *testing.T) {
	if !*updateFake {
		t.Skip("-update-fake not given")
	}
	r, err := hdf5.Open(fixture)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	nodes := map[string]*fakeNode{}
	var walk func(p string)
	walk = func(p string) {
		k, err := r.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		n := &fakeNode{Kind: k, Attrs: map[string]fakeAttr{}}
		nodes[p] = n
		names, err := r.AttrNames(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			v, err := r.Attr(p, name)
			if err != nil {
				t.Fatal(err)
			}
			n.Attrs[name] = attrOf(t, v)
		}
		if k == hdf5.KindGroup {
			ms, err := r.Members(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.Link == "" {
					walk(path.Join(p, m.Name))
				}
			}
			return
		}
		d, err := r.Dataset(p)
		if err != nil {
			t.Fatal(err)
		}
		n.Dtype, n.Shape, n.Null = d.Dtype, d.Shape, d.Null
		switch c := d.Dtype.Class; {
		case c == hdf5.Float:
			n.F, err = r.ReadFloat64(p)
		case isInt(c):
			n.I, err = r.ReadInts(p)
		case c == hdf5.String:
			n.S, err = r.ReadStrings(p)
		case c == hdf5.Reference:
			var refs []hdf5.Ref
			refs, err = r.ReadRefs(p)
			for _, x := range refs {
				n.R = append(n.R, x.Path)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	walk("/")
	b, err := json.MarshalIndent(nodes, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fakeJSON, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func attrOf(t *testing.T, v any) fakeAttr {
	switch x := v.(type) {
	case string:
		return fakeAttr{T: "s", S: []string{x}}
	case int64:
		return fakeAttr{T: "i", I: []int64{x}}
	case uint64:
		return fakeAttr{T: "u", U: []uint64{x}}
	case float64:
		return fakeAttr{T: "f", F: []float64{x}}
	case bool:
		return fakeAttr{T: "b", B: []bool{x}}
	case hdf5.Ref:
		return fakeAttr{T: "r", S: []string{x.Path}, RG: []bool{x.Region}}
	case []string:
		return fakeAttr{T: "ss", S: x}
	case []int64:
		return fakeAttr{T: "is", I: x}
	case []uint64:
		return fakeAttr{T: "us", U: x}
	case []float64:
		return fakeAttr{T: "fs", F: x}
	case []bool:
		return fakeAttr{T: "bs", B: x}
	case []hdf5.Ref:
		a := fakeAttr{T: "rs"}
		for _, r := range x {
			a.S, a.RG = append(a.S, r.Path), append(a.RG, r.Region)
		}
		return a
	case nil:
		return fakeAttr{T: "nil"}
	}
	t.Fatalf("attribute of type %T", v)
	return fakeAttr{}
}

// loadFake reads the stored tree.
func loadFake(t testing.TB) map[string]*fakeNode {
	b, err := os.ReadFile(fakeJSON)
	if err != nil {
		t.Fatal(err)
	}
	var nodes map[string]*fakeNode
	if err := json.Unmarshal(b, &nodes); err != nil {
		t.Fatal(err)
	}
	return nodes
}

// TestFakeAsLibrary: the fake gives what the library gives: every
// variable of the fixture decodes to the same value through both.
func TestFakeAsLibrary(t *testing.T) {
	f := open(t) // through the HDF5 library; skipped without cgo
	b, err := mat73.New(&fakeFile{nodes: loadFake(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(f.Vars(), b.Vars(), func(x, y matfile.VarInfo) bool { return fmt.Sprint(x) == fmt.Sprint(y) }) {
		t.Errorf("Vars: library %v, fake %v", f.Vars(), b.Vars())
	}
	for _, v := range f.Vars() {
		want, werr := f.Get(v.Name)
		got, gerr := b.Get(v.Name)
		if fmt.Sprintf("%#v", deref(want)) != fmt.Sprintf("%#v", deref(got)) || (werr == nil) != (gerr == nil) {
			t.Errorf("%s: library %v (%v), fake %v (%v)", v.Name, deref(want), werr, deref(got), gerr)
		}
	}
}

// deref prints a value with its elements, for comparing.
func deref(v matfile.Value) string {
	switch v := v.(type) {
	case *matfile.Cell:
		s := fmt.Sprintf("cell %v {", v.Size)
		for _, e := range v.Elems {
			s += deref(e) + "; "
		}
		return s + "}"
	case *matfile.Struct:
		s := fmt.Sprintf("struct %v %v {", v.Size, v.Fields)
		for _, el := range v.Elems {
			for _, e := range el {
				s += deref(e) + "; "
			}
		}
		return s + "}"
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%+v", v)
}

// classes are MATLAB_class values the edits set.
var classes = []string{"double", "single", "int8", "uint8", "int64", "uint64", "char", "logical",
	"cell", "struct", "function_handle", "datetime", "", "double\x00"}

// dtypes are the dtypes the edits set.
var dtypes = []hdf5.Dtype{
	{Class: hdf5.Float, Size: 8}, {Class: hdf5.Int, Size: 4}, {Class: hdf5.Uint, Size: 2},
	{Class: hdf5.Uint, Size: 8}, {Class: hdf5.Bool, Size: 1}, {Class: hdf5.String, VarLen: true},
	{Class: hdf5.Reference, Size: 8}, {Class: hdf5.Compound, Size: 16}, {Class: hdf5.Opaque, Size: 4},
}

// ints are values the integer edits set.
var ints = []int64{0, 1, 2, 3, -1, 7, 1 << 31, 1<<31 + 1, 1 << 40, math.MaxInt64, math.MinInt64}

// edit applies the program prog (4 bytes an edit) to nodes.
func edit(nodes map[string]*fakeNode, prog []byte) {
	for len(prog) >= 4 {
		op, a, b, c := prog[0], int(prog[1]), int(prog[2]), int(prog[3])
		prog = prog[4:]
		paths := make([]string, 0, len(nodes))
		for p := range nodes {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		p := paths[a%len(paths)]
		n := nodes[p]
		other := paths[c%len(paths)]
		switch op % 11 {
		case 0: // the MATLAB class
			n.Attrs["MATLAB_class"] = fakeAttr{T: "s", S: []string{classes[b%len(classes)]}}
		case 1: // the shape, with new values
			if n.Kind != hdf5.KindDataset {
				break
			}
			shapes := [][]int{nil, {0}, {1}, {b % 7}, {b % 5, c % 5}, {1, b % 9}, {2, 2, b % 4}, {1 << 40}, {1 << 31, 1 << 31}, {b, c}}
			n.Shape = shapes[b%len(shapes)]
			n.Null = b%17 == 0
			fill(n, other, b)
		case 2: // an integer attribute
			names := []string{"MATLAB_empty", "MATLAB_sparse", "MATLAB_int_decode", "MATLAB_object_decode"}
			n.Attrs[names[b%len(names)]] = fakeAttr{T: "i", I: []int64{ints[c%len(ints)]}}
		case 3: // a reference
			if len(n.R) > 0 {
				targets := []string{other, "", "/nope", p, "/"}
				n.R[b%len(n.R)] = targets[c%len(targets)]
			}
		case 4: // delete a subtree
			if p != "/" {
				for _, q := range paths {
					if q == p || strings.HasPrefix(q, p+"/") {
						delete(nodes, q)
					}
				}
			}
		case 5: // delete an attribute
			var names []string
			for k := range n.Attrs {
				names = append(names, k)
			}
			sort.Strings(names)
			if len(names) > 0 {
				delete(n.Attrs, names[b%len(names)])
			}
		case 6: // the dtype, with new values
			if n.Kind == hdf5.KindDataset {
				n.Dtype = dtypes[b%len(dtypes)]
				fill(n, other, c)
			}
		case 7: // the field order
			ms := members(nodes, p)
			switch b % 4 {
			case 0:
				slices.Reverse(ms)
			case 1:
				ms = ms[:len(ms)/2]
			case 2:
				ms = append(ms, "bogus")
			}
			n.Attrs["MATLAB_fields"] = fakeAttr{T: "ss", S: ms}
		case 8: // copy a subtree under a group
			if n.Kind == hdf5.KindGroup && len(nodes) < 2000 && !strings.HasPrefix(p+"/", other+"/") {
				dst := path.Join(p, fmt.Sprintf("f%d", b))
				for _, q := range paths {
					if q == other || strings.HasPrefix(q, other+"/") {
						nodes[dst+strings.TrimPrefix(q, other)] = clone(nodes[q])
					}
				}
			}
		case 9: // an attribute of another type
			vals := []fakeAttr{{T: "i", I: []int64{int64(b)}}, {T: "f", F: []float64{math.NaN()}}, {T: "ss", S: []string{"a", "b"}},
				{T: "nil"}, {T: "u", U: []uint64{math.MaxUint64}}, {T: "f", F: []float64{1e300}}, {T: "r", S: []string{other}}}
			names := []string{"MATLAB_class", "MATLAB_sparse", "MATLAB_empty", "MATLAB_fields"}
			n.Attrs[names[c%len(names)]] = vals[b%len(vals)]
		case 10: // a group becomes a dataset or back
			if p == "/" {
				break
			}
			if n.Kind == hdf5.KindGroup {
				n.Kind, n.Dtype, n.Shape = hdf5.KindDataset, dtypes[b%len(dtypes)], []int{c % 5}
				fill(n, other, b)
			} else {
				*n = fakeNode{Kind: hdf5.KindGroup, Attrs: n.Attrs}
			}
		}
	}
}

// members lists the names of the members of group p.
func members(nodes map[string]*fakeNode, p string) []string {
	var ms []string
	for q := range nodes {
		if q != "/" && path.Dir(q) == p {
			ms = append(ms, path.Base(q))
		}
	}
	sort.Strings(ms)
	return ms
}

func clone(n *fakeNode) *fakeNode {
	c := *n
	c.Shape, c.F, c.I, c.S, c.R = slices.Clone(n.Shape), slices.Clone(n.F), slices.Clone(n.I), slices.Clone(n.S), slices.Clone(n.R)
	c.Attrs = map[string]fakeAttr{}
	for k, v := range n.Attrs {
		c.Attrs[k] = v
	}
	return &c
}

// fill gives dataset n values for its shape and dtype: references to ref,
// numbers from seed. More than 4096 elements are not stored (Huge).
func fill(n *fakeNode, ref string, seed int) {
	count := 1
	for _, d := range n.Shape {
		if d != 0 && count > 4096/d {
			count = 4097
			break
		}
		count *= d
	}
	if n.Null {
		count = 0
	}
	n.F, n.I, n.S, n.R, n.Huge = nil, nil, nil, nil, count > 4096
	if n.Huge {
		return
	}
	for i := range count {
		switch c := n.Dtype.Class; {
		case c == hdf5.Float:
			n.F = append(n.F, []float64{float64(i), math.NaN(), math.Inf(1), -1e300, 0.5}[(seed+i)%5])
		case isInt(c):
			n.I = append(n.I, ints[(seed+i)%len(ints)])
		case c == hdf5.String:
			n.S = append(n.S, fmt.Sprint("s", i))
		case c == hdf5.Reference:
			n.R = append(n.R, ref)
		}
	}
}

// visit touches every element of v as a user of matfile would.
func visit(v matfile.Value) {
	switch v := v.(type) {
	case *matfile.Numeric:
		v.Dense()
		v.Vector()
		if len(v.Real) > 0 {
			matfile.Lookup(v, fmt.Sprintf("(%d)", len(v.Real)))
		}
	case *matfile.Logical:
		v.Dense()
	case *matfile.Char:
		_ = v.String()
	case *matfile.Sparse:
		v.Dense()
	case *matfile.Cell:
		for _, e := range v.Elems {
			visit(e)
		}
	case *matfile.Struct:
		for _, el := range v.Elems {
			for _, e := range el {
				visit(e)
			}
		}
	}
}

// FuzzV73 decodes every variable of the fixture's tree after the edits of
// the input: errors are allowed, panics are not, and the decoding may
// allocate at most 64 MiB over 16 MiB per input (OBLIQUE_MAX_INPUT=16MiB
// here) plus what the tree holds.
func FuzzV73(f *testing.F) {
	f.Setenv(inputfile.LimitEnv, "16MiB")
	seed := loadFake(f)
	f.Add([]byte{})
	f.Add([]byte{0, 3, 8, 0})               // a class changed
	f.Add([]byte{1, 5, 7, 0, 3, 9, 1, 4})   // a shape of 2^40, a reference redirected
	f.Add([]byte{2, 4, 0, 6, 7, 2, 1, 0})   // an empty array of 2^31 rows, fields reordered
	f.Add([]byte{8, 0, 3, 12, 4, 20, 0, 0}) // a subtree copied, a node deleted
	f.Add([]byte{10, 7, 2, 1, 6, 11, 6, 3}) // a dataset made a group, a dtype changed
	f.Add([]byte{9, 1, 1, 1, 5, 2, 0, 0})   // an attribute's type changed
	f.Fuzz(func(t *testing.T, prog []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		nodes := map[string]*fakeNode{}
		for p, n := range seed {
			nodes[p] = clone(n)
		}
		edit(nodes, prog)
		if _, ok := nodes["/"]; !ok {
			return
		}
		alloc := testcost.Allocated(func() {
			b, err := mat73.New(&fakeFile{nodes: nodes})
			if err != nil {
				return
			}
			for _, v := range b.Vars() {
				val, err := b.Get(v.Name)
				if err != nil {
					if err.Error() == "" {
						t.Error("empty error")
					}
					continue
				}
				visit(val)
			}
		})
		if alloc > 64<<20 {
			t.Errorf("%d MB allocated", alloc>>20)
		}
	})
}
