package arrowtable

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func fields() []Field {
	return []Field{{Name: "s", Type: String}, {Name: "x", Type: Float}, {Name: "k", Type: Ints}}
}

// TestRowErrors checks that every way a row can miss the schema is an error
// wrapping ErrRow that names the column, that the table then refuses to be
// written, and that a failed WriteFile leaves an earlier file as it was.
func TestRowErrors(t *testing.T) {
	for name, add := range map[string]func(*Table) error{
		"wrong type":  func(t *Table) error { return t.Row().Str("a").Int(1).Ints(nil).End() },
		"too few":     func(t *Table) error { return t.Row().Str("a").Float(1).End() },
		"too many":    func(t *Table) error { return t.Row().Str("a").Float(1).Ints(nil).Null().End() },
		"unknown col": func(t *Table) error { return t.Row().NullUntil("nope").End() },
		"typed null":  func(t *Table) error { return t.Row().FloatsOrNull(nil).Float(1).Ints(nil).End() },
		"second row":  func(t *Table) error { t.Row().Str("a").Float(1).Ints(nil).End(); return t.Row().Float(2).End() },
	} {
		tb := New(fields(), nil)
		err := add(tb)
		if !errors.Is(err, ErrRow) || tb.Err() != err {
			t.Errorf("%s: error %v, table error %v; want ErrRow", name, err, tb.Err())
		}
		path := filepath.Join(t.TempDir(), "t.arrow")
		os.WriteFile(path, []byte("earlier"), 0o644)
		if werr := tb.WriteFile(path); werr != err {
			t.Errorf("%s: WriteFile returned %v, want the row error", name, werr)
		}
		if b, _ := os.ReadFile(path); string(b) != "earlier" {
			t.Errorf("%s: the earlier file was replaced", name)
		}
		tb.Release()
	}
}

// TestNulls checks NaN → null, the OrNull forms (nil → null, empty →
// empty list) and NullUntil.
func TestNulls(t *testing.T) {
	tb := New(fields(), map[string]string{"b": "2", "a": "1"})
	defer tb.Release()
	tb.Row().Str("nan").Float(nanF()).IntsOrNull(nil).End()
	tb.Row().NullUntil("k").Ints([]int{}).End()
	if tb.Err() != nil || tb.Rows() != 2 {
		t.Fatalf("error %v, %d rows", tb.Err(), tb.Rows())
	}
	var buf bytes.Buffer
	if err := tb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rec := tb.b.NewRecordBatch() // the builders were reset by Write
	defer rec.Release()
	if rec.NumRows() != 0 {
		t.Errorf("builders hold %d rows after Write", rec.NumRows())
	}
	md := tb.Schema().Metadata()
	if k := md.Keys(); len(k) != 2 || k[0] != "a" || k[1] != "b" {
		t.Errorf("metadata keys %v, want sorted", k)
	}
}

func nanF() float64 { z := 0.0; return z / z }
