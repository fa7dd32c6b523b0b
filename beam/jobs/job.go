package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/pipeline"
)

func init() {
	register.DoFn3x0[context.Context, Item, func(Result)](&itemFn{})
	register.Emitter1[Result]()
	register.DoFn3x1[context.Context, int, func(*Result) bool, error](&writeFn{})
	register.Iter1[Result]()
	beam.RegisterType(reflect.TypeOf((*Item)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*Result)(nil)).Elem())
}

// Result is an item's outcome as it travels from its worker to the step
// that writes the combined tables.
type Result struct {
	Index         int
	Input, Preset string
	// Digest is the input file's SHA-256 digest ("" when it could not be
	// read).
	Digest string
	// Tables are the item's rows of each output table (Arrow IPC files).
	Tables [][]byte
	// Error is the item's error ("" when it succeeded).
	Error   string
	Elapsed float64
	Worker  string
	Reused  bool
}

// config is what a job's steps need; it travels to the workers as JSON.
type config struct {
	Kind     string
	Settings pipeline.AnalysisSettings
	// Compare: the networks (a run directory or folder of them; "" for
	// the bundled ones), the task they are restricted to, and the
	// comparison's settings; RunsDigest stands for their files.
	Runs, Task         string
	Subsets, Bootstrap int
	RunsDigest         string
	// Sweep: see sweep.go.
	Sweep *sweepConfig `json:",omitempty"`

	Store   string
	Markers string
	Outputs []string
	// Total is the number of results the write step waits for.
	Total int
	// Meta is set in the combined tables' metadata.
	Meta map[string]string
}

// encode returns c as JSON, checking that it decodes to the same value:
// the workers must see the settings the launcher was given.
func (c config) encode() (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	back, err := decodeConfig(string(b))
	if err != nil {
		return "", err
	}
	if !reflect.DeepEqual(back, c) {
		return "", fmt.Errorf("the job's settings do not survive their encoding for the workers")
	}
	return string(b), nil
}

func decodeConfig(s string) (config, error) {
	var c config
	err := json.Unmarshal([]byte(s), &c)
	return c, err
}

// itemFn works on one item of a batch or compare job.
type itemFn struct {
	Config string

	cfg  config
	nets pipeline.Runs
	load error
}

func (f *itemFn) Setup() error {
	c, err := decodeConfig(f.Config)
	if err != nil {
		return err
	}
	f.cfg = c
	if c.Kind == "compare" {
		f.nets, f.load = loadNetworks(c.Runs, c.Task)
	}
	return nil
}

var (
	itemsDone   = beam.NewCounter("oblique", "items_done")
	itemsFailed = beam.NewCounter("oblique", "items_failed")
	itemsReused = beam.NewCounter("oblique", "items_reused")
)

func (f *itemFn) ProcessElement(ctx context.Context, it Item, emit func(Result)) {
	st := Store{Dir: f.cfg.Store}
	digest, key := f.key(it)
	if key != "" {
		if e, tables, err := st.Get(key); err == nil {
			itemsReused.Inc(ctx, 1)
			itemsDone.Inc(ctx, 1)
			markers(f.cfg.Markers).start("item", it.Index, e.Worker)(reused)
			emit(Result{Index: it.Index, Input: it.Input, Preset: it.Preset, Digest: digest, Tables: tables,
				Elapsed: e.Elapsed, Worker: e.Worker, Reused: true})
			return
		}
	}
	worker := workerName()
	end := markers(f.cfg.Markers).start("item", it.Index, worker)
	t0 := time.Now()
	tables, sources, err := f.work(ctx, it)
	r := Result{Index: it.Index, Input: it.Input, Preset: it.Preset, Digest: digest, Tables: tables,
		Elapsed: time.Since(t0).Seconds(), Worker: worker}
	if err != nil {
		r.Error = err.Error()
		itemsFailed.Inc(ctx, 1)
	} else {
		itemsDone.Inc(ctx, 1)
	}
	if key != "" && tables != nil {
		e := Entry{Key: key, Input: it.Input, Preset: it.Preset, Sources: sources, Error: r.Error,
			Elapsed: r.Elapsed, Worker: worker, Version: pipeline.Version()}
		if err := st.Put(e, tables); err != nil {
			log.Warnf(ctx, "%s: result not stored (it will be computed again next time): %v", it.Input, err)
		}
	}
	end(outcome(r.Error))
	emit(r)
}

// key returns the input's digest and the item's store key; both are ""
// when the input cannot be read (the work then says why).
func (f *itemFn) key(it Item) (string, string) {
	digest, err := ingest.FileDigest(it.Input)
	if err != nil || f.cfg.Store == "" {
		return digest, ""
	}
	// The preset's text as read where the job was submitted (a preset
	// file's edits give a new key).
	preset := it.PresetTOML
	s, err := json.Marshal(f.cfg.Settings.Resolved())
	if err != nil {
		return digest, ""
	}
	parts := []string{it.Input, digest, preset, string(s)}
	if f.cfg.Kind == "compare" {
		parts = append(parts, f.cfg.Runs, f.cfg.Task, strconv.Itoa(f.cfg.Subsets), strconv.Itoa(f.cfg.Bootstrap), f.cfg.RunsDigest)
	}
	return digest, Key(f.cfg.Kind, parts...)
}

// work computes an item's tables; a panic becomes the item's error.
func (f *itemFn) work(ctx context.Context, it Item) (tables [][]byte, sources []ingest.Source, err error) {
	switch f.cfg.Kind {
	case "batch":
		return analyzeItem(ctx, it, f.cfg)
	case "compare":
		return compareItem(ctx, it, f.cfg, f.nets, f.load)
	}
	return nil, nil, fmt.Errorf("unknown job kind %q", f.cfg.Kind)
}

// recovered turns a panic into an error naming what was being done.
func recovered(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: panic: %v\n%s", what, r, firstLines(string(debug.Stack()), 12))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// writeFn writes a job's combined tables from every item's result.
type writeFn struct {
	Config string
}

// extraFields are the columns a batch or compare table has beyond those of
// `oblique analyze` or `oblique compare`.
var extraFields = []arrowtable.Field{
	{Name: "item", Type: arrowtable.Int, Doc: "1-based position of the recording in the job's list of inputs"},
	{Name: "preset", Type: arrowtable.String, Doc: "preset the recording was read with; null for a manifest"},
	{Name: "input_sha256", Type: arrowtable.String, Doc: "SHA-256 digest of the input file; null when it could not be read"},
	{Name: "elapsed_s", Type: arrowtable.Float, Unit: "s", Doc: "time the item's work took on its worker (for a reused result, when it was computed)"},
	{Name: "worker", Type: arrowtable.String, Doc: "host:pid of the worker process that computed the result"},
	{Name: "reused", Type: arrow.FixedWidthTypes.Boolean, Doc: "true when the result was taken from the store (same input digest and settings) instead of computed"},
}

func (f *writeFn) ProcessElement(ctx context.Context, _ int, iter func(*Result) bool) error {
	cfg, err := decodeConfig(f.Config)
	if err != nil {
		return err
	}
	var rs []Result
	var r Result
	for iter(&r) {
		rs = append(rs, r)
		r = Result{}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Index < rs[j].Index })
	if len(rs) != cfg.Total {
		return fmt.Errorf("%d results for %d items", len(rs), cfg.Total)
	}
	failed := 0
	for _, r := range rs {
		if r.Error != "" {
			failed++
		}
		if len(r.Tables) != len(cfg.Outputs) {
			return fmt.Errorf("%s: %d tables for %d outputs", r.Input, len(r.Tables), len(cfg.Outputs))
		}
	}
	if failed == len(rs) && exists(cfg.Outputs[0]) {
		log.Warnf(ctx, "every item failed: %s left as it was", strings.Join(cfg.Outputs, ", "))
		return nil
	}
	for i, out := range cfg.Outputs {
		parts := make([][]byte, len(rs))
		for j, r := range rs {
			parts[j] = r.Tables[i]
		}
		var extra []Column
		if cfg.Kind != "sweep" {
			extra = extraColumns(rs)
		}
		rec, err := Combine(parts, extra, cfg.Meta)
		if err == nil && cfg.Kind == "batch" {
			rec, err = uniqueRecordings(rec)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", out, err)
		}
		err = WriteTable(out, rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func extraColumns(rs []Result) []Column {
	cols := make([]Column, len(extraFields))
	for i, f := range extraFields {
		cols[i] = Column{Field: f, Values: make([]any, len(rs))}
	}
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	for j, r := range rs {
		for i, v := range []any{r.Index, orNull(r.Preset), orNull(r.Digest), r.Elapsed, orNull(r.Worker), r.Reused} {
			cols[i].Values[j] = v
		}
	}
	return cols
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeStep adds the steps that gather every result on one worker and
// write the combined tables.
func writeStep(s beam.Scope, results beam.PCollection, cfg string) {
	grouped := beam.GroupByKey(s, beam.AddFixedKey(s, results))
	beam.ParDo0(s, &writeFn{Config: cfg}, grouped)
}

// Summary is the outcome of a job.
type Summary struct {
	Runner Runner
	// Stages count the items of each stage: the recordings of a batch or
	// compare job; a sweep's runs trained, then its settings measured.
	Stages []Counts
	// Outputs are the tables; Kept is true when every item failed and the
	// existing tables were left as they were.
	Outputs []string
	Kept    bool
	Elapsed time.Duration
}

// Watch is how a job reports progress while it runs.
type Watch struct {
	// Started is called once the runner is known.
	Started func(Runner)
	// Progress is called with a stage's counts every Every (2 s when 0)
	// when they changed, and once per stage at the end.
	Progress func(Counts)
	Every    time.Duration
}

// newRun makes a job's progress folder in the store.
func newRun(store string) (string, error) {
	dir := filepath.Join(store, "runs", fmt.Sprintf("%s-%d", time.Now().UTC().Format("20060102T150405.000"), os.Getpid()))
	return dir, os.MkdirAll(dir, 0o755)
}

// run executes p, reporting the progress of its stages from the markers in
// dir.
func run(ctx context.Context, p *beam.Pipeline, w Watch, dir string, stages []Counts) (Runner, error) {
	var r Runner
	stop := make(chan struct{})
	done := make(chan struct{})
	every := w.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	last := make([]Counts, len(stages))
	report := func(always bool) {
		for i, st := range stages {
			if c := Count(dir, st.Stage, st.Total); (always || c != last[i]) && w.Progress != nil {
				w.Progress(c)
				last[i] = c
			}
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				report(false)
			}
		}
	}()
	err := Execute(ctx, p, func(rn Runner) {
		r = rn
		if w.Started != nil {
			w.Started(rn)
		}
	})
	close(stop)
	<-done
	report(true)
	return r, err
}

// ErrFailed is wrapped by a job's error when some of its items failed (the
// others' results are in the tables).
var ErrFailed = errors.New("items failed")
