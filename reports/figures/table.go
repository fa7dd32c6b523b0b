package figures

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Table is an Arrow IPC file read whole into Go values: every column as one
// cell per row. A cell is nil (null), string, bool, float64 (any float
// type), int64 (any signed integer), uint64 (any unsigned integer) or []any
// (a list of cells). The figures read tables only through Table, so that
// every number they draw can be traced back to its file, column, row and
// list index (Ref).
type Table struct {
	// Path is the file as given; Name its base name, the table's name in
	// the report.
	Path, Name string
	// Kind is the schema metadata "table" (analyze, models, compare,
	// paper, projection, …); empty when the file has none.
	Kind string
	// Meta is the schema metadata.
	Meta   map[string]string
	Schema *arrow.Schema
	Rows   int
	cols   map[string][]any
}

// ReadTable reads an Arrow IPC file. A file the Arrow reader cannot make
// sense of is an error, never a panic: the reader trusts the offsets and
// lengths in the file, so a corrupted file can make it index out of range,
// which ReadTable recovers from.
func ReadTable(path string) (t *Table, err error) {
	f, err := inputfile.Open(path) // a device or pipe is refused, not waited on
	if err != nil {
		return nil, err
	}
	defer f.Close()
	unreadable := func(why any) error { return fmt.Errorf("%s: not a readable Arrow IPC file (%v)", path, why) }
	// The reader's own account of an index out of range (a panic, or an
	// error it recovered from) would read like a crash; what it means is
	// corrupt contents.
	const corrupt = "its offsets or lengths point outside the data: corrupt or truncated"
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, unreadable(corrupt)
		}
	}()
	if err := checkFooter(f); err != nil {
		return nil, unreadable(err)
	}
	// Every value of a real table takes at least a bit of the file, except
	// all-null columns; a batch that claims more cells than that is
	// corrupt, and reading it cell by cell would not end.
	budget := int64(1 << 16)
	if st, err := f.Stat(); err == nil {
		budget += 8 * st.Size()
	}
	mem := memory.NewGoAllocator()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil && isRuntimeError(err) {
		return nil, unreadable(corrupt)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not an Arrow IPC file: %v", path, err)
	}
	defer r.Close()
	t = &Table{Path: path, Name: filepath.Base(path), Schema: r.Schema(), Meta: map[string]string{}, cols: map[string][]any{}}
	md := r.Schema().Metadata()
	for i, k := range md.Keys() {
		t.Meta[k] = md.Values()[i]
	}
	t.Kind = t.Meta["table"]
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordBatch(i)
		if err != nil {
			if isRuntimeError(err) {
				return nil, unreadable(fmt.Sprintf("record batch %d: %s", i, corrupt))
			}
			return nil, fmt.Errorf("%s: record batch %d: %v", path, i, err)
		}
		for j, fld := range rec.Schema().Fields() {
			if n := rec.Column(j).Len(); int64(n) != rec.NumRows() {
				return nil, unreadable(fmt.Sprintf("record batch %d: column %s has %d values for %d rows: corrupt", i, fld.Name, n, rec.NumRows()))
			}
			if budget -= cellCount(rec.Column(j)); budget < 0 {
				return nil, unreadable(fmt.Sprintf("record batch %d claims more values (%d rows) than the file's size can hold: corrupt", i, rec.NumRows()))
			}
		}
		for j, fld := range rec.Schema().Fields() {
			col := rec.Column(j)
			for row := 0; row < col.Len(); row++ {
				t.cols[fld.Name] = append(t.cols[fld.Name], cell(col, row))
			}
		}
		t.Rows += int(rec.NumRows())
	}
	for _, fld := range t.Schema.Fields() {
		if _, ok := t.cols[fld.Name]; !ok {
			t.cols[fld.Name] = make([]any, t.Rows)
		}
	}
	return t, nil
}

// isRuntimeError tells whether err wraps a run-time panic of the Arrow
// reader (an index out of range on corrupt offsets), which arrow-go
// recovers and wraps with %w.
func isRuntimeError(err error) bool {
	var re runtime.Error
	return errors.As(err, &re)
}

// cellCount is the number of values in a, list elements included.
func cellCount(a arrow.Array) int64 {
	n := int64(a.Len())
	if l, ok := a.(array.ListLike); ok {
		n += cellCount(l.ListValues())
	}
	return n
}

// cell converts one entry of an Arrow array.
func cell(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Uint64:
		return a.Value(i)
	case *array.Uint32:
		return uint64(a.Value(i))
	case *array.Uint16:
		return uint64(a.Value(i))
	case *array.Uint8:
		return uint64(a.Value(i))
	case array.ListLike:
		lo, hi := a.ValueOffsets(i)
		vals := a.ListValues()
		if lo < 0 || hi < lo || hi > int64(vals.Len()) {
			// Corrupted offsets: not a huge allocation below; ReadTable
			// recovers.
			panic(fmt.Sprintf("list offsets [%d, %d) outside the %d values of column", lo, hi, vals.Len()))
		}
		out := make([]any, 0, hi-lo)
		for k := lo; k < hi; k++ {
			out = append(out, cell(vals, int(k)))
		}
		return out
	}
	return fmt.Sprintf("%v", a.GetOneForMarshal(i))
}

// Has reports whether the table has the column.
func (t *Table) Has(col string) bool {
	_, ok := t.cols[col]
	return ok
}

// Cell returns the cell of a column at a row, descending into lists by
// index; nil when the column, row or index does not exist or is null.
func (t *Table) Cell(col string, row int, index ...int) any {
	c, ok := t.cols[col]
	if !ok || row < 0 || row >= len(c) {
		return nil
	}
	v := c[row]
	for _, i := range index {
		l, ok := v.([]any)
		if !ok || i < 0 || i >= len(l) {
			return nil
		}
		v = l[i]
	}
	return v
}

// Str returns a string cell, "" when null or not a string.
func (t *Table) Str(col string, row int) string {
	s, _ := t.Cell(col, row).(string)
	return s
}

// Num returns a numeric cell as a float64; ok is false when it is null,
// not a number, NaN or infinite (nothing a figure can draw).
func (t *Table) Num(col string, row int, index ...int) (float64, bool) {
	return number(t.Cell(col, row, index...))
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

// Len returns the length of a list cell (0 when null or not a list).
func (t *Table) Len(col string, row int, index ...int) int {
	l, _ := t.Cell(col, row, index...).([]any)
	return len(l)
}

// Settings returns the schema metadata that shaped the numbers, as
// "key=value" pairs sorted by key, without the tool, version and table
// name.
func (t *Table) Settings() string {
	keys := make([]string, 0, len(t.Meta))
	for k := range t.Meta {
		switch k {
		case "tool", "version", "table":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + t.Meta[k]
	}
	return strings.Join(parts, " ")
}

// Set is the tables one report draws from.
type Set struct {
	Tables []*Table
}

// ErrNoTable is returned by Set.Kind when no table of the kind was given.
var ErrNoTable = errors.New("no table of this kind")

// Kind returns the tables of a kind, in the order given.
func (s *Set) Kind(kind string) []*Table {
	var out []*Table
	for _, t := range s.Tables {
		if t.Kind == kind {
			out = append(out, t)
		}
	}
	return out
}
