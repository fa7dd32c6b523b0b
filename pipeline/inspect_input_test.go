package pipeline_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/pipeline"
)

// TestInspectNotRegular: issue 17's named pipe given to inspect hung (the
// open waited for a writer); it and a MAT-file linked to /dev/urandom
// (reported as "0 bytes") are refused at once, saying what they are.
func TestInspectNotRegular(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("named pipes and /dev/urandom as on Linux")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "rec.nwb")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	random := filepath.Join(dir, "data.mat")
	if err := os.Symlink("/dev/urandom", random); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		fifo:   fifo + ": a named pipe (FIFO), not a regular file",
		random: random + ": a link to /dev/urandom, a character device, not a regular file",
	} {
		start := time.Now()
		_, err := pipeline.Inspect(path)
		if err == nil || err.Error() != want || !errors.Is(err, inputfile.ErrNotRegular) {
			t.Errorf("Inspect(%s): %v, want %q", path, err, want)
		}
		if d := time.Since(start); d > time.Second || strings.Contains(err.Error(), "0 bytes") {
			t.Errorf("Inspect(%s): %v after %v", path, err, d)
		}
	}
}
