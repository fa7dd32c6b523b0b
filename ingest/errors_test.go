package ingest_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/golden"
)

// TestErrorKinds checks that ReadArray and DecodeNPY report what is wrong
// with a file as a sentinel a caller can test, on copies of the bundled
// Golub spike counts cut at every part of the file (magic, header, data,
// the last byte) and on other damage.
func TestErrorKinds(t *testing.T) {
	real, err := os.ReadFile(filepath.Join(golden.Root(), "data", "golub2018_bci", "npy", "before_spikes.npy"))
	if err != nil {
		t.Fatal(err)
	}
	const header = 128 // this file's header: 10 bytes of framing and 118 of dictionary
	if len(real) != header+552*86*8 {
		t.Fatalf("%d bytes: not the bundled 552×86 float64 array", len(real))
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, path string
		want       []error // sentinels the error matches
		not        []error // and must not
	}{
		{"cut in the framing", write("cut8.npy", real[:8]), []error{ingest.ErrTruncated, ingest.ErrFormat}, []error{ingest.ErrUnsupported}},
		{"cut in the header", write("cut60.npy", real[:60]), []error{ingest.ErrTruncated, ingest.ErrFormat}, []error{ingest.ErrUnsupported}},
		{"header only", write("cut128.npy", real[:header]), []error{ingest.ErrTruncated, ingest.ErrFormat}, nil},
		{"cut in the data", write("cut1000.npy", real[:1000]), []error{ingest.ErrTruncated, ingest.ErrFormat}, nil},
		{"last byte missing", write("cutlast.npy", real[:len(real)-1]), []error{ingest.ErrTruncated, ingest.ErrFormat}, nil},
		{"a byte too many", write("long.npy", append(append([]byte(nil), real...), 0)), []error{ingest.ErrFormat}, []error{ingest.ErrTruncated}},
		{"not NumPy", write("text.npy", []byte("time,rate\n1,2\n")), []error{ingest.ErrFormat}, []error{ingest.ErrTruncated}},
		{"object dtype", write("obj.npy", objectNPY()), []error{ingest.ErrUnsupported}, []error{ingest.ErrFormat}},
		{"missing", filepath.Join(dir, "nope.npy"), []error{fs.ErrNotExist}, []error{ingest.ErrFormat, ingest.ErrUnsupported}},
	}
	for _, c := range cases {
		_, _, err := ingest.ReadArray(c.path, "")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		check := func(via string, err error) {
			for _, s := range c.want {
				if !errors.Is(err, s) {
					t.Errorf("%s (%s): %q does not match %q", c.name, via, err, s)
				}
			}
			for _, s := range c.not {
				if errors.Is(err, s) {
					t.Errorf("%s (%s): %q matches %q", c.name, via, err, s)
				}
			}
		}
		check("ReadArray", err)
		if raw, rerr := os.ReadFile(c.path); rerr == nil {
			_, err := ingest.DecodeNPY(raw, c.path)
			check("DecodeNPY", err)
		}
	}
	if _, _, err := ingest.ReadArray(write("good.npy", real), ""); err != nil {
		t.Errorf("the uncut copy: %v", err)
	}
}
