package matfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/internal/golden"
)

// TestTruncatedKind checks that copies of the bundled Golub MAT-file cut
// inside its variables report matfile.ErrTruncated (and so matfile.ErrFormat) through Open,
// while other damage reports matfile.ErrFormat alone.
func TestTruncatedKind(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(golden.Root(), "data", "golub2018_bci", "exampleData.mat"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	open := func(name string, b []byte) error {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := matfile.Open(p)
		if err == nil {
			f.Close()
		}
		return err
	}
	// 131: 3 bytes of the first tag; 136: the first tag whole, none of its
	// data; then the middle and all but the last byte.
	for _, n := range []int{131, 136, len(b) / 2, len(b) - 1} {
		err := open("cut.mat", b[:n])
		if !errors.Is(err, matfile.ErrTruncated) || !errors.Is(err, matfile.ErrFormat) {
			t.Errorf("%d of %d bytes: %v, want matfile.ErrTruncated", n, len(b), err)
		}
	}
	bad := append([]byte(nil), b...)
	bad[128] = 99 // the first element's type
	if err := open("bad.mat", bad); !errors.Is(err, matfile.ErrFormat) || errors.Is(err, matfile.ErrTruncated) {
		t.Errorf("a bad element type: %v, want matfile.ErrFormat alone", err)
	}
	if err := open("whole.mat", b); err != nil {
		t.Errorf("the uncut copy: %v", err)
	}
}
