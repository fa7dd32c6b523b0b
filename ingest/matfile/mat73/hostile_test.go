package mat73_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/ingest/matfile/mat73"
	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/testcost"
)

// TestHostileTrees: what FuzzV73 found, and files like it. Before, a cell
// referring to itself twice recursed 2⁶⁴ times (the depth bound of 64
// stopped each branch, not the branching); 64 levels of cells each
// referring twice to the next likewise; a struct array whose fields claim
// 2⁴⁰ elements (a chunked HDF5 dataset of that shape holds no data and
// costs bytes) made its 2⁴⁰ elements before reading a reference; an empty
// char array of 2³¹ rows made 2³¹ strings. Each must end at once, within
// the 64 MiB limit set here. A value referenced twice is shared but charged
// twice: 64 levels of two references are 2⁶⁴ values to their user, over
// the limit; 8 levels are 2⁸, read.
func TestHostileTrees(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "64MiB")
	ref := hdf5.Dtype{Class: hdf5.Reference, Size: 8}
	class := func(c string) map[string]fakeAttr {
		return map[string]fakeAttr{"MATLAB_class": {T: "s", S: []string{c}}}
	}
	group := &fakeNode{Kind: hdf5.KindGroup, Attrs: map[string]fakeAttr{}}
	chain := map[string]*fakeNode{"/": group, "/#refs#": group}
	for i := range 64 {
		chain[fmt.Sprintf("/#refs#/c%d", i)] = &fakeNode{Kind: hdf5.KindDataset, Dtype: ref, Shape: []int{2},
			R: []string{fmt.Sprintf("/#refs#/c%d", i+1), fmt.Sprintf("/#refs#/c%d", i+1)}, Attrs: class("cell")}
	}
	chain["/#refs#/c64"] = &fakeNode{Kind: hdf5.KindDataset, Dtype: hdf5.Dtype{Class: hdf5.Float, Size: 8},
		Shape: []int{1}, F: []float64{7}, Attrs: class("double")}
	chain["/x"] = chain["/#refs#/c0"]
	// The same 8 levels deep: 2⁸ leaves, within the limit.
	chain8 := map[string]*fakeNode{}
	for p, n := range chain {
		chain8[p] = n
	}
	chain8["/#refs#/c8"] = chain["/#refs#/c64"]
	cases := []struct {
		name  string
		nodes map[string]*fakeNode
		want  string // "" for success
	}{
		{"a cell referring to itself twice", map[string]*fakeNode{"/": group,
			"/x": {Kind: hdf5.KindDataset, Dtype: ref, Shape: []int{2}, R: []string{"/x", "/x"}, Attrs: class("cell")}},
			"/x: a reference cycle: the array refers to itself"},
		{"64 levels of cells referring twice to the next", chain,
			"decoding the variable takes more than the 64.0 MiB one input may take"},
		{"8 levels of cells referring twice to the next", chain8, ""},
		{"a struct array of 2⁴⁰ elements", map[string]*fakeNode{"/": group,
			"/x":   {Kind: hdf5.KindGroup, Attrs: class("struct")},
			"/x/f": {Kind: hdf5.KindDataset, Dtype: ref, Shape: []int{1 << 40}, Huge: true}},
			"decoding the variable takes more than the 64.0 MiB one input may take"},
		{"an empty char array of 2³¹ rows", map[string]*fakeNode{"/": group,
			"/x": {Kind: hdf5.KindDataset, Dtype: hdf5.Dtype{Class: hdf5.Uint, Size: 8}, Shape: []int{2}, I: []int64{1 << 31, 0},
				Attrs: map[string]fakeAttr{"MATLAB_class": {T: "s", S: []string{"char"}}, "MATLAB_empty": {T: "i", I: []int64{1}}}}},
			"decoding the variable takes more than the 64.0 MiB one input may take"},
	}
	for _, c := range cases {
		start := time.Now()
		var v matfile.Value
		var err error
		alloc := testcost.Allocated(func() {
			b, nerr := mat73.New(&fakeFile{nodes: c.nodes})
			if nerr != nil {
				err = nerr
				return
			}
			v, err = b.Get("x")
		})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		case c.want != "" && strings.Contains(c.want, "MiB") && !errors.Is(err, matfile.ErrTooLarge):
			t.Errorf("%s: %v does not wrap ErrTooLarge", c.name, err)
		}
		if d := time.Since(start); d > time.Second || alloc > 16<<20 {
			t.Errorf("%s: %v, %d MB allocated", c.name, d, alloc>>20)
		}
		if c.want == "" {
			// The 2⁸ leaves are one value, shared.
			cell := v.(*matfile.Cell)
			for range 7 {
				cell = cell.Elems[1].(*matfile.Cell)
			}
			if n := cell.Elems[0].(*matfile.Numeric); n.Real[0] != 7 || cell.Elems[0] != cell.Elems[1] {
				t.Errorf("%s: leaves %v, %v", c.name, cell.Elems[0], cell.Elems[1])
			}
		}
	}
}
