package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

// ModelRunFields is the schema of the models table, one row per network.
// It is documented in the README; keep the two in step and only add
// columns.
var ModelRunFields = []arrowtable.Field{
	{Name: "run", Type: tString, Unit: "", Doc: "run name (directory base name: TASK-REGIME-sSEED for the bundled runs)"},
	{Name: "source", Type: tString, Unit: "", Doc: "run directory, or bundled:runs/NAME for the runs embedded in oblique"},
	{Name: "error", Type: tString, Unit: "", Doc: "why the run could not be analysed; null when it was"},
	{Name: "task", Type: tString, Unit: "", Doc: "task the network was trained on"},
	{Name: "regime", Type: tString, Unit: "", Doc: "aligned (small initial output weights) or oblique (large)"},
	{Name: "seed", Type: tUint, Unit: "", Doc: "training seed of the run"},
	{Name: "n", Type: tInt, Unit: "units", Doc: "network size N"},
	{Name: "g", Type: tFloat, Unit: "", Doc: "initial recurrent gain g"},
	{Name: "steps", Type: tInt, Unit: "", Doc: "training steps done"},
	{Name: "train_eval_ratio", Type: tFloat, Unit: "", Doc: "the run's evaluation loss over the zero-output loss, from run.json (< 0.1: trained)"},
	{Name: "loss", Type: tFloat, Unit: "", Doc: "task loss (masked MSE) on the analysis trials, no state noise, x₀ ~ N(0, 1)"},
	{Name: "zero_loss", Type: tFloat, Unit: "", Doc: "loss of an output that is always zero on the same trials"},
	{Name: "samples", Type: tInt, Unit: "samples", Doc: "states used for ρ, norms and dimensions: trials × steps kept"},
	{Name: "rho", Type: tFloat, Unit: "", Doc: "generalised correlation ρ = ‖W_out Yᵀ‖/√(‖W_out W_outᵀ‖ ‖Y Yᵀ‖), rows centred across neurons (model form, paper Eq. 7)"},
	{Name: "w_out_norm", Type: tFloat, Unit: "", Doc: "‖W_out‖ = √N × RMS of the output weights (paper Fig. 3B)"},
	{Name: "state_norm", Type: tFloat, Unit: "", Doc: "‖x‖ = √N × RMS of the states (paper Fig. 3C)"},
	{Name: "d_var", Type: tInt, Unit: "components", Doc: "fewest PCs with cumulative variance share > 0.9"},
	{Name: "d_fit", Type: tInt, Unit: "components", Doc: "fewest PCs whose ridge decoder (trained on 24 of 32 trials) reaches R² > 0.9 on all trials; null if none"},
	{Name: "fit_ratio", Type: tFloat, Unit: "", Doc: "d_fit / d_var"},
	{Name: "rel_susceptibility", Type: tFloat, Unit: "", Doc: "AUC_out / AUC_pc: long-term loss after perturbations along the output weights relative to along the top-2 PCs (paper Fig. 5D)"},
	{Name: "auc_out", Type: tFloat, Unit: "", Doc: "sum over amplitudes of the time-averaged loss, perturbations in the output-weight plane"},
	{Name: "auc_pc", Type: tFloat, Unit: "", Doc: "same, perturbations in the plane of the first two PCs"},
	{Name: "auc_random", Type: tFloat, Unit: "", Doc: "same, random directions"},
	{Name: "auc_in", Type: tFloat, Unit: "", Doc: "same, perturbations in the input-weight span"},
	{Name: "unperturbed_loss", Type: tFloat, Unit: "", Doc: "loss in the perturbation window without perturbation"},
	{Name: "noise_ratio", Type: tFloat, Unit: "", Doc: "mean residual variance along output directions / along random directions (paper Fig. 6; > 1 aligned, < 1 oblique)"},
	{Name: "noise_ratio_pc", Type: tFloat, Unit: "", Doc: "mean residual variance along PC-plane directions / along random directions"},
	{Name: "noise_var_out_mean", Type: tFloat, Unit: "state²", Doc: "mean residual variance along the output directions"},
	{Name: "noise_var_pc_mean", Type: tFloat, Unit: "state²", Doc: "mean residual variance along the PC-plane directions"},
	{Name: "noise_var_random_mean", Type: tFloat, Unit: "state²", Doc: "mean residual variance along the random directions"},
	{Name: "cum_var", Type: tFloats, Unit: "", Doc: "cumulative variance share of the first k PCs, k = 1…N"},
	{Name: "r2_k", Type: tFloats, Unit: "", Doc: "model-rule R² of the output from the first k PCs, k = 1…max(30, d_fit)"},
	{Name: "alpha_k", Type: tFloats, Unit: "", Doc: "ridge penalty chosen for each k"},
	{Name: "pert_amplitudes", Type: tFloats, Unit: "state", Doc: "perturbation amplitudes |Δx|, linspace(0, A·√N, 21)"},
	{Name: "pert_times", Type: tFloats, Unit: "τ", Doc: "perturbation times, linspace(t_min, t_max, 10) on the Euler grid"},
	{Name: "pert_window_start", Type: tFloat, Unit: "τ", Doc: "start of the loss window (scored entries before it removed)"},
	{Name: "pert_loss_out", Type: tFloatsLL, Unit: "", Doc: "loss after output-plane perturbations, [amplitude][time]"},
	{Name: "pert_loss_pc", Type: tFloatsLL, Unit: "", Doc: "loss after PC-plane perturbations, [amplitude][time]"},
	{Name: "pert_loss_random", Type: tFloatsLL, Unit: "", Doc: "loss after random perturbations, [amplitude][time]"},
	{Name: "pert_loss_in", Type: tFloatsLL, Unit: "", Doc: "loss after input-span perturbations, [amplitude][time]"},
	{Name: "noise_var_out", Type: tFloats, Unit: "state²", Doc: "residual variance along each output-plane direction"},
	{Name: "noise_var_pc", Type: tFloats, Unit: "state²", Doc: "residual variance along each PC-plane direction"},
	{Name: "noise_var_random", Type: tFloats, Unit: "state²", Doc: "residual variance along each random direction"},
	{Name: "noise_sigma", Type: tFloat, Unit: "", Doc: "state noise σ of the replays (the training noise)"},
	{Name: "analysis_seed", Type: tUint, Unit: "", Doc: "seed of every random draw of the analysis"},
	{Name: "notes", Type: tStrings, Unit: "", Doc: "remarks"},
}

// ModelSettingFields is the schema of the settings table, one row per task ×
// regime (× N × g): means and standard deviations (ddof 0) over the seeds.
var ModelSettingFields = []arrowtable.Field{
	{Name: "task", Type: tString, Unit: "", Doc: "task"},
	{Name: "regime", Type: tString, Unit: "", Doc: "aligned or oblique"},
	{Name: "n", Type: tInt, Unit: "units", Doc: "network size N"},
	{Name: "g", Type: tFloat, Unit: "", Doc: "initial recurrent gain g"},
	{Name: "runs", Type: tInt, Unit: "", Doc: "networks (seeds) analysed"},
	{Name: "seeds", Type: tInts, Unit: "", Doc: "their training seeds"},
	{Name: "rho_mean", Type: tFloat, Unit: "", Doc: "mean generalised correlation ρ (model form)"},
	{Name: "rho_sd", Type: tFloat, Unit: "", Doc: "its standard deviation over seeds"},
	{Name: "w_out_norm_mean", Type: tFloat, Unit: "", Doc: "mean ‖W_out‖"},
	{Name: "state_norm_mean", Type: tFloat, Unit: "", Doc: "mean ‖x‖"},
	{Name: "d_var_mean", Type: tFloat, Unit: "components", Doc: "mean D_var"},
	{Name: "d_fit_mean", Type: tFloat, Unit: "components", Doc: "mean D_fit (runs without one left out)"},
	{Name: "fit_ratio_mean", Type: tFloat, Unit: "", Doc: "mean D_fit/D_var"},
	{Name: "rel_susceptibility_mean", Type: tFloat, Unit: "", Doc: "mean relative susceptibility AUC_out/AUC_pc"},
	{Name: "rel_susceptibility_sd", Type: tFloat, Unit: "", Doc: "its standard deviation"},
	{Name: "noise_ratio_mean", Type: tFloat, Unit: "", Doc: "mean output/random noise ratio"},
	{Name: "noise_ratio_sd", Type: tFloat, Unit: "", Doc: "its standard deviation"},
	{Name: "dissimilarity_mean", Type: tFloat, Unit: "rad", Doc: "mean shape distance between the networks of the setting (Williams et al. α = 1, paper Fig. 4C); null with one network"},
	{Name: "dissimilarity_sd", Type: tFloat, Unit: "rad", Doc: "its standard deviation over pairs"},
	{Name: "dissimilarity", Type: tFloats, Unit: "rad", Doc: "shape distance of each pair"},
	{Name: "pairs", Type: tStrings, Unit: "", Doc: "the pairs, as seed pairs s1-s2"},
	{Name: "analysis_seed", Type: tUint, Unit: "", Doc: "seed of every random draw of the analysis"},
}

// ModelTrajectoryFields is the schema of the trajectories table (paper Fig.
// 2B): one row per network and trial, the states projected on PC1, PC2 and
// the part of the first output vector orthogonal to them.
var ModelTrajectoryFields = []arrowtable.Field{
	{Name: "run", Type: tString, Unit: "", Doc: "run name"},
	{Name: "task", Type: tString, Unit: "", Doc: "task"},
	{Name: "regime", Type: tString, Unit: "", Doc: "aligned or oblique"},
	{Name: "seed", Type: tUint, Unit: "", Doc: "training seed"},
	{Name: "trial", Type: tInt, Unit: "", Doc: "evaluation trial"},
	{Name: "time", Type: tFloats, Unit: "τ", Doc: "time of each step, every step of the trial (the first 10 τ included)"},
	{Name: "pc1", Type: tFloats, Unit: "state", Doc: "state projected on the first principal axis"},
	{Name: "pc2", Type: tFloats, Unit: "state", Doc: "state projected on the second principal axis"},
	{Name: "out_perp", Type: tFloats, Unit: "state", Doc: "state projected on the first output vector's part orthogonal to PC1 and PC2 (normalised)"},
	{Name: "w_out", Type: tFloatsLL, Unit: "", Doc: "each output vector in these three coordinates, [output][axis]"},
	{Name: "analysis_seed", Type: tUint, Unit: "", Doc: "seed of the analysis"},
}

// ModelsMetadata is the schema metadata of the three models tables.
func ModelsMetadata(table, runs string, s modelmeasures.Settings) map[string]string {
	s = s.Resolved()
	js, _ := json.Marshal(s)
	return map[string]string{
		"tool":     "oblique",
		"version":  version.String(),
		"kernels":  linalg.KernelPath(),
		"table":    table,
		"seed":     strconv.FormatUint(s.Seed, 10),
		"runs":     runs,
		"settings": string(js),
		"measures": "METHODS.md §4–5; oblique README, `oblique models`",
	}
}

// ModelsTable builds the table of runs.
func ModelsTable(rows []pipeline.ModelRun, runs string, s modelmeasures.Settings) *arrowtable.Table {
	t := arrowtable.New(ModelRunFields, ModelsMetadata("models", runs, s))
	for _, r := range rows {
		row := t.Row().Str(r.Name).Str(r.Source)
		if r.Err != nil || r.Result == nil {
			msg := "no result"
			if r.Err != nil {
				msg = r.Err.Error()
			}
			row.Str(msg).Str(r.Task).Str(r.Regime).Uint(r.Seed).Int(r.N).Float(r.G).Int(r.Steps).Float(r.TrainEvalRatio).
				NullUntil("analysis_seed").Uint(s.Seed).Null().End()
			continue
		}
		res := r.Result
		r2k, ak := make([]float64, len(res.Fit)), make([]float64, len(res.Fit))
		for i, p := range res.Fit {
			r2k[i], ak[i] = p.R2, p.Alpha
		}
		row.Null().Str(r.Task).Str(r.Regime).Uint(r.Seed).Int(r.N).Float(r.G).Int(r.Steps).Float(r.TrainEvalRatio).
			Float(res.Loss).Float(res.ZeroLoss).Int(res.Samples).
			Float(res.Rho).Float(res.OutNorm).Float(res.StateNorm).Int(res.DVar).IntIf(res.DFit, res.DFit > 0).Float(res.Ratio)
		p := res.Perturbation
		if p != nil {
			row.Float(p.Relative).Float(p.AUC[modelmeasures.Out]).Float(p.AUC[modelmeasures.PC]).Float(p.AUC[modelmeasures.Random]).Float(p.AUC[modelmeasures.In]).Float(p.Unperturbed)
		} else {
			row.Null().Null().Null().Null().Null().Null()
		}
		nc := res.Noise
		if nc != nil {
			row.Float(nc.Ratio).Float(nc.RatioPC).Float(nc.MeanOut).Float(nc.MeanPC).Float(nc.MeanRandom)
		} else {
			row.Null().Null().Null().Null().Null()
		}
		row.Floats(res.CumVar).Floats(r2k).Floats(ak)
		if p != nil {
			row.Floats(p.Amplitudes).Floats(p.Times).Float(p.Window.Start)
			for d := range p.Loss {
				row.FloatsLL(p.Loss[d])
			}
		} else {
			row.Null().Null().Null().Null().Null().Null().Null()
		}
		if nc != nil {
			row.Floats(nc.VarOut).Floats(nc.VarPC).Floats(nc.VarRandom).Float(nc.Sigma)
		} else {
			row.Null().Null().Null().Null()
		}
		row.Uint(s.Seed).StrsOrNull(res.Notes).End()
	}
	return t
}

// SettingsTable builds the table of settings.
func SettingsTable(sums []pipeline.SettingSummary, runs string, s modelmeasures.Settings) *arrowtable.Table {
	t := arrowtable.New(ModelSettingFields, ModelsMetadata("models-settings", runs, s))
	for _, m := range sums {
		seeds := make([]int, len(m.Seeds))
		for i, v := range m.Seeds {
			seeds[i] = int(v)
		}
		t.Row().Str(m.Task).Str(m.Regime).Int(m.N).Float(m.G).Int(len(m.Runs)).Ints(seeds).
			Float(m.RhoMean).Float(m.RhoSD).Float(m.OutNorm).Float(m.StateNorm).Float(m.DVar).Float(m.DFit).Float(m.Ratio).
			Float(m.RelMean).Float(m.RelSD).Float(m.NoiseMean).Float(m.NoiseSD).
			Float(m.DissimMean).Float(m.DissimSD).FloatsOrNull(m.Dissimilarity).StrsOrNull(m.Pairs).Uint(s.Resolved().Seed).End()
	}
	return t
}

// TrajectoryTable builds the table of projected trajectories.
func TrajectoryTable(rows []pipeline.ModelRun, runs string, s modelmeasures.Settings) *arrowtable.Table {
	t := arrowtable.New(ModelTrajectoryFields, ModelsMetadata("models-trajectories", runs, s))
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
			t.Row().Str(r.Name).Str(r.Task).Str(r.Regime).Uint(r.Seed).Int(tr).Floats(p.Time).Floats(a[0]).Floats(a[1]).Floats(a[2]).FloatsLL(wout).Uint(s.Resolved().Seed).End()
		}
	}
	return t
}

// PrintModels writes the runs and the settings as text tables.
func PrintModels(w io.Writer, rows []pipeline.ModelRun, sums []pipeline.SettingSummary) {
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
			printError(w, r.Name, r.Err)
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
