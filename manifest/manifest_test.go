package manifest_test

import (
	"path/filepath"
	"testing"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/manifest"
)

// TestGolubManifest checks the bundled manifest against the selection of
// data/README (402 of 552 samples) and the files it names.
func TestGolubManifest(t *testing.T) {
	rec, ps, err := manifest.Load(filepath.Join(golden.Root(), "data", "golub2018_bci", "before.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Samples() != 552 || rec.Neurons() != 86 || rec.BinWidth != 0.045 {
		t.Errorf("%d samples, %d neurons, bin %v s", rec.Samples(), rec.Neurons(), rec.BinWidth)
	}
	kept := 0
	for _, m := range rec.Mask {
		if m {
			kept++
		}
	}
	if kept != 402 {
		t.Errorf("mask keeps %d samples, paper 402", kept)
	}
	if r, c := rec.Decoder.Dims(); r != 2 || c != 86 || len(rec.Offset) != 2 {
		t.Errorf("decoder %d×%d, offset %d", r, c, len(rec.Offset))
	}
	if len(rec.Conditions) != 552 || rec.Licence != "BSD 3-Clause License" {
		t.Errorf("conditions %d, licence %q", len(rec.Conditions), rec.Licence)
	}
	roles := map[string]bool{}
	for _, s := range rec.Sources {
		roles[s.Role] = true
		if s.Role != "manifest" && len(s.SHA256) != 64 {
			t.Errorf("%s: no digest", s.Path)
		}
	}
	for _, r := range []string{"manifest", "activity", "behaviour", "decoder", "offset", "conditions", "mask"} {
		if !roles[r] {
			t.Errorf("no source recorded for %s", r)
		}
	}
	if ps.LagMS != 0 || ps.KeepCounts {
		t.Errorf("preprocess settings %+v", ps)
	}
}
