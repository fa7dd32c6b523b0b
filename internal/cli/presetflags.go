package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"

	"github.com/oblique-neuro/oblique/pipeline"
)

// presetFlags are the -preset and -set flags of the commands that read
// recordings (analyze, compare).
type presetFlags struct {
	name string
	set  multiFlag
}

func (pf *presetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&pf.name, "preset", "", "read the arguments as data files with preset `NAME` (see 'oblique presets') or preset file NAME.toml")
	fs.Var(&pf.set, "set", "override one key of the preset, `KEY=VALUE` with VALUE in TOML syntax (repeatable)")
}

// open reads the preset (nil without -preset) and returns it with its
// record, and the run's inputs that an output must not replace: the files,
// and the preset file.
func (pf *presetFlags) open(files []string) (*pipeline.Preset, *pipeline.PresetRecord, []string, error) {
	if pf.name == "" {
		if len(pf.set) > 0 {
			return nil, nil, nil, fmt.Errorf("%w: -set needs -preset", errUsage)
		}
		return nil, nil, files, nil
	}
	p, err := pipeline.OpenPreset(pf.name, pf.set)
	if err != nil {
		if errors.Is(err, pipeline.ErrNoPreset) {
			return nil, nil, nil, fmt.Errorf("%w: -preset: %w", errUsage, err)
		}
		// A problem in the preset file or an override, not in how the
		// command was called: its error names the file and the line.
		return nil, nil, nil, err
	}
	r := p.Record()
	inputs := files
	if r.SHA256 != "" {
		inputs = append(slices.Clip(files), r.Source) // a preset file
	}
	return p, &r, inputs, nil
}
