package jobs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/ingest"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInputs checks the expansion of a job's inputs: arguments and globs
// with the job's preset, then the list's lines with their own presets,
// relative to the list's folder.
func TestInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.nwb", "b.nwb", "c.toml"} {
		write(t, filepath.Join(dir, f), "")
	}
	list := filepath.Join(dir, "list.txt")
	write(t, list, "# comment\n\nc.toml\n  a.nwb   nlb-rtt  \nb.nwb my.toml\n/abs/x.mat bci-golub\n")
	got, err := Inputs([]string{filepath.Join(dir, "*.nwb")}, "nlb-maze", list)
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{
		{Index: 1, Input: filepath.Join(dir, "a.nwb"), Preset: "nlb-maze"},
		{Index: 2, Input: filepath.Join(dir, "b.nwb"), Preset: "nlb-maze"},
		{Index: 3, Input: filepath.Join(dir, "c.toml"), Preset: "nlb-maze"},
		{Index: 4, Input: filepath.Join(dir, "a.nwb"), Preset: "nlb-rtt"},
		{Index: 5, Input: filepath.Join(dir, "b.nwb"), Preset: filepath.Join(dir, "my.toml")},
		{Index: 6, Input: "/abs/x.mat", Preset: "bci-golub"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inputs:\n got %v\nwant %v", got, want)
	}
	for _, c := range []struct {
		args []string
		list string
		want string
	}{
		{[]string{filepath.Join(dir, "*.mat")}, "", "matches no file"},
		{nil, "", "no recording given"},
		{nil, filepath.Join(dir, "missing.txt"), "missing.txt"},
		{nil, list + ".bad", "want PATH [PRESET]"},
	} {
		if strings.HasSuffix(c.list, ".bad") {
			write(t, c.list, "a b c\n")
		}
		_, err := Inputs(c.args, "", c.list)
		if !errors.Is(err, ErrList) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Inputs(%v, %q): %v, want ErrList with %q", c.args, c.list, err, c.want)
		}
	}
}

// TestStore checks that a stored result comes back while its sources are
// unchanged, and not after one changed, nor when it had failed.
func TestStore(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "x.npy")
	write(t, src, "one")
	sum, err := ingest.FileDigest(src)
	if err != nil {
		t.Fatal(err)
	}
	st := Store{Dir: filepath.Join(dir, "store")}
	key := Key("test", "x", sum)
	if key == Key("test", "x"+sum) || key == Key("test", "x", sum, "") {
		t.Error("keys of other parts are equal")
	}
	if _, _, err := st.Get(key); !errors.Is(err, ErrNotStored) {
		t.Fatalf("empty store: %v", err)
	}
	e := Entry{Key: key, Input: src, Sources: []ingest.Source{{Role: "activity", Path: src, SHA256: sum}}, Elapsed: 1.5, Worker: "w"}
	if err := st.Put(e, [][]byte{[]byte("table 0"), []byte("table 1")}); err != nil {
		t.Fatal(err)
	}
	got, tables, err := st.Get(key)
	if err != nil || got.Elapsed != 1.5 || got.Worker != "w" || len(tables) != 2 || string(tables[1]) != "table 1" {
		t.Fatalf("Get: %+v %q %v", got, tables, err)
	}
	write(t, src, "two")
	if _, _, err := st.Get(key); !errors.Is(err, ErrNotStored) || !strings.Contains(err.Error(), "changed") {
		t.Errorf("after the source changed: %v", err)
	}
	failed := Key("test", "failed")
	if err := st.Put(Entry{Key: failed, Error: "boom"}, [][]byte{nil}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Get(failed); !errors.Is(err, ErrNotStored) {
		t.Errorf("a failed result was reused: %v", err)
	}
}

// table returns an Arrow file of rows (recording, input) with metadata.
func table(t *testing.T, meta map[string]string, rows ...[2]string) []byte {
	t.Helper()
	tb := arrowtable.New([]arrowtable.Field{
		{Name: "recording", Type: arrowtable.String, Doc: "name"},
		{Name: "input", Type: arrowtable.String, Doc: "file"},
	}, meta)
	for _, r := range rows {
		tb.Row().Str(r[0]).Str(r[1]).End()
	}
	b, err := tableBytes(tb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func strs(rec arrow.RecordBatch, name string) []string {
	c := rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.String)
	out := make([]string, c.Len())
	for i := range out {
		out[i] = c.Value(i)
	}
	return out
}

// TestCombine checks the concatenation of item tables: rows in order, an
// added column's value repeated on each row of its table, the metadata
// overridden, tables of other columns refused; and the recording names
// made unique over the whole table as one `oblique analyze` run does.
func TestCombine(t *testing.T) {
	a := table(t, map[string]string{"seed": "1", "preset": "p"}, [2]string{"s", "/m/a/s.mat"})
	b := table(t, map[string]string{"seed": "1", "preset": "q"}, [2]string{"s", "/m/b/s.mat"}, [2]string{"t", "/m/b/t.mat"})
	extra := []Column{{Field: arrowtable.Field{Name: "item", Type: arrowtable.Int}, Values: []any{1, 2}},
		{Field: arrowtable.Field{Name: "worker", Type: arrowtable.String}, Values: []any{"w1", nil}}}
	rec, err := Combine([][]byte{a, b}, extra, map[string]string{"preset": "mixed"})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if got := strs(rec, "input"); !reflect.DeepEqual(got, []string{"/m/a/s.mat", "/m/b/s.mat", "/m/b/t.mat"}) {
		t.Errorf("inputs %v", got)
	}
	item := rec.Column(2).(*array.Int64)
	worker := rec.Column(3).(*array.String)
	if item.Value(0) != 1 || item.Value(1) != 2 || item.Value(2) != 2 || worker.Value(0) != "w1" || !worker.IsNull(1) || !worker.IsNull(2) {
		t.Errorf("added columns: %v %v", item, worker)
	}
	md := rec.Schema().Metadata()
	if v, _ := md.GetValue("preset"); v != "mixed" {
		t.Errorf("metadata preset %q", v)
	}
	if v, _ := md.GetValue("seed"); v != "1" {
		t.Errorf("metadata seed %q", v)
	}
	u, err := uniqueRecordings(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Release()
	if got := strs(u, "recording"); !reflect.DeepEqual(got, []string{"a/s", "b/s", "t"}) {
		t.Errorf("unique names %v", got)
	}

	other := arrowtable.New([]arrowtable.Field{{Name: "recording", Type: arrowtable.String}}, nil)
	other.Row().Str("x").End()
	ob, err := tableBytes(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Combine([][]byte{a, ob}, nil, nil); err == nil || !strings.Contains(err.Error(), "other columns") {
		t.Errorf("tables of other columns: %v", err)
	}
	if _, err := Combine([][]byte{a}, extra, nil); err == nil {
		t.Error("an added column with a value per table of another count was taken")
	}
}
