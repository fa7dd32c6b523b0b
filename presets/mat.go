package presets

import (
	"fmt"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/preprocess"
)

// MATSettings name the variables of a MATLAB file.
type MATSettings struct{}

func (p *Preset) loadMAT(file string, rec **ingest.Recording, s *preprocess.Settings) error {
	return fmt.Errorf("preset %s: unknown layout %q", p.Name, p.Layout)
}
