// Command testprogress runs `go test -json` with the given arguments and
// prints what a person waiting for the suite wants to see: each package's
// result as it finishes, the full output of every failing test, and every
// 30 seconds a line naming the tests still running and for how long. It
// exits with go test's status.
//
//	go run ./scripts/testprogress ./...
//	go run ./scripts/testprogress -run TestX ./internal/cli
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"
)

// event is one line of `go test -json` (test2json).
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
	// ImportPath is set on build events ("build-output", "build-fail").
	ImportPath string
}

func main() {
	cmd := exec.Command("go", append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	s := newState(os.Stdout)
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.heartbeat(time.Now())
			case <-stop:
				return
			}
		}
	}()
	s.read(out)
	close(stop)
	err = cmd.Wait()
	s.summary()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
}

// state follows the running packages and tests.
type state struct {
	mu      sync.Mutex
	w       io.Writer
	start   time.Time
	running map[string]time.Time // "pkg TestName" → start
	output  map[string][]string  // output of each test (and of each package, key "pkg ")
	failed  []string
}

func newState(w io.Writer) *state {
	return &state{w: w, start: time.Now(), running: map[string]time.Time{}, output: map[string][]string{}}
}

func short(pkg string) string { return strings.TrimPrefix(pkg, "github.com/oblique-neuro/oblique/") }

// read handles the events until r ends; lines that are not JSON (a build
// failure's output) are printed as they are.
func (s *state) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(s.w, sc.Text())
			continue
		}
		s.handle(e)
	}
}

func (s *state) handle(e event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := e.Package + " " + e.Test
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.w, e.Output)
	case "build-fail":
		// The package's own "fail" event follows and is counted.
	case "run":
		s.running[key] = time.Now()
	case "output":
		s.output[key] = append(s.output[key], e.Output)
	case "pass", "skip":
		delete(s.running, key)
		delete(s.output, key)
		if e.Test == "" {
			fmt.Fprintf(s.w, "%-4s %s (%.1fs)\n", map[string]string{"pass": "ok", "skip": "skip"}[e.Action], short(e.Package), e.Elapsed)
		}
	case "fail":
		delete(s.running, key)
		if e.Test != "" {
			fmt.Fprintf(s.w, "--- FAIL: %s %s (%.1fs)\n", short(e.Package), e.Test, e.Elapsed)
			for _, l := range s.output[key] {
				fmt.Fprint(s.w, "    ", l)
			}
			delete(s.output, key)
			return
		}
		// The package: its own output (build errors, panics, the FAIL
		// line) and its tests' failures above.
		for _, l := range s.output[key] {
			fmt.Fprint(s.w, l)
		}
		delete(s.output, key)
		fmt.Fprintf(s.w, "FAIL %s (%.1fs)\n", short(e.Package), e.Elapsed)
		s.failed = append(s.failed, short(e.Package))
	}
}

// heartbeat names the longest-running tests.
func (s *state) heartbeat(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type run struct {
		name string
		for_ time.Duration
	}
	var runs []run
	for k, t0 := range s.running {
		pkg, test, _ := strings.Cut(k, " ")
		if test == "" || strings.Contains(test, "/") {
			continue
		}
		runs = append(runs, run{short(pkg) + " " + test, now.Sub(t0)})
	}
	if len(runs) == 0 {
		return
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].for_ > runs[j].for_ })
	var parts []string
	for _, r := range runs[:min(3, len(runs))] {
		parts = append(parts, fmt.Sprintf("%s (%s)", r.name, r.for_.Round(time.Second)))
	}
	more := ""
	if len(runs) > 3 {
		more = fmt.Sprintf(" and %d more", len(runs)-3)
	}
	fmt.Fprintf(s.w, "… %s: running %s%s\n", now.Sub(s.start).Round(time.Second), strings.Join(parts, ", "), more)
}

func (s *state) summary() {
	s.mu.Lock()
	defer s.mu.Unlock()
	took := time.Since(s.start).Round(time.Second)
	if len(s.failed) == 0 {
		fmt.Fprintf(s.w, "all packages passed in %s\n", took)
		return
	}
	fmt.Fprintf(s.w, "%d package(s) failed in %s: %s\n", len(s.failed), took, strings.Join(s.failed, ", "))
}
