package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/ingest"

	// Registers the MATLAB v7.3 (HDF5) reader with package matfile.
	_ "github.com/oblique-neuro/oblique/ingest/matfile/mat73"
	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
	"github.com/oblique-neuro/oblique/regimes"
)

// AnalysisSettings configure the analysis of a recording: the decoder's
// cross-validation, the dimension thresholds, the subsampling and the seed.
// The zero value is the paper's analysis with seed 0 (regimes.Settings).
type AnalysisSettings = regimes.Settings

// Analysis is the outcome of analysing one recording: either its design
// and result, or the error that stopped it.
type Analysis struct {
	// Input is the manifest (or data file) the recording was read from;
	// Name the recording's name (Input until it is known).
	Input, Name string
	// Sources are the files the recording was read from, with digests.
	Sources []ingest.Source
	// Design is the preprocessed recording; Result its measures.
	Design *preprocess.Design
	Result *regimes.Result
	// Err, when not nil, says why the recording has no result; it names
	// the input.
	Err error
}

// AnalyzeOptions configure Analyze.
type AnalyzeOptions struct {
	// Settings of the analysis.
	Settings AnalysisSettings
	// Preset, when not empty, names the preset that reads the inputs as
	// data files (NWB or MATLAB): a built-in preset's name (see Presets) or
	// a preset file's path (a value ending in .toml or holding a path
	// separator; OpenPreset). Empty means the inputs are recording
	// manifests (package manifest).
	Preset string
	// Set overrides keys of the preset, KEY=VALUE with VALUE in TOML
	// syntax ("fit.lag_ms=50"; presets.Override).
	Set []string
	// LoadedPreset, when not nil, is the preset to read the inputs with,
	// read already (OpenPreset, or presets.FromRecord on a distributed
	// run's worker); Preset and Set are then not used.
	LoadedPreset *presets.Preset
	// Progress receives an event per input and per stage of its analysis.
	Progress Progress
}

// ErrNonFinite is wrapped by the error of a recording whose activity,
// behaviour or measures are not finite numbers (an overflow, or a decoder
// that did not converge), or whose design's values are beyond what the
// analysis' float64 sums hold (preprocess.Build): it is
// preprocess.ErrNonFinite.
var ErrNonFinite = preprocess.ErrNonFinite

// ErrManifestWithPreset is wrapped by the error for a manifest given with a
// preset, which reads data files instead.
var ErrManifestWithPreset = errors.New("a manifest, not a data file")

// PresetRecord is what a run records of the preset it used: its source
// (a built-in name, or a file's path and SHA-256) and its TOML text after
// overrides (presets.Record).
type PresetRecord = presets.Record

// Preset is a preset read (OpenPreset): how to read a kind of data file.
type Preset = presets.Preset

// ErrNoPreset is wrapped by the error of OpenPreset for a name that is no
// built-in preset (presets.ErrNoPreset): the other errors of OpenPreset are
// about the preset file or the overrides.
var ErrNoPreset = presets.ErrNoPreset

// OpenPreset returns the preset that value names, a built-in preset's name
// or a preset file's path (presets.Open), with the overrides KEY=VALUE of
// set applied in order (presets.Override) and its settings checked.
func OpenPreset(value string, set []string) (*presets.Preset, error) {
	p, err := presets.Open(value)
	if err != nil {
		return nil, err
	}
	if err := presets.OverrideAll(p, set); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// PresetFromRecord returns the preset a record holds (presets.FromRecord):
// a distributed run's workers use the preset its submitter read.
func PresetFromRecord(r PresetRecord) (*Preset, error) { return presets.FromRecord(r) }

// loader returns the function that reads an input into its recordings
// (several when a preset finds several in one file) and their
// preprocessing settings.
func (o AnalyzeOptions) loader() (func(string) ([]presets.Loaded, error), error) {
	p := o.LoadedPreset
	if p == nil && o.Preset == "" {
		if len(o.Set) > 0 {
			return nil, fmt.Errorf("overrides %s given without a preset", strings.Join(o.Set, ", "))
		}
		return func(path string) ([]presets.Loaded, error) {
			rec, s, err := manifest.Load(path)
			if err != nil {
				return nil, err
			}
			return []presets.Loaded{{Recording: rec, Settings: s}}, nil
		}, nil
	}
	if p == nil {
		var err error
		if p, err = OpenPreset(o.Preset, o.Set); err != nil {
			return nil, err
		}
	}
	return func(path string) ([]presets.Loaded, error) {
		if strings.EqualFold(filepath.Ext(path), ".toml") {
			return nil, fmt.Errorf("%s: %w: a recording manifest needs no preset; -preset %s reads data files (%s)",
				path, ErrManifestWithPreset, p.Record().Source, p.Layout)
		}
		return p.LoadAll(path, presetOpener)
	}, nil
}

// presetOpener gives the presets the readers that need cgo (HDF5): NWB
// files here, and MATLAB v7.3 files through the import above.
var presetOpener = presets.Opener{NWB: nwbsource.Open}

// Analyze reads and analyses every input in turn (METHODS.md §3–4), giving
// one Analysis per recording: one per input, but for a preset that finds
// several recordings in a file (bci-hennig's blocks), each with that file
// as its Input. A recording that fails has its error in its Analysis and
// the others still run (an input that cannot be read has one Analysis with
// the error); the returned error is for what stops them all: invalid
// options, or ctx done (the inputs not reached then carry ctx's error).
func Analyze(ctx context.Context, inputs []string, o AnalyzeOptions) ([]Analysis, error) {
	if err := o.Settings.Resolved().Validate(); err != nil {
		return nil, err
	}
	load, err := o.loader()
	if err != nil {
		return nil, err
	}
	out := make([]Analysis, 0, len(inputs))
	for i, in := range inputs {
		if err := cancelled(ctx); err != nil {
			for j := i; j < len(inputs); j++ {
				out = append(out, Analysis{Input: inputs[j], Name: inputs[j], Err: fmt.Errorf("%s: not analysed: %w", inputs[j], err)})
			}
			return out, err
		}
		out = append(out, analyzeInput(ctx, in, load, o.Settings, o.Progress, i+1, len(inputs))...)
	}
	uniqueNames(out)
	return out, nil
}

// uniqueNames makes the recordings' names unique within one run
// (UniqueNames).
func uniqueNames(rows []Analysis) {
	names, inputs := make([]string, len(rows)), make([]string, len(rows))
	for i, a := range rows {
		names[i], inputs[i] = a.Name, a.Input
	}
	for i, n := range UniqueNames(names, inputs) {
		rows[i].Name = n
	}
}

// UniqueNames returns the names of a run's recordings (read from inputs)
// made unique as Analyze makes them: where inputs from different folders
// share a name, the parent folder is put in front ("monkeyJ/session");
// where that is not enough, the input path. A distributed run that analyses
// each input apart applies it to the whole run's names.
func UniqueNames(names, inputs []string) []string {
	out := slices.Clone(names)
	for _, qualify := range []func(i int) string{
		func(i int) string { return filepath.Base(filepath.Dir(inputs[i])) + "/" + out[i] },
		func(i int) string { return inputs[i] },
	} {
		byName := map[string][]int{}
		for i, n := range out {
			byName[n] = append(byName[n], i)
		}
		clash := false
		for _, idx := range byName {
			if len(idx) < 2 || sameInput(inputs, idx) {
				continue
			}
			clash = true
			for _, i := range idx {
				out[i] = qualify(i)
			}
		}
		if !clash {
			break
		}
	}
	return out
}

// sameInput tells whether the inputs idx are all one file (the same file
// given twice keeps its name).
func sameInput(inputs []string, idx []int) bool {
	for _, i := range idx[1:] {
		if filepath.Clean(inputs[i]) != filepath.Clean(inputs[idx[0]]) {
			return false
		}
	}
	return true
}

// AnalyzeFile reads and analyses one input (a manifest, or a data file
// when o.Preset is set). Every error, including invalid options, is in the
// returned Analysis. For an input that holds several recordings it returns
// the first: Analyze returns them all.
func AnalyzeFile(ctx context.Context, input string, o AnalyzeOptions) Analysis {
	rows, err := Analyze(ctx, []string{input}, o)
	if len(rows) == 0 {
		return Analysis{Input: input, Name: input, Err: err}
	}
	return rows[0]
}

// analyzeInput reads path with load and analyses each of its recordings.
func analyzeInput(ctx context.Context, path string, load func(string) ([]presets.Loaded, error),
	s regimes.Settings, p Progress, item, items int) []Analysis {
	stage := p.stage(path, item, items)
	recs, err := load(path)
	if err != nil {
		return []Analysis{{Input: path, Name: path, Err: err}}
	}
	out := make([]Analysis, len(recs))
	for k, l := range recs {
		if err := cancelled(ctx); err != nil {
			out[k] = Analysis{Input: path, Name: l.Recording.Name, Err: fmt.Errorf("%s (%s): not analysed: %w", path, l.Recording.Name, err)}
			continue
		}
		if len(recs) > 1 {
			stage = p.stage(l.Recording.Name, item, items)
		}
		out[k] = analyzeRecording(path, l.Recording, l.Settings, s, stage)
		recs[k] = presets.Loaded{} // the design holds what the analysis needs
	}
	return out
}

// analyzeRecording runs the analysis on a recording read from path.
func analyzeRecording(path string, rec *ingest.Recording, ps preprocess.Settings, s regimes.Settings, progress regimes.Progress) Analysis {
	a := Analysis{Input: path, Name: rec.Name, Sources: rec.Sources}
	// Take builds the design in the recording's storage: a large recording
	// is not held twice.
	d, err := preprocess.Take(rec, ps)
	if err != nil {
		// Build names the recording; the path tells apart manifests that
		// share a name.
		a.Err = fmt.Errorf("%s: %w", path, err)
		return a
	}
	a.Design = d
	if err := finiteDesign(d); err != nil {
		a.Err = fmt.Errorf("%s (%s): %w", path, rec.Name, err)
		return a
	}
	res, err := regimes.Analyze(d.X, d.Z, d.Decoder, s, progress)
	if err != nil {
		a.Err = fmt.Errorf("%s (%s): %w", path, rec.Name, err)
		return a
	}
	// The reader's notes come first: they say what the numbers are of.
	res.Notes = append(slices.Clip(rec.Notes), res.Notes...)
	a.Result = res
	if err := finiteResult(res); err != nil {
		a.Err = fmt.Errorf("%s (%s): %w", path, rec.Name, err)
	}
	return a
}

// finiteDesign reports activity or behaviour that is not finite after
// preprocessing: an overflow in the unit conversion (counts to Hz) or in
// the centring of huge values.
func finiteDesign(d *preprocess.Design) error {
	for _, m := range []struct {
		what string
		x    *mat.Dense
	}{{"activity (" + d.Unit + ")", d.X}, {"behaviour", d.Z}} {
		if r, c, ok := firstNonFinite(m.x); !ok {
			return fmt.Errorf("%w: %s is %g at sample %d, column %d after preprocessing (an overflow: values too large for float64 in the unit conversion or centring)",
				ErrNonFinite, m.what, m.x.At(r, c), r, c)
		}
	}
	return nil
}

func firstNonFinite(x *mat.Dense) (int, int, bool) {
	if x == nil {
		return 0, 0, true
	}
	raw := x.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return i, j, false
			}
		}
	}
	return 0, 0, true
}

// finiteResult reports a decoder or measure that came out NaN or ±Inf.
func finiteResult(r *regimes.Result) error {
	var bad []string
	for _, m := range []struct {
		name string
		v    float64
	}{{"R²", r.R2}, {"ρ", r.Rho}, {"α", r.Model.Alpha}} {
		if math.IsNaN(m.v) || math.IsInf(m.v, 0) {
			bad = append(bad, fmt.Sprintf("%s = %g", m.name, m.v))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s (a non-finite decoder: the data's scale is beyond what float64 sums hold)", ErrNonFinite, strings.Join(bad, ", "))
	}
	return nil
}

// MaxAlphas bounds a penalty grid (scikit-learn's default has 3 values, the
// paper's 20): every value is a fit per fold.
const MaxAlphas = 10_000

// ParseAlphas reads a ridge penalty grid: "logspace(LO,HI,NUM)" (NumPy's
// logspace: NUM values from 10^LO to 10^HI) or a comma-separated list.
func ParseAlphas(s string) ([]float64, error) {
	s = strings.ReplaceAll(s, " ", "")
	if inner, ok := strings.CutPrefix(s, "logspace("); ok {
		inner, ok = strings.CutSuffix(inner, ")")
		parts := strings.Split(inner, ",")
		if !ok || len(parts) != 3 {
			return nil, fmt.Errorf("want logspace(LO,HI,NUM), got %q", s)
		}
		lo, err1 := strconv.ParseFloat(parts[0], 64)
		hi, err2 := strconv.ParseFloat(parts[1], 64)
		num, err3 := strconv.Atoi(parts[2])
		if err := errors.Join(err1, err2, err3); err != nil || num < 1 || num > MaxAlphas {
			return nil, fmt.Errorf("want logspace(LO,HI,NUM) with 1 ≤ NUM ≤ %d, got %q", MaxAlphas, s)
		}
		return decode.Logspace(lo, hi, num), nil
	}
	var out []float64
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		out = append(out, v)
	}
	return out, nil
}
