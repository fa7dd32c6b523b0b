package manifest_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/manifest"
)

// TestLoadErrorKinds checks that Load's errors can be told apart with
// errors.Is, on a copy of the bundled Golub manifest and its arrays: a
// truncated array matches ingest.ErrTruncated (not ErrInvalid), a missing
// one fs.ErrNotExist, and a manifest that is wrong ErrInvalid.
func TestLoadErrorKinds(t *testing.T) {
	src := filepath.Join(golden.Root(), "data", "golub2018_bci")
	toml, err := os.ReadFile(filepath.Join(src, "before.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// copyWith writes the manifest text and the arrays it names into a new
	// folder, spikes cut to n bytes (all of them when n < 0).
	copyWith := func(text string, n int) string {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "npy"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"before_spikes", "before_vraw_intuitive", "map_intuitive_M2", "map_intuitive_m0", "before_cloud_index", "before_cursor_to_target_dir"} {
			b, err := os.ReadFile(filepath.Join(src, "npy", name+".npy"))
			if err != nil {
				t.Fatal(err)
			}
			if name == "before_spikes" && n >= 0 {
				b = b[:n]
			}
			if err := os.WriteFile(filepath.Join(dir, "npy", name+".npy"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(dir, "before.toml")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, _, err := manifest.Load(copyWith(string(toml), -1)); err != nil {
		t.Fatalf("the uncut copy: %v", err)
	}
	missing := copyWith(string(toml), -1)
	if err := os.Remove(filepath.Join(filepath.Dir(missing), "npy", "before_spikes.npy")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		path     string
		want     error
		notWant  error
		mentions string
	}{
		{"truncated activity", copyWith(string(toml), 20000), ingest.ErrTruncated, manifest.ErrInvalid, "before_spikes.npy"},
		{"missing activity", missing, fs.ErrNotExist, manifest.ErrInvalid, "before_spikes.npy"},
		{"unknown key", copyWith(string(toml)+"\n[extra]\nx = 1\n", -1), manifest.ErrInvalid, ingest.ErrFormat, "unknown key"},
		{"not TOML", copyWith("name = \n", -1), manifest.ErrInvalid, fs.ErrNotExist, "line 1"},
		{"missing manifest", filepath.Join(t.TempDir(), "none.toml"), fs.ErrNotExist, manifest.ErrInvalid, "none.toml"},
	}
	for _, c := range cases {
		_, _, err := manifest.Load(c.path)
		switch {
		case !errors.Is(err, c.want):
			t.Errorf("%s: %v does not match %v", c.name, err, c.want)
		case errors.Is(err, c.notWant):
			t.Errorf("%s: %v matches %v", c.name, err, c.notWant)
		case !strings.Contains(err.Error(), c.mentions):
			t.Errorf("%s: %q does not name %q", c.name, err, c.mentions)
		}
	}
}

// TestDataFileNotManifest: a data file given where a manifest is expected
// (`oblique analyze FILE` without -preset) is named for what it is, with
// what to do instead, rather than reported as a TOML file too long or
// not valid UTF-8.
func TestDataFileNotManifest(t *testing.T) {
	root := golden.Root()
	for _, c := range []struct{ file, want string }{
		{filepath.Join(root, "presets", "testdata", "maze_like.nwb"), "an HDF5 (NWB) file, not a recording manifest: analyse it through a preset"},
		{filepath.Join(root, "presets", "testdata", "golub_like.mat"), "a MATLAB file, not a recording manifest"},
		{filepath.Join(root, "data", "golub2018_bci", "npy", "before_spikes.npy"), "an array file, not a recording manifest"},
	} {
		_, _, err := manifest.Load(c.file)
		if !errors.Is(err, manifest.ErrInvalid) || err == nil || !strings.HasPrefix(err.Error(), c.file+": "+c.want) {
			t.Errorf("Load(%s): %v\nwant ErrInvalid starting %q", c.file, err, c.file+": "+c.want)
		}
	}
}
