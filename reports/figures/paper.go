package figures

import (
	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/internal/version"
)

// PaperFields is the schema of the paper table: the published values of
// the paper's Fig. 7B (velocity decoding), as METHODS.md §6 lists them from
// the paper's own stored outputs. The report writes it beside the other
// tables so that Fig. 7B is drawn from files like every figure.
var PaperFields = []arrowtable.Field{
	{Name: "dataset", Type: arrowtable.String, Doc: "data set as the paper names it"},
	{Name: "samples", Type: arrowtable.Int, Unit: "samples", Doc: "samples (time bins) analysed"},
	{Name: "neurons", Type: arrowtable.Int, Unit: "neurons", Doc: "neurons"},
	{Name: "r2", Type: arrowtable.Float, Doc: "R² of the velocity decoder"},
	{Name: "rho", Type: arrowtable.Float, Doc: "ρ, experimental form (METHODS.md §4)"},
	{Name: "d_fit", Type: arrowtable.Int, Unit: "components", Doc: "fitting dimension"},
	{Name: "fit_ratio", Type: arrowtable.Float, Doc: "D_fit/D_var, relative fitting dimension"},
	{Name: "match", Type: arrowtable.Strings, Doc: "lower-case fragments of recording names that are this data set (the report draws such a recording on the data set's row)"},
}

// paperRow is one published data set.
type paperRow struct {
	dataset          string
	samples, neurons int
	r2, rho          float64
	dfit             int
	ratio            float64
	match            []string
}

// paperRows are METHODS.md §6 (from the paper's stored outputs, Fig. 7B).
var paperRows = []paperRow{
	{"Cycling monkey C (trial-averaged)", 5865, 116, 0.97, 0.04, 14, 0.82, []string{"cycling-c", "cycling_c", "monkey-c", "monkeyc"}},
	{"Cycling monkey D (trial-averaged)", 5550, 117, 0.98, 0.07, 13, 0.72, []string{"cycling-d", "cycling_d", "monkey-d", "monkeyd"}},
	{"NLB MC_RTT (single trials)", 3804, 130, 0.69, 0.13, 25, 0.37, []string{"rtt"}},
	{"NLB MC_Maze large (single trials)", 2723, 162, 0.73, 0.13, 40, 0.47, []string{"maze"}},
	{"BCI Golub 2018", 402, 86, 1.00, 0.17, 18, 0.31, []string{"golub"}},
	{"BCI Degenhart 2020", 7573, 93, 0.83, 0.23, 4, 0.06, []string{"degenhart"}},
}

// PaperSource is the paper table's "source" metadata.
const PaperSource = "Schuessler, Mastrogiuseppe, Ostojic & Barak, eLife 2024, doi:10.7554/eLife.93060, Fig. 7B (velocity decoding), values from the paper's stored outputs as listed in METHODS.md §6"

// PaperTable returns the table of published values (kind "paper").
func PaperTable() *arrowtable.Table {
	t := arrowtable.New(PaperFields, map[string]string{
		"tool": "oblique", "version": version.String(), "kernels": linalg.KernelPath(), "table": "paper",
		"figure": "7B", "source": PaperSource,
	})
	for _, r := range paperRows {
		t.Row().Str(r.dataset).Int(r.samples).Int(r.neurons).Float(r.r2).Float(r.rho).Int(r.dfit).Float(r.ratio).Strs(r.match).End()
	}
	return t
}
