package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/regimes/modelmeasures"
)

// ScoreDefinition is the regime score as the README and the table metadata
// state it.
const ScoreDefinition = "nearest-centroid position between the aligned and the oblique networks: coordinates log(ρ·√n), " +
	"log(D_fit/D_var) and the scaling slope, standardised with the mean and sd of all network subsets; " +
	"score = d_aligned/(d_aligned + d_oblique), d the Euclidean distance to each regime's centroid " +
	"(0 on the aligned centroid, 1 on the oblique one, 0.5 halfway); coordinates a recording lacks are left out; " +
	"interval: 2.5–97.5 % over bootstrap refits (networks resampled within each regime, one random neuron subset each)"

// Comparison is one recording of `oblique compare` and the networks it was
// compared with.
type Comparison struct {
	Analysis Analysis
	// Axes of the recording; Score with its bootstrap interval.
	Axes          modelmeasures.Axes
	Score, Lo, Hi float64
	Scorer        *modelmeasures.Scorer
	Models        []ComparedModel
	Notes         []string
	Err           error
}

// ComparedModel is one network run through the recording's pipeline.
type ComparedModel struct {
	Run     ModelRun
	Subsets []modelmeasures.Axes
	Centre  modelmeasures.Axes
	HeldOut float64
}

// CompareFields is the schema of the compare table: per recording, one row
// for the recording (kind "recording") and one per network (kind "model")
// on the same axes. Documented in the README; only add columns.
var CompareFields = []Field{
	{"recording", String, "", "recording name (manifest `name`)"},
	{"input", String, "", "manifest the recording was read from"},
	{"error", String, "", "why the recording could not be compared; null when it was"},
	{"kind", String, "", "recording, or model (a network run through the recording's pipeline)"},
	{"run", String, "", "network's run name; null for the recording"},
	{"task", String, "", "network's task; null for the recording"},
	{"regime", String, "", "network's regime (aligned, oblique); null for the recording"},
	{"seed", Uint, "", "network's training seed; null for the recording"},
	{"neurons", Int, "neurons", "neurons n used (a network: units subsampled to the recording's count)"},
	{"samples", Int, "samples", "samples used (a network: its samples subsampled to the recording's count when it has more)"},
	{"r2", Float, "", "R² of the ridge decoder on all n neurons (mean over subsets for a network)"},
	{"rho", Float, "", "ρ, experimental form, fitted decoder (mean over subsets)"},
	{"rho_sqrt_n", Float, "", "ρ·√n (for a network: geometric mean over subsets)"},
	{"d_var", Float, "components", "D_var (mean over subsets)"},
	{"d_fit", Float, "components", "D_fit, relative rule (mean over subsets)"},
	{"fit_ratio", Float, "", "D_fit/D_var (for a network: geometric mean over subsets)"},
	{"slope", Float, "", "slope of log(ρ·√n) against log n under neuron subsampling (mean over subsets)"},
	{"score", Float, "", "regime score, 0 aligned … 1 oblique (see the README); for a network, scored against all other networks (held out)"},
	{"score_lo", Float, "", "2.5 % bootstrap bound of the recording's score; null for a network"},
	{"score_hi", Float, "", "97.5 % bootstrap bound; null for a network"},
	{"subsets", Int, "", "neuron subsets of the network; null for the recording"},
	{"rho_sqrt_n_subsets", Floats, "", "ρ·√n of each subset"},
	{"fit_ratio_subsets", Floats, "", "D_fit/D_var of each subset"},
	{"slope_subsets", Floats, "", "scaling slope of each subset"},
	{"analysis_seed", Uint, "", "seed of every random draw"},
	{"notes", Strings, "", "remarks"},
}

// CompareSettings are the settings recorded in the compare table.
type CompareSettings struct {
	Analysis  regimes.Settings
	Subsets   int
	Bootstrap int
	Seed      uint64
	Runs      string
}

// CompareTable builds the compare table.
func CompareTable(rows []Comparison, s CompareSettings) *Table {
	meta := AnalyzeMetadata(s.Analysis)
	meta["table"] = "compare"
	meta["version"] = version.String()
	meta["runs"] = s.Runs
	meta["subsets"] = strconv.Itoa(s.Subsets)
	meta["score_bootstrap"] = strconv.Itoa(s.Bootstrap)
	meta["score"] = ScoreDefinition
	for _, c := range rows {
		if c.Scorer != nil {
			meta["scorer:"+c.Analysis.Name] = scorerJSON(c.Scorer)
		}
	}
	t := NewTable(CompareFields, meta)
	for _, c := range rows {
		a := c.Analysis
		if c.Err != nil {
			vals := make([]any, len(CompareFields))
			vals[0], vals[1], vals[2], vals[3] = a.Name, a.Input, c.Err.Error(), "recording"
			for i, f := range CompareFields {
				if f.Type == Float && vals[i] == nil {
					vals[i] = math.NaN()
				}
			}
			vals[len(vals)-2] = s.Seed
			t.Append(vals...)
			continue
		}
		x := c.Axes
		t.Append(a.Name, a.Input, nil, "recording", nil, nil, nil, nil,
			x.Neurons, x.Samples, x.R2, x.Rho, x.RhoSqrtN, float64(x.DVar), dfitOrNaN(x), x.Ratio, x.Slope,
			c.Score, c.Lo, c.Hi, nil, nil, nil, nil, s.Seed, nilIfEmpty(c.Notes))
		for _, m := range c.Models {
			var rs, fr, sl []float64
			var dv, df []float64
			for _, sub := range m.Subsets {
				rs, fr, sl = append(rs, sub.RhoSqrtN), append(fr, sub.Ratio), append(sl, sub.Slope)
				dv = append(dv, float64(sub.DVar))
				if sub.DFit > 0 {
					df = append(df, float64(sub.DFit))
				}
			}
			mdv, _ := meanSD(dv)
			mdf, _ := meanSD(df)
			x := m.Centre
			t.Append(a.Name, a.Input, nil, "model", m.Run.Name, m.Run.Task, m.Run.Regime, m.Run.Seed,
				x.Neurons, x.Samples, x.R2, x.Rho, x.RhoSqrtN, mdv, mdf, x.Ratio, x.Slope,
				m.HeldOut, math.NaN(), math.NaN(), len(m.Subsets), rs, fr, sl, s.Seed, nil)
		}
	}
	return t
}

// scorerJSON writes the fitted standardisation and centroids, per
// coordinate (null where a coordinate is not used).
func scorerJSON(sc *modelmeasures.Scorer) string {
	var axes []map[string]any
	for c, name := range modelmeasures.AxisNames {
		a := map[string]any{"axis": name, "used": sc.Use[c]}
		if sc.Use[c] {
			a["mean"], a["sd"] = sc.Mean[c], sc.SD[c]
			a["aligned_centroid"], a["oblique_centroid"] = sc.Centroid[0][c], sc.Centroid[1][c]
		}
		axes = append(axes, a)
	}
	b, err := json.Marshal(axes)
	if err != nil {
		return ""
	}
	return string(b)
}

func dfitOrNaN(a modelmeasures.Axes) float64 {
	if a.DFit > 0 {
		return float64(a.DFit)
	}
	return math.NaN()
}

// PrintCompare writes, per recording, its axes and score beside the
// regime means of the networks, and the held-out check.
func PrintCompare(w io.Writer, rows []Comparison) {
	for _, c := range rows {
		a := c.Analysis
		if c.Err != nil {
			fmt.Fprintf(w, "%s: error: %v\n", a.Name, c.Err)
			continue
		}
		x := c.Axes
		fmt.Fprintf(w, "%s: %d samples × %d neurons; regime score %.2f [%.2f, %.2f] (0 aligned … 1 oblique)\n",
			a.Name, x.Samples, x.Neurons, c.Score, c.Lo, c.Hi)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tρ\tρ·√n\tD_fit/D_var\tslope\tscore\t")
		fmt.Fprintf(tw, "recording\t%.3f\t%.2f\t%s\t%s\t%.2f\t\n", x.Rho, x.RhoSqrtN, fmtNaN(x.Ratio, "%.2f"), fmtNaN(x.Slope, "%.2f"), c.Score)
		var checks []string
		for _, regime := range []string{modelmeasures.Aligned, modelmeasures.Oblique} {
			var rho, rsn, ratio, slope, held []float64
			correct := 0
			for _, m := range c.Models {
				if m.Run.Regime != regime {
					continue
				}
				rho, rsn, ratio, slope = append(rho, m.Centre.Rho), append(rsn, math.Log(m.Centre.RhoSqrtN)), append(ratio, math.Log(m.Centre.Ratio)), append(slope, m.Centre.Slope)
				held = append(held, m.HeldOut)
				if (regime == modelmeasures.Aligned && m.HeldOut < 0.5) || (regime == modelmeasures.Oblique && m.HeldOut > 0.5) {
					correct++
				}
			}
			mr, _ := meanSD(rho)
			ml, _ := meanSD(rsn)
			mq, _ := meanSD(ratio)
			ms, _ := meanSD(slope)
			mh, _ := meanSD(held)
			fmt.Fprintf(tw, "%s networks (%d, mean)\t%.3f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", regime, len(rho), mr, math.Exp(ml), math.Exp(mq), ms, mh)
			checks = append(checks, fmt.Sprintf("  held out, %s networks scored on the %s side: %d of %d", regime, regime, correct, len(held)))
		}
		tw.Flush()
		for _, l := range checks {
			fmt.Fprintln(w, l)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
}
