package presets_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/presets"
)

// TestPresetsParse checks that every shipped preset parses strictly and
// names a known layout.
func TestPresetsParse(t *testing.T) {
	want := []string{"bci-golub", "bci-hennig", "cycling", "nlb-maze", "nlb-rtt"}
	if got := presets.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, name := range want {
		p, err := presets.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != name || p.Description == "" {
			t.Errorf("%s: name %q, description %q", name, p.Name, p.Description)
		}
		text, err := presets.Text(name)
		if err != nil || !strings.Contains(text, `layout = "`+p.Layout+`"`) {
			t.Errorf("%s: Text: %v", name, err)
		}
	}
	if _, err := presets.Get("nlb-mase"); err == nil || !strings.Contains(err.Error(), "nlb-maze") {
		t.Errorf("unknown preset: %v, want an error listing the presets", err)
	}
}

// hennig returns the bci-hennig preset with f applied to it.
func hennig(t *testing.T, f func(p *presets.Preset)) *presets.Preset {
	t.Helper()
	p, err := presets.Get("bci-hennig")
	if err != nil {
		t.Fatal(err)
	}
	f(p)
	return p
}

// TestMATErrors checks that a file without the layout's variables, or with
// them in the wrong shape, gives an error naming the file and the path,
// and that a preset with keys its layout does not read is refused.
func TestMATErrors(t *testing.T) {
	const file = "testdata/hennig_like.mat"
	cases := []struct {
		name string
		edit func(p *presets.Preset)
		file string
		want []string
	}{
		{"missing field", func(p *presets.Preset) { p.MAT.Activity = "spikez" }, file,
			[]string{file, "D.blocks(1).spikez", `did you mean "spikes"`}},
		{"no root", func(p *presets.Preset) { p.MAT.Root = []string{"E.blocks(1)", "F"} }, file,
			[]string{file, "holds none of E.blocks(1), F", "its variables: D"}},
		{"wrong shape", func(p *presets.Preset) { p.MAT.Previous = "nDecoder.M1" }, file,
			[]string{file, "D.blocks(1).nDecoder.M1", "is 2×2, want 900×2"}},
		{"wrong length", func(p *presets.Preset) { p.MAT.Centre = "D.blocks(2).nDecoder.M0" }, file,
			[]string{file, "D.blocks(2).nDecoder.M0: is 2×1, want a vector of 20 values (one per neuron)"}},
		{"wrong decoder", func(p *presets.Preset) { p.MAT.Decoder = "spikes" }, file,
			[]string{file, "D.blocks(1).spikes: is 900×20, want 2×20"}},
		{"not a number", func(p *presets.Preset) { p.MAT.Decoder = "nDecoder" }, file,
			[]string{file, "D.blocks(1).nDecoder"}},
		{"cells with copies", func(p *presets.Preset) { p.MAT.Samples, p.MAT.Copies = "cells", 4 }, file,
			[]string{file, "preset bci-hennig", `copies, time, use_finite and use_zero are for samples = "rows"`}},
		{"dynamics without previous", func(p *presets.Preset) { p.MAT.Previous = "" }, file,
			[]string{"[mat] previous and dynamics go together"}},
		{"centre without spike_driven", func(p *presets.Preset) { p.MAT.SpikeDriven = false }, file,
			[]string{"[mat] previous, dynamics and centre are read with spike_driven = true"}},
		{"time and width", func(p *presets.Preset) { p.MAT.Time = "vel" }, file,
			[]string{"[mat] time gives the bin width: [bins] width_ms cannot be given too"}},
		{"no bin width", func(p *presets.Preset) { p.Bins.WidthMS = 0 }, file,
			[]string{"[bins] width_ms must be a positive number of milliseconds"}},
		{"unknown layout", func(p *presets.Preset) { p.Layout = "mat-other" }, file,
			[]string{`unknown layout "mat-other"`}},
		{"a mask that keeps nothing", func(p *presets.Preset) { p.MAT.UseZero = "spikes" }, file,
			[]string{file, "D.blocks(1).spikes: is 900×20, want a vector"}},
		{"infinite width", func(p *presets.Preset) { p.Bins.WidthMS = math.Inf(1) }, file,
			[]string{file, "preset bci-hennig: [bins] width_ms = +Inf: want a finite number"}},
		{"NaN lag", func(p *presets.Preset) { p.Fit.LagMS = math.NaN() }, file,
			[]string{file, "[fit] lag_ms = NaN"}},
		{"no such file", func(p *presets.Preset) {}, "testdata/absent.mat",
			[]string{"testdata/absent.mat"}},
		{"not a MAT-file", func(p *presets.Preset) {}, "testdata/make_mat.py",
			[]string{"testdata/make_mat.py", "not a MAT-file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := hennig(t, c.edit).Load(c.file, opener)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestMATTruncated checks that truncated copies of a fixture give errors
// that name the file, never a panic.
func TestMATTruncated(t *testing.T) {
	b, err := os.ReadFile("testdata/cycling_like.mat")
	if err != nil {
		t.Fatal(err)
	}
	p, err := presets.Get("cycling")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range []int{0, 10, 127, 128, 200, len(b) / 2, len(b) - 1} {
		f := filepath.Join(dir, "cut.mat")
		if err := os.WriteFile(f, b[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := p.Load(f, opener)
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("%d bytes: error %v, want one naming %s", n, err, f)
		}
	}
}

// TestNWBErrors checks the nwb-trials layout on files that are not what it
// needs: every error names the file.
func TestNWBErrors(t *testing.T) {
	p, err := presets.Get("nlb-maze")
	if err != nil {
		t.Fatal(err)
	}
	// rtt_like.nwb has no hand_vel and no move_onset_time.
	for _, c := range []struct{ file, want string }{
		{"testdata/rtt_like.nwb", "testdata/rtt_like.nwb"},
		{"testdata/cycling_like.mat", "testdata/cycling_like.mat"},
		{"testdata/absent.nwb", "testdata/absent.nwb"},
	} {
		_, _, err := p.Load(c.file, opener)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s", c.file, err, c.want)
		}
	}
	if _, _, err := p.Load("testdata/maze_like.nwb", presets.Opener{}); err == nil || !strings.Contains(err.Error(), "cannot read NWB") {
		t.Errorf("no NWB opener: %v", err)
	}
}

// TestPresetSourceDigest checks that a preset records the data file it read
// with the SHA-256 digest of its bytes, as manifests do for their arrays (the
// want side hashes the whole file in memory; FileDigest streams it).
func TestPresetSourceDigest(t *testing.T) {
	for _, c := range []struct{ preset, file string }{
		{"bci-golub", "../data/golub2018_bci/exampleData.mat"},
		{"nlb-maze", "testdata/maze_like.nwb"},
	} {
		p, err := presets.Get(c.preset)
		if err != nil {
			t.Fatal(err)
		}
		rec, _, err := p.Load(c.file, opener)
		if errors.Is(err, hdf5.ErrNoCgo) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		want := ingest.Source{Role: "recording", Path: c.file, SHA256: hex.EncodeToString(sum[:])}
		if len(rec.Sources) == 0 || rec.Sources[0] != want {
			t.Errorf("%s: sources %+v, want first %+v", c.preset, rec.Sources, want)
		}
	}
}

// TestPresetDigestFollowsFile analyses a file, lets its digest be cached,
// rewrites it in place with other bytes of the same size and the same
// modification time, and analyses it again: the second analysis must record
// the new bytes' digest. The file is maze_like.nwb with 64 trailing bytes
// (HDF5 ignores bytes past its end of file address), which the rewrite
// changes. It waits 2.1 s so that the digest is cached (a file is cached
// only 2 s after its last change; see ingest.StartDigest).
func TestPresetDigestFollowsFile(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv(ingest.DigestCacheEnv, "on")
	p, err := presets.Get("nlb-maze")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile("testdata/maze_like.nwb")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "maze.nwb")
	load := func(tail byte) {
		t.Helper()
		rec, _, err := p.Load(file, opener)
		if errors.Is(err, hdf5.ErrNoCgo) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		data := append(slices.Clone(base), slices.Repeat([]byte{tail}, 64)...)
		sum := sha256.Sum256(data)
		if want := hex.EncodeToString(sum[:]); rec.Sources[0].SHA256 != want {
			t.Errorf("tail %#x: recorded %s, want %s", tail, rec.Sources[0].SHA256, want)
		}
	}
	write := func(tail byte) {
		t.Helper()
		if err := os.WriteFile(file, append(slices.Clone(base), slices.Repeat([]byte{tail}, 64)...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(0)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	load(0)
	if _, ok := ingest.CachedDigest(file); !ok {
		t.Fatal("the settled file's digest was not cached")
	}
	write(0xff)
	if err := os.Chtimes(file, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	load(0xff)

	// A folder in place of the file: an error naming it.
	dir := t.TempDir()
	if _, _, err := p.Load(dir, opener); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("a folder: %v, want an error naming it", err)
	}
}

// endsAt is an NWB source whose end of observation is replaced.
type endsAt struct {
	presets.NWBSource
	end float64
}

func (e endsAt) Units(path string) ([][]float64, []bool, float64, error) {
	trains, heldout, _, err := e.NWBSource.Units(path)
	return trains, heldout, e.end, err
}

// TestNWBEndOfObservation checks that an end of observation no grid can
// hold (not finite, or in other units than seconds) is an error naming the
// file and the value, not an overflowing bin count or a huge allocation.
func TestNWBEndOfObservation(t *testing.T) {
	p, err := presets.Get("nlb-maze")
	if err != nil {
		t.Fatal(err)
	}
	for _, end := range []float64{math.NaN(), math.Inf(1), 1e300, 3e6} {
		open := presets.Opener{NWB: func(path string) (presets.NWBSource, func() error, error) {
			src, closeFn, err := opener.NWB(path)
			return endsAt{src, end}, closeFn, err
		}}
		_, _, err := p.Load("testdata/maze_like.nwb", open)
		if errors.Is(err, hdf5.ErrNoCgo) {
			t.Skip(err)
		}
		want := fmt.Sprintf("end of observation in /units: %v s", end)
		if err == nil || !strings.Contains(err.Error(), "testdata/maze_like.nwb") || !strings.Contains(err.Error(), want) {
			t.Errorf("end %v: error %v, want one naming the file and %q", end, err, want)
		}
	}
}
