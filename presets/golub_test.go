package presets_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
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

// TestCellsLayout reads golub_like.mat (make_mat.py: 3 clouds of 12
// samples as 1×3 cells of variables × samples) with bci-golub: sample r of
// cloud c is row r·3 + c, its condition c, the samples pointing at 0° or 45°
// left out, and vraw = M2·spikes + m0 exactly as the file's decoder gives.
func TestCellsLayout(t *testing.T) {
	p, err := presets.Get("bci-golub")
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := p.Load("testdata/golub_like.mat", opener)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := rec.Activity.Dims(); r != 36 || c != 10 || len(rec.Conditions) != 36 || len(rec.Mask) != 36 {
		t.Fatalf("activity %d×%d, %d conditions, %d mask entries; want 36×10, 36, 36", r, c, len(rec.Conditions), len(rec.Mask))
	}
	kept := 0
	for i := range 36 {
		if rec.Conditions[i] != i%3 {
			t.Fatalf("sample %d: condition %d, want %d", i, rec.Conditions[i], i%3)
		}
		// vraw = M2·spikes + m0, as make_mat.py computed it (numpy's
		// matrix product: a few ulps).
		for o := range 2 {
			want := rec.Offset[o]
			for j := range 10 {
				want += rec.Decoder.At(o, j) * rec.Activity.At(i, j)
			}
			if math.Abs(rec.Behaviour.At(i, o)-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("sample %d: vraw %v, M2·spikes + m0 = %v", i, rec.Behaviour.At(i, o), want)
			}
		}
		if rec.Mask[i] {
			kept++
		}
	}
	if kept == 0 || kept == 36 {
		t.Errorf("%d of 36 samples kept: the directions (0°, 45°, 17°, 100°) were not selected", kept)
	}
}

// TestMATValues checks that values the analysis cannot use are errors that
// name the file and the cause, whether they come from the file (an
// infinite decoder offset, which a manifest refuses too; spikes × 1e300)
// or from the preset (a bin width of 1e308 ms): not NaN results.
func TestMATValues(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(p *presets.Preset)
		want string
	}{
		{"infinite offset", func(p *presets.Preset) { p.MAT.Offset = "expParams.badMapping.m0" },
			"decoder offset testdata/golub_like.mat:expParams.badMapping.m0: non-finite value +Inf at entry 0"},
		{"spikes × 1e300", func(p *presets.Preset) { p.MAT.Activity = "beforeLearning.clouds.bigSpikes" },
			"activity testdata/golub_like.mat:beforeLearning.clouds.bigSpikes reaches"},
		{"bins of 1e308 ms", func(p *presets.Preset) { p.Bins.WidthMS = 1e308 },
			"after the conversion from counts per 1e+305 s bin to Hz (×1e-305): below 1e-100, where the analysis' sums of squares underflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := presets.Get("bci-golub")
			if err != nil {
				t.Fatal(err)
			}
			c.edit(p)
			rec, s, err := p.Load("testdata/golub_like.mat", opener)
			if err == nil {
				_, err = preprocess.Build(rec, s)
			}
			if err == nil || !strings.Contains(err.Error(), "golub_like.mat") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming the file and %q", err, c.want)
			}
		})
	}
}
