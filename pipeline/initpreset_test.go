package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/presets"
)

// sharedData is where the project's real recordings are (../shared/data
// from the repository root).
const sharedData = "../../shared/data/"

// TestInitPreset writes a starting preset for every NWB file of the shared
// data: each parses and validates, with the layout the file calls for
// (nwb-aligned with a trials table, else nwb-continuous), its units and
// behaviour series, and runs UNEDITED through the analysis (the README
// says every shared NWB 2.x file gets a preset that runs); the NWB 1.x
// file gets an error naming it.
func TestInitPreset(t *testing.T) {
	var files []string
	for _, d := range []string{"nwb_external", "nwb"} {
		m, _ := filepath.Glob(filepath.Join(sharedData, d, "*.nwb"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no shared NWB files in " + sharedData)
	}
	want := map[string][]string{
		"dandicli_sub-anm369963_ses-20170228.nwb": {`name = "dandicli_sub-anm369963_ses-20170228"`, `layout = "nwb-aligned"`, `units = "/units"`, `trials = "/intervals/trials"`,
			`align = "cue_start_time"`, "relative = true", `series = "/acquisition/lick_times/lick_left_times"`,
			`# series = "/acquisition/lick_times/lick_right_times"`, `"early lick" (6)`, `# where = { quality = [...] }  # values: "Excellent" (1)`,
			"# ids = [1001]", "width_ms = 50\n", "sigma_ms = 50\n", "window_ms = [-500, 1000]"},
		// 1 Hz pose series: 1 s bins (each has its sample), not smoothed.
		"dlc2nwb_m3v1mp4_openfield.nwb": {`layout = "nwb-continuous"`, `activity = ["/processing/behavior/PoseEstimation/ind1_leftear"`,
			`series = "/processing/behavior/PoseEstimation/ind1_tailbase"`, "has a sample every 1000 ms", "width_ms = 1000\n", "sigma_ms = 0\n"},
		"nct_example_converter_spec_3.nwb": {`layout = "nwb-continuous"`, `values: "mua" (10), "good" (3)`, `kind = "units"`,
			"not behaviour", "ids = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"},
		"pynapple_A8604-211122.nwb": {`layout = "nwb-continuous"`, `# trials = "/intervals/epochs"`, "ids = [6, 191]", "units = { ids = [206] }"},
		// RT, accuracy, confidence are no align candidates but per-trial
		// behaviour columns.
		"pynapple_sub-4_ses-4_ecephys+image.nwb": {`layout = "nwb-continuous"`, `# trials = "/intervals/recognition_table"`, `series = "/acquisition/events"`,
			`"nwb-per-trial"`, `kind = "column"`,
			"# /intervals/recognition_table (180 rows): align candidates (time columns): start_time, fixcross_time, response_time\n",
			"other numeric columns, for min / max = { COLUMN = value }: ExperimentID, trial_num, boundary_type, stimuli_type, resp_value, old_new, accuracy, confidence, RT\n"},
	}
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			text, err := pipeline.InitPreset(f)
			if base == "matnwb_20080606_R1.nwb" {
				if err == nil || !strings.Contains(err.Error(), f) {
					t.Fatalf("NWB 1.x file: %v, want an error naming it", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := presets.Parse([]byte(text), base)
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			ws, ok := want[base]
			if !ok {
				t.Fatalf("no expectations for %s", base)
			}
			for _, w := range ws {
				if !strings.Contains(text, w) {
					t.Errorf("the preset lacks %q:\n%s", w, text)
				}
			}
			preset := filepath.Join(t.TempDir(), "init.toml")
			if err := os.WriteFile(preset, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			a := pipeline.AnalyzeFile(context.Background(), f, pipeline.AnalyzeOptions{Preset: preset,
				Settings: pipeline.AnalysisSettings{NoScaling: true}})
			if a.Err != nil {
				t.Fatalf("the unedited preset does not run: %v\n%s", a.Err, text)
			}
			if a.Result.Samples < 2 || a.Result.Neurons < 1 || a.Name != strings.TrimSuffix(base, ".nwb")+":"+base {
				t.Errorf("%s: %d samples, %d neurons", a.Name, a.Result.Samples, a.Result.Neurons)
			}
		})
	}
}

// TestInitPresetRuns analyses the DANDI ALM file with the preset init
// writes for it and the edit the README's session makes (early licks
// excluded): one recording of its one unit, the notes of its NaN stop
// times.
func TestInitPresetRuns(t *testing.T) {
	f := filepath.Join(sharedData, "nwb_external", "dandicli_sub-anm369963_ses-20170228.nwb")
	if _, err := os.Stat(f); err != nil {
		t.Skip(err)
	}
	text, err := pipeline.InitPreset(f)
	if err != nil {
		t.Fatal(err)
	}
	preset := filepath.Join(t.TempDir(), "alm.toml")
	if err := os.WriteFile(preset, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	a := pipeline.AnalyzeFile(context.Background(), f, pipeline.AnalyzeOptions{Preset: preset,
		Set: []string{`trials.exclude={response=["early lick"]}`}, Settings: pipeline.AnalysisSettings{NoScaling: true}})
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	// 172 trials kept, 30 bins of 50 ms in [-500, 1000) ms each.
	if a.Result.Neurons != 1 || a.Result.Samples != 172*30 || a.Name != "dandicli_sub-anm369963_ses-20170228:dandicli_sub-anm369963_ses-20170228.nwb" {
		t.Errorf("%s: %d samples, %d neurons", a.Name, a.Result.Samples, a.Result.Neurons)
	}
	if !strings.Contains(strings.Join(a.Result.Notes, "\n"), "stop_time is NaN in all 178 trials") {
		t.Errorf("notes %q", a.Result.Notes)
	}
}

// TestInitPresetMAT checks that init refuses a MATLAB file, naming it.
func TestInitPresetMAT(t *testing.T) {
	const f = "../presets/testdata/hennig_like.mat"
	if _, err := pipeline.InitPreset(f); err == nil || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), "NWB") {
		t.Errorf("MAT file: %v", err)
	}
}

// TestInitPresetBool: a bool column of the units (the NLB heldout flag) is
// offered as a where rule, which runs once uncommented.
func TestInitPresetBool(t *testing.T) {
	f := filepath.Join("..", "presets", "testdata", "maze_like.nwb")
	text, err := pipeline.InitPreset(f)
	if err != nil {
		t.Skip(err) // without cgo
	}
	const rule = "# where = { heldout = [false] }"
	if !strings.Contains(text, rule) {
		t.Fatalf("no %q in\n%s", rule, text)
	}
	preset := filepath.Join(t.TempDir(), "maze.toml")
	if err := os.WriteFile(preset, []byte(strings.Replace(text, rule, rule[2:], 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	a := pipeline.AnalyzeFile(context.Background(), f, pipeline.AnalyzeOptions{Preset: preset, Settings: pipeline.AnalysisSettings{NoScaling: true}})
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	if a.Result.Neurons != 12 { // 16 units, 4 held out
		t.Errorf("%d neurons, want the 12 not held out", a.Result.Neurons)
	}
}
