package arrowtable_test

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/oblique-neuro/oblique/arrowtable"
)

// A table of two columns written to memory and read back with arrow-go's
// IPC reader (pyarrow.feather.read_table, polars.read_ipc and DuckDB read
// the same bytes from a file).
func Example() {
	t := arrowtable.New([]arrowtable.Field{
		{Name: "recording", Type: arrowtable.String, Doc: "recording name"},
		{Name: "rho", Type: arrowtable.Float, Doc: "ρ"},
		{Name: "r2_k", Type: arrowtable.Floats, Doc: "R² of the first k PCs"},
	}, map[string]string{"table": "example", "seed": "1"})
	defer t.Release()
	t.Row().Str("golub2018-before").Float(0.165).Floats([]float64{0.2, 0.5, 0.9}).End()
	t.Row().Str("no-result").Null().Null().End()

	var buf bytes.Buffer
	if err := t.Write(&buf); err != nil {
		fmt.Println(err)
		return
	}
	r, err := ipc.NewFileReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	rec, err := r.RecordBatch(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	md := r.Schema().Metadata()
	fmt.Println(rec.NumRows(), "rows; table:", md.Values()[md.FindKey("table")])
	for i, col := range rec.Columns() {
		fmt.Printf("%s: %v\n", rec.ColumnName(i), col)
	}
	// Output:
	// 2 rows; table: example
	// recording: ["golub2018-before" "no-result"]
	// rho: [0.165 (null)]
	// r2_k: [[0.2 0.5 0.9] (null)]
}

// A value of the wrong type does not panic: the table keeps the first
// error, and Write returns it.
func ExampleRow_End() {
	t := arrowtable.New([]arrowtable.Field{{Name: "n", Type: arrowtable.Int}}, nil)
	defer t.Release()
	err := t.Row().Str("seven").End()
	fmt.Println(err)
	fmt.Println(t.Write(new(bytes.Buffer)) == err)
	// Output:
	// arrowtable: row does not fit the schema: column "n" (int64) given a string value (row 0)
	// true
}
