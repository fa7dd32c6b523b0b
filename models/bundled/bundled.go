// Package bundled holds the trained networks that ship with oblique: the
// paper's five tasks, aligned and oblique (small and large output weights),
// g = 1.5, several seeds each, trained by `oblique sweep` from sweep.toml
// (`make models` retrains them). They are embedded in the binary, so
// `oblique models` and `oblique compare` work anywhere.
package bundled

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/tasks"
)

//go:embed sweep.toml
var sweep []byte

//go:embed runs/*/run.json runs/*/weights_*.npy runs/*/loss.arrow
var files embed.FS

// Sweep returns the sweep file the runs were trained from.
func Sweep() []byte { return sweep }

// FS returns the embedded run directories, under "runs/".
func FS() fs.FS { return files }

// Runs returns every finished bundled run, sorted by task (in the order of
// tasks.Names), regime (aligned first) and seed. Unfinished runs (a sweep
// still going when the binary was built) are left out.
func Runs() ([]*models.Trained, error) {
	entries, err := fs.ReadDir(files, "runs")
	if err != nil {
		return nil, err
	}
	var out []*models.Trained
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := path.Join("runs", e.Name())
		if _, err := fs.Stat(files, path.Join(dir, models.WeightsW)); err != nil {
			continue // not finished
		}
		tr, err := models.OpenFS(files, dir)
		if err != nil {
			return nil, fmt.Errorf("bundled run %s: %w", e.Name(), err)
		}
		out = append(out, tr)
	}
	Sort(out)
	return out, nil
}

// Sort orders runs by task (tasks.Names order), regime (aligned first),
// g, N and seed.
func Sort(runs []*models.Trained) {
	order := map[string]int{}
	for i, n := range tasks.Names() {
		order[n] = i
	}
	sort.SliceStable(runs, func(i, j int) bool {
		a, b := runs[i].Info, runs[j].Info
		switch {
		case a.Settings.Task != b.Settings.Task:
			return order[a.Settings.Task] < order[b.Settings.Task]
		case a.Regime != b.Regime:
			return a.Regime < b.Regime
		case a.Settings.G != b.Settings.G:
			return a.Settings.G > b.Settings.G
		case a.Settings.N != b.Settings.N:
			return a.Settings.N < b.Settings.N
		}
		return a.Settings.Seed < b.Settings.Seed
	})
}
