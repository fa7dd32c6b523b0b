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
const ScoreDefinition = "mean over tasks of the per-task scores; per task, the nearest-centroid position between that task's " +
	"aligned and oblique networks: coordinates log(ρ·√n), log(D_fit/D_var) and the scaling slope, standardised with the mean " +
	"and sd of the task's network subsets; score = d_aligned/(d_aligned + d_oblique), d the Euclidean distance to each " +
	"regime's centroid (0 on the aligned centroid, 1 on the oblique one, 0.5 halfway); coordinates a recording lacks are " +
	"left out; intervals: 2.5–97.5 % over bootstrap refits (networks resampled within each task and regime, one random " +
	"neuron subset each)"

// Comparison is one recording of `oblique compare` and the networks it was
// compared with.
type Comparison struct {
	Analysis Analysis
	// Axes of the recording; its scores with their bootstrap intervals,
	// and the reference they came from.
	Axes      modelmeasures.Axes
	Placement modelmeasures.Placement
	Reference *modelmeasures.Reference
	Models    []ComparedModel
	Notes     []string
	Err       error
}

// ComparedModel is one network run through the recording's pipeline.
type ComparedModel struct {
	Run     ModelRun
	Subsets []modelmeasures.Axes
	Centre  modelmeasures.Axes
	HeldOut modelmeasures.HeldOutScore
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
	{"score", Float, "", "regime score, 0 aligned … 1 oblique: the mean of task_scores (see the README); for a network, with itself held out of the reference"},
	{"score_lo", Float, "", "2.5 % bootstrap bound of the recording's score; null for a network"},
	{"score_hi", Float, "", "97.5 % bootstrap bound; null for a network"},
	{"subsets", Int, "", "neuron subsets of the network; null for the recording"},
	{"rho_sqrt_n_subsets", Floats, "", "ρ·√n of each subset"},
	{"fit_ratio_subsets", Floats, "", "D_fit/D_var of each subset"},
	{"slope_subsets", Floats, "", "scaling slope of each subset"},
	{"analysis_seed", Uint, "", "seed of every random draw"},
	{"notes", Strings, "", "remarks"},
	{"score_tasks", Strings, "", "the tasks of task_scores, in order"},
	{"task_scores", Floats, "", "score against each task's networks alone (for a network: held out)"},
	{"task_scores_lo", Floats, "", "2.5 % bootstrap bound of each task score of the recording; null for a network"},
	{"task_scores_hi", Floats, "", "97.5 % bootstrap bound of each task score; null for a network"},
	{"score_own_task", Float, "", "a network's held-out score against the networks of its own task (the check of the score); null for the recording"},
}

// CompareSettings are the settings recorded in the compare table.
type CompareSettings struct {
	Analysis  regimes.Settings
	Subsets   int
	Bootstrap int
	Seed      uint64
	Runs      string
	// Task is the task the networks were restricted to (-task); empty
	// for every task.
	Task string
}

// CompareTable builds the compare table.
func CompareTable(rows []Comparison, s CompareSettings) *Table {
	meta := AnalyzeMetadata(s.Analysis)
	meta["table"] = "compare"
	meta["version"] = version.String()
	meta["runs"] = s.Runs
	meta["task"] = s.Task
	if s.Task == "" {
		meta["task"] = "all"
	}
	meta["subsets"] = strconv.Itoa(s.Subsets)
	meta["score_bootstrap"] = strconv.Itoa(s.Bootstrap)
	meta["score"] = ScoreDefinition
	for _, c := range rows {
		if c.Reference != nil {
			meta["scorer:"+c.Analysis.Name] = referenceJSON(c.Reference)
		}
	}
	t := NewTable(CompareFields, meta)
	for _, c := range rows {
		a := c.Analysis
		if c.Err != nil {
			vals := make([]any, len(CompareFields))
			vals[0], vals[1], vals[2], vals[3] = a.Name, a.Input, c.Err.Error(), "recording"
			for i, f := range CompareFields {
				switch {
				case f.Name == "analysis_seed":
					vals[i] = s.Seed
				case f.Type == Float && vals[i] == nil:
					vals[i] = math.NaN()
				}
			}
			t.Append(vals...)
			continue
		}
		x, p := c.Axes, c.Placement
		t.Append(a.Name, a.Input, nil, "recording", nil, nil, nil, nil,
			x.Neurons, x.Samples, x.R2, x.Rho, x.RhoSqrtN, float64(x.DVar), dfitOrNaN(x), x.Ratio, x.Slope,
			p.Score, p.Lo, p.Hi, nil, nil, nil, nil, s.Seed, nilIfEmpty(c.Notes),
			p.Tasks, p.TaskScores, p.TaskLo, p.TaskHi, math.NaN())
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
				m.HeldOut.Score, math.NaN(), math.NaN(), len(m.Subsets), rs, fr, sl, s.Seed, nil,
				p.Tasks, m.HeldOut.TaskScores, nil, nil, m.HeldOut.Own)
		}
	}
	return t
}

// referenceJSON writes, per task, the fitted standardisation and centroids
// per coordinate (only "used" where a coordinate is not used; "axes" null
// for a task without a scorer).
func referenceJSON(r *modelmeasures.Reference) string {
	var tasks []map[string]any
	for i, task := range r.Tasks {
		var axes []map[string]any
		if sc := r.Scorers[i]; sc != nil {
			for c, name := range modelmeasures.AxisNames {
				a := map[string]any{"axis": name, "used": sc.Use[c]}
				if sc.Use[c] {
					a["mean"], a["sd"] = sc.Mean[c], sc.SD[c]
					a["aligned_centroid"], a["oblique_centroid"] = sc.Centroid[0][c], sc.Centroid[1][c]
				}
				axes = append(axes, a)
			}
		}
		tasks = append(tasks, map[string]any{"task": task, "axes": axes})
	}
	b, err := json.Marshal(tasks)
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
// regime means of the networks, its score per task, and the held-out check.
func PrintCompare(w io.Writer, rows []Comparison) {
	for _, c := range rows {
		a := c.Analysis
		if c.Err != nil {
			fmt.Fprintf(w, "%s: error: %v\n", a.Name, c.Err)
			continue
		}
		x, p := c.Axes, c.Placement
		nt := countDefined(p.TaskScores)
		fmt.Fprintf(w, "%s: %d samples × %d neurons; regime score %.2f [%.2f, %.2f] (0 aligned … 1 oblique; mean over %d task%s)\n",
			a.Name, x.Samples, x.Neurons, p.Score, p.Lo, p.Hi, nt, map[bool]string{true: "s"}[nt != 1])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tρ\tρ·√n\tD_fit/D_var\tslope\tscore\t")
		fmt.Fprintf(tw, "recording\t%.3f\t%.2f\t%s\t%s\t%.2f\t\n", x.Rho, x.RhoSqrtN, fmtNaN(x.Ratio, "%.2f"), fmtNaN(x.Slope, "%.2f"), p.Score)
		for _, regime := range []string{modelmeasures.Aligned, modelmeasures.Oblique} {
			var rho, rsn, ratio, slope, held []float64
			for _, m := range c.Models {
				if m.Run.Regime != regime {
					continue
				}
				rho, rsn, ratio, slope = append(rho, m.Centre.Rho), append(rsn, math.Log(m.Centre.RhoSqrtN)), append(ratio, math.Log(m.Centre.Ratio)), append(slope, m.Centre.Slope)
				held = append(held, m.HeldOut.Score)
			}
			mr, _ := meanSD(rho)
			ml, _ := meanSD(rsn)
			mq, _ := meanSD(ratio)
			ms, _ := meanSD(slope)
			mh, _ := meanSD(held)
			fmt.Fprintf(tw, "%s networks (%d, mean)\t%.3f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", regime, len(rho), mr, math.Exp(ml), math.Exp(mq), ms, mh)
		}
		tw.Flush()
		fmt.Fprintln(w, "  per task (held out: networks of the task scored against the task's other networks):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\ttask\tscore\tinterval\taligned < ½\toblique > ½\t")
		for i, task := range p.Tasks {
			fmt.Fprintf(tw, "\t%s\t%s\t[%s, %s]\t%s\t%s\t\n", task, fmtNaN(p.TaskScores[i], "%.2f"),
				fmtNaN(p.TaskLo[i], "%.2f"), fmtNaN(p.TaskHi[i], "%.2f"),
				heldOutCount(c.Models, task, modelmeasures.Aligned, func(m ComparedModel) float64 { return m.HeldOut.Own }),
				heldOutCount(c.Models, task, modelmeasures.Oblique, func(m ComparedModel) float64 { return m.HeldOut.Own }))
		}
		tw.Flush()
		fmt.Fprintf(w, "  held out, mean over tasks: aligned %s below ½, oblique %s above ½\n",
			heldOutCount(c.Models, "", modelmeasures.Aligned, func(m ComparedModel) float64 { return m.HeldOut.Score }),
			heldOutCount(c.Models, "", modelmeasures.Oblique, func(m ComparedModel) float64 { return m.HeldOut.Score }))
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
}

// heldOutCount counts the networks of the regime (and of the task, unless
// it is empty) whose held-out score is on their own side of ½: "k of n".
func heldOutCount(ms []ComparedModel, task, regime string, score func(ComparedModel) float64) string {
	right, n := 0, 0
	for _, m := range ms {
		if m.Run.Regime != regime || (task != "" && m.Run.Task != task) {
			continue
		}
		n++
		if v := score(m); (regime == modelmeasures.Aligned && v < 0.5) || (regime == modelmeasures.Oblique && v > 0.5) {
			right++
		}
	}
	return fmt.Sprintf("%d of %d", right, n)
}

// countDefined counts the values that are not NaN.
func countDefined(v []float64) int {
	n := 0
	for _, x := range v {
		if !math.IsNaN(x) {
			n++
		}
	}
	return n
}
