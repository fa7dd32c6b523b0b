package nwbsource_test

import (
	"os"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// TestMain stops the HDF5 reader processes before the test binary exits,
// so that their CPU time is counted as the binary's (benchmarks/nwb_bench.sh
// measures CPU time with time(1)).
func TestMain(m *testing.M) {
	code := m.Run()
	hdf5.StopReaders()
	os.Exit(code)
}
