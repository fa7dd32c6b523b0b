package modelmeasures

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
	"github.com/oblique-neuro/oblique/regimes"
)

// The goldens are written by testdata/make_goldens.py, an independent
// NumPy/scikit-learn implementation of METHODS.md §4–5.

type goldenJSON struct {
	Measures struct {
		Rho, WMagnitude, YMagnitude, Dissimilarity, DissimilaritySelf float64
	} `json:"-"`
	Fit struct {
		Trials, Steps, Drop, Kept, Train int
		CumVar                           []float64 `json:"cum_var"`
		DVar                             int       `json:"d_var"`
		R2, Alpha                        []float64
		DFit                             int `json:"d_fit"`
	} `json:"fit"`
	Perturb map[string]struct {
		Trials, Steps, Inputs, Outputs, N int
		TMin                              float64 `json:"t_min"`
		TMax                              float64 `json:"t_max"`
		Start                             float64
		StepsPert                         []int `json:"steps_pert"`
		Amplitudes                        []float64
		Unperturbed, Relative             float64
		AUC                               []float64 `json:"auc"`
	} `json:"perturb"`
	Noise struct {
		Conditions, Repeats, Steps, N int
		Ratio                         float64
		RatioPC                       float64 `json:"ratio_pc"`
	} `json:"noise"`
}

func loadGolden(t *testing.T) (*goldenJSON, func(name string, r, c int) *mat.Dense) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenJSON
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Measures map[string]float64 `json:"measures"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	m := raw.Measures
	g.Measures.Rho, g.Measures.WMagnitude, g.Measures.YMagnitude = m["rho"], m["w_magnitude"], m["y_magnitude"]
	g.Measures.Dissimilarity, g.Measures.DissimilaritySelf = m["dissimilarity"], m["dissimilarity_self"]
	f, err := os.Open(filepath.Join("testdata", "golden.npz"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	load := func(name string, r, c int) *mat.Dense {
		t.Helper()
		var v []float64
		if err := npz.Read(f, name+".npy", &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(v) != r*c {
			t.Fatalf("%s: %d values, want %d×%d", name, len(v), r, c)
		}
		return mat.NewDense(r, c, v)
	}
	return &g, load
}

// relClose reports |a−b| ≤ tol·max(|b|, 1e-300).
func relClose(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(math.Abs(b), 1e-300) }

// TestMeasuresGolden checks ρ (model form), the magnitudes and the shape
// dissimilarity against NumPy/SciPy. Tolerances: the quantities are ratios
// of norms and an SVD, exact to rounding (1e-12 relative); the
// dissimilarity of a matrix with itself is arccos of 1 − O(ε), which is
// O(√ε) ≈ 1e-8 in either implementation.
func TestMeasuresGolden(t *testing.T) {
	g, load := loadGolden(t)
	w, y, y2 := load("measures_w", 2, 20), load("measures_y", 150, 20), load("measures_y2", 150, 15)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"ρ", GeneralisedCorrelation(w, y), g.Measures.Rho},
		{"‖W‖", Magnitude(w), g.Measures.WMagnitude},
		{"‖Y‖", Magnitude(y), g.Measures.YMagnitude},
		{"dissimilarity", Dissimilarity(y, y2), g.Measures.Dissimilarity},
	} {
		if !relClose(c.got, c.want, 1e-12) {
			t.Errorf("%s = %.15g, NumPy %.15g", c.name, c.got, c.want)
		}
	}
	if d := Dissimilarity(y, y); d > 1e-7 {
		t.Errorf("dissimilarity of a matrix with itself %g, want ≈ 0 (NumPy %g)", d, g.Measures.DissimilaritySelf)
	}
}

// TestFitGolden checks D_var, the model-rule R² curve, the chosen α and
// D_fit against scikit-learn's PCA and RidgeCV (ridge agrees to 1e-8,
// decode's tests): components of the states after the dropped steps, fit
// and R² over every step.
func TestFitGolden(t *testing.T) {
	g, load := loadGolden(t)
	gf := g.Fit
	y, z := load("fit_y", gf.Trials*gf.Steps, 12), load("fit_z", gf.Trials*gf.Steps, 2)
	d, err := decode.Decompose(dropSteps(y, gf.Trials, gf.Steps, gf.Drop))
	if err != nil {
		t.Fatal(err)
	}
	s := Settings{Components: 12}.Resolved()
	for i, c := range d.CumulativeVarianceRatio() {
		if !relClose(c, gf.CumVar[i], 1e-10) {
			t.Errorf("cumulative variance %d = %v, scikit-learn %v", i+1, c, gf.CumVar[i])
		}
	}
	curve, dfit, err := fittingCurve(d, y, z, gf.Train*gf.Steps, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) != len(gf.R2) {
		t.Fatalf("curve of %d points, reference %d", len(curve), len(gf.R2))
	}
	for i, p := range curve {
		if math.Abs(p.R2-gf.R2[i]) > 1e-8 || !relClose(p.Alpha, gf.Alpha[i], 1e-14) { // α: the grid agrees with numpy.logspace to an ulp
			t.Errorf("k = %d: R² %.12g α %g; scikit-learn %.12g α %g", p.K, p.R2, p.Alpha, gf.R2[i], gf.Alpha[i])
		}
	}
	if dfit != gf.DFit {
		t.Errorf("D_fit = %d, reference %d", dfit, gf.DFit)
	}
	if dv := regimes.VarianceDimension(d, 0.9); dv != gf.DVar {
		t.Errorf("D_var = %d, reference %d", dv, gf.DVar)
	}
}

// TestPerturbGolden runs the perturbation analysis of small float64
// networks on task-shaped batches against a NumPy simulation: the windows
// exactly, the losses and AUCs to 1e-9 relative (float64 Euler steps in
// both, summed in different orders).
func TestPerturbGolden(t *testing.T) {
	g, load := loadGolden(t)
	for _, name := range tasks.Names() {
		gp, ok := g.Perturb[name]
		if !ok {
			t.Fatalf("no golden for %s", name)
		}
		t.Run(name, func(t *testing.T) {
			pre := "perturb_" + name + "_"
			tr, st, in, out, n := gp.Trials, gp.Steps, gp.Inputs, gp.Outputs, gp.N
			b := tasks.NewBatch(name, tr, st, in, out)
			copy(b.Input, load(pre+"input", tr*st, in).RawMatrix().Data)
			copy(b.Target, load(pre+"target", tr*st, out).RawMatrix().Data)
			for i, v := range load(pre+"mask", tr*st, out).RawMatrix().Data {
				b.Mask[i] = v != 0
			}
			net := &rnn.Network{W: load(pre+"w", n, n), WIn: load(pre+"w_in", n, in), WOut: load(pre+"w_out", out, n)}
			var e rnn.Engine[float64]
			states, outputs := e.SimulateFrom(net, b, load(pre+"x0", tr, n), rnn.Noise{}, true)

			w, err := LossWindow(name, b, 5)
			if err != nil {
				t.Fatal(err)
			}
			if w.TMin != gp.TMin || math.Abs(w.TMax-gp.TMax) > 1e-12 || math.Abs(w.Start-gp.Start) > 1e-12 {
				t.Errorf("window t ∈ [%g, %g], loss from %g; NumPy [%g, %g] from %g", w.TMin, w.TMax, w.Start, gp.TMin, gp.TMax, gp.Start)
			}
			wm, wt := load(pre+"window_mask", tr*st, out).RawMatrix().Data, load(pre+"window_target", tr*st, out).RawMatrix().Data
			for i := range wm {
				if w.Mask[i] != (wm[i] != 0) || (w.Mask[i] && w.Target[i] != wt[i]) {
					t.Fatalf("window entry %d: mask %v target %v; NumPy %v %v", i, w.Mask[i], w.Target[i], wm[i] != 0, wt[i])
				}
			}
			var steps []int
			for _, tm := range decode.Linspace(w.TMin, w.TMax, len(gp.StepsPert)) {
				steps = append(steps, gridStep(tm, b.Dt))
			}
			if fmt.Sprint(steps) != fmt.Sprint(gp.StepsPert) {
				t.Errorf("perturbation steps %v, NumPy %v", steps, gp.StepsPert)
			}
			amps := decode.Linspace(0, PerturbSettings{}.MaxAmplitude(name)*math.Sqrt(float64(n)), len(gp.Amplitudes))
			d, err := decode.Decompose(dropSteps(states, b.Trials, b.Steps, 50))
			if err != nil {
				t.Fatal(err)
			}
			pcs := mat.DenseCopyOf(d.V.Slice(0, n, 0, 2))
			orient(pcs)
			bases := [4]*mat.Dense{Out: must(rowBasis(net.WOut)), PC: pcs, In: must(rowBasis(net.WIn.T()))}
			na, nt := len(amps), len(steps)
			coefs := [4]*mat.Dense{}
			for _, kind := range Directions {
				r := n
				if bases[kind] != nil {
					_, r = bases[kind].Dims()
				}
				coefs[kind] = load(pre+"coef_"+kind.String(), nt*na*tr, r)
			}
			dirs := func(kind Direction, ti, ai int) *mat.Dense {
				_, r := coefs[kind].Dims()
				lo := (ti*na + ai) * tr
				c := mat.DenseCopyOf(coefs[kind].Slice(lo, lo+tr, 0, r))
				return fromCoefficients(bases[kind], c, kind != Random)
			}
			p := &Perturbation{Window: w, Steps: steps, Amplitudes: amps}
			p.Loss, p.Unperturbed = perturbLosses(&e, net, b, states, outputs, w, steps, amps, dirs, nil)
			p.summarise()
			if !relClose(p.Unperturbed, gp.Unperturbed, 1e-10) {
				t.Errorf("unperturbed loss %.15g, NumPy %.15g", p.Unperturbed, gp.Unperturbed)
			}
			ref := load(pre+"loss", 4, na*nt).RawMatrix().Data
			for k := range Directions {
				for a := 0; a < na; a++ {
					for ti := 0; ti < nt; ti++ {
						if want := ref[(k*na+a)*nt+ti]; !relClose(p.Loss[k][a][ti], want, 1e-9) {
							t.Errorf("%v a=%.3g t=%d: loss %.12g, NumPy %.12g", Directions[k], amps[a], steps[ti], p.Loss[k][a][ti], want)
						}
					}
				}
				if !relClose(p.AUC[k], gp.AUC[k], 1e-9) {
					t.Errorf("AUC %v = %.12g, NumPy %.12g", Directions[k], p.AUC[k], gp.AUC[k])
				}
			}
			if !relClose(p.Relative, gp.Relative, 1e-9) {
				t.Errorf("relative susceptibility %.12g, NumPy %.12g", p.Relative, gp.Relative)
			}
		})
	}
}

// TestNoiseGolden checks the residual variances along random, output and
// PC directions and the ratios against NumPy (torch's var, ddof 1).
func TestNoiseGolden(t *testing.T) {
	g, load := loadGolden(t)
	gn := g.Noise
	rows := gn.Conditions * gn.Repeats * gn.Steps
	states := load("noise_states", rows, gn.N)
	cov, pcs, err := residualStats(states, gn.Conditions, gn.Repeats, gn.Steps)
	if err != nil {
		t.Fatal(err)
	}
	wout := load("noise_w_out", 2, gn.N)
	nc := &NoiseCompression{
		VarRandom: variances(cov, fromCoefficients(nil, load("noise_rand", 50, gn.N), false)),
		VarOut:    variances(cov, fromCoefficients(must(rowBasis(wout)), load("noise_out", 20, 2), false)),
		VarPC:     variances(cov, fromCoefficients(pcs, load("noise_pc", 20, 2), false)),
	}
	nc.summarise()
	for _, c := range []struct {
		name      string
		got       []float64
		want      *mat.Dense
		wantCount int
	}{
		{"random", nc.VarRandom, load("noise_var_random", 50, 1), 50},
		{"out", nc.VarOut, load("noise_var_out", 20, 1), 20},
		{"pc", nc.VarPC, load("noise_var_pc", 20, 1), 20},
	} {
		for i, v := range c.got {
			if want := c.want.At(i, 0); !relClose(v, want, 1e-10) {
				t.Errorf("%s direction %d: variance %.15g, NumPy %.15g", c.name, i, v, want)
			}
		}
	}
	if !relClose(nc.Ratio, gn.Ratio, 1e-10) || !relClose(nc.RatioPC, gn.RatioPC, 1e-10) {
		t.Errorf("ratios %v, %v; NumPy %v, %v", nc.Ratio, nc.RatioPC, gn.Ratio, gn.RatioPC)
	}
}

// must returns v, panicking on err: for bases of weights that are
// independent by construction.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
