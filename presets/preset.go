// Package presets holds the paper's processing of real data sets as named
// presets: `oblique analyze -preset NAME FILE` reads FILE the way the
// paper read that kind of data (METHODS.md §2) and hands the analysis one
// ingest.Recording, like any manifest does.
//
// A preset is data: a TOML file — embedded from presets/*.toml, or a
// user's file (Open, Read), with -set overrides (Override) — naming the
// layout it uses, the paths inside the file, and the preprocessing
// settings. A layout is code: one loader per kind of file: "nwb-trials"
// (NWB files laid out as the Neural Latents Benchmark's), "nwb-continuous",
// "nwb-aligned" and "nwb-per-trial" (a lab's own NWB files: any units
// selection, any TimeIntervals table, behaviour from series, events, units
// or trial columns; nwbgeneral.go), and "mat" (MATLAB files: what differs
// between the cycling and BCI data sets is said by the preset's [mat]
// table, MATSettings). Adding a data set of a known kind means adding a
// TOML file.
package presets

import (
	"embed"
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/preprocess"
)

//go:embed *.toml
var files embed.FS

// Preset is one named processing recipe.
type Preset struct {
	// origin is where the preset came from and its text (Record).
	origin Record

	Name        string `toml:"name"`
	Description string `toml:"description"`
	// Layout selects the loader: "nwb-trials" (NWB files laid out as the
	// Neural Latents Benchmark's), "nwb-continuous", "nwb-aligned",
	// "nwb-per-trial" (a lab's own NWB layouts) or "mat" (MATLAB files,
	// described by [mat]).
	Layout string `toml:"layout"`

	NWB    NWBSettings    `toml:"nwb"`
	Bins   BinSettings    `toml:"bins"`
	Trials TrialSettings  `toml:"trials"`
	Smooth SmoothSettings `toml:"smooth"`
	Fit    FitSettings    `toml:"fit"`
	MAT    MATSettings    `toml:"mat"`

	// Units selects the units of the activity and Behaviours lists the
	// behaviour sources ([[behaviour]]), for the nwb-aligned,
	// nwb-continuous and nwb-per-trial layouts (nwbgeneral.go).
	Units      UnitSelection    `toml:"units"`
	Behaviours []BehaviourEntry `toml:"behaviour"`
}

// NWBSettings name the parts of an NWB file.
type NWBSettings struct {
	Units     string   `toml:"units"`
	Trials    string   `toml:"trials"`
	Behaviour string   `toml:"behaviour"`
	Channels  []string `toml:"channels"`
	// Recut names a TimeSeries whose changes start new segments (MC_RTT's
	// target position); used when trials are not aligned.
	Recut string `toml:"recut"`
	// Activity names TimeSeries whose values are the activity (instead of
	// Units), and StartS, StopS bound a whole-session nwb-continuous
	// recording (s; 0: not set).
	Activity []string `toml:"activity"`
	StartS   float64  `toml:"start_s"`
	StopS    float64  `toml:"stop_s"`
}

// BinSettings: spikes are binned at BaseMS and summed to WidthMS;
// continuous behaviour is decimated by the same factor with an FIR filter
// of order DecimateOrder.
type BinSettings struct {
	BaseMS        float64 `toml:"base_ms"`
	WidthMS       float64 `toml:"width_ms"`
	DecimateOrder int     `toml:"decimate_order"`
}

// TrialSettings select and cut trials.
type TrialSettings struct {
	// Exclude drops trials whose string column holds one of the values.
	Exclude map[string][]string `toml:"exclude"`
	// Min drops trials whose numeric column is below the value.
	Min map[string]float64 `toml:"min"`
	// Align names the event column; WindowMS is the window around it.
	Align    string     `toml:"align"`
	WindowMS [2]float64 `toml:"window_ms"`
	// Max drops trials whose numeric column is above the value, and
	// Relative says the align column holds times from start_time (new
	// layouts only).
	Max      map[string]float64 `toml:"max"`
	Relative bool               `toml:"relative"`
}

// SmoothSettings: Gaussian of sd SigmaMS, per trial with MarginMS of data
// on both sides (aligned trials) or over the whole series (recut).
type SmoothSettings struct {
	SigmaMS  float64 `toml:"sigma_ms"`
	MarginMS float64 `toml:"margin_ms"`
}

// FitSettings: samples with WindowMS[0] ≤ t < WindowMS[1] (trial or
// segment time) are fitted, from activity LagMS earlier; Every > 1 keeps
// every Every-th of them (the cycling data's 1 ms samples are thinned to
// every 5th).
type FitSettings struct {
	WindowMS [2]float64 `toml:"window_ms"`
	LagMS    float64    `toml:"lag_ms"`
	Every    int        `toml:"every"`
}

// Names lists the presets.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".toml"))
	}
	sort.Strings(out)
	return out
}

// Get returns the named built-in preset (Open takes a preset file too).
func Get(name string) (*Preset, error) {
	b, err := builtin(name)
	if err != nil {
		return nil, err
	}
	p, err := Parse(b, name)
	if err != nil {
		return nil, err
	}
	p.origin = Record{Source: name, TOML: string(b)}
	return p, nil
}

// ErrNoPreset is wrapped by the error of Get for a name that is no
// built-in preset.
var ErrNoPreset = errors.New("no preset")

// builtin returns the text of the named built-in preset.
func builtin(name string) ([]byte, error) {
	b, err := files.ReadFile(name + ".toml")
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("%w %q (presets: %s; a preset file's path must end in .toml)", ErrNoPreset, name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Parse reads a preset's TOML; name is used in errors ("preset NAME:
// line 3: …").
func Parse(b []byte, name string) (*Preset, error) { return parse(b, "preset "+name, false) }

// parse reads a preset's TOML; errors start with where. A preset file
// (file) must have a name, which is checked before its layout.
func parse(b []byte, where string, file bool) (*Preset, error) {
	var p Preset
	md, err := tomlsafe.Decode(b, &p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if und := unknownKeys(b, md); und != "" {
		return nil, fmt.Errorf("%s: %s", where, und)
	}
	if file && p.Name == "" {
		return nil, fmt.Errorf("%s: no name: a preset file needs name = \"...\" (its recordings are named NAME:FILE)", where)
	}
	switch p.Layout {
	case "mat", "nwb-trials", layoutAligned, layoutContinuous, layoutPerTrial:
	case "":
		return nil, fmt.Errorf("%s: no layout: want layout = \"...\", one of nwb-trials, %s, %s, %s, mat",
			where, layoutAligned, layoutContinuous, layoutPerTrial)
	default:
		return nil, fmt.Errorf("%s: unknown layout %q (layouts: nwb-trials, %s, %s, %s, mat)",
			where, p.Layout, layoutAligned, layoutContinuous, layoutPerTrial)
	}
	return &p, nil
}

// Validate reports settings that are not finite numbers in their range.
// Each layout checks the rest of what it reads (MATSettings, the NWB
// paths) when it reads. The error of a preset read from a file names
// the file.
func (p *Preset) Validate() error {
	err := p.validate()
	if err != nil && p.origin.SHA256 != "" {
		return fmt.Errorf("%s: %w", p.origin.Source, err)
	}
	return err
}

func (p *Preset) validate() error {
	for _, v := range []struct {
		key      string
		x        float64
		positive bool
	}{
		{"[bins] base_ms", p.Bins.BaseMS, true}, {"[bins] width_ms", p.Bins.WidthMS, true},
		{"[trials] window_ms[0]", p.Trials.WindowMS[0], false}, {"[trials] window_ms[1]", p.Trials.WindowMS[1], false},
		{"[smooth] sigma_ms", p.Smooth.SigmaMS, true}, {"[smooth] margin_ms", p.Smooth.MarginMS, true},
		{"[fit] window_ms[0]", p.Fit.WindowMS[0], false}, {"[fit] window_ms[1]", p.Fit.WindowMS[1], false},
		{"[fit] lag_ms", p.Fit.LagMS, false},
	} {
		if math.IsNaN(v.x) || math.IsInf(v.x, 0) {
			return fmt.Errorf("preset %s: %s = %v: want a finite number", p.Name, v.key, v.x)
		}
		if v.positive && v.x < 0 {
			return fmt.Errorf("preset %s: %s = %v: want a positive number of milliseconds", p.Name, v.key, v.x)
		}
	}
	for k, v := range p.Trials.Min {
		if math.IsNaN(v) {
			return fmt.Errorf("preset %s: [trials] min.%s = NaN: want a number", p.Name, k)
		}
	}
	if p.Fit.Every < 0 || p.Bins.DecimateOrder < 0 {
		return fmt.Errorf("preset %s: [fit] every = %d, [bins] decimate_order = %d: want positive numbers", p.Name, p.Fit.Every, p.Bins.DecimateOrder)
	}
	if err := p.validateGeneral(); err != nil {
		return err
	}
	return p.settings().Validate()
}

// Text returns the preset's TOML, for users who want to copy and adapt it.
func Text(name string) (string, error) {
	b, err := builtin(name)
	return string(b), err
}

// Opener opens a file for a layout; the command line registers the
// readers (the NWB reader needs cgo, so this package does not import it).
type Opener struct {
	NWB func(path string) (NWBSource, func() error, error)
}

// Loaded is one recording a preset read, with the preprocessing settings
// to build its design with.
type Loaded struct {
	Recording *ingest.Recording
	Settings  preprocess.Settings
}

// ErrSeveralRecordings is wrapped by the error of Load for a file in which
// the preset finds more than one recording (LoadAll reads them all).
var ErrSeveralRecordings = errors.New("several recordings")

// Load reads file with the preset and returns the recording and the
// preprocessing settings to build the design with. A preset that finds
// several recordings in the file (a MAT root with (*)) is an error wrapping
// ErrSeveralRecordings: LoadAll reads them.
func (p *Preset) Load(file string, open Opener) (*ingest.Recording, preprocess.Settings, error) {
	all, err := p.LoadAll(file, open)
	if err != nil {
		return nil, preprocess.Settings{}, err
	}
	if len(all) != 1 {
		return nil, preprocess.Settings{}, fmt.Errorf("%s: preset %s: %w (%d): read them with LoadAll, or choose one ([mat] root)",
			file, p.Name, ErrSeveralRecordings, len(all))
	}
	return all[0].Recording, all[0].Settings, nil
}

// LoadAll reads every recording the preset finds in file: one, or for a
// MAT preset whose root has (*) ("D.blocks(*)") one per element of that
// struct array, named NAME:FILE#blocks(i). Each recording's Sources carry
// the file's SHA-256 digest.
func (p *Preset) LoadAll(file string, open Opener) ([]Loaded, error) {
	var (
		recs  []*ingest.Recording
		parts []string // what tells apart recordings of one file: "#blocks(2)"
		rec   *ingest.Recording
		s     preprocess.Settings
		err   error
	)
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// The file is hashed on another core while the layout parses it (or
	// its digest comes from the cache); Wait checks it did not change.
	digest := ingest.StartDigest(file)
	switch p.Layout {
	case "nwb-trials", layoutAligned, layoutContinuous, layoutPerTrial:
		if open.NWB == nil {
			err = errors.New("this build of oblique cannot read NWB files")
			break
		}
		src, closeFn, oerr := open.NWB(file)
		if oerr != nil {
			err = oerr
			break
		}
		if p.Layout == "nwb-trials" {
			rec, s, err = nlb(src, file, p)
		} else {
			rec, s, err = general(src, file, p)
		}
		if cerr := closeFn(); err == nil && cerr != nil {
			err = cerr
		}
	default:
		err = p.loadMAT(file, &recs, &parts, &s)
	}
	if err != nil {
		digest.Cancel()
		return nil, err
	}
	if rec != nil {
		recs = append(recs, rec)
	}
	sum, err := digest.Wait()
	if err != nil {
		return nil, err
	}
	out := make([]Loaded, len(recs))
	for k, rec := range recs {
		rec.Name = p.Name + ":" + path.Base(file)
		if k < len(parts) {
			rec.Name += parts[k]
		}
		for i := range rec.Sources {
			if rec.Sources[i].Role == "recording" {
				rec.Sources[i].SHA256 = sum
			}
		}
		out[k] = Loaded{Recording: rec, Settings: s}
	}
	return out, nil
}
