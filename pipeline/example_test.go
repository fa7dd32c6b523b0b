package pipeline_test

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/oblique-neuro/oblique/pipeline"
)

// The bundled Golub et al. (2018) BCI session (paper Fig. 7B, "BCI 1"),
// analysed without the subsampling (NoScaling) to keep the example quick.
// The printed digits are far from a rounding edge: the kernel paths differ
// in the last bits of these float64 measures (relative 1e-12 or less), so
// the output is the same on every CPU. The same numbers, to more digits,
// are the golden values of internal/cli's tests (checked against
// scikit-learn's Ridge there).
func ExampleAnalyze() {
	manifest := filepath.Join("..", "data", "golub2018_bci", "before.toml")
	rows, err := pipeline.Analyze(context.Background(), []string{manifest},
		pipeline.AnalyzeOptions{Settings: pipeline.AnalysisSettings{NoScaling: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range rows {
		if a.Err != nil {
			fmt.Println(a.Err)
			continue
		}
		r := a.Result
		fmt.Printf("%s: %d samples × %d neurons, R² %.2f, α %g, ρ %.3f, D_var %d, D_fit %d\n",
			a.Name, r.Samples, r.Neurons, r.R2, r.Model.Alpha, r.Rho, r.DVar, r.DFit)
	}
	// Output:
	// golub2018-before: 402 samples × 86 neurons, R² 1.00, α 0.001, ρ 0.165, D_var 59, D_fit 18
}

// Two bundled networks of the cycling task, measured without the
// perturbation and noise analyses. The networks run in float32: their
// measures differ between kernel paths by float32 rounding (relative 1e-6
// or less), far below the two printed decimals.
func ExampleMeasureRuns() {
	runs, err := pipeline.LoadRuns("")
	if err != nil {
		fmt.Println(err)
		return
	}
	two := runs.Runs[:2]
	rows, settings, err := pipeline.MeasureRuns(context.Background(), two,
		pipeline.MeasureSettings{NoPerturb: true, NoNoise: true}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows {
		fmt.Printf("%s (%s, N = %d): ρ %.2f, ‖W_out‖ %.2f, D_var %d\n", r.Name, r.Regime, r.N, r.Result.Rho, r.Result.OutNorm, r.Result.DVar)
	}
	for _, s := range settings {
		fmt.Printf("setting %s/%s: %d runs, mean ρ %.2f\n", s.Task, s.Regime, len(s.Runs), s.RhoMean)
	}
	// Output:
	// cycling-aligned-s1 (aligned, N = 256): ρ 0.47, ‖W_out‖ 0.12, D_var 4
	// cycling-aligned-s2 (aligned, N = 256): ρ 0.49, ‖W_out‖ 0.11, D_var 4
	// setting cycling/aligned: 2 runs, mean ρ 0.48
}
