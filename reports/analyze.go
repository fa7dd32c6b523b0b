package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/regimes"
)

// Analysis is the outcome of `oblique analyze` for one recording: either a
// design and its result, or the error that stopped it.
type Analysis struct {
	// Input is the manifest (or file) the recording was read from.
	Input   string
	Name    string
	Sources []ingest.Source
	Design  *preprocess.Design
	Result  *regimes.Result
	Err     error
}

// AnalyzeFields is the schema of the analyze table, one row per recording.
// It is documented in the README; keep the two in step and only add columns.
var AnalyzeFields = []Field{
	{"recording", String, "", "recording name (manifest `name`)"},
	{"input", String, "", "manifest or file the recording was read from"},
	{"error", String, "", "why the recording could not be analysed; null when it was"},
	{"samples", Int, "", "samples (time bins) used, T"},
	{"neurons", Int, "", "neurons, N"},
	{"outputs", Int, "", "behavioural outputs, K"},
	{"constant_neurons", Int, "", "neurons without variance over the samples (kept, zero weight)"},
	{"activity_unit", String, "", "unit of the activity matrix X"},
	{"lag_bins", Int, "bins", "bins by which activity leads behaviour"},
	{"r2", Float, "", "in-sample R² of the ridge decoder on all neurons (uniform average over outputs)"},
	{"alpha", Float, "", "ridge penalty chosen by cross-validation"},
	{"rho", Float, "", "ρ = ‖X Wᵀ‖/(‖X‖ ‖W‖), X centred, W the fitted decoder"},
	{"rho_time_mean", Float, "", "mean ρ over random subsets of the samples"},
	{"rho_time_sd", Float, "", "standard deviation (ddof 0) of ρ over those subsets"},
	{"d_var", Int, "components", "fewest PCs with cumulative variance share > var_threshold"},
	{"d_fit", Int, "components", "fewest PCs whose decoder reaches R² > fit_threshold·r2; null if none"},
	{"fit_ratio", Float, "", "d_fit / d_var (relative fitting dimension)"},
	{"slope", Float, "", "least-squares slope of log(ρ·√n) against log n over neuron subsets: 0 ⇔ ρ ~ 1/√n, ½ ⇔ ρ independent of n"},
	{"slope_lo", Float, "", "2.5 % bootstrap bound of slope"},
	{"slope_hi", Float, "", "97.5 % bootstrap bound of slope"},
	{"rho_given", Float, "", "ρ with the experimenter's decoder; null without one"},
	{"decoder_match", Float, "", "‖W_fit − W_given‖/‖W_given‖; null without a given decoder"},
	{"r2_k", Floats, "", "R² of the decoder from the first k PCs, k = 1…"},
	{"alpha_k", Floats, "", "ridge penalty chosen for each k"},
	{"cum_var", Floats, "", "cumulative variance share of the first k PCs, k = 1…"},
	{"scaling_n", Ints, "neurons", "neuron subset sizes n"},
	{"scaling_rho", FloatsLL, "", "ρ of every neuron subset, [size][draw]"},
	{"rho_sqrt_n_mean", Floats, "", "mean of ρ·√n over draws, per subset size"},
	{"rho_sqrt_n_lo", Floats, "", "2.5 % percentile of ρ·√n over draws"},
	{"rho_sqrt_n_hi", Floats, "", "97.5 % percentile of ρ·√n over draws"},
	{"time_samples", Int, "samples", "size of each random subset of samples"},
	{"time_rho", Floats, "", "ρ of every random subset of samples"},
	{"seed", Uint, "", "seed of every random draw"},
	{"sources", Strings, "", "input files as role=path sha256=…"},
	{"notes", Strings, "", "remarks (constant neurons, dropped samples, …)"},
}

// AnalyzeMetadata is the schema metadata of the analyze table: the tool and
// every setting that shaped the numbers.
func AnalyzeMetadata(s regimes.Settings) map[string]string {
	s = s.Resolved()
	cv := "leave-one-out"
	if s.CV.Folds >= 2 {
		cv = fmt.Sprintf("%d-fold", s.CV.Folds)
	}
	return map[string]string{
		"tool":          "oblique",
		"version":       version.String(),
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

// AnalyzeTable builds the analyze table. preset names the preset the
// recordings were read with ("" for manifests); it goes into the metadata.
func AnalyzeTable(rows []Analysis, s regimes.Settings, preset string) *Table {
	meta := AnalyzeMetadata(s)
	meta["preset"] = preset
	if preset == "" {
		meta["preset"] = "none (manifests)"
	}
	t := NewTable(AnalyzeFields, meta)
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
			vals := make([]any, len(AnalyzeFields))
			vals[0], vals[1], vals[2] = a.Name, a.Input, msg
			vals[len(vals)-3] = s.Seed
			vals[len(vals)-2] = sources
			t.Append(vals...)
			continue
		}
		r, d := a.Result, a.Design
		r2k := make([]float64, len(r.Path))
		ak := make([]float64, len(r.Path))
		for i, p := range r.Path {
			r2k[i], ak[i] = p.R2, p.Alpha
		}
		var dfit any
		if r.DFit > 0 {
			dfit = r.DFit
		}
		var (
			scN                              []int
			scRho                            [][]float64
			scMean, scLo, scHi               []float64
			slope, slopeLo, slopeHi, tm, tsd = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
			tRho                             []float64
			tSamples                         any
		)
		if r.Neuron != nil {
			ns := r.Neuron
			scN, scRho, scMean, scLo, scHi = ns.N, ns.Rho, ns.Mean, ns.Lo, ns.Hi
			slope, slopeLo, slopeHi = ns.Slope, ns.SlopeLo, ns.SlopeHi
		}
		if r.Time != nil {
			tm, tsd, tRho, tSamples = r.Time.RhoMean, r.Time.RhoSD, r.Time.Rho, r.Time.Samples
		}
		notes := append(append([]string(nil), d.Notes...), r.Notes...)
		t.Append(
			a.Name, a.Input, nil,
			r.Samples, r.Neurons, r.Outputs, len(r.Constant), d.Unit, d.LagBins,
			r.R2, r.Model.Alpha, r.Rho, tm, tsd,
			r.DVar, dfit, r.Ratio,
			slope, slopeLo, slopeHi,
			r.RhoGiven, r.DecoderMatch,
			r2k, ak, r.CumVar,
			nilIfEmpty(scN), nilIfEmpty(scRho), nilIfEmpty(scMean), nilIfEmpty(scLo), nilIfEmpty(scHi),
			tSamples, nilIfEmpty(tRho),
			s.Seed, sources, notes,
		)
	}
	return t
}

func nilIfEmpty[T any](v []T) any {
	if v == nil {
		return nil
	}
	return v
}

// PrintAnalyze writes the readable table of results, then the notes and
// errors.
func PrintAnalyze(w io.Writer, rows []Analysis) {
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
			fmt.Fprintf(w, "%s: error: %v\n", a.Name, a.Err)
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
