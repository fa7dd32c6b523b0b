package nwbsource_test

import (
	"os"
	"testing"

	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
)

// BenchmarkNLBMaze times the nlb-maze preset on the NWB file named by
// OBLIQUE_NWB_BENCH (benchmarks/nwb_bench.sh makes a ~50 MB one with
// presets/testdata/make_nlb.py --large): open the file, read the units,
// trials and hand velocity, bin the spikes at 1 ms and sum them to 45 ms,
// decimate the behaviour, cut, smooth and align the trials, and build the
// centred decoding matrix. benchmarks/nwb_peer.py does the same with h5py
// and NumPy; both log the design's shape and sums so that the script can
// check they computed the same thing.
func BenchmarkNLBMaze(b *testing.B) {
	path := os.Getenv("OBLIQUE_NWB_BENCH")
	if path == "" {
		b.Skip("set OBLIQUE_NWB_BENCH to an NLB-like NWB file (make bench-nwb makes one)")
	}
	p, err := presets.Get("nlb-maze")
	if err != nil {
		b.Fatal(err)
	}
	open := presets.Opener{NWB: nwbsource.Open}
	var d *preprocess.Design
	for b.Loop() {
		rec, s, err := p.Load(path, open)
		if err != nil {
			b.Fatal(err)
		}
		if d, err = preprocess.Build(rec, s); err != nil {
			b.Fatal(err)
		}
	}
	t, n := d.X.Dims()
	var sx, sz float64
	for j, m := range d.XMean {
		sx += m * float64(t)
		_ = j
	}
	for _, m := range d.ZMean {
		sz += m * float64(t)
	}
	b.Logf("design %d×%d sum(X) %.6e sum(z) %.6e", t, n, sx, sz)
}
