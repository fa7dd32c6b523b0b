//go:build unix

package figures

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadTableFIFO: a named pipe given to `oblique report` is refused at
// once (it used to wait for a writer forever).
func TestReadTableFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "results.arrow")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	_, err := ReadTable(p)
	if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v; want a refusal naming the pipe", err)
	}
}
