package cli

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/models/bundled"
	"github.com/oblique-neuro/oblique/models/tasks"
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
	for _, want := range []string{"golub2018-before: 402 samples × 86 neurons; regime score", "held out, aligned networks", "more neurons (86)"} {
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
	if !(sc >= 0 && sc <= 1 && lo <= hi) || tab.meta["score"] == "" {
		t.Errorf("score %v [%v, %v]; definition %q", sc, lo, hi, tab.meta["score"])
	}
	if tab.num("neurons", 1) != 12 || tab.num("samples", 1) != 402 || tab.num("subsets", 1) != 2 {
		t.Errorf("model row: %v neurons, %v samples, %v subsets", tab.num("neurons", 1), tab.num("samples", 1), tab.num("subsets", 1))
	}
}

// knownMisses are bundled runs that the held-out check places on the wrong
// side, with the reason found. Only these may miss; one that scores
// correctly is logged so that the list can be shortened.
var knownMisses = map[string]string{
	// The complex-sine "aligned" networks are the least aligned of the
	// aligned networks (model-form ρ 0.10 against 0.3–0.6 for the other
	// tasks; ‖W_out‖ grew from 0.06 to 0.24 in training): through the
	// experimental pipeline at the Golub size their ρ·√n (1.27–1.37) is
	// nearer the oblique mean (0.96) than the aligned one (2.28) and their
	// D_fit/D_var (1.38–1.52) is above both means, while their slope
	// (0.38–0.41) is aligned. Seeds 1 and 3 score 0.508 and 0.521, seed 2
	// 0.480. See the closing note of issue 5.
	"complex-sine-aligned-s1": "complex-sine aligned network between the clouds through the experimental pipeline",
	"complex-sine-aligned-s3": "complex-sine aligned network between the clouds through the experimental pipeline",
	// Trained for 4000 steps (sweep.toml) the cycling oblique networks
	// compress output noise and resist output-plane perturbations as the
	// paper's oblique networks do, but through the experimental pipeline
	// at the Golub size (86 neurons) seed 2 sits on the boundary: ρ·√n
	// 1.37 (aligned mean 2.28, oblique 0.96), D_fit/D_var 0.94, slope
	// 0.32, score 0.477. After the paper's 1000 steps it scored 0.737
	// (ρ·√n 1.13, D_fit/D_var 0.94, slope 0.17). See the closing note of
	// issue 5.
	"cycling-oblique-s2": "cycling oblique network on the boundary through the experimental pipeline",
}

// TestCompareHeldOut is the acceptance check of the score on the bundled
// runs: every run, held out of the reference set, scores below ½ if it is
// aligned and above ½ if it is oblique, for every task. The networks are
// placed as `oblique compare` places them for the Golub recording (86
// neurons, 402 samples, 5 subsets, 20 draws per subset size, seed 0); only
// the sample-subsampling analysis, which no axis uses, is cut to one draw.
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
		axes, err := modelmeasures.Place(modelOf(tr), modelmeasures.PlaceSettings{
			Neurons: 86, Samples: 402, Subsets: 5, Analysis: s,
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range axes {
			points = append(points, modelmeasures.Point{Regime: tr.Info.Regime, Group: i, Axes: x})
		}
	}
	seen := map[string]map[string]int{}
	for i, tr := range runs {
		task, regime, name := tr.Info.Settings.Task, tr.Info.Regime, runName(tr)
		if seen[task] == nil {
			seen[task] = map[string]int{}
		}
		seen[task][regime]++
		sc := modelmeasures.HeldOut(points, i)
		right := (regime == modelmeasures.Aligned && sc < 0.5) || (regime == modelmeasures.Oblique && sc > 0.5)
		why, known := knownMisses[name]
		switch {
		case !right && known:
			t.Logf("%s: held-out score %.3f, a known miss (%s)", name, sc, why)
		case !right:
			t.Errorf("%s (%s) held out scores %.3f", name, regime, sc)
		case known:
			t.Logf("%s: held-out score %.3f, now on its side: remove it from knownMisses", name, sc)
		default:
			t.Logf("%s: held-out score %.3f", name, sc)
		}
	}
	for _, task := range tasks.Names() {
		if seen[task][modelmeasures.Aligned] == 0 || seen[task][modelmeasures.Oblique] == 0 {
			t.Errorf("%s: bundled runs %v, want both regimes", task, seen[task])
		}
	}
}
