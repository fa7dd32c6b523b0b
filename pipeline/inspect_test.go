package pipeline_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/nwb"
	"github.com/oblique-neuro/oblique/pipeline"
)

// TestInspectWarnings: an NWB file with broken objects gives its listing,
// with the values when asked, and an error joining its warnings; an NWB
// 1.x file gives no listing and an error wrapping nwb.ErrNWB1.
func TestInspectWarnings(t *testing.T) {
	dir := filepath.Join("..", "ingest", "nwb", "testdata")
	in, err := pipeline.InspectWith(filepath.Join(dir, "bad_inspect.nwb"), pipeline.InspectOptions{Values: true})
	if errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip(err)
	}
	if in == nil || in.NWB == nil || err == nil {
		t.Fatalf("listing %v, error %v", in, err)
	}
	ws := in.Warnings()
	if len(ws) != 10 || len(in.NWB.Warnings) != 10 {
		t.Errorf("%d warnings, want 10 (see ingest/nwb TestInspectBroken)", len(ws))
	}
	for _, w := range ws {
		if !errors.Is(err, w) {
			t.Errorf("the error does not join %v", w)
		}
	}
	loc := in.NWB.Table("/general/extracellular_ephys/electrodes").Column("location")
	if d := loc.Distinct(); len(d) != 2 || d[0] != (nwb.ValueCount{Value: "CA1", Count: 3}) {
		t.Errorf("location: %v", d)
	}
	in, err = pipeline.Inspect(filepath.Join(dir, "nlb_uint8.nwb"))
	if err != nil || in.NWB.Table("/intervals/trials").Column("split").Values != nil {
		t.Errorf("a good file without values: %v", err)
	}
	in, err = pipeline.Inspect(filepath.Join(dir, "nwb1_like.nwb"))
	if in != nil || !errors.Is(err, nwb.ErrNWB1) || !errors.Is(err, ingest.ErrUnsupported) {
		t.Errorf("NWB 1.x: %v, %v", in, err)
	}
}
