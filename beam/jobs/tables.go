package jobs

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/pipeline"
)

// tableBytes returns t as the bytes of an Arrow IPC file, and releases it.
func tableBytes(t *arrowtable.Table) ([]byte, error) {
	defer t.Release()
	var b bytes.Buffer
	if err := t.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReadTable reads an Arrow IPC file's bytes into one record batch (the
// concatenation of its batches) and its schema; release the batch.
func ReadTable(b []byte) (arrow.RecordBatch, error) {
	r, err := ipc.NewFileReader(bytes.NewReader(b), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var recs []arrow.RecordBatch
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordBatch(i)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return concat(r.Schema(), recs)
}

// concat concatenates record batches of one schema.
func concat(schema *arrow.Schema, recs []arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for j := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(j)
		}
		if len(parts) == 0 {
			parts = []arrow.Array{array.MakeArrayOfNull(memory.DefaultAllocator, schema.Field(j).Type, 0)}
		}
		c, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", schema.Field(j).Name, err)
		}
		defer c.Release()
		cols[j] = c
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// Column is a column added to a combined table.
type Column struct {
	Field arrowtable.Field
	// Values has one value per table combined, repeated on each of its
	// rows: string, float64, int, bool, or nil for null.
	Values []any
}

// Combine concatenates tables (Arrow IPC files' bytes with the same columns)
// in order, then appends the extra columns; the schema's metadata is the
// first table's with meta's entries set. The result is to be released.
func Combine(parts [][]byte, extra []Column, meta map[string]string) (arrow.RecordBatch, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("no tables to combine")
	}
	recs := make([]arrow.RecordBatch, len(parts))
	defer func() {
		for _, r := range recs {
			if r != nil {
				r.Release()
			}
		}
	}()
	for i, p := range parts {
		r, err := ReadTable(p)
		if err != nil {
			return nil, fmt.Errorf("table %d of %d: %w", i+1, len(parts), err)
		}
		recs[i] = r
		if i > 0 && !sameColumns(recs[0].Schema(), r.Schema()) {
			return nil, fmt.Errorf("table %d of %d has other columns than the first", i+1, len(parts))
		}
	}
	first := recs[0].Schema()
	body, err := concat(arrow.NewSchema(first.Fields(), nil), recs)
	if err != nil {
		return nil, err
	}
	defer body.Release()
	fields := append([]arrow.Field(nil), first.Fields()...)
	cols := append([]arrow.Array(nil), body.Columns()...)
	for _, c := range extra {
		if len(c.Values) != len(parts) {
			return nil, fmt.Errorf("column %s: %d values for %d tables", c.Field.Name, len(c.Values), len(parts))
		}
		var vals []any
		for i, r := range recs {
			for range r.NumRows() {
				vals = append(vals, c.Values[i])
			}
		}
		a, err := build(c.Field, vals)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		fields = append(fields, arrow.Field{Name: c.Field.Name, Type: c.Field.Type, Nullable: true,
			Metadata: arrow.NewMetadata([]string{"unit", "description"}, []string{c.Field.Unit, c.Field.Doc})})
		cols = append(cols, a)
	}
	md := map[string]string{}
	fm := first.Metadata()
	for i, k := range fm.Keys() {
		md[k] = fm.Values()[i]
	}
	for k, v := range meta {
		md[k] = v
	}
	m := arrow.MetadataFrom(md) // sorted by key, as arrowtable writes it
	return array.NewRecordBatch(arrow.NewSchema(fields, &m), cols, body.NumRows()), nil
}

func sameColumns(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}

// build makes the array of an extra column.
func build(f arrowtable.Field, values []any) (arrow.Array, error) {
	b := array.NewBuilder(memory.DefaultAllocator, f.Type)
	defer b.Release()
	for i, v := range values {
		if v == nil {
			b.AppendNull()
			continue
		}
		ok := false
		switch b := b.(type) {
		case *array.StringBuilder:
			var s string
			if s, ok = v.(string); ok {
				b.Append(s)
			}
		case *array.Float64Builder:
			var f float64
			if f, ok = v.(float64); ok {
				b.Append(f)
			}
		case *array.Int64Builder:
			var n int
			if n, ok = v.(int); ok {
				b.Append(int64(n))
			}
		case *array.BooleanBuilder:
			var t bool
			if t, ok = v.(bool); ok {
				b.Append(t)
			}
		}
		if !ok {
			return nil, fmt.Errorf("column %s (%s), row %d: a %T value", f.Name, f.Type, i, v)
		}
	}
	return b.NewArray(), nil
}

// uniqueRecordings gives the recordings of an analyze table the names
// `oblique analyze` gives them in one run over the same inputs
// (pipeline.UniqueNames), in place of those each got analysed alone. It
// returns rec itself when no name changes, else a new batch (and releases
// rec).
func uniqueRecordings(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	col := func(name string) (*array.String, int, error) {
		i := rec.Schema().FieldIndices(name)
		if len(i) == 0 {
			return nil, 0, fmt.Errorf("no column %q", name)
		}
		c, ok := rec.Column(i[0]).(*array.String)
		if !ok {
			return nil, 0, fmt.Errorf("column %q is not text", name)
		}
		return c, i[0], nil
	}
	rc, ri, err := col("recording")
	if err != nil {
		return nil, err
	}
	ic, _, err := col("input")
	if err != nil {
		return nil, err
	}
	n := int(rec.NumRows())
	names, inputs := make([]string, n), make([]string, n)
	for i := range n {
		names[i], inputs[i] = rc.Value(i), ic.Value(i)
	}
	unique := pipeline.UniqueNames(names, inputs)
	if slices.Equal(unique, names) {
		return rec, nil
	}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i, u := range unique {
		if rc.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(u)
		}
	}
	a := b.NewArray()
	defer a.Release()
	cols := slices.Clone(rec.Columns())
	cols[ri] = a
	out := array.NewRecordBatch(rec.Schema(), cols, rec.NumRows())
	rec.Release()
	return out, nil
}

// WriteTable writes a record batch as an Arrow IPC file at path,
// atomically: a failed write leaves any earlier file as it was.
func WriteTable(path string, rec arrow.RecordBatch) error {
	return arrowtable.WriteRecordFile(path, rec)
}
