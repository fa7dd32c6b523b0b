package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

// CompareOptions configure Compare.
type CompareOptions struct {
	Items []Item
	// Settings of both sides' analyses, as `oblique compare` takes them.
	Settings pipeline.AnalysisSettings
	// Runs is a run directory or a folder of them ("" for the bundled
	// networks); Task restricts them to one task ("" for all).
	Runs, Task string
	// Subsets and Bootstrap as `oblique compare -subsets -bootstrap`
	// (0: its defaults, 5 and 1000).
	Subsets, Bootstrap int
	Out, Store         string
	Watch              Watch
}

// Compare places every recording among the networks, as `oblique compare`
// does, on the runner the Beam flags select, and writes one table with
// compare's columns (per recording, its row and one per network, in the
// items' order) and extraFields. Stored results are reused and failures
// handled as in Batch.
func Compare(ctx context.Context, o CompareOptions) (Summary, error) {
	if o.Subsets == 0 {
		o.Subsets = 5
	}
	if o.Bootstrap == 0 {
		o.Bootstrap = 1000
	}
	opts := pipeline.CompareOptions{Analysis: o.Settings, Subsets: o.Subsets, Bootstrap: o.Bootstrap}
	if err := opts.Validate(); err != nil {
		return Summary{}, err
	}
	nets, err := loadNetworks(o.Runs, o.Task)
	if err != nil {
		return Summary{}, err
	}
	digest, err := runsDigest(nets)
	if err != nil {
		return Summary{}, err
	}
	cfg := config{Settings: o.Settings, Runs: o.Runs, Task: o.Task, Subsets: o.Subsets, Bootstrap: o.Bootstrap, RunsDigest: digest}
	return itemsJob(ctx, "compare", o.Items, cfg, o.Out, o.Store, o.Watch)
}

// loadNetworks loads the networks to compare with.
func loadNetworks(dir, task string) (pipeline.Runs, error) {
	runs, err := pipeline.LoadRuns(dir)
	if err != nil || task == "" {
		return runs, err
	}
	return runs.OfTask(task)
}

// runsDigest stands for the networks' files: the digest of their run
// directories' files and digests ("bundled" for the bundled networks,
// which are part of the tool's version).
func runsDigest(runs pipeline.Runs) (string, error) {
	if runs.Source == "bundled" {
		return "bundled", nil
	}
	dirs := make([]string, len(runs.Runs))
	for i, tr := range runs.Runs {
		dirs[i] = tr.Dir
	}
	files, err := runDigests(dirs)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintln(h, f)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// runDigests lists the files of run directories that define their networks
// (pipeline.RunFiles, with the weights' pattern expanded; sorted in each
// directory), each as "PATH SHA256".
func runDigests(dirs []string) ([]string, error) {
	var out []string
	for _, dir := range dirs {
		var files []string
		for _, pattern := range pipeline.RunFiles() {
			m, err := filepath.Glob(filepath.Join(dir, pattern))
			if err != nil {
				return nil, err
			}
			for _, f := range m {
				if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
					files = append(files, f)
				}
			}
		}
		sort.Strings(files)
		for _, f := range files {
			sum, err := ingest.FileDigest(f)
			if err != nil {
				return nil, err
			}
			out = append(out, f+" "+sum)
		}
	}
	return out, nil
}

// compareItem analyses one recording and places it among the networks:
// its rows of the compare table.
func compareItem(ctx context.Context, it Item, cfg config, nets pipeline.Runs, loadErr error) ([][]byte, []ingest.Source, error) {
	a := analyze(ctx, it, cfg.Settings)
	opts := pipeline.CompareOptions{Analysis: cfg.Settings, Subsets: cfg.Subsets, Bootstrap: cfg.Bootstrap}
	c := pipeline.Comparison{Analysis: a, Err: loadErr}
	if loadErr == nil {
		c = compare(ctx, it, a, nets, opts)
	}
	runs := nets.Source
	if runs == "" {
		runs = cfg.Runs
	}
	b, err := tableBytes(reports.CompareTable([]pipeline.Comparison{c}, reports.CompareSettings{
		Analysis: cfg.Settings, Subsets: cfg.Subsets, Bootstrap: cfg.Bootstrap, Seed: cfg.Settings.Seed, Runs: runs, Task: cfg.Task}))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", it.Input, err)
	}
	return [][]byte{b}, a.Sources, c.Err
}

// compare is pipeline.Compare with a panic turned into the comparison's
// error.
func compare(ctx context.Context, it Item, a pipeline.Analysis, nets pipeline.Runs, o pipeline.CompareOptions) (c pipeline.Comparison) {
	var err error
	defer func() {
		if err != nil {
			c = pipeline.Comparison{Analysis: a, Err: err}
		}
	}()
	defer recovered(it.Input, &err)
	return pipeline.Compare(ctx, a, nets.Runs, o)
}
