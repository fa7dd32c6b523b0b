package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/internal/stats"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/internal/words"
	"github.com/oblique-neuro/oblique/pipeline"
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

// CompareFields is the schema of the compare table: per recording, one row
// for the recording (kind "recording") and one per network (kind "model")
// on the same axes. Documented in the README; only add columns.
var CompareFields = []arrowtable.Field{
	{Name: "recording", Type: tString, Unit: "", Doc: "recording name (manifest `name`)"},
	{Name: "input", Type: tString, Unit: "", Doc: "manifest the recording was read from"},
	{Name: "error", Type: tString, Unit: "", Doc: "why the recording could not be compared; null when it was"},
	{Name: "kind", Type: tString, Unit: "", Doc: "recording, or model (a network run through the recording's pipeline)"},
	{Name: "run", Type: tString, Unit: "", Doc: "network's run name; null for the recording"},
	{Name: "task", Type: tString, Unit: "", Doc: "network's task; null for the recording"},
	{Name: "regime", Type: tString, Unit: "", Doc: "network's regime (aligned, oblique); null for the recording"},
	{Name: "seed", Type: tUint, Unit: "", Doc: "network's training seed; null for the recording"},
	{Name: "neurons", Type: tInt, Unit: "neurons", Doc: "neurons n used (a network: units subsampled to the recording's count)"},
	{Name: "samples", Type: tInt, Unit: "samples", Doc: "samples used (a network: its samples subsampled to the recording's count when it has more)"},
	{Name: "r2", Type: tFloat, Unit: "", Doc: "R² of the ridge decoder on all n neurons (mean over subsets for a network)"},
	{Name: "rho", Type: tFloat, Unit: "", Doc: "ρ, experimental form, fitted decoder (mean over subsets)"},
	{Name: "rho_sqrt_n", Type: tFloat, Unit: "", Doc: "ρ·√n (for a network: geometric mean over subsets)"},
	{Name: "d_var", Type: tFloat, Unit: "components", Doc: "D_var (mean over subsets)"},
	{Name: "d_fit", Type: tFloat, Unit: "components", Doc: "D_fit, relative rule (mean over subsets)"},
	{Name: "fit_ratio", Type: tFloat, Unit: "", Doc: "D_fit/D_var (for a network: geometric mean over subsets)"},
	{Name: "slope", Type: tFloat, Unit: "", Doc: "slope of log(ρ·√n) against log n under neuron subsampling (mean over subsets)"},
	{Name: "score", Type: tFloat, Unit: "", Doc: "regime score, 0 aligned … 1 oblique: the mean of task_scores (see the README); for a network, with itself held out of the reference"},
	{Name: "score_lo", Type: tFloat, Unit: "", Doc: "2.5 % bootstrap bound of the recording's score; null for a network"},
	{Name: "score_hi", Type: tFloat, Unit: "", Doc: "97.5 % bootstrap bound; null for a network"},
	{Name: "subsets", Type: tInt, Unit: "", Doc: "neuron subsets of the network; null for the recording"},
	{Name: "rho_sqrt_n_subsets", Type: tFloats, Unit: "", Doc: "ρ·√n of each subset"},
	{Name: "fit_ratio_subsets", Type: tFloats, Unit: "", Doc: "D_fit/D_var of each subset"},
	{Name: "slope_subsets", Type: tFloats, Unit: "", Doc: "scaling slope of each subset"},
	{Name: "analysis_seed", Type: tUint, Unit: "", Doc: "seed of every random draw"},
	{Name: "notes", Type: tStrings, Unit: "", Doc: "remarks"},
	{Name: "score_tasks", Type: tStrings, Unit: "", Doc: "the tasks of task_scores, in order"},
	{Name: "task_scores", Type: tFloats, Unit: "", Doc: "score against each task's networks alone (for a network: held out)"},
	{Name: "task_scores_lo", Type: tFloats, Unit: "", Doc: "2.5 % bootstrap bound of each task score of the recording; null for a network"},
	{Name: "task_scores_hi", Type: tFloats, Unit: "", Doc: "97.5 % bootstrap bound of each task score; null for a network"},
	{Name: "score_own_task", Type: tFloat, Unit: "", Doc: "a network's held-out score against the networks of its own task (the check of the score); null for the recording"},
}

// CompareSettings are the settings recorded in the compare table.
type CompareSettings struct {
	Analysis  pipeline.AnalysisSettings
	Subsets   int
	Bootstrap int
	Seed      uint64
	Runs      string
	// Task is the task the networks were restricted to (-task); empty
	// for every task.
	Task string
	// Preset is the preset the recordings were read with (nil:
	// manifests), recorded as AnalyzeTable records it.
	Preset *pipeline.PresetRecord
}

// CompareTable builds the compare table.
func CompareTable(rows []pipeline.Comparison, s CompareSettings) *arrowtable.Table {
	meta := AnalyzeMetadata(s.Analysis)
	presetMetadata(meta, s.Preset)
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
	t := arrowtable.New(CompareFields, meta)
	for _, c := range rows {
		a := c.Analysis
		if c.Err != nil {
			t.Row().Str(a.Name).Str(a.Input).Str(c.Err.Error()).Str("recording").
				NullUntil("analysis_seed").Uint(s.Seed).NullUntil("score_own_task").Null().End()
			continue
		}
		x, p := c.Axes, c.Placement
		t.Row().Str(a.Name).Str(a.Input).Null().Str("recording").Null().Null().Null().Null().
			Int(x.Neurons).Int(x.Samples).Float(x.R2).Float(x.Rho).Float(x.RhoSqrtN).Float(float64(x.DVar)).Float(dfitOrNaN(x)).Float(x.Ratio).Float(x.Slope).
			Float(p.Score).Float(p.Lo).Float(p.Hi).Null().Null().Null().Null().Uint(s.Seed).StrsOrNull(c.Notes).
			Strs(p.Tasks).Floats(p.TaskScores).Floats(p.TaskLo).Floats(p.TaskHi).Null().End()
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
			mdv, _ := stats.MeanSD(dv)
			mdf, _ := stats.MeanSD(df)
			x := m.Centre
			t.Row().Str(a.Name).Str(a.Input).Null().Str("model").Str(m.Run.Name).Str(m.Run.Task).Str(m.Run.Regime).Uint(m.Run.Seed).
				Int(x.Neurons).Int(x.Samples).Float(x.R2).Float(x.Rho).Float(x.RhoSqrtN).Float(mdv).Float(mdf).Float(x.Ratio).Float(x.Slope).
				Float(m.HeldOut.Score).Null().Null().Int(len(m.Subsets)).Floats(rs).Floats(fr).Floats(sl).Uint(s.Seed).Null().
				Strs(p.Tasks).Floats(m.HeldOut.TaskScores).Null().Null().Float(m.HeldOut.Own).End()
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
func PrintCompare(w io.Writer, rows []pipeline.Comparison) {
	for _, c := range rows {
		a := c.Analysis
		if c.Err != nil {
			printError(w, a.Name, c.Err)
			continue
		}
		x, p := c.Axes, c.Placement
		nt := countDefined(p.TaskScores)
		fmt.Fprintf(w, "%s: %s × %s; regime score %.2f [%.2f, %.2f] (0 aligned … 1 oblique; mean over %s)\n",
			a.Name, words.Count(x.Samples, "sample"), words.Count(x.Neurons, "neuron"), p.Score, p.Lo, p.Hi, words.Count(nt, "task"))
		if c := a.Result.Caveats(); len(c) > 0 {
			fmt.Fprintf(w, "  not meaningful (%s): the recording's numbers, and so this score, say nothing about its regime\n", strings.Join(c, ", "))
		}
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
			mr, _ := stats.MeanSD(rho)
			ml, _ := stats.MeanSD(rsn)
			mq, _ := stats.MeanSD(ratio)
			ms, _ := stats.MeanSD(slope)
			mh, _ := stats.MeanSD(held)
			fmt.Fprintf(tw, "%s networks (%d, mean)\t%.3f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", regime, len(rho), mr, math.Exp(ml), math.Exp(mq), ms, mh)
		}
		tw.Flush()
		fmt.Fprintln(w, "  per task (held out: networks of the task scored against the task's other networks):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\ttask\tscore\tinterval\taligned < ½\toblique > ½\t")
		for i, task := range p.Tasks {
			fmt.Fprintf(tw, "\t%s\t%s\t[%s, %s]\t%s\t%s\t\n", task, fmtNaN(p.TaskScores[i], "%.2f"),
				fmtNaN(p.TaskLo[i], "%.2f"), fmtNaN(p.TaskHi[i], "%.2f"),
				heldOutCount(c.Models, task, modelmeasures.Aligned, func(m pipeline.ComparedModel) float64 { return m.HeldOut.Own }),
				heldOutCount(c.Models, task, modelmeasures.Oblique, func(m pipeline.ComparedModel) float64 { return m.HeldOut.Own }))
		}
		tw.Flush()
		fmt.Fprintf(w, "  held out, mean over tasks: aligned %s below ½, oblique %s above ½\n",
			heldOutCount(c.Models, "", modelmeasures.Aligned, func(m pipeline.ComparedModel) float64 { return m.HeldOut.Score }),
			heldOutCount(c.Models, "", modelmeasures.Oblique, func(m pipeline.ComparedModel) float64 { return m.HeldOut.Score }))
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
}

// heldOutCount counts the networks of the regime (and of the task, unless
// it is empty) whose held-out score is on their own side of ½: "k of n".
func heldOutCount(ms []pipeline.ComparedModel, task, regime string, score func(pipeline.ComparedModel) float64) string {
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
