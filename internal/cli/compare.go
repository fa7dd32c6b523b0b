package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/oblique-neuro/oblique/internal/progress"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
	"github.com/oblique-neuro/oblique/reports"
)

const compareAbout = `Places each recording (a manifest, as 'oblique analyze' takes) beside the
trained networks — the bundled runs, or the run directories under -runs DIR —
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
		s            regimes.Settings
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
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stderr, fs, "compare [flags] RECORDING…", compareAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: no recording given", errUsage)
	}
	if subsets < 1 || boot < 1 || subsets > regimes.MaxDraws || boot > regimes.MaxBootstrap {
		return fmt.Errorf("%w: -subsets must be in [1, %d] and -bootstrap in [1, %d]", errUsage, regimes.MaxDraws, regimes.MaxBootstrap)
	}
	files, err := expand(pos)
	if err != nil {
		return err
	}
	s.Seed = seed
	if err := s.Resolved().Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err := checkOutput(out); err != nil {
		return err
	}
	runs, source, err := loadRuns(env, runsDir)
	if err != nil {
		return err
	}
	if task != "" {
		runs, err = runsOfTask(runs, task, source)
		if err != nil {
			return err
		}
	}
	var rows []reports.Comparison
	failed := 0
	for _, f := range files {
		var bar *progress.Bar
		if !quiet {
			bar = progress.New(env.Stderr, f)
		}
		a := AnalyzeFile(f, s, bar)
		bar.Done()
		c := Compare(env, a, runs, s, subsets, boot, quiet)
		if c.Err != nil {
			failed++
		}
		rows = append(rows, c)
	}
	reports.PrintCompare(env.Stdout, rows)
	t := reports.CompareTable(rows, reports.CompareSettings{Analysis: s, Subsets: subsets, Bootstrap: boot, Seed: seed, Runs: source, Task: task})
	defer t.Release()
	if err := t.WriteFile(out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %d networks, seed %d)\n", out, plural(len(rows), "recording"), len(runs), seed)
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "oblique compare: %d of %d recordings failed\n", failed, len(rows))
		return exitError{1}
	}
	return nil
}

// Compare places an analysed recording among the networks: every network
// through the recording's pipeline (modelmeasures.Place), the score with
// its bootstrap interval, and each network's held-out score.
func Compare(env *Env, a reports.Analysis, runs []*models.Trained, s regimes.Settings, subsets, boot int, quiet bool) reports.Comparison {
	c := reports.Comparison{Analysis: a}
	if a.Err != nil || a.Result == nil {
		c.Err = a.Err
		if c.Err == nil {
			c.Err = errors.New("no analysis")
		}
		return c
	}
	c.Axes = modelmeasures.AxesOf(a.Result)
	n, t := a.Result.Neurons, a.Result.Samples
	var points []modelmeasures.Point
	bigger := 0
	for i, tr := range runs {
		st := tr.Info.Settings
		m := reports.ComparedModel{Run: reports.ModelRun{
			Name: runName(tr), Source: tr.Dir, Task: st.Task, Regime: tr.Info.Regime, Seed: st.Seed, N: st.N, G: st.G,
			Steps: tr.Info.StepsDone, TrainEvalRatio: tr.Info.EvalRatio,
		}}
		if n > st.N {
			bigger++
		}
		var bar *progress.Bar
		if !quiet {
			bar = progress.New(env.Stderr, fmt.Sprintf("%s vs %s (%d/%d)", a.Name, m.Run.Name, i+1, len(runs)))
		}
		axes, err := modelmeasures.Place(modelOf(tr), modelmeasures.PlaceSettings{
			Neurons: n, Samples: t, Subsets: subsets, Analysis: s,
			Eval: modelmeasures.Settings{Seed: s.Seed},
		}, bar.Update)
		bar.Done()
		if err != nil {
			c.Err = fmt.Errorf("network %s: %w", m.Run.Name, err)
			return c
		}
		m.Subsets, m.Centre = axes, modelmeasures.CentreOf(axes)
		for _, x := range axes {
			points = append(points, modelmeasures.Point{Task: st.Task, Regime: tr.Info.Regime, Group: i, Axes: x})
		}
		c.Models = append(c.Models, m)
	}
	if bigger > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("the recording has more neurons (%d) than %d of the networks: those use all their units", n, bigger))
	}
	var err error
	c.Placement, c.Reference, err = modelmeasures.ScoreOf(points, c.Axes, boot, s.Seed)
	if err != nil {
		c.Err = err
		return c
	}
	for i := range c.Models {
		c.Models[i].HeldOut = c.Reference.HeldOut(points, i)
	}
	return c
}

// runsOfTask keeps the runs of task; an error names the tasks there are.
func runsOfTask(runs []*models.Trained, task, source string) ([]*models.Trained, error) {
	var kept []*models.Trained
	var have []string
	for _, tr := range runs {
		t := tr.Info.Settings.Task
		if t == task {
			kept = append(kept, tr)
		}
		if !slices.Contains(have, t) {
			have = append(have, t)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("%w: -task %q: no runs of that task in %s (tasks: %s)", errUsage, task, source, strings.Join(have, ", "))
	}
	return kept, nil
}
