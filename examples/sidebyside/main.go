// Command sidebyside analyses the bundled Golub et al. (2018) BCI recording
// and two bundled networks of one task (one aligned, one oblique) with
// oblique's public API only, and prints their regime measures side by
// side: the correlation ρ between activity and output weights, and the
// fitting and variance dimensions (METHODS.md §4).
//
//	go run ./examples/sidebyside            # from the repository root
//	go run ./examples/sidebyside -task romo
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/pipeline"
)

func main() {
	task := flag.String("task", "cycling", "task of the networks: "+fmt.Sprint(pipeline.Tasks()))
	data := flag.String("data", filepath.Join("data", "golub2018_bci", "before.toml"), "recording manifest")
	flag.Parse()
	if err := run(os.Stdout, *data, *task); err != nil {
		fmt.Fprintln(os.Stderr, "sidebyside:", err)
		os.Exit(1)
	}
}

// run writes the side-by-side table to w.
func run(w io.Writer, manifest, task string) error {
	ctx := context.Background()
	a := pipeline.AnalyzeFile(ctx, manifest, pipeline.AnalyzeOptions{
		Settings: pipeline.AnalysisSettings{NoScaling: true, Seed: 1},
	})
	if a.Err != nil {
		return a.Err
	}
	all, err := pipeline.LoadRuns("")
	if err != nil {
		return err
	}
	runs, err := all.OfTask(task)
	if err != nil {
		return err
	}
	// The first run of each regime (runs are sorted by task, regime, seed).
	pick := runs.Runs[:0:0]
	seen := map[string]bool{}
	for _, tr := range runs.Runs {
		if !seen[tr.Info.Regime] {
			seen[tr.Info.Regime] = true
			pick = append(pick, tr)
		}
	}
	rows, _, err := pipeline.MeasureRuns(ctx, pick, pipeline.MeasureSettings{NoPerturb: true, NoNoise: true, Seed: 1}, nil)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tkind\tρ\tD_var\tD_fit\tD_fit/D_var\t")
	r := a.Result
	fmt.Fprintf(tw, "%s\trecording\t%.2f\t%d\t%d\t%.2f\t\n", a.Name, r.Rho, r.DVar, r.DFit, r.Ratio)
	for _, m := range rows {
		if m.Err != nil {
			return m.Err
		}
		x := m.Result
		fmt.Fprintf(tw, "%s\t%s network\t%.2f\t%d\t%d\t%.2f\t\n", m.Name, m.Regime, x.Rho, x.DVar, x.DFit, x.Ratio)
	}
	return tw.Flush()
}
