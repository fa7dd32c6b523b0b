package ingest_test

import (
	"errors"
	"fmt"
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
	// Each case's bytes go to a file of its own; nil means no file.
	cases := []struct {
		name string
		data []byte
		want []error // sentinels the error matches
		not  []error // and must not
	}{
		{"cut in the framing", real[:8], []error{ingest.ErrTruncated, ingest.ErrFormat}, []error{ingest.ErrUnsupported}},
		{"cut in the header", real[:60], []error{ingest.ErrTruncated, ingest.ErrFormat}, []error{ingest.ErrUnsupported}},
		{"header only", real[:header], []error{ingest.ErrTruncated, ingest.ErrFormat}, nil},
		{"cut in the data", real[:1000], []error{ingest.ErrTruncated, ingest.ErrFormat}, nil},
		{"last byte missing", real[:len(real)-1], []error{ingest.ErrTruncated, ingest.ErrFormat}, nil},
		{"a byte too many", append(append([]byte(nil), real...), 0), []error{ingest.ErrFormat}, []error{ingest.ErrTruncated}},
		{"not NumPy", []byte("time,rate\n1,2\n"), []error{ingest.ErrFormat}, []error{ingest.ErrTruncated}},
		{"object dtype", objectNPY(), []error{ingest.ErrUnsupported}, []error{ingest.ErrFormat}},
		{"missing", nil, []error{fs.ErrNotExist}, []error{ingest.ErrFormat, ingest.ErrUnsupported}},
		{"uncut", real, nil, []error{ingest.ErrFormat, ingest.ErrUnsupported, fs.ErrNotExist}},
	}
	dir := t.TempDir()
	for i, c := range cases {
		check := func(via string, err error) {
			if (err == nil) != (c.want == nil) {
				t.Errorf("%s (%s): error %v", c.name, via, err)
			}
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
		path := filepath.Join(dir, fmt.Sprintf("case%d.npy", i))
		if c.data != nil {
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ingest.DecodeNPY(c.data, path)
			check("DecodeNPY", err)
		}
		_, _, err := ingest.ReadArray(path, "")
		check("ReadArray", err)
	}
}
