package nwbsource_test

import (
	"os"
	"path/filepath"
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
	{"pynapple-human-recognition", "nwb/pynapple_sub-4_ses-4_ecephys+image.nwb", 0, 35, 2, nil},
	{"dandi-alm-licks", "nwb_external/dandicli_sub-anm369963_ses-20170228.nwb", 0, 1, 2, nil},
	{"phy-good-units", "nwb_external/nct_example_converter_spec_3.nwb", 0, 0, 0, nil},
	{"pynapple-units", "nwb/pynapple_A8604-211122.nwb", 0, 2, 1, nil},
	{"dlc-pose", "nwb_external/dlc2nwb_m3v1mp4_openfield.nwb", 0, 6, 2, nil},
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
			t.Logf("%s: %d samples × %d neurons, %d channels %v (%s); notes %q; design notes %q", ex.preset, r, n, k, rec.Channels, rec.Unit, rec.Notes, d.Notes)
		})
	}
}
