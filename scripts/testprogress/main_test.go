package main

import (
	"strings"
	"testing"
	"time"
)

// TestHandle feeds a package with a passing and a failing test: the
// failing test's output is printed, the passing one's is not, both package
// results appear, and a heartbeat names a test still running.
func TestHandle(t *testing.T) {
	var b strings.Builder
	s := newState(&b)
	pkg := "github.com/oblique-neuro/oblique/x"
	for _, e := range []event{
		{Action: "run", Package: pkg, Test: "TestA"},
		{Action: "output", Package: pkg, Test: "TestA", Output: "quiet\n"},
		{Action: "pass", Package: pkg, Test: "TestA"},
		{Action: "run", Package: pkg, Test: "TestB"},
		{Action: "output", Package: pkg, Test: "TestB", Output: "want 1, got 2\n"},
		{Action: "run", Package: pkg, Test: "TestSlow"},
	} {
		s.handle(e)
	}
	s.heartbeat(time.Now().Add(time.Minute))
	s.handle(event{Action: "fail", Package: pkg, Test: "TestB", Elapsed: 0.5})
	s.handle(event{Action: "pass", Package: pkg, Test: "TestSlow"})
	s.handle(event{Action: "fail", Package: pkg, Elapsed: 1})
	s.summary()
	out := b.String()
	for _, want := range []string{"running x TestB (1m0s)", "--- FAIL: x TestB (0.5s)", "    want 1, got 2", "FAIL x (1.0s)", "1 package(s) failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "quiet") {
		t.Errorf("a passing test's output was printed:\n%s", out)
	}
}
