package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime/debug"

	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

const analyzeAbout = `Reads each recording manifest (or every file a glob matches), fits the
cross-validated ridge decoder of behaviour from activity, and measures the
regime: ρ, the variance and fitting dimensions and their ratio, and how ρ
scales when neurons and samples are subsampled (METHODS.md §3-4). Prints a
table and writes all results, with the curves, to one Arrow IPC file.

With -preset NAME the arguments are data files (NWB or MATLAB) that the
preset reads with the paper's processing of that kind of data; 'oblique
presets' lists the presets. -preset FILE.toml (a value ending in .toml or
holding a path separator) reads them with a preset file of the same schema
('oblique presets init FILE.nwb' writes a starting one), and -set KEY=VALUE
overrides one key of the preset (VALUE in TOML syntax: -set fit.lag_ms=50,
-set mat.root='["D.blocks(2)"]'). The preset used, its source and its text
after the overrides are kept in the output's metadata. A file in which the
preset finds several recordings (bci-hennig's blocks) gives one row each.

A recording that fails is reported and the others still run; the exit
status is then 1. A recording whose activity, behaviour or measures come
out NaN or infinite (an overflow) fails with the cause. When every
recording fails and the output file exists, it is left as it was (a table
of failures is written only where there was no file).`

func runAnalyze(env *Env, args []string) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	var (
		out      string
		seed     uint64
		alphas   string
		quiet    bool
		pf       presetFlags
		settings pipeline.AnalysisSettings
	)
	fs.StringVar(&out, "o", "oblique-analyze.arrow", "write the results table to `FILE` (Arrow IPC)")
	fs.StringVar(&out, "out", "oblique-analyze.arrow", "same as -o")
	fs.Uint64Var(&seed, "seed", 0, "seed for every random draw (recorded in the output)")
	fs.StringVar(&alphas, "alphas", "logspace(-3,6,20)", "ridge penalty grid: logspace(LO,HI,NUM) or a comma-separated list")
	fs.IntVar(&settings.CV.Folds, "folds", 0, "K-fold cross-validation with K folds; 0 means efficient leave-one-out")
	fs.Float64Var(&settings.VarThreshold, "var-threshold", 0.9, "variance share that defines D_var")
	fs.Float64Var(&settings.FitThreshold, "fit-threshold", 0.9, "share of the full R² that defines D_fit")
	fs.IntVar(&settings.NeuronDraws, "draws", 20, "random neuron subsets per subset size")
	fs.IntVar(&settings.TimeDraws, "time-draws", 20, "random subsets of the samples")
	fs.Float64Var(&settings.TimeFraction, "time-fraction", 0.5, "share of the samples in each sample subset")
	fs.IntVar(&settings.Bootstrap, "bootstrap", 1000, "bootstrap resamples for the scaling slope's interval")
	fs.BoolVar(&settings.NoScaling, "no-scaling", false, "skip the neuron and sample subsampling")
	fs.BoolVar(&quiet, "quiet", false, "no progress line on stderr")
	pf.register(fs)
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "analyze [flags] MANIFEST…\n       oblique analyze [flags] -preset NAME|FILE.toml [-set KEY=VALUE]… FILE…", analyzeAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: no recording given", errUsage)
	}
	files, err := expandOnce(env, "analyze", pos)
	if err != nil {
		return err
	}
	settings.Seed = seed
	settings.CV.Alphas, err = pipeline.ParseAlphas(alphas)
	if err != nil {
		return fmt.Errorf("%w: -alphas: %w", errUsage, err)
	}
	if err := settings.Resolved().Validate(); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	p, record, inputs, err := pf.open(files)
	if err != nil {
		return err
	}
	if err := checkOutput(out, inputs...); err != nil {
		return err
	}

	// The designs (float64 arrays without pointers, which the collector
	// marks at almost no cost) dominate the heap: the default GOGC of 100
	// would let garbage grow to their size again before collecting it.
	defer debug.SetGCPercent(debug.SetGCPercent(analyzeGCPercent))
	defer onInterrupt(env, "analyze", out)()
	prog, done := progressBars(env, quiet)
	rows, err := pipeline.Analyze(context.Background(), files, pipeline.AnalyzeOptions{Settings: settings, LoadedPreset: p, Progress: prog})
	done()
	if err != nil {
		return err
	}
	failed := 0
	for _, a := range rows {
		if a.Err != nil {
			failed++
		}
	}
	reports.PrintAnalyze(env.Stdout, rows)
	if failed == len(rows) && fileExists(out) {
		// An earlier results file is worth more than a table of failures.
		fmt.Fprintf(env.Stderr, "oblique analyze: every recording failed; %s left as it was (no table of failures written over it)\n", out)
		return exitError{1}
	}
	t := reports.AnalyzeTable(rows, settings, record)
	defer t.Release()
	if err := t.WriteFile(out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, seed %d)\n", out, plural(len(rows), "recording"), seed)
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "oblique analyze: %d of %d recordings failed\n", failed, len(rows))
		return exitError{1}
	}
	return nil
}

// analyzeGCPercent is the collector's GOGC during analyze: garbage up to a
// tenth of the live heap.
const analyzeGCPercent = 10

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
