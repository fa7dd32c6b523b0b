// Package testcost bounds what the code under test may cost, for tests of
// hostile inputs and fuzz targets: its peak memory as the operating system
// sees it (PeakRSS), what it allocates on Go's heap (Allocated), and its
// time (Watchdog).
//
// PeakRSS runs one of the test binary's own tests again in a child process
// and reads the child's maximum resident set size from the operating
// system, which sees every allocation (Go's heap, the runtime, C), unlike
// runtime.MemStats:
//
//	func TestBig(t *testing.T) {
//		rss, out := testcost.PeakRSS(t, "TestBigChild", time.Minute, "INPUT=big.npy")
//		if rss > 200<<20 { … }
//	}
//
//	func TestBigChild(t *testing.T) {
//		if !testcost.InChild() {
//			t.Skip("run by TestBig")
//		}
//		… read os.Getenv("INPUT"), print what the parent checks …
//	}
package testcost

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// childEnv marks the child process.
const childEnv = "OBLIQUE_MAXRSS_CHILD"

// InChild reports whether this process is a child started by PeakRSS.
func InChild() bool { return os.Getenv(childEnv) == "1" }

// PeakRSS runs the test named test (a top-level test of the same binary)
// in a child process with the extra environment env ("KEY=value"), and
// returns its peak resident set size in bytes and its output. The test is
// skipped where the platform does not report the peak. The child is
// killed after timeout; PeakRSS fails the test then.
func PeakRSS(t testing.TB, test string, timeout time.Duration, env ...string) (int64, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(timeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !timer.Stop() {
		t.Fatalf("%s did not end within %v: %s", test, timeout, out.String())
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", test, err, out.String())
	}
	rss, ok := peak(cmd.ProcessState)
	if !ok {
		t.Skip("this platform does not report a child's peak memory")
	}
	return rss, out.String()
}

// Allocated returns the bytes Go's heap allocated while f ran
// (runtime.MemStats.TotalAlloc before and after), for fuzz targets that
// bound what one input may cost. Allocations of other goroutines in the
// meantime are counted too.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Watchdog crashes the process when stop is not called within d: a fuzz
// target defers it so that an input that hangs is reported, with the
// input, as a crasher (Go's fuzzing has no time limit per input).
//
//	defer testcost.Watchdog(10 * time.Second)()
func Watchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() { panic(fmt.Sprintf("testcost: the input took more than %v", d)) })
	return func() { timer.Stop() }
}
