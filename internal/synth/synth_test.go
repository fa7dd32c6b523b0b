package synth

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/manifest"
)

// TestWriteReadsBack writes small recordings in every dtype and reads them
// with the manifest loader: the same counts and behaviour as Generate, the
// same bytes for the same seed, other bytes for another seed.
func TestWriteReadsBack(t *testing.T) {
	o := Options{Samples: 300, Neurons: 7, Seed: 3}
	x, z, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for _, dtype := range []string{"f8", "i2", "u1"} {
		dir := t.TempDir()
		o.DType = dtype
		path, err := Write(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		rec, ps, err := manifest.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(rec.Activity, x) || !mat.Equal(rec.Behaviour, z) {
			t.Errorf("%s: the manifest reads other numbers than Generate gives", dtype)
		}
		if !ps.KeepCounts || rec.BinWidth != 0.02 {
			t.Errorf("%s: keep_counts %v, bin %v s; want true, 0.02", dtype, ps.KeepCounts, rec.BinWidth)
		}
		b, err := os.ReadFile(filepath.Join(dir, "behaviour.npy"))
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if !bytes.Equal(b, first) {
			t.Errorf("%s: the same seed wrote other behaviour bytes", dtype)
		}
	}
	o.Seed = 4
	x4, _, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	if mat.Equal(x4, x) {
		t.Error("seeds 3 and 4 gave the same counts")
	}
}

// TestPoisson checks the sampler's mean and variance (both m) for a few
// means, within 5 standard errors: the variance of the sample mean is m/n,
// that of the sample variance about (m + 2m²)/n.
func TestPoisson(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	for _, m := range []float64{0.05, 0.6, 4} {
		var s, s2 float64
		for range n {
			k := float64(poisson(rng, m))
			s += k
			s2 += k * k
		}
		mean := s / n
		variance := s2/n - mean*mean
		if math.Abs(mean-m) > 5*math.Sqrt(m/n) {
			t.Errorf("m = %v: mean %v", m, mean)
		}
		if math.Abs(variance-m) > 5*math.Sqrt((m+2*m*m)/n) {
			t.Errorf("m = %v: variance %v", m, variance)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Samples: 0, Neurons: 3}, "positive"},
		{Options{Samples: 10, Neurons: 3, Outputs: 9, Latents: 3}, "latents cannot drive"},
		{Options{Samples: 10, Neurons: 3, BinMS: -1}, "bin width"},
		{Options{Samples: 10, Neurons: 3, DType: "f4"}, "dtype"},
		{Options{Samples: 1 << 30, Neurons: 1 << 10}, "16 GiB"},
	} {
		if err := c.o.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.o, err, c.want)
		}
	}
	for _, c := range []struct {
		dtype string
		count int
	}{{"u1", 256}, {"i2", 1 << 15}} {
		if _, err := appendCount(nil, c.dtype, c.count); err == nil || !strings.Contains(err.Error(), "does not fit "+c.dtype) {
			t.Errorf("count %d in %s: error %v", c.count, c.dtype, err)
		}
	}
	if b, err := appendCount(nil, "u1", 255); err != nil || !bytes.Equal(b, []byte{255}) {
		t.Errorf("255 in u1: %v, %v", b, err)
	}
}

// TestWriteFailure: when an array cannot be written, the manifest of an
// earlier recording in the folder is gone (it would describe a mix of old
// and new arrays) and Write says why.
func TestWriteFailure(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, Options{Samples: 20, Neurons: 2}); err != nil {
		t.Fatal(err)
	}
	// A folder where the behaviour array goes makes its write fail.
	if err := os.Remove(filepath.Join(dir, "behaviour.npy")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "behaviour.npy"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, Options{Samples: 20, Neurons: 2, Seed: 1}); err == nil || !strings.Contains(err.Error(), "behaviour.npy") {
		t.Errorf("error %v, want one naming behaviour.npy", err)
	}
	if _, err := os.Stat(filepath.Join(dir, Manifest)); !os.IsNotExist(err) {
		t.Errorf("the earlier manifest is still there (%v)", err)
	}
}
