package presets_test

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/regimes"
)

// TestGolubPresetMatchesManifest is the acceptance test of bci-golub: read
// from exampleData.mat, the design is bit for bit the one of the bundled
// manifest data/golub2018_bci/before.toml, which reads scipy's NPY
// conversions of the same file, and so are the results.
func TestGolubPresetMatchesManifest(t *testing.T) {
	rec, d, res := run(t, "bci-golub", "../data/golub2018_bci/exampleData.mat")
	mrec, ms, err := manifest.Load("../data/golub2018_bci/before.toml")
	if err != nil {
		t.Fatal(err)
	}
	md, err := preprocess.Build(mrec, ms)
	if err != nil {
		t.Fatal(err)
	}
	same := func(name string, a, b *mat.Dense) {
		t.Helper()
		ar, ac := a.Dims()
		br, bc := b.Dims()
		if ar != br || ac != bc {
			t.Fatalf("%s: preset %d×%d, manifest %d×%d", name, ar, ac, br, bc)
		}
		for i := 0; i < ar; i++ {
			for j := 0; j < ac; j++ {
				if x, y := a.At(i, j), b.At(i, j); math.Float64bits(x) != math.Float64bits(y) {
					t.Fatalf("%s(%d, %d): preset %v, manifest %v", name, i, j, x, y)
				}
			}
		}
	}
	same("recording activity", rec.Activity, mrec.Activity)
	same("recording behaviour", rec.Behaviour, mrec.Behaviour)
	same("decoder", rec.Decoder, mrec.Decoder)
	same("X", d.X, md.X)
	same("z", d.Z, md.Z)
	same("design decoder", d.Decoder, md.Decoder)
	if !slices.Equal(rec.Offset, mrec.Offset) || !slices.Equal(rec.Mask, mrec.Mask) ||
		!slices.Equal(rec.Conditions, mrec.Conditions) || !slices.Equal(d.Rows, md.Rows) {
		t.Fatal("offset, mask, conditions or rows differ")
	}
	if rec.BinWidth != mrec.BinWidth || rec.Kind != mrec.Kind {
		t.Fatalf("bin width %v, kind %v; manifest %v, %v", rec.BinWidth, rec.Kind, mrec.BinWidth, mrec.Kind)
	}
	mres, err := regimes.Analyze(md.X, md.Z, md.Decoder, regimes.Settings{NoScaling: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Samples != 402 || res.Neurons != 86 || res.DVar != 59 || res.DFit != 18 {
		t.Errorf("%d samples, %d neurons, D_var %d, D_fit %d; the paper has 402, 86, 59, 18",
			res.Samples, res.Neurons, res.DVar, res.DFit)
	}
	if res.Rho != mres.Rho || res.R2 != mres.R2 || res.Model.Alpha != mres.Model.Alpha ||
		res.DVar != mres.DVar || res.DFit != mres.DFit || res.RhoGiven != mres.RhoGiven || res.DecoderMatch != mres.DecoderMatch {
		t.Errorf("preset ρ %v R² %v α %v D %d/%d given %v/%v; manifest ρ %v R² %v α %v D %d/%d given %v/%v",
			res.Rho, res.R2, res.Model.Alpha, res.DVar, res.DFit, res.RhoGiven, res.DecoderMatch,
			mres.Rho, mres.R2, mres.Model.Alpha, mres.DVar, mres.DFit, mres.RhoGiven, mres.DecoderMatch)
	}
}
