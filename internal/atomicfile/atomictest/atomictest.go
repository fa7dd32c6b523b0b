// Package atomictest runs code of a test in a child process whose files
// cannot grow beyond a size, the way a nearly full disk refuses blocks: a
// write past the limit fails with EFBIG ("file too large"). Tests use it to
// check that a failure part-way through writing a set of files leaves the
// earlier set as it was:
//
//	func TestX(t *testing.T) {
//		atomictest.Child(t, func(dir string) string { ...write into dir...; return fmt.Sprint(err) })
//		dir := t.TempDir()
//		...the earlier set...
//		got := atomictest.Run(t, 4096, dir) // what the child's function returned
//		...
//	}
package atomictest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	childEnv = "OBLIQUE_ATOMICTEST_CHILD"
	argEnv   = "OBLIQUE_ATOMICTEST_ARG"
	limitEnv = "OBLIQUE_ATOMICTEST_LIMIT"
)

// Child, called first in the top-level test t, does nothing in the test
// process. In the child process that Run starts, it limits the size of
// files to Run's limit, calls fn with Run's argument, prints the result for
// Run and exits.
func Child(t *testing.T, fn func(arg string) string) {
	if os.Getenv(childEnv) != t.Name() {
		return
	}
	limit, err := strconv.ParseUint(os.Getenv(limitEnv), 10, 64)
	if err == nil {
		err = limitFileSize(limit)
	}
	if err != nil {
		os.Stdout.WriteString("SKIP " + err.Error())
	} else {
		os.Stdout.WriteString("RESULT " + fn(os.Getenv(argEnv)))
	}
	os.Exit(0)
}

// Run runs the test t again in a child process of the test binary, where
// its Child call runs with arg, the size of files limited to limit bytes,
// and returns what the child's function returned. It skips t where the
// limit cannot be set.
func Run(t *testing.T, limit uint64, arg string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name(), argEnv+"="+arg, limitEnv+"="+strconv.FormatUint(limit, 10))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	s := string(out)
	if r, ok := strings.CutPrefix(s, "SKIP "); ok {
		t.Skip(r)
	}
	r, ok := strings.CutPrefix(s, "RESULT ")
	if !ok {
		t.Fatalf("child process printed %q", s)
	}
	return r
}

// Snapshot returns what dir holds, by name: a regular file's contents, a
// symbolic link as "→ TARGET", a folder as "(directory)". Tests compare
// snapshots taken before and after a failed write.
func Snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			out[e.Name()] = "(directory)"
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = "→ " + target
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = string(b)
		}
	}
	return out
}

// Same reports, as test errors, the entries of got that differ from want,
// are missing or are new.
func Same(t testing.TB, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s is gone", name)
		} else if g != w {
			t.Errorf("%s changed (%d bytes, was %d)", name, len(g), len(w))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("new file %s", name)
		}
	}
}
