package cli

import (
	"errors"
	"flag"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/progress"
	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/reports"
)

const analyzeAbout = `Reads each recording manifest (or every file a glob matches), fits the
cross-validated ridge decoder of behaviour from activity, and measures the
regime: ρ, the variance and fitting dimensions and their ratio, and how ρ
scales when neurons and samples are subsampled (METHODS.md §3-4). Prints a
table and writes all results, with the curves, to one Arrow IPC file.

With -preset NAME the arguments are data files (NWB or MATLAB) that the
preset reads with the paper's processing of that kind of data; 'oblique
presets' lists the presets.

A recording that fails is reported and the others still run; the exit
status is then 1.`

func runAnalyze(env *Env, args []string) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	var (
		out      string
		seed     uint64
		alphas   string
		quiet    bool
		preset   string
		settings regimes.Settings
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
	fs.StringVar(&preset, "preset", "", "read the arguments as data files with preset `NAME` (see 'oblique presets')")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stderr, fs, "analyze [flags] MANIFEST…\n       oblique analyze [flags] -preset NAME FILE…", analyzeAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: no recording given", errUsage)
	}
	load := manifest.Load
	if preset != "" {
		p, err := presets.Get(preset)
		if err != nil {
			return fmt.Errorf("%w: -preset: %v", errUsage, err)
		}
		load = func(path string) (*ingest.Recording, preprocess.Settings, error) {
			return p.Load(path, presetOpener)
		}
	}
	files, err := expand(pos)
	if err != nil {
		return err
	}
	settings.Seed = seed
	settings.CV.Alphas, err = parseAlphas(alphas)
	if err != nil {
		return fmt.Errorf("%w: -alphas: %v", errUsage, err)
	}
	if err := settings.Resolved().Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := checkOutput(out); err != nil {
		return err
	}

	// The designs (float64 arrays without pointers, which the collector
	// marks at almost no cost) dominate the heap: the default GOGC of 100
	// would let garbage grow to their size again before collecting it.
	defer debug.SetGCPercent(debug.SetGCPercent(analyzeGCPercent))
	rows := make([]reports.Analysis, 0, len(files))
	failed := 0
	for _, f := range files {
		var bar *progress.Bar
		if !quiet {
			bar = progress.New(env.Stderr, f)
		}
		a := analyzeWith(f, load, settings, bar)
		bar.Done()
		if a.Err != nil {
			failed++
		}
		rows = append(rows, a)
	}
	reports.PrintAnalyze(env.Stdout, rows)
	t := reports.AnalyzeTable(rows, settings, preset)
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

// AnalyzeFile runs the whole analysis on one manifest. Errors are returned
// inside the Analysis, named after the file.
func AnalyzeFile(path string, s regimes.Settings, bar *progress.Bar) reports.Analysis {
	return analyzeWith(path, manifest.Load, s, bar)
}

// AnalyzePreset runs the whole analysis on one data file read with a
// preset.
func AnalyzePreset(p *presets.Preset, path string, s regimes.Settings, bar *progress.Bar) reports.Analysis {
	return analyzeWith(path, func(path string) (*ingest.Recording, preprocess.Settings, error) {
		return p.Load(path, presetOpener)
	}, s, bar)
}

// analyzeWith runs the analysis on the recording that load reads from path.
func analyzeWith(path string, load func(string) (*ingest.Recording, preprocess.Settings, error),
	s regimes.Settings, bar *progress.Bar) reports.Analysis {
	a := reports.Analysis{Input: path, Name: path}
	rec, ps, err := load(path)
	if err != nil {
		a.Err = err
		return a
	}
	a.Name, a.Sources = rec.Name, rec.Sources
	// Take builds the design in the recording's storage: a large recording
	// is not held twice.
	d, err := preprocess.Take(rec, ps)
	if err != nil {
		// Build names the recording; the path tells apart manifests that
		// share a name.
		a.Err = fmt.Errorf("%s: %w", path, err)
		return a
	}
	a.Design = d
	res, err := regimes.Analyze(d.X, d.Z, d.Decoder, s, bar.Update)
	if err != nil {
		a.Err = fmt.Errorf("%s (%s): %w", path, rec.Name, err)
		return a
	}
	a.Result = res
	return a
}

// analyzeGCPercent is the collector's GOGC during analyze: garbage up to a
// tenth of the live heap.
const analyzeGCPercent = 10

// maxAlphas bounds the penalty grid (scikit-learn's default has 3 values,
// the paper's 20); every value is a fit per fold.
const maxAlphas = 10_000

// parseAlphas reads "logspace(lo,hi,num)" or "a,b,c".
func parseAlphas(s string) ([]float64, error) {
	s = strings.ReplaceAll(s, " ", "")
	if inner, ok := strings.CutPrefix(s, "logspace("); ok {
		inner, ok = strings.CutSuffix(inner, ")")
		parts := strings.Split(inner, ",")
		if !ok || len(parts) != 3 {
			return nil, fmt.Errorf("want logspace(LO,HI,NUM), got %q", s)
		}
		lo, err1 := strconv.ParseFloat(parts[0], 64)
		hi, err2 := strconv.ParseFloat(parts[1], 64)
		num, err3 := strconv.Atoi(parts[2])
		if err := errors.Join(err1, err2, err3); err != nil || num < 1 || num > maxAlphas {
			return nil, fmt.Errorf("want logspace(LO,HI,NUM) with 1 ≤ NUM ≤ %d, got %q", maxAlphas, s)
		}
		return decode.Logspace(lo, hi, num), nil
	}
	var out []float64
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		out = append(out, v)
	}
	return out, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
