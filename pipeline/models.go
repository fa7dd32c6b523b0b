package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oblique-neuro/oblique/internal/stats"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

// MeasureSettings configure the measures of trained networks
// (modelmeasures.Settings; the zero value is the paper's, seed 0).
type MeasureSettings = modelmeasures.Settings

// Runs are trained networks and where they came from.
type Runs struct {
	// Runs are sorted by task, regime, g, N and seed.
	Runs []*models.Trained
	// Source is "bundled" or the directory given.
	Source string
	// Skipped are the runs left out, each with the reason (unfinished
	// runs, second names of one run).
	Skipped []string
}

// LoadRuns returns the bundled runs (dir empty), the run in dir, or the
// finished runs in the subdirectories of dir (or symbolic links to them; a
// run reached by two names counts once). No finished run is an error.
func LoadRuns(dir string) (Runs, error) {
	if dir == "" {
		runs, err := bundled.Runs()
		return Runs{Runs: runs, Source: "bundled"}, err
	}
	out := Runs{Source: dir}
	// A run directory, or anything but a folder of them: OpenFinished
	// says what is wrong with it (an unfinished run included).
	if _, err := os.Stat(filepath.Join(dir, models.InfoFile)); err == nil || !dirExists(dir) {
		tr, err := models.OpenFinished(dir)
		if err == nil {
			err = tr.Check()
		}
		if err != nil {
			return out, err
		}
		out.Runs = []*models.Trained{tr}
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out, err
	}
	var seen []os.FileInfo
	var seenName []string
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		// Stat, not the entry's own type: a symbolic link to a run
		// directory counts as the run.
		fi, err := os.Stat(sub)
		if err != nil || !fi.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(sub, models.InfoFile)); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if i := slices.IndexFunc(seen, func(o os.FileInfo) bool { return os.SameFile(o, fi) }); i >= 0 {
			out.Skipped = append(out.Skipped, fmt.Sprintf("%s is the same run directory as %s: counted once", sub, seenName[i]))
			continue
		}
		tr, err := models.Open(sub)
		if err != nil {
			return out, err
		}
		if tr.Partial {
			out.Skipped = append(out.Skipped, fmt.Sprintf("%s is not finished (%d of %d steps): left out", sub, tr.Info.StepsDone, tr.Info.Settings.Steps))
			continue
		}
		if err := tr.Check(); err != nil {
			return out, err
		}
		seen, seenName = append(seen, fi), append(seenName, sub)
		out.Runs = append(out.Runs, tr)
	}
	if len(out.Runs) == 0 {
		return out, fmt.Errorf("no finished runs in %s (a run directory holds %s; give one, or a folder of them)", dir, models.InfoFile)
	}
	bundled.Sort(out.Runs)
	return out, nil
}

func dirExists(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

// OfTask returns the runs of one task; an error names the tasks there are.
func (r Runs) OfTask(task string) (Runs, error) {
	out := r
	out.Runs = nil
	var have []string
	for _, tr := range r.Runs {
		t := tr.Info.Settings.Task
		if t == task {
			out.Runs = append(out.Runs, tr)
		}
		if !slices.Contains(have, t) {
			have = append(have, t)
		}
	}
	if len(out.Runs) == 0 {
		return out, fmt.Errorf("%q: %w of that task in %s (tasks: %s)", task, ErrNoRuns, r.Source, strings.Join(have, ", "))
	}
	return out, nil
}

// ErrNoRuns is wrapped by the error of a selection of runs that is empty.
var ErrNoRuns = errors.New("no runs")

// ModelRun is one measured network: where it came from, how it was
// trained, and its measures (or the error that stopped them).
type ModelRun struct {
	// Name is the run directory's base name (task-regime-sSEED for the
	// bundled runs); Source the directory, or "bundled:runs/NAME".
	Name, Source string
	Task, Regime string
	Seed         uint64
	N            int
	G            float64
	Steps        int
	// TrainEvalRatio is the run's own acceptance measure from run.json
	// (evaluation loss / zero-output loss).
	TrainEvalRatio float64
	Result         *modelmeasures.Result
	Err            error
}

// runOf describes a trained run (without measures).
func runOf(tr *models.Trained) ModelRun {
	st := tr.Info.Settings
	r := ModelRun{
		Name: filepath.Base(filepath.Clean(tr.Dir)), Source: tr.Dir, Task: st.Task, Regime: tr.Info.Regime, Seed: st.Seed,
		N: st.N, G: st.G, Steps: tr.Info.StepsDone, TrainEvalRatio: tr.Info.EvalRatio,
	}
	if !filepath.IsAbs(tr.Dir) && strings.HasPrefix(tr.Dir, "runs/") && !dirExists(tr.Dir) {
		r.Source = "bundled:" + tr.Dir
	}
	return r
}

// SettingKey identifies a setting: task × regime × N × g.
type SettingKey struct {
	Task, Regime string
	N            int
	G            float64
}

// Key returns the run's setting.
func (r ModelRun) Key() SettingKey { return SettingKey{r.Task, r.Regime, r.N, r.G} }

// ModelSetting is one setting (task × regime × N × g): the means over its
// runs (seeds) and the dissimilarities between them.
type ModelSetting struct {
	SettingKey
	// Runs are the names of the runs, Seeds their seeds (failed runs left
	// out).
	Runs  []string
	Seeds []uint64
	// Pairs name the pairs of runs ("s1-s2"), Dissimilarity their shape
	// distances (modelmeasures.Dissimilarity).
	Pairs         []string
	Dissimilarity []float64
}

// SettingSummary holds the means of one setting, computed from its runs.
type SettingSummary struct {
	ModelSetting
	RhoMean, RhoSD, OutNorm, StateNorm, DVar, DFit, Ratio float64
	RelMean, RelSD, NoiseMean, NoiseSD                    float64
	DissimMean, DissimSD                                  float64
}

// ModelOf turns a trained run into what the measures need.
func ModelOf(tr *models.Trained) modelmeasures.Model {
	s := tr.Info.Settings
	return modelmeasures.Model{Task: s.Task, Net: tr.Net, Sigma: *s.Noise, InitNoise: *s.InitNoise, Precision: s.Precision}
}

// MeasureRuns measures every run (METHODS.md §4–5) and, per setting, the
// dissimilarity between its networks, and summarises each setting. Runs of
// one setting must be adjacent (as LoadRuns sorts them); each run's states
// are kept only until its setting is done. A run that fails has its error
// in its row; the returned error is ctx's when it stopped the work (the
// runs not reached then carry it).
func MeasureRuns(ctx context.Context, runs []*models.Trained, s MeasureSettings, progress Progress) ([]ModelRun, []SettingSummary, error) {
	rows := make([]ModelRun, len(runs))
	var group []int
	pairs := map[SettingKey][]pair{}
	// finish measures the dissimilarities of the setting just done and
	// drops its runs' states.
	finish := func() {
		if len(group) == 0 {
			return
		}
		pairs[rows[group[0]].Key()] = dissimilarities(rows, group)
		for _, i := range group {
			if rows[i].Result != nil {
				rows[i].Result.Eval = nil
			}
		}
		group = group[:0]
	}
	var stopped error
	for i, tr := range runs {
		rows[i] = runOf(tr)
		if len(group) > 0 && rows[group[0]].Key() != rows[i].Key() {
			finish()
		}
		if stopped = cancelled(ctx); stopped != nil {
			rows[i].Err = fmt.Errorf("%s: not measured: %w", rows[i].Name, stopped)
			continue
		}
		rows[i].Result, rows[i].Err = modelmeasures.Analyze(ModelOf(tr), s, progress.stage(rows[i].Name, i+1, len(runs)))
		group = append(group, i)
	}
	finish()
	settings := GroupSettings(rows)
	for j := range settings {
		st := &settings[j]
		for _, p := range pairs[st.SettingKey] {
			st.Pairs = append(st.Pairs, p.name)
			st.Dissimilarity = append(st.Dissimilarity, p.d)
		}
	}
	return rows, Summarise(settings, rows), stopped
}

type pair struct {
	name string
	d    float64
}

// dissimilarities returns the shape distance of every pair of the measured
// runs among rows[group].
func dissimilarities(rows []ModelRun, group []int) []pair {
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

// GroupSettings groups the measured runs (in their order) into settings;
// the dissimilarities are left empty.
func GroupSettings(runs []ModelRun) []ModelSetting {
	var out []ModelSetting
	idx := map[SettingKey]int{}
	for _, r := range runs {
		if r.Err != nil || r.Result == nil {
			continue
		}
		k := r.Key()
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, ModelSetting{SettingKey: k})
		}
		out[i].Runs = append(out[i].Runs, r.Name)
		out[i].Seeds = append(out[i].Seeds, r.Seed)
	}
	return out
}

// Summarise computes the means over the runs of each setting.
func Summarise(settings []ModelSetting, rows []ModelRun) []SettingSummary {
	byName := map[string]*modelmeasures.Result{}
	for _, r := range rows {
		if r.Err == nil && r.Result != nil {
			byName[r.Name] = r.Result
		}
	}
	out := make([]SettingSummary, len(settings))
	for i, st := range settings {
		var rho, wn, xn, dv, df, ratio, rel, noise []float64
		for _, name := range st.Runs {
			r := byName[name]
			rho, wn, xn, dv = append(rho, r.Rho), append(wn, r.OutNorm), append(xn, r.StateNorm), append(dv, float64(r.DVar))
			if r.DFit > 0 {
				df, ratio = append(df, float64(r.DFit)), append(ratio, r.Ratio)
			}
			if r.Perturbation != nil {
				rel = append(rel, r.Perturbation.Relative)
			}
			if r.Noise != nil {
				noise = append(noise, r.Noise.Ratio)
			}
		}
		s := SettingSummary{ModelSetting: st}
		s.RhoMean, s.RhoSD = stats.MeanSD(rho)
		s.OutNorm, _ = stats.MeanSD(wn)
		s.StateNorm, _ = stats.MeanSD(xn)
		s.DVar, _ = stats.MeanSD(dv)
		s.DFit, _ = stats.MeanSD(df)
		s.Ratio, _ = stats.MeanSD(ratio)
		s.RelMean, s.RelSD = stats.MeanSD(rel)
		s.NoiseMean, s.NoiseSD = stats.MeanSD(noise)
		s.DissimMean, s.DissimSD = stats.MeanSD(st.Dissimilarity)
		out[i] = s
	}
	return out
}
