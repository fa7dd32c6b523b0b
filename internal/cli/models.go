package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

const modelsAbout = `Measures every trained network — the bundled runs, or the run directories
under -runs DIR — as the paper's Figs. 3-6 do (METHODS.md §4-5): the
generalised correlation ρ between states and output weights (model form),
‖W_out‖ and ‖x‖, the variance and fitting dimensions (model rule), the
relative susceptibility to perturbations along the output weights versus the
top PCs, and the ratio of noise variance along the output weights to random
directions; then, per setting (task × regime), the means over seeds and the
shape dissimilarity between the networks of different seeds.

Prints both tables and writes three Arrow IPC files: FILE (one row per run,
with the curves), FILE-settings.arrow (one row per setting) and
FILE-trajectories.arrow (states projected on PC1, PC2 and the output
direction, paper Fig. 2B). Every random draw comes from -seed.`

func runModels(env *Env, args []string) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	var (
		out, runsDir string
		quiet        bool
		s            pipeline.MeasureSettings
	)
	fs.StringVar(&out, "o", "oblique-models.arrow", "write the runs table to `FILE` (and FILE-settings.arrow, FILE-trajectories.arrow)")
	fs.StringVar(&out, "out", "oblique-models.arrow", "same as -o")
	fs.StringVar(&runsDir, "runs", "", "analyse the run directories under `DIR` (or the run DIR) instead of the bundled runs")
	fs.Uint64Var(&s.Seed, "seed", 0, "seed of every random draw (recorded in the output)")
	fs.BoolVar(&s.NoPerturb, "no-perturb", false, "skip the perturbation analysis")
	fs.BoolVar(&s.NoNoise, "no-noise", false, "skip the noise-compression analysis")
	fs.BoolVar(&quiet, "quiet", false, "no progress line on stderr")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "models [flags]", modelsAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q (use -runs DIR for run directories)", errUsage, pos)
	}
	// Every file written must be writable before any is, and before the
	// work: they share a directory, made now.
	settingsOut, trajectoriesOut := sibling(out, "settings"), sibling(out, "trajectories")
	for _, p := range []string{out, settingsOut, trajectoriesOut} {
		if err := checkOutput(p); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	runs, err := loadRuns(env, runsDir)
	if err != nil {
		return err
	}
	prog, done := progressBars(env, quiet)
	rows, sums, err := pipeline.MeasureRuns(context.Background(), runs.Runs, s, prog)
	done()
	if err != nil {
		return err
	}
	reports.PrintModels(env.Stdout, rows, sums)
	failed := 0
	for _, r := range rows {
		if r.Err != nil {
			failed++
		}
	}
	if failed == len(rows) && fileExists(out) {
		// Earlier tables are worth more than tables of failures.
		fmt.Fprintf(env.Stderr, "oblique models: every run failed; %s and its -settings and -trajectories tables left as they were\n", out)
		return exitError{1}
	}
	paths := []string{out, settingsOut, trajectoriesOut}
	if err := reports.WriteModels(paths, rows, sums, runs.Source, s); err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintf(env.Stdout, "wrote %s\n", p)
	}
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "oblique models: %d of %d runs failed\n", failed, len(rows))
		return exitError{1}
	}
	return nil
}

// sibling returns path with -suffix inserted before its .arrow extension.
func sibling(path, suffix string) string {
	base, ok := strings.CutSuffix(path, ".arrow")
	if !ok {
		base = path
	}
	return base + "-" + suffix + ".arrow"
}

// loadRuns loads the runs (pipeline.LoadRuns) and tells on stderr which
// were left out.
func loadRuns(env *Env, dir string) (pipeline.Runs, error) {
	runs, err := pipeline.LoadRuns(dir)
	for _, sk := range runs.Skipped {
		fmt.Fprintf(env.Stderr, "oblique: %s\n", sk)
	}
	return runs, err
}
