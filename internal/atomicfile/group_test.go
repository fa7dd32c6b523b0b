package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/atomicfile/atomictest"
)

// text returns a write function producing s.
func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

var snapshot, sameSet = atomictest.Snapshot, atomictest.Same

// oldSet writes the first version of a three-file set (the entry a.arrow,
// its siblings) and returns the directory's contents.
func oldSet(t *testing.T, dir string) map[string]string {
	t.Helper()
	var g Group
	g.Add(filepath.Join(dir, "a-settings.arrow"), text("old settings"))
	g.Add(filepath.Join(dir, "a-trajectories.arrow"), text("old trajectories"))
	g.AddEntry(filepath.Join(dir, "a.arrow"), text("old runs"))
	if err := g.Commit(); err != nil {
		t.Fatal(err)
	}
	return snapshot(t, dir)
}

// TestGroupFailureKeepsOldSet: a write that fails on the last file of a set
// (as a full disk did on models' third table) leaves every old file byte
// for byte, and no temporary file.
func TestGroupFailureKeepsOldSet(t *testing.T) {
	dir := t.TempDir()
	old := oldSet(t, dir)
	boom := errors.New("no space left on device (injected)")
	var g Group
	g.Add(filepath.Join(dir, "a-settings.arrow"), text("new settings"))
	g.Add(filepath.Join(dir, "a-trajectories.arrow"), func(w io.Writer) error {
		io.WriteString(w, "half of the new traj")
		return boom
	})
	g.AddEntry(filepath.Join(dir, "a.arrow"), text("new runs"))
	err := g.Commit()
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), filepath.Join(dir, "a-trajectories.arrow")) {
		t.Errorf("error %v, want the injected one naming the file", err)
	}
	sameSet(t, snapshot(t, dir), old)

	g = Group{}
	g.Add(filepath.Join(dir, "a-settings.arrow"), text("new settings"))
	g.Add(filepath.Join(dir, "a-trajectories.arrow"), text("new trajectories"))
	g.AddEntry(filepath.Join(dir, "a.arrow"), text("new runs"))
	if err := g.Commit(); err != nil {
		t.Fatal(err)
	}
	sameSet(t, snapshot(t, dir), map[string]string{
		"a.arrow": "new runs", "a-settings.arrow": "new settings", "a-trajectories.arrow": "new trajectories",
	})
}

// TestGroupFileSizeLimit: the kernel refuses to let a file grow (RLIMIT_FSIZE,
// as a nearly full disk refuses blocks) while the third file of a set is
// written, in a child process of the test: the old set is intact. The first
// two new files fit under the limit, the third does not.
func TestGroupFileSizeLimit(t *testing.T) {
	atomictest.Child(t, func(dir string) string {
		var g Group
		g.Add(filepath.Join(dir, "a-settings.arrow"), text(strings.Repeat("s", 1000)))
		g.Add(filepath.Join(dir, "a-trajectories.arrow"), text(strings.Repeat("t", 10000)))
		g.AddEntry(filepath.Join(dir, "a.arrow"), text(strings.Repeat("r", 1000)))
		return fmt.Sprint(g.Commit())
	})
	dir := t.TempDir()
	old := oldSet(t, dir)
	got := atomictest.Run(t, 4096, dir)
	if !strings.Contains(got, "writing "+filepath.Join(dir, "a-trajectories.arrow")+": write") || !strings.Contains(got, "file too large") {
		t.Errorf("child's error: %s", got)
	}
	sameSet(t, snapshot(t, dir), old)
}

// TestGroupWindow: a rename that fails in the window (here the second file's
// destination turned into a directory while the files were being written)
// leaves no entry, so a reader finds no set rather than the old entry beside
// a new first file; the error names what was already replaced.
func TestGroupWindow(t *testing.T) {
	dir := t.TempDir()
	oldSet(t, dir)
	traj := filepath.Join(dir, "a-trajectories.arrow")
	var g Group
	g.Add(filepath.Join(dir, "a-settings.arrow"), text("new settings"))
	g.Add(traj, text("new trajectories"))
	g.AddEntry(filepath.Join(dir, "a.arrow"), func(w io.Writer) error {
		if err := os.Remove(traj); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(traj, "x"), 0o755); err != nil {
			return err
		}
		return text("new runs")(w)
	})
	err := g.Commit()
	if err == nil || !strings.Contains(err.Error(), "already replaced: "+filepath.Join(dir, "a-settings.arrow")) {
		t.Errorf("error %v", err)
	}
	sameSet(t, snapshot(t, dir), map[string]string{"a-settings.arrow": "new settings", "a-trajectories.arrow": "(directory)"})
}

// TestGroupSameFile: one file twice in a group (here through a link) is an
// error before anything is written.
func TestGroupSameFile(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	os.WriteFile(a, []byte("old"), 0o644)
	if err := os.Symlink("a", filepath.Join(dir, "b")); err != nil {
		t.Skip(err)
	}
	var g Group
	g.Add(a, text("1"))
	g.Add(filepath.Join(dir, "b"), text("2"))
	if err := g.Commit(); err == nil || !strings.Contains(err.Error(), "are the same file") {
		t.Errorf("error %v", err)
	}
	if b, _ := os.ReadFile(a); string(b) != "old" {
		t.Errorf("a holds %q", b)
	}
}

// TestWriteKeep: each write keeps the version it replaced, and nothing else.
func TestWriteKeep(t *testing.T) {
	dir := t.TempDir()
	p, prev := filepath.Join(dir, "c.gob"), filepath.Join(dir, "c.previous.gob")
	for i, want := range []map[string]string{
		{"c.gob": "v0"},
		{"c.gob": "v1", "c.previous.gob": "v0"},
		{"c.gob": "v2", "c.previous.gob": "v1"},
	} {
		if err := WriteKeep(p, prev, text("v"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
		sameSet(t, snapshot(t, dir), want)
	}
	boom := errors.New("boom")
	if err := WriteKeep(p, prev, func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("error %v", err)
	}
	sameSet(t, snapshot(t, dir), map[string]string{"c.gob": "v2", "c.previous.gob": "v1"})
}

// TestRemoveStale: a write removes the temporary files of its own path left
// by a process that no longer runs on this machine, or untouched for
// StaleAge; it keeps those of a live process, of another machine (unless
// old), fresh ones named the older way, and other paths' files.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.arrow")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("cannot start a process:", err)
	}
	deadPID := strconv.Itoa(dead.Process.Pid)
	livePID := strconv.Itoa(os.Getppid())
	host := hostTag()
	old := time.Now().Add(-StaleAge - time.Hour)
	files := []struct {
		name   string
		mtime  time.Time
		remove bool
	}{
		{".out.arrow.tmp-" + host + "-" + deadPID + "-123", time.Now(), true},
		{".out.arrow.tmp-" + host + "-" + livePID + "-124", time.Now(), false},
		{".out.arrow.tmp-" + host + "-" + livePID + "-125", old, true},
		{".out.arrow.tmp-" + host + "-" + strconv.Itoa(os.Getpid()) + "-126", time.Now(), false},
		{".out.arrow.tmp-0badc0de-" + deadPID + "-127", time.Now(), false},
		{".out.arrow.tmp-0badc0de-" + deadPID + "-128", old, true},
		{".out.arrow.tmp-3141592", time.Now(), false},
		{".out.arrow.tmp-2718281", old, true},
		{".other.arrow.tmp-" + host + "-" + deadPID + "-129", old, false},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(p, text("new")); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if gone := errors.Is(err, os.ErrNotExist); gone != f.remove {
			t.Errorf("%s: removed %v, want %v", f.name, gone, f.remove)
		}
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, []byte("new")) {
		t.Errorf("%s holds %q", p, b)
	}
}
