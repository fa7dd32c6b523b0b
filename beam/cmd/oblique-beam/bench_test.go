package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/pipeline"
)

// BenchmarkBatch analyses the test set of TestBatch (26 recordings, with
// the paper's analysis settings, seed 3) three ways in the same run:
// "loop" calls pipeline.AnalyzeFile on each recording in turn in this
// process (what `oblique analyze` does for each file); "analyze" runs
// `oblique analyze`, one process per preset, one after another; "beam" runs
// `oblique-beam batch` on Prism in its process, with an empty store each
// time (nothing reused). Besides the wall time it reports the CPU time
// (user + system, the processes' and their children's): on a machine
// shared with other work, the wall time depends on that work; the CPU time
// much less.
//
//	cd beam && go test ./cmd/oblique-beam -run '^$' -bench Batch -benchtime 3x
func BenchmarkBatch(b *testing.B) {
	needShared(b)
	oblique := obliqueCmd(b)
	dir := b.TempDir()
	in := recordings(b, dir, false)
	list, byPreset := writeList(b, dir, in)
	settings := []string{"-seed", "3"}
	report := func(b *testing.B, cpu float64) {
		n := float64(b.N * len(in))
		b.ReportMetric(b.Elapsed().Seconds()/n, "s/item")
		b.ReportMetric(cpu/n, "cpu-s/item")
	}
	b.Run("loop", func(b *testing.B) {
		cpu := 0.0
		for i := 0; i < b.N; i++ {
			c0 := cpuSelf()
			for _, it := range in {
				p, _ := filepath.Abs(it.path)
				pipeline.AnalyzeFile(context.Background(), p, pipeline.AnalyzeOptions{Settings: pipeline.AnalysisSettings{Seed: 3}, Preset: it.preset})
			}
			cpu += cpuSelf() - c0
		}
		report(b, cpu)
	})
	b.Run("analyze", func(b *testing.B) {
		cpu := 0.0
		for i := 0; i < b.N; i++ {
			for p, files := range byPreset {
				out := filepath.Join(dir, fmt.Sprintf("seq-%d-%s.arrow", i, filepath.Base(p)))
				args := append(append([]string{"analyze", "-quiet", "-o", out}, settings...), files...)
				if p != "" {
					args = append(args, "-preset", p)
				}
				cpu += runCPU(b, 1, oblique, reorder(args)...)
			}
		}
		report(b, cpu)
	})
	b.Run("beam", func(b *testing.B) {
		exe, err := os.Executable()
		must(b, err)
		cpu := 0.0
		for i := 0; i < b.N; i++ {
			out := filepath.Join(dir, fmt.Sprintf("beam-%d.arrow", i))
			cpu += runCPU(b, 1, exe, append([]string{"batch", "-quiet", "-ui-port", "-1", "-o", out, "-list", list}, settings...)...)
		}
		report(b, cpu)
	})
}

// cpuSelf returns this process's CPU time so far, in seconds.
func cpuSelf() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// runCPU runs a program (as oblique-beam when it is this test binary),
// fails the benchmark on an exit status above max, and returns the CPU
// time of the process and the children it waited for.
func runCPU(b *testing.B, max int, name string, args ...string) float64 {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "OBLIQUE_BEAM_MAIN=1")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > max || err != nil && !ok {
		b.Fatalf("%s %s: %v\n%s", filepath.Base(name), args[0], err, out)
	}
	st := cmd.ProcessState
	return (st.UserTime() + st.SystemTime()).Seconds()
}

// BenchmarkItemOverhead runs batch over items that fail at once (files
// that do not exist: no reading, no analysis), 1 and 201 of them: the
// difference over 200 is Beam's cost per item (an element through the
// Reshuffle, the analysis step, the gathering and the combined table), the
// time of 1 the job's fixed cost (job submission, Prism's stages).
//
//	cd beam && go test ./cmd/oblique-beam -run '^$' -bench ItemOverhead -benchtime 3x
func BenchmarkItemOverhead(b *testing.B) {
	dir := b.TempDir()
	exe, err := os.Executable()
	must(b, err)
	for _, n := range []int{1, 201} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			var lines []string
			for i := 0; i < n; i++ {
				lines = append(lines, filepath.Join(dir, fmt.Sprintf("missing-%d.toml", i)))
			}
			list := filepath.Join(dir, fmt.Sprintf("list-%d.txt", n))
			must(b, os.WriteFile(list, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
			b.ResetTimer()
			t0 := time.Now()
			cpu := 0.0
			for i := 0; i < b.N; i++ {
				out := filepath.Join(dir, fmt.Sprintf("out-%d-%d.arrow", n, i))
				cpu += runCPU(b, 1, exe, "batch", "-quiet", "-ui-port", "-1", "-o", out, "-list", list)
			}
			b.ReportMetric(time.Since(t0).Seconds()/float64(b.N), "s/job")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/job")
		})
	}
}
