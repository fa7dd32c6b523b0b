package cli

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/pipeline"
)

func writeZipNPY(w io.Writer, name string, m *mat.Dense) error {
	zw := zip.NewWriter(w)
	f, err := zw.Create(name)
	if err != nil {
		return err
	}
	if err := npyio.Write(f, m); err != nil {
		return err
	}
	return zw.Close()
}

// table is an Arrow file read back for checks.
type table struct {
	rows int
	meta map[string]string
	rec  arrow.RecordBatch
}

func readTable(t *testing.T, path string) *table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if r.NumRecords() != 1 {
		t.Fatalf("%d record batches, want 1", r.NumRecords())
	}
	rec, err := r.RecordBatch(0)
	if err != nil {
		t.Fatal(err)
	}
	md := r.Schema().Metadata()
	meta := map[string]string{}
	for i, k := range md.Keys() {
		meta[k] = md.Values()[i]
	}
	return &table{rows: int(rec.NumRows()), meta: meta, rec: rec}
}

func (tb *table) col(name string) arrow.Array {
	idx := tb.rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		panic("no column " + name)
	}
	return tb.rec.Column(idx[0])
}

func (tb *table) str(name string, row int) string {
	c := tb.col(name).(*array.String)
	if c.IsNull(row) {
		return ""
	}
	return c.Value(row)
}

func (tb *table) num(name string, row int) float64 {
	switch c := tb.col(name).(type) {
	case *array.Float64:
		return c.Value(row)
	case *array.Int64:
		return float64(c.Value(row))
	}
	panic("not numeric: " + name)
}

// list returns the values of a list column's row (nil when null).
func (tb *table) list(name string, row int) arrow.Array {
	c := tb.col(name).(*array.List)
	if c.IsNull(row) {
		return nil
	}
	lo, hi := c.ValueOffsets(row)
	return array.NewSlice(c.ListValues(), lo, hi)
}

// floats returns a list<float64> column's row (nil when null).
func (tb *table) floats(name string, row int) []float64 {
	a := tb.list(name, row)
	if a == nil {
		return nil
	}
	defer a.Release()
	return a.(*array.Float64).Float64Values()
}

// strs returns a list<string> column's row (nil when null).
func (tb *table) strs(name string, row int) []string {
	a := tb.list(name, row)
	if a == nil {
		return nil
	}
	defer a.Release()
	c := a.(*array.String)
	out := make([]string, c.Len())
	for i := range out {
		out[i] = c.Value(i)
	}
	return out
}

// analyzeFile analyses one manifest with settings s.
func analyzeFile(path string, s pipeline.AnalysisSettings) pipeline.Analysis {
	return pipeline.AnalyzeFile(context.Background(), path, pipeline.AnalyzeOptions{Settings: s})
}

// runName is a run directory's base name.
func runName(tr *models.Trained) string { return filepath.Base(filepath.Clean(tr.Dir)) }
