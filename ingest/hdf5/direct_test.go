package hdf5_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// testdata/convert.h5 and testdata/userblock.h5 are written by
// testdata/gen_convert.py.
const (
	convertFile   = "testdata/convert.h5"
	userblockFile = "testdata/userblock.h5"
)

// mazeFile is the NWB file of the nlb-maze preset's tests.
const mazeFile = "../../presets/testdata/maze_like.nwb"

// dumpFiles are read whole in every mode by TestModesAgree.
var dumpFiles = []string{typesFile, convertFile, userblockFile, mazeFile,
	"../nwb/testdata/nlb_uint8.nwb", "../nwb/testdata/pynapple_A8604-211122.nwb"}

// dump reads everything in the file below p (but an NWB file's schema) and
// writes one line per result or error: attributes, dataset descriptions and
// every read that the dataset's dtype allows, whole and by a row range
// (floats by their bits, so that NaN, -0 and every rounding count).
func dump(f *hdf5.File, p string, out *[]string, prefetch bool) {
	add := func(what string, v any, err error) {
		if err != nil {
			*out = append(*out, p+" "+what+" error: "+err.Error())
			return
		}
		if fl, ok := v.([]float64); ok {
			bits := make([]string, len(fl))
			for i, x := range fl {
				bits[i] = strconv.FormatUint(math.Float64bits(x), 16)
			}
			v = bits
		}
		*out = append(*out, fmt.Sprintf("%s %s %#v", p, what, v))
	}
	names, err := f.AttrNames(p)
	add("attrs", names, err)
	if prefetch {
		// Everything the calls below ask, and paths that are not there.
		qs := []hdf5.Query{{Path: p}, {Path: p, Dataset: true}, {Path: p + "/nothing"}, {Path: p, Attr: "nothing"}}
		for _, n := range names {
			qs = append(qs, hdf5.Query{Path: p, Attr: n})
		}
		f.Prefetch(qs...)
	}
	for _, n := range names {
		v, err := f.Attr(p, n)
		if f, ok := v.(float64); ok {
			v = []float64{f}
		}
		add("attr "+n, v, err)
	}
	k, err := f.Stat(p)
	add("stat", k, err)
	switch k {
	case hdf5.KindGroup:
		ms, err := f.Members(p)
		add("members", ms, err)
		for _, m := range ms {
			// /specifications holds the NWB schema, as JSON strings.
			if m.Link == "" && m.Name != "specifications" {
				dump(f, strings.TrimSuffix(p, "/")+"/"+m.Name, out, prefetch)
			}
		}
	case hdf5.KindDataset:
		d, err := f.Dataset(p)
		add("dataset", d, err)
		// The whole dataset, and the rows but the first and last (or
		// none), into a slice given.
		rows := d.Rows()
		ranges := [][2]int{{0, -1}, {min(1, rows), max(rows-2, 0)}}
		for _, r := range ranges {
			what := fmt.Sprintf("[%d,%d)", r[0], r[0]+r[1])
			switch {
			case d.Dtype.IsNumeric() && r[1] < 0:
				v, err := f.ReadFloat64Range(p, r[0], r[1])
				add("floats"+what, v, err)
				iv, err := f.ReadIntsRange(p, r[0], r[1])
				add("ints"+what, iv, err)
			case d.Dtype.IsNumeric():
				dst := make([]float64, r[1]*max(1, d.Len()/max(1, rows))+1)
				v, err := f.ReadFloat64RangeTo(p, r[0], r[1], dst)
				if err == nil && len(v) > 0 && &v[0] != &dst[0] {
					err = errors.New("not read into dst")
				}
				add("floats to"+what, v, err)
			case d.Dtype.Class == hdf5.String:
				v, err := f.ReadStringsRange(p, r[0], r[1])
				add("strings"+what, v, err)
			case d.Dtype.Class == hdf5.Reference && r[1] == -1:
				v, err := f.ReadRefs(p)
				add("refs", v, err)
			}
		}
	}
}

func dumpFile(t *testing.T, name, mode string, direct, prefetch bool) []string {
	t.Helper()
	t.Setenv(hdf5.ModeEnv, mode)
	was := hdf5.SetDirectReads(direct)
	defer hdf5.SetDirectReads(was)
	f := open(t, name)
	defer f.Close()
	if hdf5.DirectReads(f) != direct {
		t.Errorf("%s, %s: direct reads %v, want %v", name, mode, hdf5.DirectReads(f), direct)
	}
	var out []string
	dump(f, "/", &out, prefetch)
	return out
}

// TestModesAgree reads every file whole with the library in this process
// (what the package did before reader processes) and in a reader process,
// with direct reads of contiguous datasets and without, with queries
// prefetched and without: every value, description and error must be the
// same.
func TestModesAgree(t *testing.T) {
	for _, name := range dumpFiles {
		want := dumpFile(t, name, "inprocess", false, false)
		for _, c := range []struct {
			mode             string
			direct, prefetch bool
		}{{"isolated", false, false}, {"isolated", true, false}, {"isolated", true, true}} {
			got := dumpFile(t, name, c.mode, c.direct, c.prefetch)
			if slices.Equal(got, want) {
				continue
			}
			for i := range max(len(got), len(want)) {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if g != w {
					t.Errorf("%s, %s, direct reads %v, prefetch %v: line %d\n got %s\nwant %s", name, c.mode, c.direct, c.prefetch, i, g, w)
					break
				}
			}
		}
	}
}

// TestDirectLayouts checks which datasets are read directly: contiguous
// storage of plain numbers (at an offset past a user block too), and not
// chunked, compact or unwritten datasets, float16 or enums.
func TestDirectLayouts(t *testing.T) {
	for _, c := range []struct {
		file, path string
		direct     bool
	}{
		{convertFile, "/int/i1_le", true},
		{convertFile, "/int/u8_be", true},
		{convertFile, "/float/f4_be", true},
		{convertFile, "/float/f8_le", true},
		{convertFile, "/shape/matrix_be", true},
		{convertFile, "/shape/scalar_be", true},
		{convertFile, "/shape/chunked", false},
		{convertFile, "/shape/compact", false},
		{convertFile, "/shape/unwritten", false},
		{typesFile, "/num/f2", false},
		{typesFile, "/num/bool", false},
		{typesFile, "/num/enum", false},
		{typesFile, "/str/fixed", false},
		{userblockFile, "/x", true},
		{userblockFile, "/n", true},
	} {
		for _, mode := range []string{"isolated", "inprocess"} {
			t.Setenv(hdf5.ModeEnv, mode)
			f := open(t, c.file)
			if got := hdf5.DirectLayout(f, c.path); got != c.direct {
				t.Errorf("%s %s, %s: read directly %v, want %v", c.file, c.path, mode, got, c.direct)
			}
			f.Close()
		}
	}
}

// TestConversions states what the reads of convert.h5 give, whatever reads
// them: integers exactly, uint64 above 2⁵³ rounded to the nearest float64,
// uint64 above the largest int64 refused as int64, floats of either byte
// order with their infinities, NaN and subnormals.
func TestConversions(t *testing.T) {
	f := open(t, convertFile)
	for _, c := range []struct {
		path string
		want []float64
	}{
		{"/int/i1_be", []float64{-128, -127, -1, 0, 1, 2, 126, 127}},
		{"/int/u2_be", []float64{0, 1, 1, 0, 1, 2, 65534, 65535}},
		{"/int/i8_le", []float64{math.MinInt64, math.MinInt64 + 1, -1, 0, 1, 2, math.MaxInt64, math.MaxInt64}},
		{"/int/u8_huge", []float64{1<<53 - 1, 1 << 53, 1 << 53, 1 << 63, 1 << 63, 1 << 64}},
		{"/float/f4_be", []float64{0, math.Copysign(0, -1), 1.5, -2.25, math.MaxFloat32, -math.MaxFloat32,
			0x1p-126, 0x1p-129, math.Inf(1), math.Inf(-1), math.NaN()}},
		{"/float/f8_le", []float64{0, math.Copysign(0, -1), 1.5, -2.25, math.MaxFloat64, -math.MaxFloat64,
			0x1p-1022, 0x1p-1025, math.Inf(1), math.Inf(-1), math.NaN()}},
	} {
		got, err := f.ReadFloat64(c.path)
		if err != nil || len(got) != len(c.want) {
			t.Errorf("%s: %v, %v", c.path, got, err)
			continue
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(c.want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(c.want[i])) {
				t.Errorf("%s[%d] = %v, want %v", c.path, i, got[i], c.want[i])
			}
		}
	}
	ints, err := f.ReadInts("/int/u8_fits")
	if want := []int64{1<<53 - 1, 1 << 53, 1<<53 + 1, math.MaxInt64}; err != nil || !slices.Equal(ints, want) {
		t.Errorf("u8_fits as int64: %v, %v; want %v", ints, err, want)
	}
	_, err = f.ReadInts("/int/u8_huge")
	if want := convertFile + ": /int/u8_huge: element 4: 9223372036854775808 does not fit an int64"; err == nil || err.Error() != want {
		t.Errorf("u8_huge as int64: error %v, want %s", err, want)
	}
	m, err := f.ReadIntsRange("/shape/matrix_be", 2, 3)
	if want := []int64{6, 7, 8, 9, 10, 11, 12, 13, 14}; err != nil || !slices.Equal(m, want) {
		t.Errorf("matrix_be rows [2, 5): %v, %v; want %v", m, err, want)
	}
}
