package presets_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
	"github.com/oblique-neuro/oblique/regimes"
)

// The presets are checked against testdata/reference_nlb.py and
// testdata/reference_mat.py: independent NumPy/SciPy/scikit-learn
// implementations of the same processing (METHODS.md §2-4), run on the same
// generated files, whose numbers are in nlb_reference.json and
// mat_reference.json.
//
// Tolerance: both sides do the same arithmetic in a different order (the
// smoothing and decimation sums, BLAS reductions, the SVD), so the design
// matrices differ by a few ulps (~1e-15 relative) and the decoders amplify
// that by at most the condition number of X (below 1e5 here). ρ, R² and
// the coefficients are therefore compared to 1e-8 relative, which any
// real processing difference (one bin moved, a wrong lag, a dropped
// trial) exceeds by orders of magnitude. α is a grid value and D_var,
// D_fit and the sample counts are integers: they must be equal.
const relTol = 1e-8

type reference struct {
	Samples    int         `json:"samples"`
	Neurons    int         `json:"neurons"`
	Alpha      float64     `json:"alpha"`
	R2         float64     `json:"r2"`
	Coef       [][]float64 `json:"coef"`
	Rho        float64     `json:"rho"`
	DVar       int         `json:"d_var"`
	DFit       int         `json:"d_fit"`
	CosPlanted []float64   `json:"cos_planted"`
	XFirstRow  []float64   `json:"x_first_row"`
	ZFirstRow  []float64   `json:"z_first_row"`
	XSum       *float64    `json:"x_sum"`
	ZSum       *float64    `json:"z_sum"`
	Trials     []int       `json:"trials"`
}

func readReference(t *testing.T, file, name string) reference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]reference
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	r, ok := all[name]
	if !ok {
		t.Fatalf("%s has no %q", file, name)
	}
	return r
}

var opener = presets.Opener{NWB: nwbsource.Open}

// run loads file with the preset and runs the analysis without the
// subsampling.
func run(t *testing.T, preset, file string) (*ingest.Recording, *preprocess.Design, *regimes.Result) {
	t.Helper()
	p, err := presets.Get(preset)
	if err != nil {
		t.Fatal(err)
	}
	rec, s, err := p.Load(file, opener)
	if errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	d, res := golden.Analyse(t, rec, s)
	return rec, d, res
}

// compare checks the analysis against the reference.
func compare(t *testing.T, ref reference, rec *ingest.Recording, d *preprocess.Design, res *regimes.Result) {
	t.Helper()
	if res.Samples != ref.Samples || res.Neurons != ref.Neurons {
		t.Fatalf("design %d×%d, reference %d×%d", res.Samples, res.Neurons, ref.Samples, ref.Neurons)
	}
	if res.Model.Alpha != ref.Alpha {
		t.Errorf("α = %v, reference %v", res.Model.Alpha, ref.Alpha)
	}
	if e := golden.RelErr(res.R2, ref.R2); e > relTol {
		t.Errorf("R² = %.12g, reference %.12g (relative error %.2g)", res.R2, ref.R2, e)
	}
	if e := golden.RelErr(res.Rho, ref.Rho); e > relTol {
		t.Errorf("ρ = %.12g, reference %.12g (relative error %.2g)", res.Rho, ref.Rho, e)
	}
	if res.DVar != ref.DVar || res.DFit != ref.DFit {
		t.Errorf("D_var, D_fit = %d, %d; reference %d, %d", res.DVar, res.DFit, ref.DVar, ref.DFit)
	}
	golden.CheckCoef(t, res.Model.Coef, ref.Coef, relTol)
	// The design before centring, where the reference gives it.
	if ref.XFirstRow != nil {
		golden.CheckUncentred(t, "X", d.X, d.XMean, ref.XFirstRow, *ref.XSum, 0)
		golden.CheckUncentred(t, "z", d.Z, d.ZMean, ref.ZFirstRow, *ref.ZSum, 1e-9)
	}
	if ref.Trials != nil {
		for i, r := range d.Rows {
			if got := rec.Trials[r]; got != ref.Trials[i] {
				t.Fatalf("sample %d is from trial/segment %d, reference %d", i, got, ref.Trials[i])
			}
		}
	}
}

// cosPlanted returns the cosine between each output's fitted weights and
// the planted readout in the _w.npy file beside the fixture.
func cosPlanted(t *testing.T, file string, coef *mat.Dense) []float64 {
	t.Helper()
	w, _, err := ingest.ReadArray(file, "")
	if err != nil {
		t.Fatal(err)
	}
	k, n := coef.Dims()
	if w.Rows() != k || w.Cols() != n {
		t.Fatalf("%s is %v, the decoder %d×%d", file, w.Shape, k, n)
	}
	out := make([]float64, k)
	for o := range out {
		a := coef.RawRowView(o)
		b := w.Data[o*n : (o+1)*n]
		out[o] = dot(a, b) / math.Sqrt(dot(a, a)*dot(b, b))
	}
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestNLBReference runs nlb-maze and nlb-rtt on the NLB-shaped files of
// make_nlb.py (held-out units, test trials without behaviour, timestamps
// and starting_time + rate) and compares with reference_nlb.py; the
// fitted decoder must recover the planted readout (cosine > 0.99 for each
// output, as the reference finds).
func TestNLBReference(t *testing.T) {
	for _, c := range []struct{ preset, name string }{{"nlb-maze", "maze"}, {"nlb-rtt", "rtt"}} {
		t.Run(c.preset, func(t *testing.T) {
			ref := readReference(t, "nlb_reference.json", c.name)
			rec, d, res := run(t, c.preset, "testdata/"+c.name+"_like.nwb")
			compare(t, ref, rec, d, res)
			cos := cosPlanted(t, "testdata/"+c.name+"_like_w.npy", res.Model.Coef)
			for o, x := range cos {
				if x <= 0.99 || math.Abs(x-ref.CosPlanted[o]) > 1e-8 {
					t.Errorf("output %d: cosine with the planted decoder %.6f, reference %.6f (want > 0.99)", o, x, ref.CosPlanted[o])
				}
			}
			if rec.Unit != "Hz" || rec.Kind != ingest.Rates || rec.BinWidth != 0.045 {
				t.Errorf("recording: unit %q, kind %v, bin width %v", rec.Unit, rec.Kind, rec.BinWidth)
			}
		})
	}
}

// TestMATReference runs cycling and bci-hennig on make_mat.py's files and
// compares with reference_mat.py. For cycling the planted readout of the
// rates (cycling_like_w.npy) must also be recovered. bci-hennig reads both
// blocks of hennig_like.mat, each with its own decoder: block 2's numbers
// are reference_mat.py's for D.blocks(2) ("hennig2").
func TestMATReference(t *testing.T) {
	t.Run("bci-hennig", func(t *testing.T) {
		p, err := presets.Get("bci-hennig")
		if err != nil {
			t.Fatal(err)
		}
		const file = "testdata/hennig_like.mat"
		all, err := p.LoadAll(file, opener)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Fatalf("%d recordings, want one per block (2)", len(all))
		}
		for b, name := range []string{"hennig", "hennig2"} {
			rec := all[b].Recording
			if want := fmt.Sprintf("bci-hennig:hennig_like.mat#blocks(%d)", b+1); rec.Name != want {
				t.Errorf("recording %d is named %q, want %q", b+1, rec.Name, want)
			}
			if want := fmt.Sprintf("D.blocks(%d).spikes", b+1); rec.Sources[1].Key != want {
				t.Errorf("recording %d: activity from %q, want %q", b+1, rec.Sources[1].Key, want)
			}
			d, res := golden.Analyse(t, rec, all[b].Settings)
			compare(t, readReference(t, "mat_reference.json", name), rec, d, res)
		}
		if _, _, err := p.Load(file, opener); !errors.Is(err, presets.ErrSeveralRecordings) {
			t.Errorf("Load of two blocks: %v, want ErrSeveralRecordings", err)
		}
	})
	for _, c := range []struct{ preset, name string }{{"cycling", "cycling"}} {
		t.Run(c.preset, func(t *testing.T) {
			ref := readReference(t, "mat_reference.json", c.name)
			rec, d, res := run(t, c.preset, "testdata/"+c.name+"_like.mat")
			compare(t, ref, rec, d, res)
			if c.name == "cycling" {
				for o, x := range cosPlanted(t, "testdata/cycling_like_w.npy", res.Model.Coef) {
					if x <= 0.99 {
						t.Errorf("output %d: cosine with the planted decoder %.6f, want > 0.99", o, x)
					}
				}
			}
		})
	}
}
