package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/oblique-neuro/oblique/internal/progress"
	"github.com/oblique-neuro/oblique/pipeline"
)

const trainAbout = `Trains a rate network on one of the paper's tasks (METHODS.md §5): N tanh
units, Euler–Maruyama dynamics (dt = 0.2) with state noise, readout of the
state, masked MSE, backpropagation through time, Adam with learning rate
lr0/N, a fresh batch of trials every step. Settings left at 0 (or unset)
take the paper's values for the task and regime.

The run lives in a directory (-o): run.json, loss.arrow, checkpoint.gob and,
once done, weights_W.npy, weights_W_in.npy, weights_W_out.npy. A checkpoint
is written every -checkpoint-every steps and when the run is interrupted
(Ctrl-C, SIGTERM); running the same command again (or just
'oblique train -o DIR') resumes it and gives the same weights as an
uninterrupted run; a larger -steps extends a finished run.

Tasks: cycling, flipflop, mante, romo, complex-sine.`

// trainFlags are the flags of oblique train.
type trainFlags struct {
	task, regime, outScale, noise, initNoise, train, precision, out string
	n, steps, batch, evalTrials, evalEvery, checkpointEvery         int
	g, lr0                                                          float64
	seed                                                            uint64
	quiet                                                           bool
}

func runTrain(env *Env, args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var f trainFlags
	fs.StringVar(&f.task, "task", "", "the `TASK`: "+strings.Join(pipeline.Tasks(), ", "))
	fs.StringVar(&f.regime, "regime", "aligned", "aligned (small output weights) or oblique (large)")
	fs.StringVar(&f.outScale, "out-scale", "", "small or large: the output scale itself (instead of -regime)")
	fs.IntVar(&f.n, "n", 512, "number of units `N`")
	fs.Float64Var(&f.g, "g", 1.5, "gain of the initial recurrent weights")
	fs.IntVar(&f.steps, "steps", 0, "training steps (0: the paper's for the task)")
	fs.Float64Var(&f.lr0, "lr0", 0, "learning rate × N (0: the paper's for task, regime and g)")
	fs.IntVar(&f.batch, "batch", 32, "trials per step")
	fs.StringVar(&f.noise, "noise", "paper", "state noise σ during training (paper: 0.2, Mante 0.05)")
	fs.StringVar(&f.initNoise, "init-noise", "paper", "standard deviation of the initial state (paper: 1)")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the weights, batches and noise")
	fs.StringVar(&f.train, "train", "in,rec,out", "weight matrices that learn: a list of in, rec, out")
	fs.StringVar(&f.precision, "precision", "float32", "engine: float32 (fast) or float64 (reference)")
	fs.StringVar(&f.out, "o", "", "run `DIR` (default runs/TASK-REGIME-nN-gG-sSEED)")
	fs.IntVar(&f.evalTrials, "eval-trials", 64, "trials in the fixed evaluation batch (no state noise, random x₀)")
	fs.IntVar(&f.evalEvery, "eval-every", 100, "evaluate every this many steps")
	fs.IntVar(&f.checkpointEvery, "checkpoint-every", 100, "checkpoint every this many steps")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress line")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "train -task TASK [flags]", trainAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q (flags only)", errUsage, pos[0])
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	s, err := f.settings(set)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	dir := f.out
	if dir == "" {
		if s.Task == "" {
			return fmt.Errorf("%w: -task is required (%s)", errUsage, strings.Join(pipeline.Tasks(), ", "))
		}
		dir = pipeline.RunDir(s)
	}
	run, err := pipeline.OpenRun(dir, s, set)
	if errors.Is(err, pipeline.ErrNoTask) {
		return fmt.Errorf("%w: -task is required (%s)", errUsage, strings.Join(pipeline.Tasks(), ", "))
	}
	if err != nil {
		if errors.Is(err, pipeline.ErrSettings) {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		return err
	}
	if run.Recovered != "" {
		fmt.Fprintf(env.Stderr, "oblique train: %s\n", run.Recovered)
	}
	return trainRun(env, run, dir, f.quiet)
}

// trainRun trains a created or resumed run to its step count with a
// progress line (unless quiet), writing checkpoints, and prints the outcome.
func trainRun(env *Env, run *pipeline.Run, dir string, quiet bool) error {
	r := run.Trainer.Settings
	if run.Trainer.Step >= r.Steps {
		fmt.Fprintf(env.Stdout, "%s: already done (%d steps)\n", dir, run.Trainer.Step)
	} else {
		if run.Trainer.Step > 0 {
			fmt.Fprintf(env.Stdout, "%s: resuming at step %d of %d\n", dir, run.Trainer.Step, r.Steps)
		}
		fmt.Fprintf(env.Stdout, "%s, %s (%s output weights), N = %d, g = %g, lr0 = %g, batch %d, σ = %g, train %v, seed %d, %s\n",
			r.Task, r.OutScale.Regime(), r.OutScale, r.N, r.G, r.LR0, r.Batch, *r.Noise, r.Train, r.Seed, r.Precision)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var bar *progress.Bar
	if !quiet && run.Trainer.Step < r.Steps {
		bar = progress.New(env.Stderr, dir)
	}
	err := pipeline.Train(ctx, run, func(step, steps int, loss, eval float64, perStep time.Duration) {
		if bar == nil {
			return
		}
		eta := (perStep * time.Duration(steps-step)).Round(time.Second)
		ev := "–"
		if !math.IsNaN(eval) {
			ev = fmt.Sprintf("%.4g", eval)
		}
		bar.Update(fmt.Sprintf("loss %.4g, eval %s, %.1f ms/step, ETA %s", loss, ev, perStep.Seconds()*1000, eta), step, steps)
	})
	bar.Done()
	switch {
	case errors.Is(err, pipeline.ErrInterrupted):
		fmt.Fprintf(env.Stderr, "oblique train: interrupted at step %d of %d; checkpoint written. Run the same command to resume.\n", run.Trainer.Step, r.Steps)
		return exitError{1}
	case err != nil:
		return err
	}
	return summarise(env, run)
}

// settings converts the flags into Settings; set holds the flags given.
func (f *trainFlags) settings(set map[string]bool) (pipeline.TrainSettings, error) {
	s := pipeline.TrainSettings{
		Task: f.task, N: f.n, G: f.g, Steps: f.steps, LR0: f.lr0, Batch: f.batch, Seed: f.seed, Precision: f.precision,
		EvalTrials: f.evalTrials, EvalEvery: f.evalEvery, CheckpointEvery: f.checkpointEvery,
	}
	if f.task != "" {
		if err := pipeline.CheckTask(f.task); err != nil {
			return s, err
		}
	}
	scale := f.regime
	if set["out-scale"] {
		if set["regime"] {
			return s, errors.New("give -regime or -out-scale, not both")
		}
		scale = f.outScale
	}
	o, err := pipeline.ParseOutScale(scale)
	if err != nil {
		return s, err
	}
	if set["regime"] && (scale == "small" || scale == "large") {
		return s, fmt.Errorf("-regime %s: want aligned or oblique (or use -out-scale %s)", scale, scale)
	}
	s.OutScale = o
	if s.Train, err = pipeline.ParseTrainable(f.train); err != nil {
		return s, err
	}
	if s.Noise, err = optionalFloat("noise", f.noise); err != nil {
		return s, err
	}
	if s.InitNoise, err = optionalFloat("init-noise", f.initNoise); err != nil {
		return s, err
	}
	if set["n"] && f.n < 2 {
		return s, fmt.Errorf("-n %d: a network needs at least 2 units", f.n)
	}
	if f.batch < 1 || f.evalTrials < 1 || f.evalEvery < 1 || f.checkpointEvery < 1 || f.steps < 0 {
		return s, errors.New("-batch, -eval-trials, -eval-every and -checkpoint-every must be ≥ 1, -steps ≥ 0")
	}
	return s, nil
}

// optionalFloat reads a float flag whose default is "paper" (nil).
func optionalFloat(name, v string) (*float64, error) {
	if v == "paper" {
		return nil, nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, fmt.Errorf("-%s %q: want a number or \"paper\"", name, v)
	}
	if x < 0 {
		return nil, fmt.Errorf("-%s %g: must not be negative", name, x)
	}
	return &x, nil
}

// summarise prints the outcome of a finished run.
func summarise(env *Env, run *pipeline.Run) error {
	sum := pipeline.Summary(run)
	fmt.Fprintf(env.Stdout, "%d steps in %s (%.1f ms/step); training loss %.4g (mean of the last %s)\n",
		sum.Steps, sum.Elapsed.Round(time.Second), sum.Elapsed.Seconds()*1000/math.Max(1, float64(sum.Steps)), sum.TrainLoss,
		plural(min(sum.Steps, 100), "step"))
	ratio := 0.0
	if sum.ZeroLoss > 0 {
		ratio = sum.EvalLoss / sum.ZeroLoss
	}
	fmt.Fprintf(env.Stdout, "evaluation loss %.4g = %.1f %% of the zero-output loss %.4g (%d fresh trials, no state noise, x₀ ~ N(0, %g²))\n",
		sum.EvalLoss, 100*ratio, sum.ZeroLoss, sum.EvalTrials, sum.InitNoise)
	if sum.ZeroLoss > 0 {
		fmt.Fprintf(env.Stdout, "  from x₀ = 0 exactly: %.1f %%\n", 100*sum.ZeroStartLoss/sum.ZeroLoss)
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s)\n", run.Dir, strings.Join(pipeline.RunFiles(), ", "))
	return nil
}
