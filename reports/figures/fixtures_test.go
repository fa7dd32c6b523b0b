package figures

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/oblique-neuro/oblique/arrowtable"
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

func (f *fixture) table(meta map[string]string) *arrowtable.Table {
	types := map[string]arrowtable.Field{}
	for _, r := range f.rows {
		for k, v := range r {
			var ty arrow.DataType = arrowtable.String
			switch v.(type) {
			case float64:
				ty = arrowtable.Float
			case int:
				ty = arrowtable.Int
			case uint64:
				ty = arrowtable.Uint
			case []float64:
				ty = arrowtable.Floats
			case []int:
				ty = arrowtable.Ints
			case []string:
				ty = arrowtable.Strings
			case [][]float64:
				ty = arrowtable.FloatsLL
			}
			types[k] = arrowtable.Field{Name: k, Type: ty}
		}
	}
	names := make([]string, 0, len(types))
	for k := range types {
		names = append(names, k)
	}
	sort.Strings(names)
	fields := make([]arrowtable.Field, len(names))
	for i, n := range names {
		fields[i] = types[n]
	}
	meta["table"] = f.kind
	t := arrowtable.New(fields, meta)
	for _, r := range f.rows {
		row := t.Row()
		for _, fl := range fields {
			appendAny(row, r[fl.Name])
		}
		row.End()
	}
	return t
}

// appendAny appends v to the row with the method of its type; nil is null.
func appendAny(r *arrowtable.Row, v any) {
	switch v := v.(type) {
	case nil:
		r.Null()
	case string:
		r.Str(v)
	case float64:
		r.Float(v)
	case int:
		r.Int(v)
	case uint64:
		r.Uint(v)
	case []float64:
		r.Floats(v)
	case []int:
		r.Ints(v)
	case []string:
		r.Strs(v)
	case [][]float64:
		r.FloatsLL(v)
	default:
		panic(fmt.Sprintf("fixture: no column type for %T", v))
	}
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
	for name, tb := range map[string]*arrowtable.Table{"paper.arrow": paper, "models.arrow": models.table(meta()),
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
