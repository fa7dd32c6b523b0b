// Command oblique-beam runs oblique's analyses on Apache Beam: many
// recordings (batch), many networks (sweep), many recordings against
// networks (compare), in-process on Prism by default or on any runner the
// Beam flags name. See the README, "Beyond one machine".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/oblique-neuro/oblique/beam/jobs"
	"github.com/oblique-neuro/oblique/pipeline"
)

const usage = `usage: oblique-beam COMMAND [flags] [BEAM FLAGS] [ARGS]

Commands:
  batch    analyse many recordings, as 'oblique analyze', into one table
  sweep    train a grid of networks and measure them, as 'oblique sweep' + 'oblique models -runs'
  compare  place many recordings among trained networks, as 'oblique compare'

Runs in this process on Prism (Beam's local runner, web UI on
http://localhost:8074 when that port is free) unless the Beam flags say
otherwise, e.g. a stand-alone Prism or Flink job server:
  --runner=universal --endpoint=localhost:8073 --environment_type=LOOPBACK
'oblique-beam COMMAND -h' lists a command's flags, 'oblique-beam COMMAND -help-beam -h' Beam's too.
`

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		// A runner starting this program as a worker (--worker ...),
		// or a request for help.
		flag.Usage = func() { fmt.Fprint(os.Stderr, usage) }
		flag.Parse()
		beam.Init()
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd := os.Args[1]
	var run func(ctx context.Context, args []string) error
	switch cmd {
	case "batch":
		run = batch
	case "sweep":
		run = sweep
	case "compare":
		run = compare
	case "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "oblique-beam: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	// Every flag defined so far is Beam's (package initialisation).
	flag.VisitAll(func(f *flag.Flag) { beamFlags[f.Name] = true })
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[2:])
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, jobs.ErrFailed):
		fmt.Fprintf(os.Stderr, "oblique-beam %s: %v\n", cmd, err)
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "oblique-beam %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

// beamFlags names Beam's own flags.
var beamFlags = map[string]bool{}

// parse parses a command's flags, defined on the command line's flag set
// beside Beam's, and initialises Beam; it returns the other arguments.
func parse(args []string, about string) ([]string, error) {
	flag.CommandLine.Init(os.Args[0]+" "+os.Args[1], flag.ContinueOnError)
	verbose := flag.Bool("v", false, "print the runner's and Beam's informational logs")
	helpBeam := flag.Bool("help-beam", false, "list Beam's own flags too")
	flag.CommandLine.Usage = func() {
		w := flag.CommandLine.Output()
		fmt.Fprint(w, about)
		// The command's flags, then (with -help-beam) Beam's.
		own := flag.NewFlagSet("", flag.ContinueOnError)
		own.SetOutput(w)
		flag.VisitAll(func(f *flag.Flag) {
			if !beamFlags[f.Name] || *helpBeam {
				own.Var(f.Value, f.Name, f.Usage)
			}
		})
		own.PrintDefaults()
		if !*helpBeam {
			fmt.Fprintf(w, "\nand %d flags of Beam's (--runner, --endpoint, --environment_type, --job_name, …): -help-beam -h lists them\n", len(beamFlags))
		}
	}
	// Flags may follow the files, as with oblique's commands.
	var pos []string
	for {
		if err := flag.CommandLine.Parse(args); err != nil {
			return nil, err
		}
		if args = flag.Args(); len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	if !*verbose {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	}
	beam.Init()
	return pos, nil
}

// analysisFlags defines the analysis settings' flags of 'oblique analyze'
// and returns the function that reads them.
func analysisFlags() func() (pipeline.AnalysisSettings, error) {
	var s pipeline.AnalysisSettings
	seed := flag.Uint64("seed", 0, "seed for every random draw (recorded in the output)")
	alphas := flag.String("alphas", "logspace(-3,6,20)", "ridge penalty grid: logspace(LO,HI,NUM) or a comma-separated list")
	flag.IntVar(&s.CV.Folds, "folds", 0, "K-fold cross-validation with K folds; 0 means efficient leave-one-out")
	flag.Float64Var(&s.VarThreshold, "var-threshold", 0.9, "variance share that defines D_var")
	flag.Float64Var(&s.FitThreshold, "fit-threshold", 0.9, "share of the full R² that defines D_fit")
	flag.IntVar(&s.NeuronDraws, "draws", 20, "random neuron subsets per subset size")
	flag.IntVar(&s.TimeDraws, "time-draws", 20, "random subsets of the samples")
	flag.Float64Var(&s.TimeFraction, "time-fraction", 0.5, "share of the samples in each sample subset")
	flag.IntVar(&s.Bootstrap, "bootstrap", 1000, "bootstrap resamples for the scaling slope's interval")
	flag.BoolVar(&s.NoScaling, "no-scaling", false, "skip the neuron and sample subsampling")
	return func() (pipeline.AnalysisSettings, error) {
		s.Seed = *seed
		var err error
		if s.CV.Alphas, err = pipeline.ParseAlphas(*alphas); err != nil {
			return s, fmt.Errorf("-alphas: %w", err)
		}
		return s, s.Resolved().Validate()
	}
}

// watch prints the runner and the progress on w.
func watch(w io.Writer, quiet bool) jobs.Watch {
	return jobs.Watch{
		Started: func(r jobs.Runner) {
			ui := r.UI
			if ui == "" {
				ui = "the job server's (a stand-alone Prism serves it on the port after its job port, 8074 by default; Flink on 8081)"
			}
			fmt.Fprintf(w, "runner: %s; UI: %s\n", r, ui)
		},
		Progress: func(c jobs.Counts) {
			if !quiet {
				fmt.Fprintf(w, "%s  %s\n", time.Now().Format("15:04:05"), c)
			}
		},
	}
}

// report prints a job's summary.
func report(cmd string, sum jobs.Summary, err error) error {
	if len(sum.Stages) == 0 {
		return err
	}
	for _, c := range sum.Stages {
		fmt.Printf("%s\n", c)
	}
	if sum.Kept {
		fmt.Fprintf(os.Stderr, "oblique-beam %s: every item failed; %s left as it was\n", cmd, strings.Join(sum.Outputs, ", "))
	} else if err == nil || errors.Is(err, jobs.ErrFailed) {
		for _, o := range sum.Outputs {
			fmt.Printf("wrote %s\n", o)
		}
	}
	fmt.Printf("%s on %s in %.1f s\n", cmd, sum.Runner, sum.Elapsed.Seconds())
	return err
}

const batchAbout = `usage: oblique-beam batch [flags] [BEAM FLAGS] FILE|GLOB…

Analyses every recording as 'oblique analyze' does (the same flags), as a
Beam job, into one Arrow table with analyze's columns plus item, preset,
input_sha256, elapsed_s, worker and reused. Inputs are manifests, or data
files with -preset; -list FILE adds the lines of FILE ("PATH [PRESET]").
A failed item has its error in the error column and the others go on
(exit status 1). Results are kept in -store; a job run again reuses those of
unchanged inputs and settings.

`

// recordingFlags are the flags of batch and compare about their inputs,
// outputs and display.
type recordingFlags struct {
	out, store, preset, list *string
	quiet                    *bool
	ui                       *int
}

func defineRecordingFlags(out, verb string) recordingFlags {
	return recordingFlags{
		out:    flag.String("o", out, "write the combined table to `FILE` (Arrow IPC)"),
		store:  flag.String("store", "", "keep the items' results in `DIR` (default: FILE.items)"),
		preset: flag.String("preset", "", "read the inputs as data files with preset `NAME` or preset file"),
		list:   flag.String("list", "", "also "+verb+" the files listed in `FILE`, one a line: PATH [PRESET]"),
		quiet:  flag.Bool("quiet", false, "no progress lines"),
		ui:     flag.Int("ui-port", jobs.UIPort, "`PORT` of the in-process Prism's web UI (-1: none)"),
	}
}

// items returns the job's inputs and sets the UI's port.
func (f recordingFlags) items(pos []string) ([]jobs.Item, error) {
	jobs.UIPort = *f.ui
	return jobs.Inputs(pos, *f.preset, *f.list)
}

func batch(ctx context.Context, args []string) error {
	f := defineRecordingFlags("oblique-batch.arrow", "analyse")
	settings := analysisFlags()
	pos, err := parse(args, batchAbout)
	if err != nil {
		return err
	}
	s, err := settings()
	if err != nil {
		return err
	}
	items, err := f.items(pos)
	if err != nil {
		return err
	}
	sum, err := jobs.Batch(ctx, jobs.BatchOptions{Items: items, Settings: s, Out: *f.out, Store: *f.store, Watch: watch(os.Stderr, *f.quiet)})
	return report("batch", sum, err)
}

const sweepAbout = `usage: oblique-beam sweep [flags] [BEAM FLAGS] [SWEEP.toml]

Trains every run of a sweep file ('oblique sweep'; default: the bundled
networks' sweep) as a Beam job, each run on a worker, into -runs DIR;
finished runs are kept and unfinished ones resume from their checkpoints
(a preempted worker's run continues where it stopped). Then measures each
setting's runs as 'oblique models -runs DIR' does and writes its three
tables; with -simulate, also each run's simulated recording analysed. -n and -g sweep a grid of units and gains in place of the file's n
and g (runs then in DIR/nN-gG/).

`

func sweep(ctx context.Context, args []string) error {
	out := flag.String("o", "oblique-models.arrow", "write the runs table to `FILE` (and FILE-settings.arrow, FILE-trajectories.arrow)")
	runs := flag.String("runs", "", "`DIR` of the run directories (required)")
	store := flag.String("store", "", "keep the measured settings' results in `DIR` (default: FILE.items)")
	ns := flag.String("n", "", "comma-separated `LIST` of unit counts to sweep (default: the file's n)")
	gs := flag.String("g", "", "comma-separated `LIST` of gains to sweep (default: the file's g)")
	sim := flag.Bool("simulate", false, "also simulate each run (as 'oblique simulate RUN -seed S') and analyse it (as 'oblique analyze -seed S') into FILE-simulated.arrow")
	quiet := flag.Bool("quiet", false, "no progress lines")
	ui := flag.Int("ui-port", jobs.UIPort, "`PORT` of the in-process Prism's web UI (-1: none)")
	var m pipeline.MeasureSettings
	flag.Uint64Var(&m.Seed, "seed", 0, "seed of every random draw of the measures (recorded in the output)")
	flag.BoolVar(&m.NoPerturb, "no-perturb", false, "skip the perturbation analysis")
	flag.BoolVar(&m.NoNoise, "no-noise", false, "skip the noise-compression analysis")
	pos, err := parse(args, sweepAbout)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("want at most one sweep file, got %d", len(pos))
	}
	if *runs == "" {
		return fmt.Errorf("-runs DIR is required")
	}
	o := jobs.SweepOptions{Out: *runs, Measure: m, Tables: *out, Store: *store, Simulate: *sim, Watch: watch(os.Stderr, *quiet)}
	if len(pos) == 1 {
		o.File = pos[0]
	}
	for _, v := range splitList(*ns) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("-n: %q is not a whole number", v)
		}
		o.N = append(o.N, n)
	}
	for _, v := range splitList(*gs) {
		g, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("-g: %q is not a number", v)
		}
		o.G = append(o.G, g)
	}
	jobs.UIPort = *ui
	sum, err := jobs.Sweep(ctx, o)
	return report("sweep", sum, err)
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

const compareAbout = `usage: oblique-beam compare [flags] [BEAM FLAGS] FILE|GLOB…

Places every recording among the trained networks as 'oblique compare'
does (the same flags), as a Beam job, into one Arrow table with compare's
columns plus item, preset, input_sha256, elapsed_s, worker and reused.
Inputs as for batch.

`

func compare(ctx context.Context, args []string) error {
	f := defineRecordingFlags("oblique-compare.arrow", "compare")
	runs := flag.String("runs", "", "compare with the run directories under `DIR` instead of the bundled runs")
	task := flag.String("task", "", "compare with the networks of `TASK` only (default: every task)")
	subsets := flag.Int("subsets", 5, "random neuron subsets per network")
	boot := flag.Int("bootstrap", 1000, "bootstrap refits for the score's interval")
	var s pipeline.AnalysisSettings
	flag.Uint64Var(&s.Seed, "seed", 0, "seed of every random draw (recorded in the output)")
	flag.IntVar(&s.NeuronDraws, "draws", 20, "random neuron subsets per subset size (scaling slope; both sides)")
	flag.IntVar(&s.TimeDraws, "time-draws", 20, "random subsets of the samples (both sides)")
	pos, err := parse(args, compareAbout)
	if err != nil {
		return err
	}
	items, err := f.items(pos)
	if err != nil {
		return err
	}
	sum, err := jobs.Compare(ctx, jobs.CompareOptions{Items: items, Settings: s, Runs: *runs, Task: *task,
		Subsets: *subsets, Bootstrap: *boot, Out: *f.out, Store: *f.store, Watch: watch(os.Stderr, *f.quiet)})
	return report("compare", sum, err)
}
