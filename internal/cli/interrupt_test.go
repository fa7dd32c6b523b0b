//go:build unix

package cli

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/golden"
)

// TestInterruptHelper is run by TestInterrupt in a process of its own.
func TestInterruptHelper(t *testing.T) {
	out := os.Getenv("OBLIQUE_TEST_INTERRUPT")
	if out == "" {
		t.Skip("run by TestInterrupt")
	}
	m := filepath.Join(golden.Root(), "data", "golub2018_bci", "before.toml")
	os.Exit(Main([]string{"analyze", "-draws", "2000", "-o", out, m}, os.Stdout, os.Stderr))
}

// TestInterrupt: SIGINT during analyze stops it at once with exit status
// 130, says that no table was written and that the earlier output is left
// as it was, and the output file is unchanged.
func TestInterrupt(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.arrow")
	earlier := []byte("ARROW1 earlier")
	if err := os.WriteFile(out, earlier, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptHelper$")
	cmd.Env = append(os.Environ(), "OBLIQUE_TEST_INTERRUPT="+out)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The progress line shows once the work (and so the handler) runs.
	r := bufio.NewReader(stderr)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "neuron subsets") {
		b, err := r.ReadByte()
		if err != nil {
			cmd.Process.Kill()
			t.Fatalf("no progress line before %v: %q", err, seen.String())
		}
		seen.WriteByte(b)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	rest, _ := r.ReadString(0)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, want status 130", err)
	}
	if want := "oblique analyze: interrupted: no table written; " + out + " is left as it was"; !strings.Contains(rest, want) {
		t.Errorf("stderr after the signal %q, want %q", rest, want)
	}
	if b, _ := os.ReadFile(out); string(b) != string(earlier) {
		t.Errorf("the earlier output changed")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("stopped %v after the signal", d)
	}
}
