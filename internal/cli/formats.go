package cli

import (
	// Registers the MATLAB v7.3 (HDF5) reader with package matfile.
	_ "github.com/oblique-neuro/oblique/ingest/matfile/mat73"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
)

// presetOpener gives the presets the readers that need cgo (HDF5): NWB
// files here, and MATLAB v7.3 files through the import above.
var presetOpener = presets.Opener{NWB: nwbsource.Open}
