package nwbsource_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/preprocess"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
)

// BenchmarkNLBMaze times the nlb-maze preset on the NWB file named by
// OBLIQUE_NWB_BENCH (benchmarks/nwb_bench.sh makes a ~50 MB one with
// presets/testdata/make_nlb.py --large): open the file, read the units,
// trials and hand velocity, bin the spikes at 1 ms and sum them to 45 ms,
// decimate the behaviour, cut, smooth and align the trials, and build the
// centred decoding matrix (preprocess.Take, as pipeline.Analyze does). benchmarks/nwb_peer.py does the same with h5py
// and NumPy; both log the design's shape and sums so that the script can
// check they computed the same thing.
//
// Load also records the file's SHA-256, which the peer does not compute:
// digest=cached takes it from the digest cache, as every analysis of a file
// after its first does; digest=hashed computes it on every run
// (OBLIQUE_DIGEST_CACHE=off), on another core while the file is parsed, as
// the first analysis of a file does.
func BenchmarkNLBMaze(b *testing.B) {
	path := os.Getenv("OBLIQUE_NWB_BENCH")
	if path == "" {
		b.Skip("set OBLIQUE_NWB_BENCH to an NLB-like NWB file (make bench-nwb makes one)")
	}
	b.Run("digest=cached", func(b *testing.B) {
		// A file is cached once it has not changed for 2 s.
		for try := 0; ; try++ {
			if _, err := ingest.FileDigest(path); err != nil {
				b.Fatal(err)
			}
			if _, ok := ingest.CachedDigest(path); ok {
				break
			}
			if try == 1 {
				b.Fatalf("the digest of %s is not cached (%s=off, or no user cache folder?)", path, ingest.DigestCacheEnv)
			}
			time.Sleep(2100 * time.Millisecond)
		}
		benchNLBMaze(b, path)
	})
	b.Run("digest=hashed", func(b *testing.B) {
		b.Setenv(ingest.DigestCacheEnv, "off")
		benchNLBMaze(b, path)
	})
}

func benchNLBMaze(b *testing.B, path string) {
	p, err := presets.Get("nlb-maze")
	if err != nil {
		b.Fatal(err)
	}
	open := presets.Opener{NWB: nwbsource.Open}
	var d *preprocess.Design
	run := func() {
		rec, s, err := p.Load(path, open)
		if err != nil {
			b.Fatal(err)
		}
		// Take, as the pipeline does: the design is built in the
		// recording's storage, which is not needed afterwards.
		if d, err = preprocess.Take(rec, s); err != nil {
			b.Fatal(err)
		}
	}
	// One untimed run first, as the peer does one per process: the first
	// run of a process also pays for the HDF5 library's start and the heap's
	// growth, which would land on whichever sub-benchmark comes first. Its
	// garbage is collected before the timed runs, which reuse its memory,
	// so that the peak memory of a process stays about that of one run.
	run()
	runtime.GC()
	for b.Loop() {
		run()
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
