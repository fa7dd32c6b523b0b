// Package cli implements the oblique command line: one function per
// subcommand, reachable from tests. cmd/oblique only calls Main.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/pipeline"
)

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(env *Env, args []string) error
}

var commands = []command{
	{"analyze", "MANIFEST…", "decode behaviour from activity and measure the regime (ρ, dimensions, scaling)", runAnalyze},
	{"presets", "[NAME]", "list the presets for real data sets (analyze -preset), or print one", runPresets},
	{"inspect", "FILE…", "list what an NWB or MATLAB file holds", runInspect},
	{"train", "", "train a rate network on one of the paper's tasks (BPTT, Adam; resumable)", runTrain},
	{"sweep", "[SWEEP.toml]", "train a set of runs (default: the bundled networks' sweep), resumable", runSweep},
	{"simulate", "RUN", "run a trained network on fresh trials and write them as a recording", runSimulate},
	{"models", "", "measure the trained networks (bundled or -runs DIR): ρ, dimensions, perturbations, noise, dissimilarity", runModels},
	{"compare", "RECORDING…", "place recordings between the aligned and oblique networks on the same axes, with a regime score", runCompare},
	{"report", "RESULTS…", "write an HTML report with the paper's figures from Arrow results (analyze, models, compare)", runReport},
	{"version", "", "print the version and the kernel paths this CPU can run", func(env *Env, _ []string) error {
		fmt.Fprintln(env.Stdout, "oblique", pipeline.Version())
		fmt.Fprintf(env.Stdout, "kernel paths on this CPU: %s (choose one with OBLIQUE_KERNEL)\n", strings.Join(pipeline.KernelPaths(), ", "))
		return nil
	}},
}

// Env is where a command reads and writes.
type Env struct {
	Stdout, Stderr io.Writer
}

// errUsage marks errors in how the command was called (exit status 2).
var errUsage = errors.New("usage")

// exitError carries a status for errors that are not usage errors but should
// not print more than they already did.
type exitError struct{ status int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

// Main runs the command line and returns the exit status: 0 on success, 1
// when the work failed, 2 when the command was called wrongly.
func Main(args []string, stdout, stderr io.Writer) int {
	env := &Env{Stdout: stdout, Stderr: stderr}
	if len(args) == 0 {
		// Called wrongly: the usage goes with the errors.
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			// oblique help COMMAND is oblique COMMAND -h.
			return Main([]string{args[1], "-h"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		// A kernel path that OBLIQUE_KERNEL asks for but this CPU cannot
		// run is not silently replaced by another.
		if err := pipeline.KernelEnvError(); err != nil {
			fmt.Fprintf(stderr, "oblique: %v\n", err)
			return 2
		}
		err := c.run(env, args[1:])
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.status
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "oblique %s: %v\n", c.name, err)
			fmt.Fprintf(stderr, "run 'oblique %s -h' for help\n", c.name)
			return 2
		default:
			fmt.Fprintf(stderr, "oblique %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "oblique: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "oblique tells whether a neural population's dynamics are aligned with its behavioural output or oblique to it.")
	fmt.Fprintln(w, "\nUsage: oblique COMMAND [flags] [arguments]\n\nCommands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.name, c.args, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nRun 'oblique COMMAND -h' for a command's flags.")
}

// parse parses flags that may come before, between or after the positional
// arguments (`oblique analyze a.toml -o out.arrow`), and returns the
// positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// helpFor prints a command's usage and flags (to stdout: asked-for help is
// output, so that 'oblique analyze -h | less' shows it).
func helpFor(w io.Writer, fs *flag.FlagSet, synopsis, about string) {
	fmt.Fprintf(w, "Usage: oblique %s\n\n%s\n", synopsis, about)
	flags := 0
	fs.VisitAll(func(*flag.Flag) { flags++ })
	if flags == 0 {
		return
	}
	fmt.Fprint(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// expand turns arguments into files: an argument with glob characters is
// expanded (for shells that did not), and must match something.
func expand(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			out = append(out, a)
			continue
		}
		m, err := globMatches(a)
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	return out, nil
}

// expandOnce is expand for commands that give a row per input (analyze,
// compare): an input named twice (the same file, by any path) is read once,
// and stderr says so.
func expandOnce(env *Env, cmd string, args []string) ([]string, error) {
	files, err := expand(args)
	if err != nil {
		return nil, err
	}
	var (
		out  []string
		seen []os.FileInfo
	)
	for _, f := range files {
		fi, err := os.Stat(f)
		dup := -1
		if err == nil {
			dup = slices.IndexFunc(seen, func(s os.FileInfo) bool { return s != nil && os.SameFile(s, fi) })
		}
		if dup >= 0 {
			fmt.Fprintf(env.Stderr, "oblique %s: %s is the same file as %s, given before: read once\n", cmd, f, out[dup])
			continue
		}
		out, seen = append(out, f), append(seen, fi) // a missing file is kept, to fail with its own error
	}
	return out, nil
}

func globMatches(pattern string) ([]string, error) {
	m, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("%w: bad pattern %q: %w", errUsage, pattern, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%w: %q matches no file", errUsage, pattern)
	}
	sort.Strings(m)
	return m, nil
}
