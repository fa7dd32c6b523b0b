package figures

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadTable feeds ReadTable (what `oblique report` reads its inputs
// with) mutated Arrow IPC files, seeded with a small table of every column
// kind and the paper table. Every input is read or refused with an error
// that names the file; none panics (ReadTable's recover is part of what is
// tested), and a table read whole has as many cells per column as rows.
func FuzzReadTable(f *testing.F) {
	dir := f.TempDir()
	seed, err := os.ReadFile(smallTable(f, dir))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	pt := PaperTable()
	paper := filepath.Join(dir, "paper.arrow")
	if err := pt.WriteFile(paper); err != nil {
		f.Fatal(err)
	}
	pt.Release()
	if b, err := os.ReadFile(paper); err == nil {
		f.Add(b)
	}
	f.Add([]byte("ARROW1\x00\x00ARROW1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "in.arrow")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tb, err := ReadTable(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for _, fld := range tb.Schema.Fields() {
			if n := len(tb.cols[fld.Name]); n != tb.Rows {
				t.Errorf("column %s has %d cells for %d rows", fld.Name, n, tb.Rows)
			}
		}
	})
}
