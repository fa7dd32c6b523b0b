package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/internal/progress"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
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
		s            modelmeasures.Settings
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
		helpFor(env.Stderr, fs, "models [flags]", modelsAbout)
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
	runs, source, err := loadRuns(env, runsDir)
	if err != nil {
		return err
	}
	rows, sums := AnalyzeRuns(env, runs, s, quiet)
	reports.PrintModels(env.Stdout, rows, sums)
	for _, t := range []struct {
		path string
		t    *reports.Table
	}{
		{out, reports.ModelsTable(rows, source, s)},
		{settingsOut, reports.SettingsTable(sums, source, s)},
		{trajectoriesOut, reports.TrajectoryTable(rows, source, s)},
	} {
		err := t.t.WriteFile(t.path)
		t.t.Release()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote %s\n", t.path)
	}
	failed := 0
	for _, r := range rows {
		if r.Err != nil {
			failed++
		}
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

// loadRuns returns the bundled runs (dir empty), the run in dir, or the
// finished runs in the subdirectories of dir (or symbolic links to them),
// sorted by task, regime, g, N and seed; and a name for where they came
// from. No finished run is an error.
func loadRuns(env *Env, dir string) ([]*models.Trained, string, error) {
	if dir == "" {
		runs, err := bundled.Runs()
		return runs, "bundled", err
	}
	// A run directory, or anything but a folder of them: Open says what
	// is wrong with it.
	if _, err := os.Stat(filepath.Join(dir, models.InfoFile)); err == nil || !dirExists(dir) {
		tr, err := models.Open(dir)
		if err == nil {
			err = tr.Check()
		}
		if err != nil {
			return nil, dir, err
		}
		return []*models.Trained{tr}, dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, dir, err
	}
	var runs []*models.Trained
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		// Stat, not the entry's own type: a symbolic link to a run
		// directory counts as the run.
		if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(sub, models.InfoFile)); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		tr, err := models.Open(sub)
		if err != nil {
			return nil, dir, err
		}
		if tr.Partial {
			fmt.Fprintf(env.Stderr, "oblique: %s is not finished (%d of %d steps): left out\n", sub, tr.Info.StepsDone, tr.Info.Settings.Steps)
			continue
		}
		if err := tr.Check(); err != nil {
			return nil, dir, err
		}
		runs = append(runs, tr)
	}
	if len(runs) == 0 {
		return nil, dir, fmt.Errorf("no finished runs in %s (a run directory holds %s; give one, or a folder of them)", dir, models.InfoFile)
	}
	bundled.Sort(runs)
	return runs, dir, nil
}

// modelOf turns a trained run into what the measures need.
func modelOf(tr *models.Trained) modelmeasures.Model {
	s := tr.Info.Settings
	return modelmeasures.Model{Task: s.Task, Net: tr.Net, Sigma: *s.Noise, InitNoise: *s.InitNoise, Precision: s.Precision}
}

// runName is the run directory's base name.
func runName(tr *models.Trained) string { return filepath.Base(filepath.Clean(tr.Dir)) }

// AnalyzeRuns measures every run and, per setting, the dissimilarity
// between its networks. Runs of one setting must be adjacent (as loadRuns
// sorts them); each run's states are kept only until its setting is done.
func AnalyzeRuns(env *Env, runs []*models.Trained, s modelmeasures.Settings, quiet bool) ([]reports.ModelRun, []reports.SettingSummary) {
	rows := make([]reports.ModelRun, len(runs))
	var group []int
	// finish drops the states of the runs of the setting just done.
	finish := func() {
		for _, i := range group {
			if rows[i].Result != nil {
				rows[i].Result.Eval = nil
			}
		}
		group = group[:0]
	}
	key := func(tr *models.Trained) string {
		st := tr.Info.Settings
		return fmt.Sprintf("%s/%s/%d/%g", st.Task, tr.Info.Regime, st.N, st.G)
	}
	pairs := map[string][]pair{}
	for i, tr := range runs {
		st := tr.Info.Settings
		rows[i] = reports.ModelRun{
			Name: runName(tr), Source: tr.Dir, Task: st.Task, Regime: tr.Info.Regime, Seed: st.Seed,
			N: st.N, G: st.G, Steps: tr.Info.StepsDone, TrainEvalRatio: tr.Info.EvalRatio,
		}
		if !filepath.IsAbs(tr.Dir) && strings.HasPrefix(tr.Dir, "runs/") && !dirExists(tr.Dir) {
			rows[i].Source = "bundled:" + tr.Dir
		}
		if len(group) > 0 && key(runs[group[0]]) != key(tr) {
			pairs[key(runs[group[0]])] = dissimilarities(rows, group)
			finish()
		}
		var bar *progress.Bar
		if !quiet {
			bar = progress.New(env.Stderr, fmt.Sprintf("%s (%d/%d)", rows[i].Name, i+1, len(runs)))
		}
		rows[i].Result, rows[i].Err = modelmeasures.Analyze(modelOf(tr), s, bar.Update)
		bar.Done()
		group = append(group, i)
	}
	if len(group) > 0 {
		pairs[key(runs[group[0]])] = dissimilarities(rows, group)
		finish()
	}
	settings := reports.GroupSettings(rows)
	for j := range settings {
		st := &settings[j]
		for _, p := range pairs[fmt.Sprintf("%s/%s/%d/%g", st.Task, st.Regime, st.N, st.G)] {
			st.Pairs = append(st.Pairs, p.name)
			st.Dissimilarity = append(st.Dissimilarity, p.d)
		}
	}
	return rows, reports.Summarise(settings, rows)
}

type pair struct {
	name string
	d    float64
}

// dissimilarities returns the shape distance of every pair of the analysed
// runs among rows[group].
func dissimilarities(rows []reports.ModelRun, group []int) []pair {
	var out []pair
	for a := 0; a < len(group); a++ {
		for b := a + 1; b < len(group); b++ {
			ra, rb := rows[group[a]], rows[group[b]]
			if ra.Result == nil || rb.Result == nil || ra.Result.Eval == nil || rb.Result.Eval == nil {
				continue
			}
			out = append(out, pair{fmt.Sprintf("s%d-s%d", ra.Seed, rb.Seed), modelmeasures.Dissimilarity(ra.Result.Eval.Y, rb.Result.Eval.Y)})
		}
	}
	return out
}

func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}
