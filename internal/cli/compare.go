package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

const compareAbout = `Places each recording (a manifest, or a data file with -preset, as 'oblique
analyze' takes them) beside the trained networks — the bundled runs, or the
run directories under -runs DIR —
on axes computed the same way on both sides (METHODS.md §4): the recording
goes through 'oblique analyze'; each network's noise-free states go through
the same pipeline, with its own output as behaviour, its units subsampled to
the recording's neuron count and its samples to the recording's sample count
(-subsets random draws per network). The axes are ρ·√n (experimental ρ with
the fitted ridge decoder), D_fit/D_var and the slope of log(ρ·√n) against
log n under neuron subsampling.

The regime score places the recording between the aligned and the oblique
networks of each task — 0 on the aligned centroid, 1 on the oblique one
(nearest-centroid on log(ρ·√n), log(D_fit/D_var) and slope, standardised
within the task; see the README) — and averages over the tasks; -task
compares with one task's networks only. Intervals are bootstrap intervals
over networks and their neuron subsets. Each network is also scored with
itself held out of the reference, a check of the score: against the other
networks of its task it should land on its own side of ½.

Writes one Arrow IPC table: per recording, a row for it and a row per
network.`

func runCompare(env *Env, args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	var (
		out, runsDir string
		seed         uint64
		quiet        bool
		task         string
		subsets      int
		boot         int
		s            pipeline.AnalysisSettings
		pf           presetFlags
	)
	fs.StringVar(&out, "o", "oblique-compare.arrow", "write the table to `FILE` (Arrow IPC)")
	fs.StringVar(&out, "out", "oblique-compare.arrow", "same as -o")
	fs.StringVar(&runsDir, "runs", "", "compare with the run directories under `DIR` instead of the bundled runs")
	fs.Uint64Var(&seed, "seed", 0, "seed of every random draw (recorded in the output)")
	fs.StringVar(&task, "task", "", "compare with the networks of `TASK` only (default: every task, score averaged)")
	fs.IntVar(&subsets, "subsets", 5, "random neuron subsets per network")
	fs.IntVar(&boot, "bootstrap", 1000, "bootstrap refits for the score's interval")
	fs.IntVar(&s.NeuronDraws, "draws", 20, "random neuron subsets per subset size (scaling slope; both sides)")
	fs.IntVar(&s.TimeDraws, "time-draws", 20, "random subsets of the samples (both sides)")
	fs.BoolVar(&quiet, "quiet", false, "no progress line on stderr")
	pf.register(fs)
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "compare [flags] MANIFEST…\n       oblique compare [flags] -preset NAME|FILE.toml [-set KEY=VALUE]… FILE…", compareAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: no recording given", errUsage)
	}
	if subsets < 1 || boot < 1 || subsets > pipeline.MaxSubsets || boot > pipeline.MaxBootstrap {
		return fmt.Errorf("%w: -subsets must be in [1, %d] and -bootstrap in [1, %d]", errUsage, pipeline.MaxSubsets, pipeline.MaxBootstrap)
	}
	files, err := expandOnce(env, "compare", pos)
	if err != nil {
		return err
	}
	s.Seed = seed
	opts := pipeline.CompareOptions{Analysis: s, Subsets: subsets, Bootstrap: boot}
	if err := opts.Validate(); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	p, record, inputs, err := pf.open(files)
	if err != nil {
		return err
	}
	if err := checkOutput(out, inputs...); err != nil {
		return err
	}
	runs, err := loadRuns(env, runsDir)
	if err != nil {
		return err
	}
	if task != "" {
		if runs, err = runs.OfTask(task); err != nil {
			return fmt.Errorf("%w: -task %w", errUsage, err)
		}
	}
	defer onInterrupt(env, "compare", out)()
	prog, done := progressBars(env, quiet)
	opts.Progress = prog
	var rows []pipeline.Comparison
	failed := 0
	for _, f := range files {
		// One file may hold several recordings (a preset's blocks).
		as, err := pipeline.Analyze(context.Background(), []string{f}, pipeline.AnalyzeOptions{Settings: s, LoadedPreset: p, Progress: prog})
		if err != nil {
			done()
			return err
		}
		for _, a := range as {
			c := pipeline.Compare(context.Background(), a, runs.Runs, opts)
			if c.Err != nil {
				failed++
			}
			rows = append(rows, c)
		}
	}
	done()
	// Names unique over the run, as analyze makes them.
	names, inputs := make([]string, len(rows)), make([]string, len(rows))
	for i, c := range rows {
		names[i], inputs[i] = c.Analysis.Name, c.Analysis.Input
	}
	for i, n := range pipeline.UniqueNames(names, inputs) {
		rows[i].Analysis.Name = n
	}
	reports.PrintCompare(env.Stdout, rows)
	if failed == len(rows) && fileExists(out) {
		// An earlier results file is worth more than a table of failures.
		fmt.Fprintf(env.Stderr, "oblique compare: every recording failed; %s left as it was (no table of failures written over it)\n", out)
		return exitError{1}
	}
	t := reports.CompareTable(rows, reports.CompareSettings{Analysis: s, Subsets: subsets, Bootstrap: boot, Seed: seed, Runs: runs.Source, Task: task, Preset: record})
	defer t.Release()
	if err := t.WriteFile(out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %d networks, seed %d)\n", out, plural(len(rows), "recording"), len(runs.Runs), seed)
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "oblique compare: %d of %d recordings failed\n", failed, len(rows))
		return exitError{1}
	}
	return nil
}
