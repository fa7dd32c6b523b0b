package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

// ModelRun is one network of `oblique models`: where it came from, how it
// was trained, and its measures (or the error that stopped them).
type ModelRun struct {
	// Name is the run directory's base name (task-regime-sSEED for the
	// bundled runs); Source the directory, or "bundled:runs/NAME".
	Name, Source string
	Task, Regime string
	Seed         uint64
	N            int
	G            float64
	Steps        int
	// TrainEvalRatio is the run's own acceptance measure from run.json
	// (evaluation loss / zero-output loss).
	TrainEvalRatio float64
	Result         *modelmeasures.Result
	Err            error
}

// ModelSetting is one setting (task × regime × N × g): the means over its
// runs (seeds) and the dissimilarities between them.
type ModelSetting struct {
	Task, Regime string
	N            int
	G            float64
	// Runs are the names of the runs, Seeds their seeds (failed runs left
	// out).
	Runs  []string
	Seeds []uint64
	// Pairs name the pairs of runs ("s1-s2"), Dissimilarity their shape
	// distances (modelmeasures.Dissimilarity).
	Pairs         []string
	Dissimilarity []float64
}

// settingKey groups runs.
func settingKey(r ModelRun) string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%g", r.Task, r.Regime, r.N, r.G)
}

// GroupSettings groups the analysed runs (in their order) into settings;
// the caller fills in the dissimilarities.
func GroupSettings(runs []ModelRun) []ModelSetting {
	var out []ModelSetting
	idx := map[string]int{}
	for _, r := range runs {
		if r.Err != nil || r.Result == nil {
			continue
		}
		k := settingKey(r)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, ModelSetting{Task: r.Task, Regime: r.Regime, N: r.N, G: r.G})
		}
		out[i].Runs = append(out[i].Runs, r.Name)
		out[i].Seeds = append(out[i].Seeds, r.Seed)
	}
	return out
}

// ModelRunFields is the schema of the models table, one row per network.
// It is documented in the README; keep the two in step and only add
// columns.
var ModelRunFields = []Field{
	{"run", String, "", "run name (directory base name: TASK-REGIME-sSEED for the bundled runs)"},
	{"source", String, "", "run directory, or bundled:runs/NAME for the runs embedded in oblique"},
	{"error", String, "", "why the run could not be analysed; null when it was"},
	{"task", String, "", "task the network was trained on"},
	{"regime", String, "", "aligned (small initial output weights) or oblique (large)"},
	{"seed", Uint, "", "training seed of the run"},
	{"n", Int, "units", "network size N"},
	{"g", Float, "", "initial recurrent gain g"},
	{"steps", Int, "", "training steps done"},
	{"train_eval_ratio", Float, "", "the run's evaluation loss over the zero-output loss, from run.json (< 0.1: trained)"},
	{"loss", Float, "", "task loss (masked MSE) on the analysis trials, no state noise, x₀ ~ N(0, 1)"},
	{"zero_loss", Float, "", "loss of an output that is always zero on the same trials"},
	{"samples", Int, "samples", "states used for ρ, norms and dimensions: trials × steps kept"},
	{"rho", Float, "", "generalised correlation ρ = ‖W_out Yᵀ‖/√(‖W_out W_outᵀ‖ ‖Y Yᵀ‖), rows centred across neurons (model form, paper Eq. 7)"},
	{"w_out_norm", Float, "", "‖W_out‖ = √N × RMS of the output weights (paper Fig. 3B)"},
	{"state_norm", Float, "", "‖x‖ = √N × RMS of the states (paper Fig. 3C)"},
	{"d_var", Int, "components", "fewest PCs with cumulative variance share > 0.9"},
	{"d_fit", Int, "components", "fewest PCs whose ridge decoder (trained on 24 of 32 trials) reaches R² > 0.9 on all trials; null if none"},
	{"fit_ratio", Float, "", "d_fit / d_var"},
	{"rel_susceptibility", Float, "", "AUC_out / AUC_pc: long-term loss after perturbations along the output weights relative to along the top-2 PCs (paper Fig. 5D)"},
	{"auc_out", Float, "", "sum over amplitudes of the time-averaged loss, perturbations in the output-weight plane"},
	{"auc_pc", Float, "", "same, perturbations in the plane of the first two PCs"},
	{"auc_random", Float, "", "same, random directions"},
	{"auc_in", Float, "", "same, perturbations in the input-weight span"},
	{"unperturbed_loss", Float, "", "loss in the perturbation window without perturbation"},
	{"noise_ratio", Float, "", "mean residual variance along output directions / along random directions (paper Fig. 6; > 1 aligned, < 1 oblique)"},
	{"noise_ratio_pc", Float, "", "mean residual variance along PC-plane directions / along random directions"},
	{"noise_var_out_mean", Float, "state²", "mean residual variance along the output directions"},
	{"noise_var_pc_mean", Float, "state²", "mean residual variance along the PC-plane directions"},
	{"noise_var_random_mean", Float, "state²", "mean residual variance along the random directions"},
	{"cum_var", Floats, "", "cumulative variance share of the first k PCs, k = 1…N"},
	{"r2_k", Floats, "", "model-rule R² of the output from the first k PCs, k = 1…max(30, d_fit)"},
	{"alpha_k", Floats, "", "ridge penalty chosen for each k"},
	{"pert_amplitudes", Floats, "state", "perturbation amplitudes |Δx|, linspace(0, A·√N, 21)"},
	{"pert_times", Floats, "τ", "perturbation times, linspace(t_min, t_max, 10) on the Euler grid"},
	{"pert_window_start", Float, "τ", "start of the loss window (scored entries before it removed)"},
	{"pert_loss_out", FloatsLL, "", "loss after output-plane perturbations, [amplitude][time]"},
	{"pert_loss_pc", FloatsLL, "", "loss after PC-plane perturbations, [amplitude][time]"},
	{"pert_loss_random", FloatsLL, "", "loss after random perturbations, [amplitude][time]"},
	{"pert_loss_in", FloatsLL, "", "loss after input-span perturbations, [amplitude][time]"},
	{"noise_var_out", Floats, "state²", "residual variance along each output-plane direction"},
	{"noise_var_pc", Floats, "state²", "residual variance along each PC-plane direction"},
	{"noise_var_random", Floats, "state²", "residual variance along each random direction"},
	{"noise_sigma", Float, "", "state noise σ of the replays (the training noise)"},
	{"analysis_seed", Uint, "", "seed of every random draw of the analysis"},
	{"notes", Strings, "", "remarks"},
}

// ModelSettingFields is the schema of the settings table, one row per task ×
// regime (× N × g): means and standard deviations (ddof 0) over the seeds.
var ModelSettingFields = []Field{
	{"task", String, "", "task"},
	{"regime", String, "", "aligned or oblique"},
	{"n", Int, "units", "network size N"},
	{"g", Float, "", "initial recurrent gain g"},
	{"runs", Int, "", "networks (seeds) analysed"},
	{"seeds", Ints, "", "their training seeds"},
	{"rho_mean", Float, "", "mean generalised correlation ρ (model form)"},
	{"rho_sd", Float, "", "its standard deviation over seeds"},
	{"w_out_norm_mean", Float, "", "mean ‖W_out‖"},
	{"state_norm_mean", Float, "", "mean ‖x‖"},
	{"d_var_mean", Float, "components", "mean D_var"},
	{"d_fit_mean", Float, "components", "mean D_fit (runs without one left out)"},
	{"fit_ratio_mean", Float, "", "mean D_fit/D_var"},
	{"rel_susceptibility_mean", Float, "", "mean relative susceptibility AUC_out/AUC_pc"},
	{"rel_susceptibility_sd", Float, "", "its standard deviation"},
	{"noise_ratio_mean", Float, "", "mean output/random noise ratio"},
	{"noise_ratio_sd", Float, "", "its standard deviation"},
	{"dissimilarity_mean", Float, "rad", "mean shape distance between the networks of the setting (Williams et al. α = 1, paper Fig. 4C); null with one network"},
	{"dissimilarity_sd", Float, "rad", "its standard deviation over pairs"},
	{"dissimilarity", Floats, "rad", "shape distance of each pair"},
	{"pairs", Strings, "", "the pairs, as seed pairs s1-s2"},
	{"analysis_seed", Uint, "", "seed of every random draw of the analysis"},
}

// ModelTrajectoryFields is the schema of the trajectories table (paper Fig.
// 2B): one row per network and trial, the states projected on PC1, PC2 and
// the part of the first output vector orthogonal to them.
var ModelTrajectoryFields = []Field{
	{"run", String, "", "run name"},
	{"task", String, "", "task"},
	{"regime", String, "", "aligned or oblique"},
	{"seed", Uint, "", "training seed"},
	{"trial", Int, "", "evaluation trial"},
	{"time", Floats, "τ", "time of each step, every step of the trial (the first 10 τ included)"},
	{"pc1", Floats, "state", "state projected on the first principal axis"},
	{"pc2", Floats, "state", "state projected on the second principal axis"},
	{"out_perp", Floats, "state", "state projected on the first output vector's part orthogonal to PC1 and PC2 (normalised)"},
	{"w_out", FloatsLL, "", "each output vector in these three coordinates, [output][axis]"},
	{"analysis_seed", Uint, "", "seed of the analysis"},
}

// ModelsMetadata is the schema metadata of the three models tables.
func ModelsMetadata(table, runs string, s modelmeasures.Settings) map[string]string {
	s = s.Resolved()
	js, _ := json.Marshal(s)
	return map[string]string{
		"tool":     "oblique",
		"version":  version.String(),
		"table":    table,
		"seed":     strconv.FormatUint(s.Seed, 10),
		"runs":     runs,
		"settings": string(js),
		"measures": "METHODS.md §4–5; oblique README, `oblique models`",
	}
}

// ModelsTable builds the table of runs.
func ModelsTable(rows []ModelRun, runs string, s modelmeasures.Settings) *Table {
	t := NewTable(ModelRunFields, ModelsMetadata("models", runs, s))
	for _, r := range rows {
		vals := make([]any, len(ModelRunFields))
		vals[0], vals[1] = r.Name, r.Source
		vals[3], vals[4], vals[5], vals[6], vals[7], vals[8], vals[9] = r.Task, r.Regime, r.Seed, r.N, r.G, r.Steps, r.TrainEvalRatio
		vals[len(vals)-2] = s.Seed
		if r.Err != nil || r.Result == nil {
			msg := "no result"
			if r.Err != nil {
				msg = r.Err.Error()
			}
			vals[2] = msg
			for i := 10; i < len(vals)-2; i++ {
				if ModelRunFields[i].Type == Float {
					vals[i] = math.NaN()
				}
			}
			t.Append(vals...)
			continue
		}
		res := r.Result
		var dfit any
		if res.DFit > 0 {
			dfit = res.DFit
		}
		r2k, ak := make([]float64, len(res.Fit)), make([]float64, len(res.Fit))
		for i, p := range res.Fit {
			r2k[i], ak[i] = p.R2, p.Alpha
		}
		nan := math.NaN()
		rel, auc, unpert := nan, [4]float64{nan, nan, nan, nan}, nan
		var loss [4]any
		start := nan
		var ampList, timeList any
		if p := res.Perturbation; p != nil {
			rel, auc, unpert, start = p.Relative, p.AUC, p.Unperturbed, p.Window.Start
			ampList, timeList = p.Amplitudes, p.Times
			for d := range p.Loss {
				loss[d] = p.Loss[d]
			}
		}
		nr, nrpc, vo, vp, vr, sigma := nan, nan, nan, nan, nan, nan
		var lo, lp, lr any
		if nc := res.Noise; nc != nil {
			nr, nrpc, vo, vp, vr, sigma = nc.Ratio, nc.RatioPC, nc.MeanOut, nc.MeanPC, nc.MeanRandom, nc.Sigma
			lo, lp, lr = nc.VarOut, nc.VarPC, nc.VarRandom
		}
		copy(vals[10:], []any{
			res.Loss, res.ZeroLoss, res.Samples,
			res.Rho, res.OutNorm, res.StateNorm, res.DVar, dfit, res.Ratio,
			rel, auc[modelmeasures.Out], auc[modelmeasures.PC], auc[modelmeasures.Random], auc[modelmeasures.In], unpert,
			nr, nrpc, vo, vp, vr,
			res.CumVar, r2k, ak,
			ampList, timeList, start, loss[0], loss[1], loss[2], loss[3],
			lo, lp, lr, sigma,
		})
		vals[len(vals)-1] = nilIfEmpty(res.Notes)
		t.Append(vals...)
	}
	return t
}

// SettingSummary holds the means of one setting, computed from its runs.
type SettingSummary struct {
	ModelSetting
	RhoMean, RhoSD, OutNorm, StateNorm, DVar, DFit, Ratio float64
	RelMean, RelSD, NoiseMean, NoiseSD                    float64
	DissimMean, DissimSD                                  float64
}

// Summarise computes the means over the runs of each setting.
func Summarise(settings []ModelSetting, rows []ModelRun) []SettingSummary {
	byName := map[string]*modelmeasures.Result{}
	for _, r := range rows {
		if r.Err == nil && r.Result != nil {
			byName[r.Name] = r.Result
		}
	}
	out := make([]SettingSummary, len(settings))
	for i, st := range settings {
		var rho, wn, xn, dv, df, ratio, rel, noise []float64
		for _, name := range st.Runs {
			r := byName[name]
			rho, wn, xn, dv = append(rho, r.Rho), append(wn, r.OutNorm), append(xn, r.StateNorm), append(dv, float64(r.DVar))
			if r.DFit > 0 {
				df, ratio = append(df, float64(r.DFit)), append(ratio, r.Ratio)
			}
			if r.Perturbation != nil {
				rel = append(rel, r.Perturbation.Relative)
			}
			if r.Noise != nil {
				noise = append(noise, r.Noise.Ratio)
			}
		}
		s := SettingSummary{ModelSetting: st}
		s.RhoMean, s.RhoSD = meanSD(rho)
		s.OutNorm, _ = meanSD(wn)
		s.StateNorm, _ = meanSD(xn)
		s.DVar, _ = meanSD(dv)
		s.DFit, _ = meanSD(df)
		s.Ratio, _ = meanSD(ratio)
		s.RelMean, s.RelSD = meanSD(rel)
		s.NoiseMean, s.NoiseSD = meanSD(noise)
		s.DissimMean, s.DissimSD = meanSD(st.Dissimilarity)
		out[i] = s
	}
	return out
}

func meanSD(v []float64) (float64, float64) {
	var clean []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			clean = append(clean, x)
		}
	}
	if len(clean) == 0 {
		return math.NaN(), math.NaN()
	}
	var m float64
	for _, x := range clean {
		m += x
	}
	m /= float64(len(clean))
	var ss float64
	for _, x := range clean {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(clean)))
}

// SettingsTable builds the table of settings.
func SettingsTable(sums []SettingSummary, runs string, s modelmeasures.Settings) *Table {
	t := NewTable(ModelSettingFields, ModelsMetadata("models-settings", runs, s))
	for _, m := range sums {
		seeds := make([]int, len(m.Seeds))
		for i, v := range m.Seeds {
			seeds[i] = int(v)
		}
		t.Append(m.Task, m.Regime, m.N, m.G, len(m.Runs), seeds,
			m.RhoMean, m.RhoSD, m.OutNorm, m.StateNorm, m.DVar, m.DFit, m.Ratio,
			m.RelMean, m.RelSD, m.NoiseMean, m.NoiseSD,
			m.DissimMean, m.DissimSD, nilIfEmpty(m.Dissimilarity), nilIfEmpty(m.Pairs), s.Resolved().Seed)
	}
	return t
}

// TrajectoryTable builds the table of projected trajectories.
func TrajectoryTable(rows []ModelRun, runs string, s modelmeasures.Settings) *Table {
	t := NewTable(ModelTrajectoryFields, ModelsMetadata("models-trajectories", runs, s))
	for _, r := range rows {
		if r.Err != nil || r.Result == nil || r.Result.Projection == nil {
			continue
		}
		p := r.Result.Projection
		wout := make([][]float64, len(p.Out))
		for k, c := range p.Out {
			wout[k] = c[:]
		}
		for i, tr := range p.Trials {
			var a [3][]float64
			for _, x := range p.States[i] {
				for j := range a {
					a[j] = append(a[j], x[j])
				}
			}
			t.Append(r.Name, r.Task, r.Regime, r.Seed, tr, p.Time, a[0], a[1], a[2], wout, s.Resolved().Seed)
		}
	}
	return t
}

// PrintModels writes the runs and the settings as text tables.
func PrintModels(w io.Writer, rows []ModelRun, sums []SettingSummary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\ttask\tregime\tseed\tloss/zero\tρ\t‖W_out‖\t‖x‖\tD_var\tD_fit\tD_fit/D_var\trel. suscept.\tnoise out/rand\t")
	for _, r := range rows {
		if r.Err != nil || r.Result == nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\tfailed: see below\t\t\t\t\t\t\t\t\t\n", r.Name, r.Task, r.Regime, r.Seed)
			continue
		}
		res := r.Result
		dfit, ratio := "n/a", "n/a"
		if res.DFit > 0 {
			dfit, ratio = strconv.Itoa(res.DFit), fmt.Sprintf("%.2f", res.Ratio)
		}
		rel, noise := "—", "—"
		if res.Perturbation != nil {
			rel = fmt.Sprintf("%.3f", res.Perturbation.Relative)
		}
		if res.Noise != nil {
			noise = fmt.Sprintf("%.3f", res.Noise.Ratio)
		}
		lz := math.NaN()
		if res.ZeroLoss > 0 {
			lz = res.Loss / res.ZeroLoss
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.2f\t%d\t%s\t%s\t%s\t%s\t\n",
			r.Name, r.Task, r.Regime, r.Seed, lz, res.Rho, res.OutNorm, res.StateNorm, res.DVar, dfit, ratio, rel, noise)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Means over seeds:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "task\tregime\truns\tρ\t‖W_out‖\t‖x‖\tD_var\tD_fit\tD_fit/D_var\trel. suscept.\tnoise out/rand\tdissimilarity\t")
	for _, s := range sums {
		dis := "—"
		if !math.IsNaN(s.DissimMean) {
			dis = fmt.Sprintf("%.3f", s.DissimMean)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%.2f\t%.1f\t%.1f\t%.2f\t%s\t%s\t%s\t\n",
			s.Task, s.Regime, len(s.Runs), s.RhoMean, s.OutNorm, s.StateNorm, s.DVar, s.DFit, s.Ratio,
			fmtNaN(s.RelMean, "%.3f"), fmtNaN(s.NoiseMean, "%.3f"), dis)
	}
	tw.Flush()
	for _, r := range rows {
		if r.Err != nil {
			fmt.Fprintf(w, "%s: error: %v\n", r.Name, r.Err)
			continue
		}
		if r.Result != nil {
			for _, n := range r.Result.Notes {
				fmt.Fprintf(w, "%s: note: %s\n", r.Name, n)
			}
		}
	}
}

func fmtNaN(v float64, f string) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf(f, v)
}
