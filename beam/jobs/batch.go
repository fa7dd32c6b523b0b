package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

// BatchOptions configure Batch.
type BatchOptions struct {
	// Items are the recordings (Inputs lists them).
	Items []Item
	// Settings of the analysis, as `oblique analyze` takes them.
	Settings pipeline.AnalysisSettings
	// Out is the combined table (Arrow IPC); Store the folder of the
	// items' results ("" → Out + ".items").
	Out, Store string
	Watch      Watch
}

// StoreOf returns the store folder of an output: store when given, else
// out + ".items".
func StoreOf(out, store string) string {
	if store != "" {
		return store
	}
	return out + ".items"
}

// Batch analyses every item, as `oblique analyze` does, on the runner the
// Beam flags select, and writes one table with analyze's columns (rows in
// the items' order) and extraFields. Items whose result is in the store
// for the same input digest and settings are not computed again. A failed
// item has its error in the error column and the others go on; the
// returned error then wraps ErrFailed. When every item fails and Out
// exists, Out is left as it was (Summary.Kept).
func Batch(ctx context.Context, o BatchOptions) (Summary, error) {
	if err := o.Settings.Resolved().Validate(); err != nil {
		return Summary{}, fmt.Errorf("%w: %w", pipeline.ErrSettings, err)
	}
	return itemsJob(ctx, "batch", o.Items, config{Settings: o.Settings}, o.Out, o.Store, o.Watch)
}

// itemsJob runs a batch or compare job: items analysed (and compared) on
// the workers, their tables combined into out.
func itemsJob(ctx context.Context, kind string, items []Item, cfg config, out, store string, w Watch) (Summary, error) {
	t0 := time.Now()
	if len(items) == 0 {
		return Summary{}, fmt.Errorf("%w: no recording given", ErrList)
	}
	if err := reports.CheckOutput(out); err != nil {
		return Summary{}, err
	}
	if err := ReadPresets(items); err != nil {
		return Summary{}, err
	}
	cfg.Kind = kind
	cfg.Store = StoreOf(out, store)
	dir, err := newRun(cfg.Store)
	if err != nil {
		return Summary{}, err
	}
	defer os.RemoveAll(dir)
	cfg.Markers, cfg.Outputs, cfg.Total = dir, []string{out}, len(items)
	cfg.Meta = map[string]string{"job": "oblique-beam " + kind, "runner": Selected().String()}
	if p := commonPreset(items); p == "mixed" {
		cfg.Meta["preset"] = "per item (column preset)"
	}
	js, err := cfg.encode()
	if err != nil {
		return Summary{}, err
	}
	p, s := beam.NewPipelineWithRoot()
	col := beam.Reshuffle(s, beam.CreateList(s, items))
	results := beam.ParDo(s, &itemFn{Config: js}, col)
	writeStep(s, results, js)

	had := exists(out)
	r, err := run(ctx, p, w, dir, []Counts{{Stage: "item", Total: len(items)}})
	c := Count(dir, "item", len(items))
	sum := Summary{Runner: r, Stages: []Counts{c}, Outputs: cfg.Outputs, Elapsed: time.Since(t0)}
	if err != nil {
		return sum, err
	}
	sum.Kept = c.Failed == len(items) && had
	if c.Failed > 0 {
		return sum, fmt.Errorf("%d of %d %w", c.Failed, len(items), ErrFailed)
	}
	return sum, nil
}

// commonPreset returns the items' preset when they share one, else "mixed".
func commonPreset(items []Item) string {
	p := items[0].Preset
	for _, it := range items {
		if it.Preset != p {
			return "mixed"
		}
	}
	return p
}

// analyzeItem analyses one input into its rows of the analyze table: one,
// or one per recording a preset finds in it (bci-hennig's blocks).
func analyzeItem(ctx context.Context, it Item, cfg config) ([][]byte, []ingest.Source, error) {
	rows := analyzeAll(ctx, it, cfg.Settings)
	b, err := tableBytes(reports.AnalyzeTable(rows, cfg.Settings, it.presetRecord()))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", it.Input, err)
	}
	var (
		sources []ingest.Source
		errs    []error
	)
	for _, a := range rows {
		sources = append(sources, a.Sources...)
		errs = append(errs, a.Err)
	}
	return [][]byte{b}, sources, errors.Join(errs...)
}

// analyze is analyzeAll's first analysis (compare takes one recording an
// item).
func analyze(ctx context.Context, it Item, s pipeline.AnalysisSettings) pipeline.Analysis {
	return analyzeAll(ctx, it, s)[0]
}

// analyzeAll is pipeline.Analyze of the item's input with the preset text
// read where the job was submitted, with a panic turned into the
// analysis's error.
func analyzeAll(ctx context.Context, it Item, s pipeline.AnalysisSettings) (rows []pipeline.Analysis) {
	var err error
	defer func() {
		if err != nil {
			rows = []pipeline.Analysis{{Input: it.Input, Name: it.Input, Err: err}}
		}
	}()
	defer recovered(it.Input, &err)
	o := pipeline.AnalyzeOptions{Settings: s}
	if r := it.presetRecord(); r != nil {
		if o.LoadedPreset, err = pipeline.PresetFromRecord(*r); err != nil {
			return nil
		}
	}
	rows, err = pipeline.Analyze(ctx, []string{it.Input}, o)
	if err != nil && len(rows) > 0 {
		err = nil // each row carries it
	}
	return rows
}
