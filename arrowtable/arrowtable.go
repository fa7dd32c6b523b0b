// Package arrowtable writes oblique's result tables as Arrow IPC files (the
// "Feather v2" format that pyarrow, polars, DuckDB and Arrow JS open): a
// schema of documented columns, rows appended through a typed builder, and
// an atomic write.
//
// It is a leaf of the module: the packages that compute results (models
// writes its loss curves with it) use it without depending on the report
// layer, and package reports builds its tables with it.
//
// Rows are appended column by column with Table.Row and the Row methods
// (Str, Float, Int, …), in schema order. A value of the wrong type for its
// column, or a row with too few or too many values, does not panic: the
// table records the first such error, stops taking rows, and Err, Write and
// WriteFile return it.
package arrowtable

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/oblique-neuro/oblique/internal/atomicfile"
)

// Field describes one column: its name, Arrow type, unit and meaning. The
// unit and meaning travel in the field's metadata ("unit", "description"),
// so a notebook can read the documentation from the file itself.
type Field struct {
	Name string
	Type arrow.DataType
	Unit string
	Doc  string
}

// The column types oblique writes.
var (
	String   arrow.DataType = arrow.BinaryTypes.String
	Float    arrow.DataType = arrow.PrimitiveTypes.Float64
	Int      arrow.DataType = arrow.PrimitiveTypes.Int64
	Uint     arrow.DataType = arrow.PrimitiveTypes.Uint64
	Floats   arrow.DataType = arrow.ListOf(arrow.PrimitiveTypes.Float64)
	Ints     arrow.DataType = arrow.ListOf(arrow.PrimitiveTypes.Int64)
	Strings  arrow.DataType = arrow.ListOf(arrow.BinaryTypes.String)
	FloatsLL arrow.DataType = arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Float64))
)

// ErrRow is wrapped by the errors of a row that does not fit the schema.
var ErrRow = errors.New("arrowtable: row does not fit the schema")

// Table accumulates rows for one Arrow file. The zero value is not usable;
// make one with New.
type Table struct {
	schema *arrow.Schema
	b      *array.RecordBuilder
	rows   int
	err    error
	row    Row
}

// New starts a table with the given columns and schema metadata (written
// sorted by key).
func New(fields []Field, meta map[string]string) *Table {
	fs := make([]arrow.Field, len(fields))
	for i, f := range fields {
		fs[i] = arrow.Field{
			Name: f.Name, Type: f.Type, Nullable: true,
			Metadata: arrow.NewMetadata([]string{"unit", "description"}, []string{f.Unit, f.Doc}),
		}
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = meta[k]
	}
	md := arrow.NewMetadata(keys, vals)
	s := arrow.NewSchema(fs, &md)
	t := &Table{schema: s, b: array.NewRecordBuilder(memory.DefaultAllocator, s)}
	t.row.t = t
	return t
}

// Schema returns the table's schema.
func (t *Table) Schema() *arrow.Schema { return t.schema }

// Rows returns the number of complete rows appended.
func (t *Table) Rows() int { return t.rows }

// Err returns the first error of a row that did not fit the schema, or nil.
func (t *Table) Err() error { return t.err }

// Row starts a new row. Give every column's value in schema order with the
// Row methods, then call End. The Row is valid until End.
func (t *Table) Row() *Row {
	t.row.col = 0
	return &t.row
}

// Row appends the values of one row, column by column.
type Row struct {
	t   *Table
	col int
}

// next returns the builder of the next column if its type is want's kind,
// recording an error otherwise.
func (r *Row) next(what string, ok func(array.Builder) bool) array.Builder {
	t := r.t
	if t.err != nil {
		return nil
	}
	fields := t.schema.Fields()
	if r.col >= len(fields) {
		t.err = fmt.Errorf("%w: a %s value after the last of %d columns (row %d)", ErrRow, what, len(fields), t.rows)
		return nil
	}
	b := t.b.Field(r.col)
	if !ok(b) {
		t.err = fmt.Errorf("%w: column %q (%s) given a %s value (row %d)", ErrRow, fields[r.col].Name, fields[r.col].Type, what, t.rows)
		return nil
	}
	r.col++
	return b
}

func isType(dt arrow.DataType) func(array.Builder) bool {
	return func(b array.Builder) bool { return arrow.TypeEqual(b.Type(), dt) }
}

// Null appends a null to the next column, whatever its type.
func (r *Row) Null() *Row {
	if b := r.next("null", func(array.Builder) bool { return true }); b != nil {
		b.AppendNull()
	}
	return r
}

// NullUntil appends nulls up to (not including) the column named name.
func (r *Row) NullUntil(name string) *Row {
	i := r.t.schema.FieldIndices(name)
	if len(i) == 0 {
		if r.t.err == nil {
			r.t.err = fmt.Errorf("%w: no column %q", ErrRow, name)
		}
		return r
	}
	for r.t.err == nil && r.col < i[0] {
		r.Null()
	}
	return r
}

// Str appends a string.
func (r *Row) Str(v string) *Row {
	if b := r.next("string", isType(String)); b != nil {
		b.(*array.StringBuilder).Append(v)
	}
	return r
}

// Float appends a float64; NaN is written as null.
func (r *Row) Float(v float64) *Row {
	if b := r.next("float", isType(Float)); b != nil {
		if math.IsNaN(v) {
			b.AppendNull()
		} else {
			b.(*array.Float64Builder).Append(v)
		}
	}
	return r
}

// Int appends an integer.
func (r *Row) Int(v int) *Row {
	if b := r.next("int", isType(Int)); b != nil {
		b.(*array.Int64Builder).Append(int64(v))
	}
	return r
}

// IntIf appends v when ok, else null.
func (r *Row) IntIf(v int, ok bool) *Row {
	if !ok {
		return r.typedNull("int", Int)
	}
	return r.Int(v)
}

// Uint appends an unsigned integer.
func (r *Row) Uint(v uint64) *Row {
	if b := r.next("uint", isType(Uint)); b != nil {
		b.(*array.Uint64Builder).Append(v)
	}
	return r
}

// Floats appends a list of float64 (NaN elements are kept as NaN); a nil
// or empty v is an empty list.
func (r *Row) Floats(v []float64) *Row {
	if b := r.next("[]float64", isType(Floats)); b != nil {
		appendFloats(b.(*array.ListBuilder), v)
	}
	return r
}

// FloatsOrNull appends v, or null when v is nil (an empty, non-nil v is an empty list).
func (r *Row) FloatsOrNull(v []float64) *Row {
	if v == nil {
		return r.typedNull("[]float64", Floats)
	}
	return r.Floats(v)
}

// Ints appends a list of integers.
func (r *Row) Ints(v []int) *Row {
	if b := r.next("[]int", isType(Ints)); b != nil {
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		vb := lb.ValueBuilder().(*array.Int64Builder)
		for _, x := range v {
			vb.Append(int64(x))
		}
	}
	return r
}

// IntsOrNull appends v, or null when v is nil (an empty, non-nil v is an empty list).
func (r *Row) IntsOrNull(v []int) *Row {
	if v == nil {
		return r.typedNull("[]int", Ints)
	}
	return r.Ints(v)
}

// Strs appends a list of strings.
func (r *Row) Strs(v []string) *Row {
	if b := r.next("[]string", isType(Strings)); b != nil {
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).AppendValues(v, nil)
	}
	return r
}

// StrsOrNull appends v, or null when v is nil (an empty, non-nil v is an empty list).
func (r *Row) StrsOrNull(v []string) *Row {
	if v == nil {
		return r.typedNull("[]string", Strings)
	}
	return r.Strs(v)
}

// FloatsLL appends a list of lists of float64.
func (r *Row) FloatsLL(v [][]float64) *Row {
	if b := r.next("[][]float64", isType(FloatsLL)); b != nil {
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		inner := lb.ValueBuilder().(*array.ListBuilder)
		for _, x := range v {
			appendFloats(inner, x)
		}
	}
	return r
}

// FloatsLLOrNull appends v, or null when v is nil (an empty, non-nil v is an empty list).
func (r *Row) FloatsLLOrNull(v [][]float64) *Row {
	if v == nil {
		return r.typedNull("[][]float64", FloatsLL)
	}
	return r.FloatsLL(v)
}

// typedNull appends a null to a column that must have type dt.
func (r *Row) typedNull(what string, dt arrow.DataType) *Row {
	if b := r.next(what, isType(dt)); b != nil {
		b.AppendNull()
	}
	return r
}

func appendFloats(b *array.ListBuilder, v []float64) {
	b.Append(true)
	b.ValueBuilder().(*array.Float64Builder).AppendValues(v, nil)
}

// End completes the row. A row with fewer values than columns is an error
// (recorded in the table, and returned).
func (r *Row) End() error {
	t := r.t
	if t.err == nil && r.col != len(t.schema.Fields()) {
		t.err = fmt.Errorf("%w: %d values for %d columns (row %d)", ErrRow, r.col, len(t.schema.Fields()), t.rows)
	}
	if t.err != nil {
		return t.err
	}
	t.rows++
	return nil
}

// Write writes the table as an Arrow IPC file to w: one record batch of
// every row. A table holding a row error writes nothing and returns it.
func (t *Table) Write(w io.Writer) error {
	if t.err != nil {
		return t.err
	}
	rec := t.b.NewRecordBatch()
	defer rec.Release()
	return WriteRecord(w, rec)
}

// WriteRecord writes one record batch to w as an Arrow IPC file (the
// format of Write), for tables built by other means, such as those a
// distributed run gathers.
func WriteRecord(w io.Writer, rec arrow.RecordBatch) error {
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// WriteRecordFile writes rec to path atomically, as WriteFile does.
func WriteRecordFile(path string, rec arrow.RecordBatch) error {
	return atomicfile.Write(path, func(w io.Writer) error { return WriteRecord(w, rec) })
}

// WriteFile writes the table to path atomically: a temporary file beside
// path, renamed over it only when complete. A failed write leaves any
// earlier file at path as it was.
func (t *Table) WriteFile(path string) error {
	if t.err != nil {
		return t.err
	}
	return atomicfile.Write(path, t.Write)
}

// Release frees the builders.
func (t *Table) Release() { t.b.Release() }
