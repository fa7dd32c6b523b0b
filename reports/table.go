// Package reports writes oblique's results for people and notebooks: Arrow
// IPC tables with documented, stable schemas, and text tables for the
// terminal.
package reports

import (
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

// Types of the columns oblique writes.
var (
	String   = arrow.BinaryTypes.String
	Float    = arrow.PrimitiveTypes.Float64
	Int      = arrow.PrimitiveTypes.Int64
	Uint     = arrow.PrimitiveTypes.Uint64
	Floats   = arrow.ListOf(arrow.PrimitiveTypes.Float64)
	Ints     = arrow.ListOf(arrow.PrimitiveTypes.Int64)
	Strings  = arrow.ListOf(arrow.BinaryTypes.String)
	FloatsLL = arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Float64))
)

// Table accumulates rows for one Arrow file.
type Table struct {
	schema *arrow.Schema
	b      *array.RecordBuilder
	rows   int
}

// NewTable starts a table with the given columns and schema metadata.
func NewTable(fields []Field, meta map[string]string) *Table {
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
	return &Table{schema: s, b: array.NewRecordBuilder(memory.DefaultAllocator, s)}
}

// Schema returns the table's schema.
func (t *Table) Schema() *arrow.Schema { return t.schema }

// Append adds one row. Values map to the column types: string; float64
// (NaN is written as null); int; uint64; []float64; []int; []string;
// [][]float64; nil is null.
func (t *Table) Append(values ...any) {
	if len(values) != len(t.schema.Fields()) {
		panic(fmt.Sprintf("reports: %d values for %d columns", len(values), len(t.schema.Fields())))
	}
	for i, v := range values {
		appendValue(t.b.Field(i), v)
	}
	t.rows++
}

func appendValue(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.Float64Builder:
		f := v.(float64)
		if math.IsNaN(f) {
			b.AppendNull()
		} else {
			b.Append(f)
		}
	case *array.Int64Builder:
		b.Append(int64(v.(int)))
	case *array.Uint64Builder:
		b.Append(v.(uint64))
	case *array.ListBuilder:
		switch vs := v.(type) {
		case []float64:
			b.Append(true)
			b.ValueBuilder().(*array.Float64Builder).AppendValues(vs, nil)
		case []int:
			b.Append(true)
			vb := b.ValueBuilder().(*array.Int64Builder)
			for _, x := range vs {
				vb.Append(int64(x))
			}
		case []string:
			b.Append(true)
			b.ValueBuilder().(*array.StringBuilder).AppendValues(vs, nil)
		case [][]float64:
			b.Append(true)
			for _, inner := range vs {
				appendValue(b.ValueBuilder(), inner)
			}
		default:
			panic(fmt.Sprintf("reports: cannot write %T to a list column", v))
		}
	default:
		panic(fmt.Sprintf("reports: unsupported column builder %T", b))
	}
}

// Write writes the table as an Arrow IPC file (the "Feather v2" format that
// pyarrow, polars, DuckDB and Arrow JS open) to w.
func (t *Table) Write(w io.Writer) error {
	rec := t.b.NewRecordBatch()
	defer rec.Release()
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(t.schema), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

// WriteFile writes the table to path atomically.
func (t *Table) WriteFile(path string) error {
	return atomicfile.Write(path, t.Write)
}

// Release frees the builders.
func (t *Table) Release() { t.b.Release() }
