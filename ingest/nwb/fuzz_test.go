package nwb_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/nwb"
	"github.com/oblique-neuro/oblique/internal/testcost"
)

// fuzzLimit is the HDF5 time limit of each input: a mutated file that
// makes the library loop ends as an error (hdf5.ErrTimeout) this soon. It
// is the time spent on the whole file: well under the 10 s of the watchdog
// that takes an input for a hang of the Go code, long enough for the many
// small calls of a normal read on a loaded machine.
const fuzzLimit = 3 * time.Second

// FuzzNWB reads mutated NWB files the way oblique does, through the HDF5
// library in its reader process (the default mode): open, inspect, units
// (whole and a block at a time), every table and every TimeSeries the
// listing names. Whatever the bytes, each step must return or fail with an
// error naming the file; a fault or a hang in the library is such an error
// (hdf5.ErrFault, hdf5.ErrTimeout), not a crash. The seeds are NWB files of
// the tests, real (pynapple) and made by h5py (gen_nlb.py). Run it with
//
//	go test -run='^$' -fuzz=FuzzNWB -fuzztime=10m -fuzzminimizetime=10x ./ingest/nwb/
//
// (minimizing an interesting input of a few hundred KB would otherwise
// take minutes).
func FuzzNWB(f *testing.F) {
	for _, name := range []string{
		"testdata/nlb_uint8.nwb", "testdata/bad_layout.nwb", "testdata/bad_float_index.nwb",
		"testdata/pynapple_A8604-211122.nwb",
	} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if g, err := hdf5.Open("testdata/nlb_uint8.nwb"); errors.Is(err, hdf5.ErrNoCgo) {
		f.Skip(err)
	} else if err == nil {
		g.Close()
	}
	f.Setenv(hdf5.TimeoutEnv, fuzzLimit.String())
	f.Setenv(hdf5.ModeEnv, "isolated")
	name := filepath.Join(f.TempDir(), "fuzz.nwb")
	f.Fuzz(func(t *testing.T, b []byte) {
		// A hang of the Go side (the library's are errors) is a crasher.
		defer testcost.Watchdog(10 * time.Second)()
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for step, err := range readNWB(name) {
			if err == nil {
				continue
			}
			t.Logf("%s: %v", step, err)
			if msg := err.Error(); !strings.HasPrefix(msg, name+": ") {
				t.Errorf("%s: error without the file's name: %q", step, msg)
			}
		}
	})
}

// readNWB reads name as oblique does and returns each step's error.
func readNWB(name string) map[string]error {
	errs := map[string]error{}
	f, err := nwb.Open(name)
	if errs["open"] = err; err != nil {
		return errs
	}
	defer f.Close()
	l, err := f.Inspect()
	errs["inspect"] = err
	_, errs["units"] = f.Units()
	errs["spike blocks"] = f.EachSpikeBlock(func(int, [][]float64) error { return nil })
	_, errs["trials"] = f.Trials()
	if l != nil {
		for _, tb := range l.Tables {
			_, errs["table "+tb.Path] = f.Table(tb.Path)
		}
		for _, s := range l.Series {
			_, errs["series "+s.Path] = f.TimeSeries(s.Path)
		}
	}
	return errs
}
