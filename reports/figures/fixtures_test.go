package figures

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/oblique-neuro/oblique/reports"
)

// fixture accumulates the rows of a synthetic table by column name. Its
// schema is inferred from the values (the columns the figures read, with
// the types of the real tables), so that the fixtures depend on nothing
// but the column names the figures use.
type fixture struct {
	kind string
	rows []map[string]any
}

func (f *fixture) add(row map[string]any) { f.rows = append(f.rows, row) }

func (f *fixture) table(meta map[string]string) *reports.Table {
	types := map[string]reports.Field{}
	for _, r := range f.rows {
		for k, v := range r {
			var ty arrow.DataType = reports.String
			switch v.(type) {
			case float64:
				ty = reports.Float
			case int:
				ty = reports.Int
			case uint64:
				ty = reports.Uint
			case []float64:
				ty = reports.Floats
			case []int:
				ty = reports.Ints
			case []string:
				ty = reports.Strings
			case [][]float64:
				ty = reports.FloatsLL
			}
			types[k] = reports.Field{Name: k, Type: ty}
		}
	}
	names := make([]string, 0, len(types))
	for k := range types {
		names = append(names, k)
	}
	sort.Strings(names)
	fields := make([]reports.Field, len(names))
	for i, n := range names {
		fields[i] = types[n]
	}
	meta["table"] = f.kind
	t := reports.NewTable(fields, meta)
	for _, r := range f.rows {
		vals := make([]any, len(fields))
		for i, fl := range fields {
			vals[i] = r[fl.Name]
		}
		t.Append(vals...)
	}
	return t
}

// fixtureTasks are the tasks of the synthetic model tables.
var fixtureTasks = []string{"cycling", "flipflop", "mante", "romo", "complex-sine"}

// writeFixtures writes synthetic models, models-settings,
// models-trajectories and compare tables (seeded, with the shapes and
// magnitudes of the bundled runs) into dir, beside the committed analysis
// of the Golub recording and the paper table, and returns the set.
func writeFixtures(t *testing.T, dir string) *Set {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	settingsJSON := `{"Trials":32,"Drop":10,"TrainTrials":24,"VarThreshold":0.9,"FitThreshold":0.9,"Components":30,"Seed":0}`
	meta := func() map[string]string {
		return map[string]string{"tool": "oblique", "version": "test", "seed": "0", "runs": "synthetic", "settings": settingsJSON}
	}
	models, sets := &fixture{kind: "models"}, &fixture{kind: "models-settings"}
	trajs, cmp := &fixture{kind: "models-trajectories"}, &fixture{kind: "compare"}
	const n = 128
	cmp.add(map[string]any{
		"recording": "golub2018-before", "kind": "recording", "neurons": 86, "samples": 402,
		"r2": 1.0, "rho": 0.165, "rho_sqrt_n": 1.53, "d_var": 59.0, "d_fit": 18.0, "fit_ratio": 0.305, "slope": 0.16,
		"score": 0.31, "score_lo": 0.2, "score_hi": 0.45, "analysis_seed": uint64(0),
	})
	for ti, task := range fixtureTasks {
		for _, regime := range []string{"aligned", "oblique"} {
			obl := regime == "oblique"
			var seeds []int
			var rhos []float64
			for seed := 1; seed <= 2; seed++ {
				name := task + "-" + regime + "-s" + string(rune('0'+seed))
				rho := 0.5 + 0.1*rng.Float64()
				wout, xn := 0.1+0.02*rng.Float64(), 3+rng.Float64()
				dvar := 3 + ti + rng.IntN(3)
				dfit := 2 + rng.IntN(3)
				rel, noise := 0.9+0.3*rng.Float64(), 1.5+rng.Float64()
				if obl {
					rho, wout, xn = rho/8, 1+0.1*rng.Float64(), 2+rng.Float64()
					dfit, rel, noise = 3*dvar+rng.IntN(5), 0.1+0.1*rng.Float64(), 0.3+0.3*rng.Float64()
				}
				cum := make([]float64, n)
				for k := range cum {
					cum[k] = 1 - math.Exp(-float64(k+1)/float64(dvar)*2.3)
				}
				r2 := make([]float64, 30)
				for k := range r2 {
					r2[k] = 1 - math.Exp(-float64(k+1)/float64(dfit)*2.3)
				}
				amps := make([]float64, 21)
				for a := range amps {
					amps[a] = float64(a) * 10 * math.Sqrt(n) / 20
				}
				loss := func(scale float64) [][]float64 {
					out := make([][]float64, 21)
					for a := range out {
						out[a] = make([]float64, 10)
						for k := range out[a] {
							out[a][k] = scale * (1 - math.Exp(-float64(a)/8)) * (0.8 + 0.4*rng.Float64())
						}
					}
					return out
				}
				models.add(map[string]any{
					"run": name, "source": "synthetic", "task": task, "regime": regime, "seed": uint64(seed), "n": n, "g": 1.5,
					"steps": 1000, "rho": rho, "w_out_norm": wout, "state_norm": xn, "d_var": dvar, "d_fit": dfit,
					"fit_ratio": float64(dfit) / float64(dvar), "rel_susceptibility": rel, "noise_ratio": noise,
					"noise_var_out_mean": 0.01 * noise, "noise_var_pc_mean": 0.05, "noise_var_random_mean": 0.01,
					"cum_var": cum, "r2_k": r2, "pert_amplitudes": amps, "pert_loss_out": loss(rel), "pert_loss_pc": loss(1),
					"analysis_seed": uint64(0),
				})
				cmp.add(map[string]any{
					"recording": "golub2018-before", "kind": "model", "run": name, "task": task, "regime": regime, "seed": uint64(seed),
					"neurons": 86, "rho": rho / 3, "rho_sqrt_n": rho / 3 * math.Sqrt(86), "fit_ratio": float64(dfit) / float64(dvar),
					"score": map[bool]float64{false: 0.1, true: 0.9}[obl], "analysis_seed": uint64(0),
				})
				if ti == 0 {
					for trial := 0; trial < 4; trial++ {
						var tm, p1, p2, po []float64
						sign := float64(1 - 2*(trial%2))
						for k := 0; k < 360; k++ {
							ph := 2 * math.Pi * 0.1 * float64(k) * 0.2
							tm = append(tm, float64(k)*0.2)
							p1 = append(p1, 3*math.Cos(ph))
							p2 = append(p2, 3*math.Sin(ph))
							amp := 2.0
							if obl {
								amp = 0.1
							}
							po = append(po, amp*sign*math.Sin(ph))
						}
						trajs.add(map[string]any{
							"run": name, "task": task, "regime": regime, "seed": uint64(seed), "trial": trial,
							"time": tm, "pc1": p1, "pc2": p2, "out_perp": po,
							"w_out": [][]float64{{0.2, 0.1, 0.9}, {0.1, 0.3, 0.5}}, "analysis_seed": uint64(0),
						})
					}
				}
				seeds = append(seeds, seed)
				rhos = append(rhos, rho)
			}
			sets.add(map[string]any{
				"task": task, "regime": regime, "n": n, "g": 1.5, "runs": 2, "seeds": seeds,
				"rho_mean": (rhos[0] + rhos[1]) / 2, "dissimilarity_mean": map[bool]float64{false: 0.3, true: 0.8}[obl],
				"dissimilarity": []float64{map[bool]float64{false: 0.3, true: 0.8}[obl]}, "pairs": []string{"s1-s2"},
			})
		}
	}
	s := &Set{}
	paper := PaperTable()
	for name, tb := range map[string]*reports.Table{"paper.arrow": paper, "models.arrow": models.table(meta()),
		"models-settings.arrow": sets.table(meta()), "models-trajectories.arrow": trajs.table(meta()), "compare.arrow": cmp.table(meta())} {
		if err := tb.WriteFile(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		tb.Release()
	}
	for _, name := range []string{"paper.arrow", filepath.Join("..", "testdata", "golub-analyze.arrow"), "models.arrow",
		"models-settings.arrow", "models-trajectories.arrow", "compare.arrow"} {
		path := filepath.Join(dir, name)
		if filepath.Dir(name) != "." {
			path = filepath.Join("testdata", "golub-analyze.arrow")
		}
		tb, err := ReadTable(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Tables = append(s.Tables, tb)
	}
	return s
}
