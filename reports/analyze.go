package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/regimes"
)

// AnalyzeFields is the schema of the analyze table, one row per recording.
// It is documented in the README; keep the two in step and only add columns.
var AnalyzeFields = []arrowtable.Field{
	{Name: "recording", Type: tString, Unit: "", Doc: "recording name (manifest `name`)"},
	{Name: "input", Type: tString, Unit: "", Doc: "manifest or file the recording was read from"},
	{Name: "error", Type: tString, Unit: "", Doc: "why the recording could not be analysed; null when it was"},
	{Name: "samples", Type: tInt, Unit: "samples", Doc: "samples (time bins) used, T"},
	{Name: "neurons", Type: tInt, Unit: "neurons", Doc: "neurons, N"},
	{Name: "outputs", Type: tInt, Unit: "outputs", Doc: "behavioural outputs, K"},
	{Name: "constant_neurons", Type: tInt, Unit: "neurons", Doc: "neurons without variance over the samples (kept, zero weight)"},
	{Name: "activity_unit", Type: tString, Unit: "", Doc: "unit of the activity matrix X"},
	{Name: "lag_bins", Type: tInt, Unit: "bins", Doc: "bins by which activity leads behaviour"},
	{Name: "r2", Type: tFloat, Unit: "", Doc: "in-sample R² of the ridge decoder on all neurons (uniform average over outputs)"},
	{Name: "alpha", Type: tFloat, Unit: "", Doc: "ridge penalty chosen by cross-validation"},
	{Name: "rho", Type: tFloat, Unit: "", Doc: "ρ = ‖X Wᵀ‖/(‖X‖ ‖W‖), X centred, W the fitted decoder"},
	{Name: "rho_time_mean", Type: tFloat, Unit: "", Doc: "mean ρ over random subsets of the samples"},
	{Name: "rho_time_sd", Type: tFloat, Unit: "", Doc: "standard deviation (ddof 0) of ρ over those subsets"},
	{Name: "d_var", Type: tInt, Unit: "components", Doc: "fewest PCs with cumulative variance share > var_threshold"},
	{Name: "d_fit", Type: tInt, Unit: "components", Doc: "fewest PCs whose decoder reaches R² > fit_threshold·r2; null if none"},
	{Name: "fit_ratio", Type: tFloat, Unit: "", Doc: "d_fit / d_var (relative fitting dimension)"},
	{Name: "slope", Type: tFloat, Unit: "", Doc: "least-squares slope of log(ρ·√n) against log n over neuron subsets: 0 ⇔ ρ ~ 1/√n, ½ ⇔ ρ independent of n"},
	{Name: "slope_lo", Type: tFloat, Unit: "", Doc: "2.5 % bootstrap bound of slope"},
	{Name: "slope_hi", Type: tFloat, Unit: "", Doc: "97.5 % bootstrap bound of slope"},
	{Name: "rho_given", Type: tFloat, Unit: "", Doc: "ρ with the experimenter's decoder; null without one"},
	{Name: "decoder_match", Type: tFloat, Unit: "", Doc: "‖W_fit − W_given‖/‖W_given‖; null without a given decoder"},
	{Name: "r2_k", Type: tFloats, Unit: "", Doc: "R² of the decoder from the first k PCs, k = 1…"},
	{Name: "alpha_k", Type: tFloats, Unit: "", Doc: "ridge penalty chosen for each k"},
	{Name: "cum_var", Type: tFloats, Unit: "", Doc: "cumulative variance share of the first k PCs, k = 1…"},
	{Name: "scaling_n", Type: tInts, Unit: "neurons", Doc: "neuron subset sizes n"},
	{Name: "scaling_rho", Type: tFloatsLL, Unit: "", Doc: "ρ of every neuron subset, [size][draw]"},
	{Name: "rho_sqrt_n_mean", Type: tFloats, Unit: "", Doc: "mean of ρ·√n over draws, per subset size"},
	{Name: "rho_sqrt_n_lo", Type: tFloats, Unit: "", Doc: "2.5 % percentile of ρ·√n over draws"},
	{Name: "rho_sqrt_n_hi", Type: tFloats, Unit: "", Doc: "97.5 % percentile of ρ·√n over draws"},
	{Name: "time_samples", Type: tInt, Unit: "samples", Doc: "size of each random subset of samples"},
	{Name: "time_rho", Type: tFloats, Unit: "", Doc: "ρ of every random subset of samples"},
	{Name: "seed", Type: tUint, Unit: "", Doc: "seed of every random draw"},
	{Name: "sources", Type: tStrings, Unit: "", Doc: "input files as role=path sha256=…"},
	{Name: "notes", Type: tStrings, Unit: "", Doc: "remarks (constant neurons, dropped samples, …)"},
	{Name: "caveat", Type: tString, Unit: "", Doc: "why ρ, d_fit, fit_ratio and the scaling slope are not meaningful: \"R² < " + strconv.FormatFloat(regimes.MinR2, 'g', -1, 64) + "\", \"one neuron\" (several joined by \"; \"); null when they are, and in tables written before the column (the report then tests r2 and neurons)"},
}

// AnalyzeMetadata is the schema metadata of the analyze table: the tool and
// every setting that shaped the numbers.
func AnalyzeMetadata(s pipeline.AnalysisSettings) map[string]string {
	s = s.Resolved()
	cv := "leave-one-out"
	if s.CV.Folds >= 2 {
		cv = fmt.Sprintf("%d-fold", s.CV.Folds)
	}
	return map[string]string{
		"tool":          "oblique",
		"version":       version.String(),
		"kernels":       linalg.KernelPath(),
		"table":         "analyze",
		"seed":          strconv.FormatUint(s.Seed, 10),
		"alphas":        floats(s.CV.Alphas),
		"cv":            cv,
		"var_threshold": strconv.FormatFloat(s.VarThreshold, 'g', -1, 64),
		"fit_threshold": strconv.FormatFloat(s.FitThreshold, 'g', -1, 64),
		"fractions":     floats(s.Fractions),
		"neuron_draws":  strconv.Itoa(s.NeuronDraws),
		"time_draws":    strconv.Itoa(s.TimeDraws),
		"time_fraction": strconv.FormatFloat(s.TimeFraction, 'g', -1, 64),
		"bootstrap":     strconv.Itoa(s.Bootstrap),
		"scaling":       strconv.FormatBool(!s.NoScaling),
	}
}

func floats(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// presetMetadata records the preset the recordings were read with (nil:
// manifests) in meta, as AnalyzeTable says.
func presetMetadata(meta map[string]string, preset *pipeline.PresetRecord) {
	meta["preset"] = "none (manifests)"
	if preset == nil {
		return
	}
	meta["preset"], meta["preset_toml"] = preset.Source, preset.TOML
	if preset.SHA256 != "" {
		meta["preset_sha256"] = preset.SHA256
	}
	if len(preset.Set) > 0 {
		meta["preset_set"] = strings.Join(preset.Set, "\n")
	}
}

// AnalyzeTable builds the analyze table. preset is the preset the
// recordings were read with (nil for manifests); its record goes into the
// metadata: "preset" (the built-in name or the file's path),
// "preset_sha256" (a file's digest), "preset_set" (the overrides, one a
// line) and "preset_toml" (the full text used, after the overrides).
func AnalyzeTable(rows []pipeline.Analysis, s pipeline.AnalysisSettings, preset *pipeline.PresetRecord) *arrowtable.Table {
	meta := AnalyzeMetadata(s)
	presetMetadata(meta, preset)
	t := arrowtable.New(AnalyzeFields, meta)
	s = s.Resolved()
	for _, a := range rows {
		sources := make([]string, 0, len(a.Sources))
		for _, src := range a.Sources {
			txt := src.Role + "=" + src.Path
			if src.Key != "" {
				txt += ":" + src.Key
			}
			if src.SHA256 != "" {
				txt += " sha256=" + src.SHA256
			}
			sources = append(sources, txt)
		}
		if a.Err != nil || a.Result == nil {
			msg := "no result"
			if a.Err != nil {
				msg = a.Err.Error()
			}
			t.Row().Str(a.Name).Str(a.Input).Str(msg).NullUntil("seed").Uint(s.Seed).Strs(sources).Null().Null().End()
			continue
		}
		r, d := a.Result, a.Design
		r2k := make([]float64, len(r.Path))
		ak := make([]float64, len(r.Path))
		for i, p := range r.Path {
			r2k[i], ak[i] = p.R2, p.Alpha
		}
		row := t.Row().Str(a.Name).Str(a.Input).Null().
			Int(r.Samples).Int(r.Neurons).Int(r.Outputs).Int(len(r.Constant)).Str(d.Unit).Int(d.LagBins).
			Float(r.R2).Float(r.Model.Alpha).Float(r.Rho)
		if r.Time != nil {
			row.Float(r.Time.RhoMean).Float(r.Time.RhoSD)
		} else {
			row.Null().Null()
		}
		row.Int(r.DVar).IntIf(r.DFit, r.DFit > 0).Float(r.Ratio)
		if ns := r.Neuron; ns != nil {
			row.Float(ns.Slope).Float(ns.SlopeLo).Float(ns.SlopeHi)
		} else {
			row.Null().Null().Null()
		}
		row.Float(r.RhoGiven).Float(r.DecoderMatch).
			Floats(r2k).Floats(ak).Floats(r.CumVar)
		if ns := r.Neuron; ns != nil {
			row.IntsOrNull(ns.N).FloatsLLOrNull(ns.Rho).FloatsOrNull(ns.Mean).FloatsOrNull(ns.Lo).FloatsOrNull(ns.Hi)
		} else {
			row.Null().Null().Null().Null().Null()
		}
		if r.Time != nil {
			row.Int(r.Time.Samples).FloatsOrNull(r.Time.Rho)
		} else {
			row.Null().Null()
		}
		row.Uint(s.Seed).Strs(sources).Strs(append(append([]string(nil), d.Notes...), r.Notes...))
		if c := r.Caveats(); len(c) > 0 {
			row.Str(strings.Join(c, "; "))
		} else {
			row.Null()
		}
		row.End()
	}
	return t
}

// PrintAnalyze writes the readable table of results, then the notes and
// errors.
func PrintAnalyze(w io.Writer, rows []pipeline.Analysis) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "recording\tsamples\tneurons\tR²\tα\tρ (± sd, half samples)\tD_var\tD_fit\tD_fit/D_var\tscaling slope [95% CI]\t")
	for _, a := range rows {
		if a.Err != nil || a.Result == nil {
			fmt.Fprintf(tw, "%s\t—\t—\t—\t—\t—\t—\t—\t—\tfailed: see below\t\n", a.Name)
			continue
		}
		r := a.Result
		rho := fmt.Sprintf("%.3f", r.Rho)
		if r.Time != nil {
			rho += fmt.Sprintf(" ± %.3f", r.Time.RhoSD)
		}
		dfit, ratio := "n/a", "n/a"
		if r.DFit > 0 {
			dfit, ratio = strconv.Itoa(r.DFit), fmt.Sprintf("%.2f", r.Ratio)
		}
		slope := "—"
		if r.Neuron != nil && !math.IsNaN(r.Neuron.Slope) {
			slope = fmt.Sprintf("%.2f [%.2f, %.2f]", r.Neuron.Slope, r.Neuron.SlopeLo, r.Neuron.SlopeHi)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%s\t%s\t%d\t%s\t%s\t%s\t\n",
			a.Name, r.Samples, r.Neurons, r.R2, FormatAlpha(r.Model.Alpha), rho, r.DVar, dfit, ratio, slope)
	}
	tw.Flush()
	for _, a := range rows {
		if a.Err != nil {
			printError(w, a.Name, a.Err)
			continue
		}
		r := a.Result
		if r == nil {
			continue
		}
		if !math.IsNaN(r.RhoGiven) {
			fmt.Fprintf(w, "%s: experimenter's decoder: ρ = %.3f; the fitted decoder differs from it by %.2g (relative)\n",
				a.Name, r.RhoGiven, r.DecoderMatch)
		}
		for _, n := range append(append([]string(nil), a.Design.Notes...), r.Notes...) {
			fmt.Fprintf(w, "%s: note: %s\n", a.Name, n)
		}
	}
}

// FormatAlpha prints a ridge penalty compactly: 1e-03, 0.234, 1.27e+04.
func FormatAlpha(a float64) string {
	if a != 0 && (math.Abs(a) < 0.01 || math.Abs(a) >= 1e4) {
		s := strconv.FormatFloat(a, 'e', 2, 64)
		m, e, _ := strings.Cut(s, "e")
		if strings.Contains(m, ".") {
			m = strings.TrimRight(strings.TrimRight(m, "0"), ".")
		}
		return m + "e" + e
	}
	return strconv.FormatFloat(a, 'g', 3, 64)
}
