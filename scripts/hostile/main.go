// Command hostile feeds oblique mutated copies of the bundled real files and
// reports how each reading command coped: inputs tried, clean errors (exit
// 1 or 2 with a message), successes, panics, hangs (killed after -timeout),
// exit-0 runs that printed NaN, processes left running, and the peak
// memory (maximum resident set) of any run.
//
//	go run ./scripts/hostile -bin out/oblique -n 200
//
// The mutations are seeded (-seed): bit flips, runs of 0x00 or 0xff over 8
// bytes, truncation, and appended garbage. The exit status is 1 when any
// input panicked, hung, left a process running, printed NaN with exit 0 or
// exceeded -max-rss; the report is the last lines printed.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"
)

// target is a file to mutate and the commands that read it.
type target struct {
	name string
	// file is the path, inside the case's copy of the fixtures, of the file
	// to mutate.
	file string
	// args are the command lines; "{dir}" is the case's directory.
	args [][]string
}

// outcome classifies one run.
type outcome string

const (
	ok        outcome = "ran (exit 0)"
	clean     outcome = "clean error"
	panicked  outcome = "panic"
	hung      outcome = "hang"
	nanExit0  outcome = "exit 0 with NaN"
	leftOver  outcome = "process left running"
	noMessage outcome = "error without a message"
)

func main() {
	bin := flag.String("bin", "out/oblique", "the oblique binary")
	n := flag.Int("n", 60, "mutated inputs per target")
	seed := flag.Uint64("seed", 1, "seed of the mutations")
	timeout := flag.Duration("timeout", 60*time.Second, "a run longer than this is a hang")
	maxRSS := flag.Int64("max-rss", 200, "peak memory (MiB) above which a run counts as a failure")
	flag.Parse()
	if err := run(*bin, *n, *seed, *timeout, *maxRSS<<20); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(bin string, n int, seed uint64, timeout time.Duration, maxRSS int64) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "oblique-hostile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	fix := filepath.Join(root, "fixtures")
	if err := fixtures(bin, fix); err != nil {
		return err
	}
	targets := []target{
		{"golub NPY (analyze)", "npy/before_spikes.npy", [][]string{{"analyze", "{dir}/before.toml", "-no-scaling", "-quiet", "-o", "{dir}/a.arrow"}}},
		{"golub manifest (analyze)", "before.toml", [][]string{{"analyze", "{dir}/before.toml", "-no-scaling", "-quiet", "-o", "{dir}/a.arrow"}}},
		{"golub MAT (inspect, analyze -preset bci-golub)", "exampleData.mat", [][]string{
			{"inspect", "{dir}/exampleData.mat"},
			{"analyze", "-preset", "bci-golub", "{dir}/exampleData.mat", "-no-scaling", "-quiet", "-o", "{dir}/m.arrow"}}},
		{"NLB maze NWB (inspect, analyze -preset nlb-maze)", "maze_like.nwb", [][]string{
			{"inspect", "{dir}/maze_like.nwb"},
			{"analyze", "-preset", "nlb-maze", "{dir}/maze_like.nwb", "-no-scaling", "-quiet", "-o", "{dir}/n.arrow"}}},
		{"pynapple NWB (inspect -values, analyze -preset FILE.toml, nwb-continuous)", "pynapple_A8604-211122.nwb", [][]string{
			{"inspect", "-values", "{dir}/pynapple_A8604-211122.nwb"},
			{"analyze", "-preset", "{dir}/pynapple-units.toml", "{dir}/pynapple_A8604-211122.nwb", "-no-scaling", "-quiet", "-o", "{dir}/p.arrow"}}},
		{"general NWB preset (analyze -preset FILE.toml)", "pynapple-units.toml", [][]string{
			{"analyze", "-preset", "{dir}/pynapple-units.toml", "{dir}/pynapple_A8604-211122.nwb", "-no-scaling", "-quiet", "-o", "{dir}/p.arrow"}}},
		{"analyze table (report)", "golub.arrow", [][]string{{"report", "{dir}/golub.arrow", "-o", "{dir}/report"}}},
		{"run.json (simulate)", "run/run.json", [][]string{{"simulate", "{dir}/run", "-trials", "4", "-o", "{dir}/sim"}}},
		{"checkpoint (train resume)", "run/checkpoint.gob", [][]string{{"train", "-o", "{dir}/run", "-steps", "12", "-quiet"}}},
	}
	rng := rand.New(rand.NewPCG(seed, 0x6f626c69))
	counts := map[outcome]int{}
	var problems []string
	var peak int64
	tried := 0
	start := time.Now()
	for _, tg := range targets {
		orig, err := os.ReadFile(filepath.Join(fix, tg.file))
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			dir := filepath.Join(root, fmt.Sprintf("case-%d", tried))
			if err := copyTree(fix, dir); err != nil {
				return err
			}
			how, b := mutate(rng, orig)
			if err := os.WriteFile(filepath.Join(dir, tg.file), b, 0o644); err != nil {
				return err
			}
			for _, a := range tg.args {
				args := make([]string, len(a))
				for k, s := range a {
					args[k] = strings.ReplaceAll(s, "{dir}", dir)
				}
				o, rss, detail := runOne(bin, args, timeout)
				counts[o]++
				peak = max(peak, rss)
				if rss > maxRSS {
					problems = append(problems, fmt.Sprintf("%s, %s: peak %d MiB: oblique %s", tg.name, how, rss>>20, strings.Join(a, " ")))
				}
				if o != ok && o != clean {
					problems = append(problems, fmt.Sprintf("%s, %s: %s: oblique %s\n    %s", tg.name, how, o, strings.Join(a, " "), detail))
				}
			}
			tried++
			os.RemoveAll(dir)
		}
	}
	var keys []string
	for o := range counts {
		keys = append(keys, string(o))
	}
	sort.Strings(keys)
	for _, p := range problems {
		fmt.Println(p)
	}
	fmt.Printf("hostile: %d mutated inputs, %d runs in %s (seed %d); peak memory %d MiB\n", tried, sum(counts), time.Since(start).Round(time.Second), seed, peak>>20)
	for _, k := range keys {
		fmt.Printf("  %-24s %d\n", k, counts[outcome(k)])
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problems", len(problems))
	}
	return nil
}

func sum(m map[outcome]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

// fixtures copies the bundled files into dir and makes the derived ones:
// an analyze table and a small trained run.
func fixtures(bin, dir string) error {
	if err := copyTree("data/golub2018_bci", dir); err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	for _, f := range []string{"presets/testdata/maze_like.nwb", "ingest/nwb/testdata/pynapple_A8604-211122.nwb", "presets/examples/pynapple-units.toml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	for _, a := range [][]string{
		{"analyze", filepath.Join(dir, "before.toml"), "-no-scaling", "-quiet", "-o", filepath.Join(dir, "golub.arrow")},
		{"train", "-task", "flipflop", "-n", "16", "-steps", "10", "-checkpoint-every", "5", "-eval-every", "5", "-quiet", "-o", filepath.Join(dir, "run")},
	} {
		if out, err := exec.Command(bin, a...).CombinedOutput(); err != nil {
			return fmt.Errorf("oblique %s: %v\n%s", strings.Join(a, " "), err, out)
		}
	}
	return nil
}

// mutate returns a damaged copy of b and what was done.
func mutate(rng *rand.Rand, b []byte) (string, []byte) {
	c := append([]byte(nil), b...)
	if len(c) == 0 {
		return "empty", c
	}
	switch rng.IntN(5) {
	case 0, 1:
		k := 1 + rng.IntN(4)
		for range k {
			c[rng.IntN(len(c))] ^= 1 << rng.IntN(8)
		}
		return fmt.Sprintf("%d bit flips", k), c
	case 2:
		off, v := rng.IntN(len(c)), byte(0)
		if rng.IntN(2) == 1 {
			v = 0xff
		}
		for j := off; j < min(off+8, len(c)); j++ {
			c[j] = v
		}
		return fmt.Sprintf("8 bytes of %#x at %d", v, off), c
	case 3:
		cut := rng.IntN(len(c))
		return fmt.Sprintf("cut at %d of %d bytes", cut, len(c)), c[:cut]
	}
	g := make([]byte, 1+rng.IntN(64))
	for i := range g {
		g[i] = byte(rng.IntN(256))
	}
	return fmt.Sprintf("%d bytes appended", len(g)), append(c, g...)
}

// runOne runs oblique in its own process group and classifies the run; it
// returns the peak resident memory in bytes and a line of detail.
func runOne(bin string, args []string, timeout time.Duration) (outcome, int64, string) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// An HDF5 call that loops is ended by oblique at its time limit, an
	// error; within this run's timeout, so that it is not taken for a hang.
	cmd.Env = append(os.Environ(), "OBLIQUE_HDF5_TIMEOUT="+(timeout/3).String())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var rss int64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	// Anything of the run's process group still alive (an HDF5 reader
	// child, say) is a leak: report it, then kill it.
	left := cmd.Process != nil && syscall.Kill(-cmd.Process.Pid, 0) == nil
	if left {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	firstLine := func(s string) string { l, _, _ := strings.Cut(strings.TrimSpace(s), "\n"); return l }
	switch {
	case ctx.Err() != nil:
		return hung, rss, "killed after " + timeout.String()
	case strings.Contains(stderr.String(), "panic:") || strings.Contains(stderr.String(), "fatal error:") || strings.Contains(stderr.String(), "goroutine "):
		return panicked, rss, firstLine(stderr.String())
	case left:
		return leftOver, rss, "its process group was still alive after it exited"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if strings.TrimSpace(stderr.String()) == "" && !strings.Contains(stdout.String(), "error") {
			return noMessage, rss, fmt.Sprintf("exit %d", ee.ExitCode())
		}
		return clean, rss, ""
	}
	if err != nil {
		return hung, rss, err.Error()
	}
	if l, ok := printsNaN(stdout.String()); ok {
		return nanExit0, rss, l
	}
	return ok, rss, ""
}

// nanWord is NaN printed as a value; counted is a count of NaN values ("1
// NaN", "3 spike times dropped: 2 NaN"), which notes and inspect's
// listings print.
var nanWord, counted = regexp.MustCompile(`(^|[^\w.])NaN([^\w]|$)`), regexp.MustCompile(`\d NaN`)

// printsNaN returns the first line of out that prints NaN as a value, if
// any: not a note's line, not a count of NaN values.
func printsNaN(out string) (string, bool) {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, ": note: ") {
			continue
		}
		if nanWord.MatchString(counted.ReplaceAllString(l, "")) {
			return strings.TrimSpace(l), true
		}
	}
	return "", false
}

// copyTree copies the files below src into dst.
func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, fi.Mode().Perm())
	})
}
