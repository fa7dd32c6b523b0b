//go:build unix

package inputfile_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// TestDirFS: a regular file is read; a named pipe without a writer is
// refused at once (os.DirFS's Open would wait for a writer for ever), and
// so are a directory and an invalid name.
func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	fsys := inputfile.DirFS(dir)
	if b, err := fs.ReadFile(fsys, "a.json"); err != nil || string(b) != "{}" {
		t.Errorf("a.json: %q, %v", b, err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := fsys.Open("pipe")
		if err == nil {
			_, err = io.ReadAll(f)
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, inputfile.ErrNotRegular) {
			t.Errorf("pipe: %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open of a named pipe waited for a writer")
	}
	if _, err := fsys.Open("sub"); !errors.Is(err, inputfile.ErrNotRegular) {
		t.Errorf("sub: %v, want ErrNotRegular", err)
	}
	if _, err := fsys.Open("../a.json"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("../a.json: %v, want fs.ErrInvalid", err)
	}
}
