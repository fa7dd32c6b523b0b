package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/testcost"
)

// fuzzLimit is the input limit the fuzz targets run with.
const fuzzLimit = 16 << 20

// addSeeds adds the files matching the patterns (small ones: the test
// grid and the bundled Golub arrays under 16 KB).
func addSeeds(f *testing.F, patterns ...string) {
	n := 0
	for _, pat := range patterns {
		files, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			if len(b) <= 16<<10 {
				f.Add(b)
				n++
			}
		}
	}
	if n == 0 {
		f.Fatalf("no seeds in %v", patterns)
	}
}

// checkArray fails t unless a (read from len(b) bytes) is consistent.
func checkArray(t *testing.T, a *Array, err error, alloc uint64, size int) {
	if err != nil {
		if err.Error() == "" {
			t.Error("empty error message")
		}
	} else {
		n := 1
		for _, s := range a.Shape {
			n *= s
		}
		if n != len(a.Data) {
			t.Errorf("shape %v holds %d values, data %d", a.Shape, n, len(a.Data))
		}
	}
	// The array (at most the limit), a block buffer, the header and
	// what the archive reader keeps of its directory.
	if alloc > fuzzLimit+1<<20+uint64(64*size) {
		t.Errorf("%d bytes allocated for %d bytes of input", alloc, size)
	}
}

// FuzzDecodeNPY decodes arbitrary bytes as an .npy file: errors, no
// panics, an array consistent with its shape, memory bounded.
func FuzzDecodeNPY(f *testing.F) {
	f.Setenv(inputfile.LimitEnv, "16MiB")
	addSeeds(f, "testdata/*.npy", "../data/golub2018_bci/npy/*.npy")
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		var a *Array
		var err error
		alloc := testcost.Allocated(func() { a, err = DecodeNPY(b, "fuzz.npy") })
		checkArray(t, a, err, alloc, len(b))
	})
}

// FuzzNPZ reads arbitrary bytes as an NPZ archive, the member x and then
// the first one: the same checks, the members inflated within bounds.
func FuzzNPZ(f *testing.F) {
	f.Setenv(inputfile.LimitEnv, "16MiB")
	addSeeds(f, "testdata/*.npz")
	f.Add(fuzzBomb(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		for _, key := range []string{"x", "spikes"} {
			var a *Array
			var err error
			alloc := testcost.Allocated(func() { a, err = readMember(bytes.NewReader(b), int64(len(b)), key) })
			checkArray(t, a, err, alloc, len(b))
		}
	})
}

// fuzzBomb is an archive whose member x inflates to 64 MiB of zeros.
func fuzzBomb(f *testing.F) []byte {
	p := filepath.Join(f.TempDir(), "bomb.npz")
	WriteZeroBomb(f, p, NPYHeader("<f8", "(8388608,)"), 64<<20, -1)
	b, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
