package nwb_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/nwb"
)

// TestInspectBroken lists testdata/bad_inspect.nwb (gen_inspect.py): each
// broken object gives one warning, and every object, the broken ones and
// the tables nested in a table and in a series included, is still listed.
func TestInspectBroken(t *testing.T) {
	f := open(t, testFile("bad_inspect"))
	l, err := f.InspectWith(nwb.InspectOptions{Values: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range l.Warnings {
		if !strings.HasPrefix(w.Error(), testFile("bad_inspect")+": "+w.Path) {
			t.Errorf("warning %q does not name the file and %s", w, w.Path)
		}
		got = append(got, strings.TrimPrefix(w.Error(), testFile("bad_inspect")+": "))
	}
	want := []string{
		"/intervals/epochs/tags_index: entry 1 is 5, past the end of tags (3 rows)",
		"/intervals/trials/tags_index: an index without its column tags: the index dangles",
		"/intervals/trials/stop_time: 2 rows, but the table has 3",
		"/intervals/trials/ghost: named in colnames, but the table has no such dataset",
		"/processing/behavior/Position/pos/timestamps: not in time order: 1 timestamps are earlier than the one before, the first at index 3 (2 s after 3 s)",
		"/processing/behavior/lzf/timestamps: ", // the HDF5 library's message about the filter
		"/processing/behavior/odd_times/timestamps: 1 of 4 timestamps are NaN or infinite",
		"/processing/behavior/odd_times/timestamps: 1 of 4 timestamps are negative, the earliest -1.5e+09 s: times before the session's reference time",
		"/processing/behavior/short: data has 2 rows but there are 5 timestamps",
		"/units/electrodes: 1 of 3 values are not rows of /general/extracellular_ephys/electrodes (4 rows), the first 9: the region dangles",
	}
	if len(got) != len(want) {
		t.Fatalf("%d warnings:\n%s\nwant %d", len(got), strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) || (!strings.HasSuffix(want[i], ": ") && got[i] != want[i]) {
			t.Errorf("warning %d = %q\nwant %q", i, got[i], want[i])
		}
	}

	var tables []string
	for _, tb := range l.Tables {
		tables = append(tables, tb.Path)
	}
	if w := []string{"/general/extracellular_ephys/electrodes", "/intervals/epochs", "/intervals/trials", "/intervals/trials/nested",
		"/processing/behavior/Position/pos/notes", "/units"}; !reflect.DeepEqual(tables, w) {
		t.Errorf("tables %v\nwant %v", tables, w)
	}
	trials := l.Table("/intervals/trials")
	type col struct {
		name, dtype string
		rows        int
		extra       bool
	}
	var cols []col
	for _, c := range trials.Columns {
		cols = append(cols, col{c.Name, c.Dtype, c.Rows, c.NotInColnames})
	}
	if w := []col{{"start_time", "float64", 3, false}, {"stop_time", "float64", 2, false}, {"ghost", "missing", -1, false},
		{"extra", "float64", 3, true}}; trials.Rows != 3 || !reflect.DeepEqual(cols, w) {
		t.Errorf("trials: %d rows, columns %+v\nwant 3, %+v", trials.Rows, cols, w)
	}
	if c := l.Table("/intervals/epochs").Column("tags"); c.Rows != -1 || !c.Ragged {
		t.Errorf("epochs tags: %+v", c)
	}
	loc := l.Table("/general/extracellular_ephys/electrodes").Column("location")
	if d := loc.Distinct(); !reflect.DeepEqual(d, []nwb.ValueCount{{"CA1", 3}, {"CA3", 1}}) {
		t.Errorf("location values %v", d)
	}
	if v := trials.Column("start_time").Values; v.Count != 3 || v.Min != 0 || v.Max != 2 || v.NaN != 0 || v.Distinct != nil {
		t.Errorf("start_time values %+v", v)
	}
	if c := l.Table("/units").Column("electrodes"); c.Target != "/general/extracellular_ephys/electrodes" {
		t.Errorf("units electrodes target %q", c.Target)
	}
	if u := l.Units; u == nil || u.Units != 3 || u.Spikes != 6 || !reflect.DeepEqual(u.Counts, []int{2, 0, 4}) || !reflect.DeepEqual(u.IDs, []int64{0, 1, 2}) {
		t.Errorf("units %+v", u)
	}

	var series []string
	for _, s := range l.Series {
		series = append(series, s.Path)
	}
	if w := []string{"/acquisition/fine", "/processing/behavior/Position/pos", "/processing/behavior/lzf",
		"/processing/behavior/odd_times", "/processing/behavior/short"}; !reflect.DeepEqual(series, w) {
		t.Errorf("series %v\nwant %v", series, w)
	}
	// Times: starting_time + (3-1)/10 Hz; the finite timestamps' range.
	for i, w := range [][2]float64{{0.5, 0.7}, {0, 4}, {math.NaN(), math.NaN()}, {-1.5e9, 2}, {0, 4}} {
		s := l.Series[i]
		if !sameFloat(s.First, w[0]) || !sameFloat(s.Last, w[1]) {
			t.Errorf("%s: times %g … %g, want %g … %g", s.Path, s.First, s.Last, w[0], w[1])
		}
	}

	hasLines(t, l,
		"  unit ids: 0 1 2",
		"    extra                    float64 (not in colnames)",
		"    ghost                    missing",
		`      4 values, 2 distinct: "CA1" 3, "CA3" 1`,
		"      3 values, min 0, max 2",
		"      times -1.5e+09 … 2 s",
		"warnings:",
		"  /processing/behavior/short: data has 2 rows but there are 5 timestamps")
	// Without values, nothing of them.
	l, err = f.Inspect()
	if err != nil || len(l.Warnings) != len(want) || l.Table("/intervals/trials").Column("start_time").Values != nil {
		t.Errorf("Inspect without values: %v, %d warnings", err, len(l.Warnings))
	}
}

// TestValuesText checks the preview line of a string column with more
// distinct values than MaxDistinct.
func TestValuesText(t *testing.T) {
	c := &nwb.Column{Kind: nwb.String}
	for i := range 25 {
		for range i + 1 {
			c.Strings = append(c.Strings, string(rune('a'+i)))
		}
	}
	v := nwb.Summarise(c)
	if len(v.Distinct) != 25 || v.Distinct[0] != (nwb.ValueCount{Value: "y", Count: 25}) || v.Count != 325 {
		t.Fatalf("%+v", v)
	}
	l := &nwb.Listing{File: "x.nwb", Tables: []nwb.TableSummary{{Path: "/t", Rows: 325, Columns: []nwb.ColumnSummary{{Name: "s", Dtype: "vlen string", Values: v}}}}}
	var b strings.Builder
	l.WriteText(&b)
	if !strings.Contains(b.String(), `      325 values, 25 distinct: "y" 25, "x" 24,`) || !strings.Contains(b.String(), `"f" 6 … and 5 more`+"\n") {
		t.Errorf("%s", b.String())
	}
	f := nwb.Summarise(&nwb.Column{Kind: nwb.Float, Floats: []float64{math.NaN(), 3, math.Inf(-1), -2}})
	if f.Min != -2 || f.Max != 3 || f.NaN != 1 || f.Inf != 1 || f.Count != 4 {
		t.Errorf("floats: %+v", f)
	}
}

// TestUnitIDsText checks the unit ids line of a listing with more units
// than it shows: the first and last 20 around how many are left out.
func TestUnitIDsText(t *testing.T) {
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = int64(100 + i)
	}
	l := &nwb.Listing{File: "x.nwb", Units: &nwb.UnitsSummary{Units: 50, IDs: ids, HeldOut: -1}}
	var b strings.Builder
	l.WriteText(&b)
	if !strings.Contains(b.String(), "  unit ids: 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 119 … (10 more) 130 131 ") ||
		!strings.Contains(b.String(), " 149\n") {
		t.Errorf("%s", b.String())
	}
	// One unit of one spike is no "1 units, 1 spikes".
	l = &nwb.Listing{File: "x.nwb", Units: &nwb.UnitsSummary{Units: 1, Spikes: 1, Counts: []int{1}, IDs: []int64{1001}, HeldOut: -1, IndexDtype: "int32"}}
	b.Reset()
	l.WriteText(&b)
	if !strings.Contains(b.String(), "units: 1 unit, 1 spike (spike_times_index int32)\n  unit ids: 1001\n") {
		t.Errorf("%s", b.String())
	}
}

// TestNWB1 checks that an NWB 1.x file is named as such by Open (and so by
// Inspect and the readers of analyze): the small generated one, and
// MatNWB's real one when ../shared is there.
func TestNWB1(t *testing.T) {
	open(t, testFile("nlb_uint8"))
	for _, c := range []struct{ file, version string }{
		{testFile("nwb1_like"), "NWB-1.0.6"},
		{filepath.Join("..", "..", "..", "shared", "data", "nwb_external", "matnwb_20080606_R1.nwb"), "1.0.6"},
	} {
		if _, err := os.Stat(c.file); err != nil {
			t.Logf("%s: %v", c.file, err)
			continue
		}
		_, err := nwb.Open(c.file)
		want := c.file + ": /nwb_version: NWB 1.x (" + c.version + ") is not supported: oblique reads NWB 2.x; there is no automatic conversion: write the recording again as NWB 2.x from its source data (pynwb, MatNWB or NeuroConv)"
		if err == nil || err.Error() != want || !errors.Is(err, nwb.ErrNWB1) || !errors.Is(err, ingest.ErrUnsupported) {
			t.Errorf("%v\nwant %s, wrapping ErrNWB1 and ingest.ErrUnsupported", err, want)
		}
		if _, err := nwb.Inspect(c.file); !errors.Is(err, nwb.ErrNWB1) {
			t.Errorf("Inspect: %v", err)
		}
	}
}

// TestInspectCycles lists testdata/cyclic.nwb (gen_inspect.py): hard links
// from a group to itself, to its parent and to the root. Each group is
// walked once, and each link back into its own
// ancestry is a warning; the table linked twice is listed once. (The walk
// followed every path to maxDepth: 3 links a level made it exponential,
// and inspect ran until the HDF5 reader's time limit killed it.)
func TestInspectCycles(t *testing.T) {
	open(t, testFile("cyclic")).Close()
	done := make(chan *nwb.Listing, 1)
	go func() {
		l, err := nwb.Inspect(testFile("cyclic"))
		if err != nil {
			t.Error(err)
		}
		done <- l
	}()
	var l *nwb.Listing
	select {
	case l = <-done:
	case <-time.After(30 * time.Second): // the listing takes milliseconds
		t.Fatal("inspect did not finish in 30 s")
	}
	if l == nil {
		return
	}
	var tables []string
	for _, tb := range l.Tables {
		tables = append(tables, tb.Path)
	}
	if !slices.Equal(tables, []string{"/acquisition/t_again"}) {
		t.Errorf("tables %v, want the one table once, at the path met first", tables)
	}
	var warned []string
	for _, w := range l.Warnings {
		warned = append(warned, w.Path)
	}
	want := []string{"/acquisition/root/acquisition", "/processing/loop/self", "/processing/loop/up"}
	if !slices.Equal(warned, want) {
		t.Errorf("warnings %v, want the 3 links back (%v)", l.Warnings, want)
	}
}
