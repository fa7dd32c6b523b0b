package cli

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/models/bundled"
	"github.com/oblique-neuro/oblique/models/tasks"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

var (
	tinyOnce sync.Once
	tinyDir  string
	tinyErr  string
)

// tinyRuns trains, once per test binary, two seeds of each regime of a
// small Romo network (N = 12, 4 steps: fast, untrained in effect).
func tinyRuns(t *testing.T) string {
	t.Helper()
	tinyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "oblique-models-test")
		if err != nil {
			tinyErr = err.Error()
			return
		}
		tinyDir = filepath.Join(dir, "runs")
		file := filepath.Join(dir, "sweep.toml")
		os.WriteFile(file, []byte("tasks = [\"romo\"]\nregimes = [\"aligned\", \"oblique\"]\nseeds = [1, 2]\nn = 12\nsteps = 4\n"), 0o644)
		if status, out, errs := run(t, "sweep", file, "-o", tinyDir, "-quiet"); status != 0 {
			tinyErr = out + errs
		}
	})
	if tinyErr != "" {
		t.Fatalf("training the tiny runs: %s", tinyErr)
	}
	return tinyDir
}

// TestModelsCommand runs `oblique models -runs` on four tiny runs and reads
// the three tables back.
func TestModelsCommand(t *testing.T) {
	runs := tinyRuns(t)
	out := filepath.Join(t.TempDir(), "m.arrow")
	status, stdout, stderr := run(t, "models", "-runs", runs, "-o", out, "-quiet", "-seed", "7")
	if status != 0 {
		t.Fatalf("status %d\n%s%s", status, stdout, stderr)
	}
	for _, want := range []string{"romo-aligned-s1", "romo-oblique-s2", "Means over seeds:", "wrote " + out, "m-settings.arrow", "m-trajectories.arrow"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	tab := readTable(t, out)
	if tab.rows != 4 || tab.meta["seed"] != "7" || tab.meta["table"] != "models" || !strings.Contains(tab.meta["settings"], `"Seed":7`) {
		t.Fatalf("runs table: %d rows, metadata %v", tab.rows, tab.meta)
	}
	for i := 0; i < 4; i++ {
		if e := tab.str("error", i); e != "" {
			t.Errorf("row %d: error %s", i, e)
		}
		rho, rel, noise := tab.num("rho", i), tab.num("rel_susceptibility", i), tab.num("noise_ratio", i)
		if !(rho > 0 && rho <= 1) || !(rel > 0) || !(noise > 0) {
			t.Errorf("row %d: ρ %v, relative susceptibility %v, noise ratio %v", i, rho, rel, noise)
		}
		// Columns in their places: Romo trials are 145 steps, 95 kept.
		if tab.num("samples", i) != 32*95 || tab.num("noise_sigma", i) != 0.2 || tab.num("n", i) != 12 ||
			math.Abs(tab.num("auc_out", i)/tab.num("auc_pc", i)-rel) > 1e-12 || tab.col("analysis_seed").(*array.Uint64).Value(i) != 7 {
			t.Errorf("row %d: samples %v, σ %v, n %v, AUCs %v/%v vs %v", i, tab.num("samples", i), tab.num("noise_sigma", i),
				tab.num("n", i), tab.num("auc_out", i), tab.num("auc_pc", i), rel)
		}
	}
	loss := tab.col("pert_loss_out").(*array.List)
	if n := loss.ListValues().(*array.List).Len(); n != 4*21 {
		t.Errorf("pert_loss_out holds %d amplitude rows, want 4 runs × 21", n)
	}
	st := readTable(t, strings.TrimSuffix(out, ".arrow")+"-settings.arrow")
	if st.rows != 2 || st.str("regime", 0) != "aligned" || st.num("runs", 1) != 2 {
		t.Fatalf("settings table: %d rows", st.rows)
	}
	for i := 0; i < 2; i++ {
		if d := st.num("dissimilarity_mean", i); !(d > 0 && d < math.Pi/2) {
			t.Errorf("setting %d: dissimilarity %v", i, d)
		}
	}
	tr := readTable(t, strings.TrimSuffix(out, ".arrow")+"-trajectories.arrow")
	if tr.rows != 4*4 {
		t.Errorf("trajectories: %d rows, want 4 runs × 4 trials", tr.rows)
	}
}

// TestCompareGolub runs `oblique compare` end to end on the bundled Golub
// recording against the tiny runs (fewer units than the recording: they use
// all theirs, which the output notes).
func TestCompareGolub(t *testing.T) {
	runs := tinyRuns(t)
	out := filepath.Join(t.TempDir(), "c.arrow")
	golub := filepath.Join(golden.Root(), "data", "golub2018_bci", "before.toml")
	status, stdout, stderr := run(t, "compare", golub, "-runs", runs, "-o", out, "-quiet",
		"-subsets", "2", "-bootstrap", "100", "-draws", "4", "-time-draws", "2")
	if status != 0 {
		t.Fatalf("status %d\n%s%s", status, stdout, stderr)
	}
	for _, want := range []string{"golub2018-before: 402 samples × 86 neurons; regime score", "mean over 1 task)", "held out, mean over tasks: aligned", "more neurons (86)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	tab := readTable(t, out)
	if tab.rows != 5 || tab.str("kind", 0) != "recording" || tab.str("kind", 1) != "model" {
		t.Fatalf("compare table: %d rows", tab.rows)
	}
	if rho := tab.num("rho", 0); math.Abs(rho-0.16538403043711383) > 1e-8 {
		t.Errorf("recording ρ %v: not the analyze result", rho)
	}
	if got, want := tab.num("rho_sqrt_n", 0), 0.16538403043711383*math.Sqrt(86); math.Abs(got-want) > 1e-8 {
		t.Errorf("ρ·√n %v, want %v", got, want)
	}
	sc, lo, hi := tab.num("score", 0), tab.num("score_lo", 0), tab.num("score_hi", 0)
	if !(sc >= 0 && sc <= 1 && lo <= hi) || tab.meta["score"] == "" || tab.meta["task"] != "all" {
		t.Errorf("score %v [%v, %v]; definition %q", sc, lo, hi, tab.meta["score"])
	}
	if tab.num("neurons", 1) != 12 || tab.num("samples", 1) != 402 || tab.num("subsets", 1) != 2 {
		t.Errorf("model row: %v neurons, %v samples, %v subsets", tab.num("neurons", 1), tab.num("samples", 1), tab.num("subsets", 1))
	}
	// One task: the score is that task's score; a network's held-out mean
	// is its own-task score.
	if ts, ps := tab.strs("score_tasks", 0), tab.floats("task_scores", 0); !slices.Equal(ts, []string{"romo"}) || len(ps) != 1 || ps[0] != sc {
		t.Errorf("task scores %v %v, score %v", ts, ps, sc)
	}
	if l, h := tab.floats("task_scores_lo", 0), tab.floats("task_scores_hi", 0); len(l) != 1 || len(h) != 1 || l[0] != lo || h[0] != hi {
		t.Errorf("task intervals %v %v, score interval [%v, %v]", l, h, lo, hi)
	}
	if own, mean := tab.num("score_own_task", 1), tab.num("score", 1); own != mean || math.IsNaN(own) || !tab.col("score_own_task").IsNull(0) {
		t.Errorf("network's own-task score %v, mean %v; recording's %v", own, mean, tab.num("score_own_task", 0))
	}
	// -task with the one task there is: the same score, the task recorded.
	out2 := filepath.Join(t.TempDir(), "c2.arrow")
	if status, stdout, stderr := run(t, "compare", golub, "-runs", runs, "-o", out2, "-quiet", "-task", "romo",
		"-subsets", "2", "-bootstrap", "100", "-draws", "4", "-time-draws", "2"); status != 0 {
		t.Fatalf("-task romo: status %d\n%s%s", status, stdout, stderr)
	}
	if tab2 := readTable(t, out2); tab2.meta["task"] != "romo" || tab2.num("score", 0) != sc || tab2.rows != 5 {
		t.Errorf("-task romo: task %q, score %v (all tasks: %v), %d rows", tab2.meta["task"], tab2.num("score", 0), sc, tab2.rows)
	}
	// -task with a task there is not: a usage error naming the tasks.
	status, _, stderr = run(t, "compare", golub, "-runs", runs, "-o", out, "-quiet", "-task", "cycling")
	if status != 2 || !strings.Contains(stderr, `-task "cycling": no runs of that task`) || !strings.Contains(stderr, "(tasks: romo)") {
		t.Errorf("-task cycling: status %d, %s", status, stderr)
	}
}

// TestCompareHeldOut is the acceptance check of the score on the bundled
// runs: every run, held out of the reference set, scores below ½ if it is
// aligned and above ½ if it is oblique against the other networks of its
// task, for every task. The networks are placed as `oblique compare` places
// them for the Golub recording (86 neurons, 402 samples, 5 subsets, 20
// draws per subset size, seed 0); only the sample-subsampling analysis,
// which no axis uses, is cut to one draw. The mean over tasks is logged.
func TestCompareHeldOut(t *testing.T) {
	if testing.Short() {
		t.Skip("places every bundled run")
	}
	runs, err := bundled.Runs()
	if err != nil {
		t.Fatal(err)
	}
	s := regimes.Settings{TimeDraws: 1}
	var points []modelmeasures.Point
	for i, tr := range runs {
		axes, err := modelmeasures.Place(pipeline.ModelOf(tr), modelmeasures.PlaceSettings{
			Neurons: 86, Samples: 402, Subsets: 5, Analysis: s,
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range axes {
			points = append(points, modelmeasures.Point{Task: tr.Info.Settings.Task, Regime: tr.Info.Regime, Group: i, Axes: x})
		}
	}
	ref, err := modelmeasures.FitReference(points)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]int{}
	for i, tr := range runs {
		task, regime, name := tr.Info.Settings.Task, tr.Info.Regime, runName(tr)
		if seen[task] == nil {
			seen[task] = map[string]int{}
		}
		seen[task][regime]++
		h := ref.HeldOut(points, i)
		sc := h.Own
		right := (regime == modelmeasures.Aligned && sc < 0.5) || (regime == modelmeasures.Oblique && sc > 0.5)
		if !right {
			t.Errorf("%s (%s) held out scores %.3f against the other %s networks", name, regime, sc, task)
		}
		t.Logf("%s: held-out score %.3f against its task, %.3f mean over tasks", name, sc, h.Score)
	}
	for _, task := range tasks.Names() {
		if seen[task][modelmeasures.Aligned] == 0 || seen[task][modelmeasures.Oblique] == 0 {
			t.Errorf("%s: bundled runs %v, want both regimes", task, seen[task])
		}
	}
}

// TestLoadRunsLinks checks the folders -runs accepts: symbolic links to run
// directories count as the runs (links to files, dangling links and plain
// files are skipped), and a folder without a finished run is an error that
// names it and says what a run directory holds.
func TestLoadRunsLinks(t *testing.T) {
	runs := tinyRuns(t)
	dir := t.TempDir()
	for _, name := range []string{"romo-aligned-s1", "romo-oblique-s2"} {
		if err := os.Symlink(filepath.Join(runs, name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	// A second name of a run already linked: the run counts once (issue
	// 17: a run and a link to it were two runs, dissimilarity 0.000).
	if err := os.Symlink(filepath.Join(runs, "romo-aligned-s1"), filepath.Join(dir, "zz-same-run")); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(runs, "romo-aligned-s2", "run.json"), filepath.Join(dir, "file-link"))
	os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling"))
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	var stderr strings.Builder
	loaded, err := loadRuns(&Env{Stderr: &stderr}, dir)
	got := loaded.Runs
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tr := range got {
		names = append(names, runName(tr))
	}
	if !slices.Equal(names, []string{"romo-aligned-s1", "romo-oblique-s2"}) {
		t.Errorf("runs %v, want the two linked ones", names)
	}
	if !strings.Contains(stderr.String(), "zz-same-run is the same run directory as") {
		t.Errorf("stderr %q does not say the second name was counted once", stderr.String())
	}

	empty := t.TempDir()
	status, _, errs := run(t, "models", "-runs", empty, "-quiet", "-o", filepath.Join(empty, "m.arrow"))
	if status == 0 || !strings.Contains(errs, "no finished runs in "+empty) || !strings.Contains(errs, "run.json") {
		t.Errorf("empty folder: status %d, stderr %q", status, errs)
	}
}
