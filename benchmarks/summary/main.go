// Command summary prints the tables of benchmarks/paper_runs.sh from its
// run directories: the evaluation loss of every task and regime, and the
// Fig. 2 measures (R² of the output from the top 2 and 8 PCs, ρ with the
// network's W_out and with the fitted decoder) from the `oblique analyze`
// tables of the simulated networks.
//
//	go run ./benchmarks/summary [RUNS_DIR [TASK_RUNS_DIR]]
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/oblique-neuro/oblique/models"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("summary: ")
	runs, taskRuns := "runs", "models/bundled/runs"
	if len(os.Args) > 1 {
		runs = os.Args[1]
	}
	if len(os.Args) > 2 {
		taskRuns = os.Args[2]
	}
	if err := run(runs, taskRuns); err != nil {
		log.Fatal(err)
	}
}

func run(runs, taskRuns string) error {
	fmt.Println("| task | regime | seed | steps | lr0 | eval loss (random x₀, σ = 0) | zero-output loss | ratio | ratio from x₀ = 0 | ms/step | status |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	dirs, _ := filepath.Glob(filepath.Join(taskRuns, "*"))
	order := map[string]int{"cycling": 0, "flipflop": 1, "mante": 2, "romo": 3, "complex-sine": 4}
	var infos []models.Info
	for _, d := range dirs {
		info, err := readInfo(d)
		if err != nil {
			continue
		}
		infos = append(infos, info)
	}
	sort.Slice(infos, func(i, j int) bool {
		a, b := infos[i].Settings, infos[j].Settings
		switch {
		case a.Task != b.Task:
			return order[a.Task] < order[b.Task]
		case infos[i].Regime != infos[j].Regime:
			return infos[i].Regime < infos[j].Regime
		}
		return a.Seed < b.Seed
	})
	for _, info := range infos {
		s := info.Settings
		fmt.Printf("| %s | %s | %d | %d | %g | %.4g | %.4g | %s | %s | %.1f | %s |\n", s.Task, info.Regime, s.Seed, info.StepsDone, s.LR0,
			info.EvalLoss, info.ZeroLoss, pct(info.EvalRatio), pct(info.ZeroStartRatio), info.StepMS, info.Status)
	}

	fmt.Println()
	fmt.Println("| seed | regime | eval loss / zero | R² top-2 PCs | R² top-8 PCs | ρ (W_out) | ρ (fitted) |")
	fmt.Println("|---|---|---|---|---|---|---|")
	type agg struct{ r2, rho []float64 }
	sum := map[string]*agg{"aligned": {}, "oblique": {}}
	rhoBySeed := map[uint64]map[string]float64{}
	dirs, _ = filepath.Glob(filepath.Join(runs, "fig2", "*"))
	sort.Strings(dirs)
	for _, d := range dirs {
		info, err := readInfo(d)
		if err != nil {
			continue
		}
		m, err := readAnalysis(filepath.Join(d, "analysis.arrow"))
		if err != nil {
			fmt.Printf("| %d | %s | %.1f %% | (not analysed: %v) | | | |\n", info.Settings.Seed, info.Regime, 100*info.EvalRatio, err)
			continue
		}
		fmt.Printf("| %d | %s | %.1f %% | %.3f | %.4f | %.3f | %.3f |\n", info.Settings.Seed, info.Regime, 100*info.EvalRatio,
			m.r2k[1], m.r2k[min(7, len(m.r2k)-1)], m.rhoGiven, m.rho)
		a := sum[info.Regime]
		a.r2 = append(a.r2, m.r2k[1])
		a.rho = append(a.rho, m.rhoGiven)
		if rhoBySeed[info.Settings.Seed] == nil {
			rhoBySeed[info.Settings.Seed] = map[string]float64{}
		}
		rhoBySeed[info.Settings.Seed][info.Regime] = m.rhoGiven
	}
	for _, r := range []string{"aligned", "oblique"} {
		if a := sum[r]; len(a.r2) > 0 {
			fmt.Printf("\n%s: mean R² from the top 2 PCs %.3f over %d seeds; mean ρ (W_out) %.3f", r, mean(a.r2), len(a.r2), mean(a.rho))
		}
	}
	fmt.Println()
	seeds := make([]uint64, 0, len(rhoBySeed))
	for s := range rhoBySeed {
		seeds = append(seeds, s)
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	for _, s := range seeds {
		if r := rhoBySeed[s]; r["oblique"] > 0 && r["aligned"] > 0 {
			fmt.Printf("seed %d: ρ_aligned / ρ_oblique = %.3f / %.3f = %.1f\n", s, r["aligned"], r["oblique"], r["aligned"]/r["oblique"])
		}
	}
	return nil
}

func readInfo(dir string) (models.Info, error) {
	var info models.Info
	b, err := os.ReadFile(filepath.Join(dir, models.InfoFile))
	if err != nil {
		return info, err
	}
	err = json.Unmarshal(b, &info)
	return info, err
}

type analysis struct {
	r2k           []float64
	rho, rhoGiven float64
}

// readAnalysis reads the first row of an `oblique analyze` table.
func readAnalysis(path string) (*analysis, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rec, err := r.RecordBatch(0)
	if err != nil {
		return nil, err
	}
	col := func(name string) arrowColumn {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil
		}
		return rec.Column(idx[0])
	}
	a := &analysis{}
	if c, ok := col("rho").(*array.Float64); ok {
		a.rho = c.Value(0)
	}
	if c, ok := col("rho_given").(*array.Float64); ok {
		a.rhoGiven = c.Value(0)
	}
	if c, ok := col("r2_k").(*array.List); ok {
		lo, hi := c.ValueOffsets(0)
		vals := c.ListValues().(*array.Float64)
		for i := lo; i < hi; i++ {
			a.r2k = append(a.r2k, vals.Value(int(i)))
		}
	}
	if len(a.r2k) < 2 {
		return nil, fmt.Errorf("%s: no R² path", path)
	}
	return a, nil
}

type arrowColumn = interface{ Len() int }

// pct formats a ratio in percent, "–" when it was not measured.
func pct(r float64) string {
	if r == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*r)
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
