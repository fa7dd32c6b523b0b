package nwbsource_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
)

// shared is where the project's real recordings are (../shared/data from
// the repository root); the example tests skip without them.
const shared = "../../../shared/data/"

// examples pairs each preset of presets/examples with its real file and
// what it gives there: samples of the design, neurons, behaviour channels
// and the notes the reader wrote (the numbers as this code gives them; the
// independent reference scripts check them).
var examples = []struct {
	preset, file     string
	samples, neurons int
	channels         int
	notes            []string
}{
	{"pynapple-human-recognition", "nwb/pynapple_sub-4_ses-4_ecephys+image.nwb", 180, 35, 2, nil},
	{"dandi-alm-licks", "nwb_external/dandicli_sub-anm369963_ses-20170228.nwb", 172 * 20, 1, 2, []string{
		"/acquisition/lick_times/lick_left_times: 54 of 782 event times are earlier than the one before (first at index 25): counted all the same",
		"/acquisition/lick_times/lick_right_times: 95 of 1016 event times are earlier than the one before (first at index 22): counted all the same",
		"stop_time is NaN in all 178 trials of /intervals/trials: trial ends not used",
		"6 of 178 trials of /intervals/trials dropped: 6 excluded by [trials] (response not in [early lick])"}},
	{"phy-good-units", "nwb_external/nct_example_converter_spec_3.nwb", 499, 3, 10, []string{
		"session 0–9.99853125 s (last spike)",
		"[units]: 3 of 13 units kept (quality in [good])",
		"units as behaviour: 10 of 13 units kept (quality in [mua])"}},
	{"pynapple-units", "nwb/pynapple_A8604-211122.nwb", 10875, 2, 1, []string{
		"[units]: 2 of 3 units kept (id in [6 191])",
		"units as behaviour: 1 of 3 units kept (id in [206])"}},
	{"dlc-pose", "nwb_external/dlc2nwb_m3v1mp4_openfield.nwb", 2329, 6, 2, []string{
		"session 0–2329 s (last behaviour timestamp of /processing/behavior/PoseEstimation/ind1_snout)",
		"activity in pixels (the series' values as they are)"}},
}

func TestExamples(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.preset, func(t *testing.T) {
			file := filepath.Join(shared, ex.file)
			if _, err := os.Stat(file); err != nil {
				t.Skip(err)
			}
			b, err := os.ReadFile(filepath.Join("..", "examples", ex.preset+".toml"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := presets.Parse(b, ex.preset)
			if err != nil {
				t.Fatal(err)
			}
			rec, s, err := p.Load(file, presets.Opener{NWB: nwbsource.Open})
			if err != nil {
				t.Fatal(err)
			}
			d, err := preprocess.Build(rec, s)
			if err != nil {
				t.Fatal(err)
			}
			r, n := d.X.Dims()
			_, k := d.Z.Dims()
			if r != ex.samples || n != ex.neurons || k != ex.channels {
				t.Errorf("%d samples × %d neurons, %d channels; want %d × %d, %d", r, n, k, ex.samples, ex.neurons, ex.channels)
			}
			if !slices.Equal(rec.Notes, ex.notes) {
				t.Errorf("notes\n%q\nwant\n%q", rec.Notes, ex.notes)
			}
		})
	}
}
