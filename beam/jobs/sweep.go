package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

func init() {
	register.DoFn4x0[context.Context, string, Trained, func(Result)](&simulateFn{})
	register.DoFn3x0[context.Context, Item, func(string, Trained)](&trainFn{})
	register.Emitter2[string, Trained]()
	register.DoFn4x0[context.Context, string, func(*Trained) bool, func(Result)](&measureFn{})
	register.Iter1[Trained]()
	beam.RegisterType(reflect.TypeOf((*Trained)(nil)).Elem())
}

// sweepConfig is a sweep's part of a job's config.
type sweepConfig struct {
	// Out is the folder of the run directories; Runs the settings of each
	// run, by its directory's name under Out.
	Out  string
	Runs map[string]pipeline.TrainSettings
	// Measure are the settings of the measures (`oblique models`).
	Measure pipeline.MeasureSettings
	// Order is each setting's 1-based position in the tables.
	Order map[string]int
}

// SweepOptions configure Sweep.
type SweepOptions struct {
	// File is the sweep file (`oblique sweep`'s TOML; "" for the bundled
	// networks' sweep).
	File string
	// N and G, when not empty, are grids over the units and gain in place
	// of the file's n and g: every pair is swept, each into
	// Out/nN-gG/; with neither, runs go to Out/ as `oblique sweep` puts
	// them.
	N []int
	G []float64
	// Out is the folder of the run directories.
	Out string
	// Measure are the settings of the measures (`oblique models`).
	Measure pipeline.MeasureSettings
	// Tables is the runs table (`oblique models -o`; the settings and
	// trajectories tables go beside it); Store the folder of the measured
	// settings' results ("" → Tables + ".items").
	Tables, Store string
	// Simulate, when true, also runs each trained network on 32 fresh
	// trials seeded with Measure.Seed (`oblique simulate RUN -seed S`, into
	// RUN/sim-noise-off-sS) and analyses the recording (`oblique analyze
	// -seed S`) into SimulatedPath(Tables).
	Simulate bool
	Watch    Watch
}

// SimulatedPath is the table of a sweep's simulated recordings: FILE
// -simulated.arrow beside the runs table FILE.arrow.
func SimulatedPath(tables string) string {
	base, ok := strings.CutSuffix(tables, ".arrow")
	if !ok {
		base = tables
	}
	return base + "-simulated.arrow"
}

// Trained is a training run's outcome on its way to the measures.
type Trained struct {
	Index   int
	Name    string
	Seed    uint64
	Error   string
	Elapsed float64
	Worker  string
}

// settingKey names a setting (task × regime × N × g) of a run.
func settingKey(s pipeline.TrainSettings) string {
	return fmt.Sprintf("%s %s n=%d g=%g", s.Task, s.OutScale.Regime(), s.N, s.G)
}

// SweepRuns lists the runs of a sweep: names (directories under Out) and
// settings, in training order.
func SweepRuns(o SweepOptions) ([]string, map[string]pipeline.TrainSettings, error) {
	ns, gs := o.N, o.G
	grid := len(ns) > 0 || len(gs) > 0
	if len(ns) == 0 {
		ns = []int{0}
	}
	if len(gs) == 0 {
		gs = []float64{0}
	}
	var names []string
	runs := map[string]pipeline.TrainSettings{}
	for _, n := range ns {
		for _, g := range gs {
			srs, err := pipeline.SweepWith(o.File, n, g)
			if err != nil {
				return nil, nil, err
			}
			for _, sr := range srs {
				name := sr.Name
				if grid {
					name = filepath.Join(fmt.Sprintf("n%d-g%g", sr.Settings.N, sr.Settings.G), sr.Name)
				}
				if _, dup := runs[name]; dup {
					return nil, nil, fmt.Errorf("%w: run %s comes twice in the grid", pipeline.ErrSettings, name)
				}
				names = append(names, name)
				runs[name] = sr.Settings
			}
		}
	}
	return names, runs, nil
}

// settingOrder numbers the settings of the runs as `oblique models`
// orders them: by task (pipeline.Tasks), regime, g (descending) and N.
func settingOrder(runs map[string]pipeline.TrainSettings) map[string]int {
	type key struct {
		s pipeline.TrainSettings
		k string
	}
	seen := map[string]bool{}
	var keys []key
	for _, s := range runs {
		if k := settingKey(s); !seen[k] {
			seen[k] = true
			keys = append(keys, key{s, k})
		}
	}
	task := func(t string) int { return slices.Index(pipeline.Tasks(), t) }
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i].s, keys[j].s
		switch {
		case a.Task != b.Task:
			return task(a.Task) < task(b.Task)
		case a.OutScale.Regime() != b.OutScale.Regime():
			return a.OutScale.Regime() < b.OutScale.Regime()
		case a.G != b.G:
			return a.G > b.G
		}
		return a.N < b.N
	})
	order := map[string]int{}
	for i, k := range keys {
		order[k.k] = i + 1
	}
	return order
}

// ModelsPaths returns the three tables of `oblique models -o tables`: the
// runs, settings and trajectories tables.
func ModelsPaths(tables string) []string {
	base, ok := strings.CutSuffix(tables, ".arrow")
	if !ok {
		base = tables
	}
	return []string{tables, base + "-settings.arrow", base + "-trajectories.arrow"}
}

// Sweep trains every run of a sweep (as `oblique sweep`: finished runs are
// kept, unfinished ones resume from their last checkpoint, so a preempted
// worker's run continues where it stopped), then measures each setting's
// runs on one worker (as `oblique models -runs Out`) and writes the three
// models tables. A run that fails is reported, left out of the tables, and
// the others go on; the returned error then wraps ErrFailed.
func Sweep(ctx context.Context, o SweepOptions) (Summary, error) {
	t0 := time.Now()
	if o.Out == "" {
		return Summary{}, fmt.Errorf("%w: no folder for the runs", pipeline.ErrSettings)
	}
	names, runs, err := SweepRuns(o)
	if err != nil {
		return Summary{}, err
	}
	outs := ModelsPaths(o.Tables)
	for _, p := range outs {
		if err := reports.CheckOutput(p); err != nil {
			return Summary{}, err
		}
	}
	sc := &sweepConfig{Out: o.Out, Runs: runs, Measure: o.Measure, Order: settingOrder(runs)}
	cfg := config{Kind: "sweep", Sweep: sc, Store: StoreOf(o.Tables, o.Store), Outputs: outs, Total: len(sc.Order)}
	dir, err := newRun(cfg.Store)
	if err != nil {
		return Summary{}, err
	}
	cfg.Markers = dir
	cfg.Meta = map[string]string{"job": "oblique-beam sweep", "runner": Selected().String()}
	js, err := cfg.encode()
	if err != nil {
		return Summary{}, err
	}
	items := make([]Item, len(names))
	for i, n := range names {
		items[i] = Item{Index: i + 1, Input: n}
	}
	p, s := beam.NewPipelineWithRoot()
	col := beam.Reshuffle(s, beam.CreateList(s, items))
	trained := beam.ParDo(s, &trainFn{Config: js}, col)
	measured := beam.ParDo(s, &measureFn{Config: js}, beam.GroupByKey(s, trained))
	writeStep(s, measured, js)
	stages := []Counts{{Stage: "train", Total: len(items)}, {Stage: "measure", Total: cfg.Total}}
	if o.Simulate {
		// The simulated recordings' analyses make a batch job's table.
		sim := config{Kind: "batch", Settings: pipeline.AnalysisSettings{Seed: o.Measure.Seed}, Sweep: sc, Markers: dir,
			Outputs: []string{SimulatedPath(o.Tables)}, Total: len(items), Meta: cfg.Meta}
		sjs, err := sim.encode()
		if err != nil {
			return Summary{}, err
		}
		writeStep(s, beam.ParDo(s, &simulateFn{Config: sjs}, trained), sjs)
		stages = append(stages, Counts{Stage: "simulate", Total: len(items)})
	}

	had := exists(outs[0])
	r, err := run(ctx, p, o.Watch, dir, stages)
	if o.Simulate {
		outs = append(outs, SimulatedPath(o.Tables))
	}
	sum := Summary{Runner: r, Outputs: outs, Elapsed: time.Since(t0)}
	for _, st := range stages {
		sum.Stages = append(sum.Stages, Count(dir, st.Stage, st.Total))
	}
	if err != nil {
		return sum, err
	}
	train := sum.Stages[0]
	sum.Kept = train.Failed == train.Total && had
	failed := 0
	for _, st := range sum.Stages {
		failed += st.Failed
	}
	if failed > 0 {
		return sum, fmt.Errorf("%d runs and %d settings %w", train.Failed, sum.Stages[1].Failed, ErrFailed)
	}
	return sum, nil
}

// simulateFn runs a trained network on fresh trials (as `oblique simulate
// RUN -seed S`) and analyses the recording (as `oblique analyze -seed S`):
// the run's row of the simulated recordings' table.
type simulateFn struct {
	Config string
	cfg    config
}

func (f *simulateFn) Setup() (err error) {
	f.cfg, err = decodeConfig(f.Config)
	return err
}

func (f *simulateFn) ProcessElement(ctx context.Context, _ string, t Trained, emit func(Result)) {
	run := filepath.Join(f.cfg.Sweep.Out, t.Name)
	worker := workerName()
	end := markers(f.cfg.Markers).start("simulate", t.Index, worker)
	t0 := time.Now()
	seed := f.cfg.Settings.Seed
	manifest := filepath.Join(run, fmt.Sprintf("sim-noise-off-s%d", seed), "recording.toml")
	var a pipeline.Analysis
	if t.Error != "" {
		a = pipeline.Analysis{Input: run, Name: t.Name, Err: fmt.Errorf("%s: not trained: %s", run, t.Error)}
	} else if err := simulate(run, pipeline.SimSettings{Trials: 32, Seed: seed, Drop: 10}, filepath.Dir(manifest), &manifest); err != nil {
		a = pipeline.Analysis{Input: run, Name: t.Name, Err: err}
	} else {
		a = analyze(ctx, Item{Index: t.Index, Input: manifest}, f.cfg.Settings)
	}
	r := Result{Index: t.Index, Input: a.Input, Elapsed: time.Since(t0).Seconds(), Worker: worker}
	if a.Err != nil {
		r.Error = a.Err.Error()
	}
	if b, err := tableBytes(reports.AnalyzeTable([]pipeline.Analysis{a}, f.cfg.Settings, nil)); err == nil {
		r.Tables = [][]byte{b}
	} else if r.Error == "" {
		r.Error = err.Error()
	}
	end(outcome(r.Error))
	emit(r)
}

// simulate is pipeline.Simulate with a panic turned into its error; it
// sets *manifest to the recording written.
func simulate(run string, s pipeline.SimSettings, out string, manifest *string) (err error) {
	defer recovered(run, &err)
	sim, err := pipeline.Simulate(run, s, out)
	if err == nil {
		*manifest = sim.Manifest
	}
	return err
}

// trainFn trains one run of a sweep to its steps.
type trainFn struct {
	Config string
	cfg    config
}

func (f *trainFn) Setup() (err error) {
	f.cfg, err = decodeConfig(f.Config)
	return err
}

var (
	runsTrained = beam.NewCounter("oblique", "runs_trained")
	runsFailed  = beam.NewCounter("oblique", "runs_failed")
)

func (f *trainFn) ProcessElement(ctx context.Context, it Item, emit func(string, Trained)) {
	sc := f.cfg.Sweep
	want := sc.Runs[it.Input]
	worker := workerName()
	end := markers(f.cfg.Markers).start("train", it.Index, worker)
	t0 := time.Now()
	err := train(ctx, filepath.Join(sc.Out, it.Input), want)
	t := Trained{Index: it.Index, Name: it.Input, Seed: want.Seed, Elapsed: time.Since(t0).Seconds(), Worker: worker}
	if err != nil {
		t.Error = err.Error()
		runsFailed.Inc(ctx, 1)
	} else {
		runsTrained.Inc(ctx, 1)
	}
	end(outcome(t.Error))
	emit(settingKey(want), t)
}

// train trains the run in dir to want's steps, resuming it from its
// checkpoint (pipeline.SweepState); a finished run is left as it is.
func train(ctx context.Context, dir string, want pipeline.TrainSettings) (err error) {
	defer recovered(dir, &err)
	_, run, err := pipeline.SweepState(dir, want, true)
	if err != nil || run == nil {
		return err
	}
	return pipeline.Train(ctx, run, nil)
}

// measureFn measures the runs of one setting into their rows of the three
// models tables.
type measureFn struct {
	Config string
	cfg    config
}

func (f *measureFn) Setup() (err error) {
	f.cfg, err = decodeConfig(f.Config)
	return err
}

func (f *measureFn) ProcessElement(ctx context.Context, key string, iter func(*Trained) bool, emit func(Result)) {
	sc := f.cfg.Sweep
	var ts []Trained
	var t Trained
	for iter(&t) {
		ts = append(ts, t)
		t = Trained{}
	}
	// `oblique models` orders a setting's runs by seed.
	sort.Slice(ts, func(i, j int) bool { return ts[i].Seed < ts[j].Seed })
	index := sc.Order[key]
	worker := workerName()
	st := Store{Dir: f.cfg.Store}
	var dirs []string
	var errs []error
	for _, t := range ts {
		if t.Error != "" {
			errs = append(errs, fmt.Errorf("%s: %s", t.Name, t.Error))
			continue
		}
		dirs = append(dirs, filepath.Join(sc.Out, t.Name))
	}
	storeKey, keyErr := measureKey(sc, dirs)
	if keyErr == nil {
		if e, tables, err := st.Get(storeKey); err == nil && len(errs) == 0 {
			markers(f.cfg.Markers).start("measure", index, e.Worker)(reused)
			emit(Result{Index: index, Input: key, Tables: tables, Elapsed: e.Elapsed, Worker: e.Worker, Reused: true})
			return
		}
	}
	end := markers(f.cfg.Markers).start("measure", index, worker)
	t0 := time.Now()
	tables, err := measure(ctx, sc, dirs)
	if err != nil {
		errs = append(errs, err)
	}
	r := Result{Index: index, Input: key, Tables: tables, Elapsed: time.Since(t0).Seconds(), Worker: worker}
	if e := errors.Join(errs...); e != nil {
		r.Error = e.Error()
	}
	if keyErr == nil && len(errs) == 0 {
		_ = st.Put(Entry{Key: storeKey, Input: key, Elapsed: r.Elapsed, Worker: worker, Version: pipeline.Version()}, tables)
	}
	end(outcome(r.Error))
	emit(r)
}

// measureKey is the store key of a setting's measures: the measures'
// settings, the runs' folder and every file of its runs with its digest.
func measureKey(sc *sweepConfig, dirs []string) (string, error) {
	m, err := json.Marshal(sc.Measure)
	if err != nil {
		return "", err
	}
	files, err := runDigests(dirs)
	if err != nil {
		return "", err
	}
	parts := append([]string{string(m), sc.Out}, files...)
	return Key("sweep-measure", parts...), nil
}

// measure measures the runs in dirs (one setting) and returns their rows
// of the runs, settings and trajectories tables. A run that fails has its
// error in its row (and in err).
func measure(ctx context.Context, sc *sweepConfig, dirs []string) (tables [][]byte, err error) {
	defer recovered("measures", &err)
	var all pipeline.Runs
	for _, d := range dirs {
		r, err := pipeline.LoadRuns(d)
		if err != nil {
			return modelsTables(sc, nil, nil), err
		}
		all.Runs = append(all.Runs, r.Runs...)
	}
	rows, sums, err := pipeline.MeasureRuns(ctx, all.Runs, sc.Measure, nil)
	for _, r := range rows {
		if r.Err != nil && err == nil {
			err = r.Err
		}
	}
	return modelsTables(sc, rows, sums), err
}

// modelsTables returns the runs, settings and trajectories tables of rows
// and sums (nil tables if one cannot be written: the write step says so).
func modelsTables(sc *sweepConfig, rows []pipeline.ModelRun, sums []pipeline.SettingSummary) [][]byte {
	var out [][]byte
	for _, t := range []*arrowtable.Table{
		reports.ModelsTable(rows, sc.Out, sc.Measure),
		reports.SettingsTable(sums, sc.Out, sc.Measure),
		reports.TrajectoryTable(rows, sc.Out, sc.Measure),
	} {
		b, err := tableBytes(t)
		if err != nil {
			return nil
		}
		out = append(out, b)
	}
	return out
}
