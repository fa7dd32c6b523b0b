package presets

import (
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/testcost"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
)

// FuzzParse parses arbitrary bytes as a preset and checks its [mat] keys
// against its layout: errors of bounded length, no panics or hangs.
// Seeds: the bundled presets.
func FuzzParse(f *testing.F) {
	for _, name := range Names() {
		text, err := Text(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(text))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		p, err := Parse(b, "fuzz")
		if err == nil {
			err = p.MAT.check(p.Bins.WidthMS)
			_ = p.settings()
		}
		if err != nil && (err.Error() == "" || len(err.Error()) > 2*tomlsafe.MaxMessage+200) {
			t.Errorf("error %q", err)
		}
		if err == nil && p.Layout != "mat" && p.Layout != "nwb-trials" {
			t.Errorf("layout %q accepted", p.Layout)
		}
	})
}
