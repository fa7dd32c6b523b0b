package pipeline

import (
	"fmt"

	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/presets"
)

// Version returns oblique's version string: module version, Go version,
// platform and the active kernel path.
func Version() string { return version.String() }

// KernelPaths returns the kernel paths this CPU can run, fastest first
// (choose one with the OBLIQUE_KERNEL environment variable).
func KernelPaths() []string { return linalg.KernelPaths() }

// KernelEnvError reports an OBLIQUE_KERNEL value that this CPU or binary
// cannot honour (nil when it is unset, "auto" or honoured). Programs should
// refuse to run rather than silently use another path.
func KernelEnvError() error { return linalg.KernelEnvError() }

// PresetInfo describes a preset: the paper's processing of a kind of data
// file.
type PresetInfo struct{ Name, Layout, Description string }

// Presets lists the built-in presets in name order.
func Presets() ([]PresetInfo, error) {
	var out []PresetInfo
	for _, name := range presets.Names() {
		p, err := presets.Get(name)
		if err != nil {
			return nil, err
		}
		out = append(out, PresetInfo{p.Name, p.Layout, p.Description})
	}
	return out, nil
}

// PresetText returns a built-in preset's TOML, for users who want to copy
// and adapt it; for a preset file (a value ending in .toml or holding a
// path separator) it checks the file as -preset does (OpenPreset) and
// returns its text.
func PresetText(name string) (string, error) {
	if !presets.IsFile(name) {
		return presets.Text(name)
	}
	p, err := OpenPreset(name, nil)
	if err != nil {
		return "", err
	}
	return p.Record().TOML, nil
}

// SimSettings configure Simulate (models.SimSettings).
type SimSettings = models.SimSettings

// Simulation is what Simulate wrote (models.Simulation).
type Simulation = models.Simulation

// Simulated is what Simulate wrote, and the state of the run it used.
type Simulated struct {
	*Simulation
	// Partial is true when the run is unfinished and its checkpoint, at
	// step Step, was used.
	Partial bool
	Step    int
	// Recovered says why the previous checkpoint was used when the last
	// one was unusable (models.Trained.Recovered).
	Recovered string
}

// Simulate runs the network trained in runDir on fresh trials and writes
// them to out as a recording (models.Simulate). An invalid s wraps
// ErrSettings.
func Simulate(runDir string, s SimSettings, out string) (*Simulated, error) {
	tr, err := models.Open(runDir)
	if err != nil {
		return nil, err
	}
	// What the run decides: how much a trial holds, how large the states are.
	if err := s.Validate(tr); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSettings, err)
	}
	sim, err := models.Simulate(tr, s, out)
	if err != nil {
		return nil, err
	}
	return &Simulated{Simulation: sim, Partial: tr.Partial, Step: tr.Info.StepsDone, Recovered: tr.Recovered}, nil
}
