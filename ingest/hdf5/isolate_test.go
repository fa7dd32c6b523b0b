//go:build cgo && unix

package hdf5_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// The root's nwb_version attribute of mazeFile is a variable-length string
// whose global heap collection address is the 8 bytes at hangOffset: with a
// small address there, HDF5 1.10 loops for ever inside H5Aread (issue 17,
// item 1).
const hangOffset = 5783

// hangFile writes a copy of mazeFile with addr at hangOffset.
func hangFile(t *testing.T, dir string, addr uint64) string {
	t.Helper()
	raw, err := os.ReadFile(mazeFile)
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint64(raw[hangOffset:], addr)
	p := filepath.Join(dir, fmt.Sprintf("hang-%d.nwb", addr))
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTimeLimit is the acceptance test of a stuck read: the reproducer
// returns an error wrapping ErrTimeout, naming the file and the attribute,
// once the file's time limit is spent and no later; its reader process is
// killed; the file refuses later calls; other files, read at the same time
// and after, are read; and once the idle readers are stopped, the test
// process has no child left.
func TestTimeLimit(t *testing.T) {
	skipInProcess(t)
	open(t, typesFile).Close() // skips without cgo
	const limit = 1500 * time.Millisecond
	// Slack for killing and waiting for the reader, on a loaded machine.
	const slack = 2 * time.Second
	t.Setenv(hdf5.TimeoutEnv, limit.String())
	dir := t.TempDir()
	// Two stuck files (the zero address and another small one)
	// and a good one, read in parallel: each has its own reader.
	var wg sync.WaitGroup
	for _, addr := range []uint64{0, 1} {
		name := hangFile(t, dir, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			f, err := hdf5.Open(name)
			if err != nil {
				t.Errorf("Open(%s): %v", name, err)
				return
			}
			defer f.Close()
			opened := time.Now()
			pid := hdf5.ReaderPID(f)
			_, err = f.Attr("/", "nwb_version")
			took, total := time.Since(opened), time.Since(start)
			want := name + `: /: attribute "nwb_version": ` + hdf5.ErrTimeout.Error()
			if !errors.Is(err, hdf5.ErrTimeout) || err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Attr on %s: error %v\nwant one wrapping ErrTimeout, starting %q", name, err, want)
			}
			t.Logf("%v, %v after Open returned", err, took)
			// The limit counts the time spent in calls from the
			// moment the reader starts: at least the limit since
			// Open was called, at most the limit after it returned.
			if total < limit || took > limit+slack {
				t.Errorf("%s: the error came %v after Open was called, %v after it returned; want at least the limit %v, at most %v", name, total, took, limit, limit+slack)
			}
			if pid == 0 || alive(pid) {
				t.Errorf("%s: reader process %d still running after the time limit", name, pid)
			}
			if _, err := f.Stat("/units"); !errors.Is(err, hdf5.ErrTimeout) {
				t.Errorf("%s: Stat after the time limit: %v, want an error wrapping ErrTimeout", name, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 3 {
			f, err := hdf5.Open(typesFile)
			if err != nil {
				t.Error(err)
				return
			}
			if v, err := f.ReadFloat64("/num/chunked"); err != nil || v[999] != 499.5 {
				t.Errorf("good file beside the stuck ones: %v %v", v[len(v)-1:], err)
			}
			f.Close()
			time.Sleep(limit / 2)
		}
	}()
	wg.Wait()
	// The next file of a batch is read.
	f := open(t, mazeFile)
	if v, err := f.Attr("/", "nwb_version"); err != nil || v != "2.4.0" {
		t.Errorf("the next file: nwb_version = %v, %v", v, err)
	}
	f.Close()
	hdf5.StopReaders()
	if kids := children(t); len(kids) > 0 {
		t.Errorf("processes %v are still children of the test after StopReaders", kids)
	}
}

// TestTimeoutEnv checks the values OBLIQUE_HDF5_TIMEOUT and OBLIQUE_HDF5
// take, and that an invalid one is an error naming the variable.
func TestTimeoutEnv(t *testing.T) {
	open(t, typesFile)
	for _, c := range []struct{ mode, limit, err string }{
		{"", "", ""},
		{"isolated", "off", ""},
		{"inprocess", "0", ""},
		{"", "10m", ""},
		{"", "abc", `testdata/types.h5: OBLIQUE_HDF5_TIMEOUT="abc": want a positive duration such as 90s or 10m, or off`},
		{"", "-1s", `testdata/types.h5: OBLIQUE_HDF5_TIMEOUT="-1s": want a positive duration such as 90s or 10m, or off`},
		{"child", "", `testdata/types.h5: OBLIQUE_HDF5="child": want isolated or inprocess`},
	} {
		t.Setenv(hdf5.ModeEnv, c.mode)
		t.Setenv(hdf5.TimeoutEnv, c.limit)
		f, err := hdf5.Open(typesFile)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			if (hdf5.ReaderPID(f) == 0) != (c.mode == "inprocess") {
				t.Errorf("%s=%q: reader process %d", hdf5.ModeEnv, c.mode, hdf5.ReaderPID(f))
			}
			f.Close()
		}
		if got != c.err {
			t.Errorf("%s=%q %s=%q: error %q, want %q", hdf5.ModeEnv, c.mode, hdf5.TimeoutEnv, c.limit, got, c.err)
		}
	}
}

// hangHelperEnv names the stuck file that TestHangHelper reads.
const hangHelperEnv = "OBLIQUE_HDF5_HANG_HELPER"

// TestHangHelper is TestReaderEndsWithParent's program: it prints its
// reader's process id and gets stuck reading, with no time limit.
func TestHangHelper(t *testing.T) {
	name := os.Getenv(hangHelperEnv)
	if name == "" {
		t.Skip("run by TestReaderEndsWithParent")
	}
	setParentDeathSignal(os.Getenv("PDEATHSIG") == "1")
	t.Setenv(hdf5.TimeoutEnv, "off")
	f, err := hdf5.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("READER %d\n", hdf5.ReaderPID(f))
	f.Attr("/", "nwb_version") // stuck until killed
	t.Fatal("the stuck read returned")
}

// TestReaderEndsWithParent kills a program whose reader is stuck in HDF5
// and checks that the reader ends too: by the parent-death signal (Linux)
// and by its lifeline alone (as on macOS).
func TestReaderEndsWithParent(t *testing.T) {
	skipInProcess(t)
	open(t, typesFile)
	name := hangFile(t, t.TempDir(), 0)
	for _, pdeath := range deathSignals {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHangHelper$")
		pd := "0"
		if pdeath {
			pd = "1"
		}
		cmd.Env = append(os.Environ(), hangHelperEnv+"="+name, "PDEATHSIG="+pd)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		pid, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "READER ")))
		if err != nil || pid == 0 {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper said %q (%v)", line, err)
		}
		time.Sleep(300 * time.Millisecond) // into H5Aread
		if !alive(pid) {
			t.Fatalf("parent-death signal %v: reader %d ended before its parent", pdeath, pid)
		}
		cmd.Process.Kill()
		cmd.Wait()
		deadline := time.Now().Add(5 * time.Second)
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("parent-death signal %v: reader %d still running 5 s after its parent was killed", pdeath, pid)
		}
	}
}

// TestInProcess runs the tests of the readers' results again with the
// library in the test process (OBLIQUE_HDF5=inprocess): both modes give the
// same values and errors.
func TestInProcess(t *testing.T) {
	open(t, typesFile)
	if os.Getenv(hdf5.ModeEnv) == "inprocess" {
		t.Skip("in process already")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^(TestNumbers|TestRanges|TestStrings|TestRefsAndLinks|TestAttrs|TestUnsupported|TestErrors|TestBadFiles|TestWalk|TestConcurrent|TestVlenBytesAttr|TestConversions|TestDirectLayouts)$")
	cmd.Env = append(os.Environ(), hdf5.ModeEnv+"=inprocess")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("in process: %v\n%s", err, out)
	}
}

// TestReaderKilled kills readers from outside: an open file's call then
// fails with ErrFault, saying its reader ended, and so do its later calls;
// a pooled reader killed while idle is replaced at the next Open.
func TestReaderKilled(t *testing.T) {
	skipInProcess(t)
	open(t, typesFile).Close()
	f := open(t, typesFile)
	pid := hdf5.ReaderPID(f)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, err := f.AttrNames("/num")
	want := typesFile + ": /num: " + hdf5.ErrFault.Error() + " while reading this (a corrupt file?): its reader process ended (signal: killed)"
	if !errors.Is(err, hdf5.ErrFault) || err.Error() != want {
		t.Errorf("call after the reader was killed: %v\nwant %s", err, want)
	}
	if _, err := f.AttrNames("/str"); !errors.Is(err, hdf5.ErrFault) || !strings.Contains(err.Error(), "on an earlier read of this file: its reader process ended") {
		t.Errorf("later call: %v", err)
	}
	f.Close()

	g := open(t, typesFile)
	pid = hdf5.ReaderPID(g)
	g.Close() // its reader goes back to the pool
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for alive(pid) {
		time.Sleep(time.Millisecond)
	}
	h := open(t, typesFile)
	if v, err := h.ReadFloat64("/num/f8"); err != nil || len(v) != 10 {
		t.Errorf("Open after a pooled reader was killed: %v, %v", v, err)
	}
	if hdf5.ReaderPID(h) == pid {
		t.Errorf("the killed reader %d was used again", pid)
	}
}

// skipInProcess skips a test of the reader process when the suite runs
// with the library in process (OBLIQUE_HDF5=inprocess), where there is
// neither a reader process nor a time limit.
func skipInProcess(t *testing.T) {
	t.Helper()
	if os.Getenv(hdf5.ModeEnv) == "inprocess" {
		t.Skip(hdf5.ModeEnv + "=inprocess: no reader process, no time limit")
	}
}
