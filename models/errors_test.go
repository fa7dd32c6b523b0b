package models_test

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
)

// TestOpenErrorKinds checks that a caller can tell why a run does not
// open: a folder without run.json matches ErrNotRun, and a bundled run
// whose recurrent weights were cut short (an interrupted copy) matches
// ingest.ErrTruncated, through Open and OpenFS.
func TestOpenErrorKinds(t *testing.T) {
	const run = "runs/complex-sine-aligned-s1"
	cut := fstest.MapFS{}
	for _, name := range []string{models.InfoFile, models.WeightsW, models.WeightsWIn, models.WeightsWOut} {
		b, err := fs.ReadFile(bundled.FS(), path.Join(run, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == models.WeightsW {
			b = b[:len(b)/2]
		}
		cut[path.Join(run, name)] = &fstest.MapFile{Data: b}
	}
	if _, err := models.OpenFS(bundled.FS(), run); err != nil {
		t.Fatalf("the bundled run: %v", err)
	}
	_, err := models.OpenFS(cut, run)
	if !errors.Is(err, ingest.ErrTruncated) || errors.Is(err, models.ErrNotRun) || !strings.Contains(err.Error(), models.WeightsW) {
		t.Errorf("cut weights: %v, want ingest.ErrTruncated naming %s", err, models.WeightsW)
	}

	dir := t.TempDir()
	for name, f := range cut {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := models.Open(filepath.Join(dir, run)); !errors.Is(err, ingest.ErrTruncated) {
		t.Errorf("Open, cut weights: %v, want ingest.ErrTruncated", err)
	}
	for _, d := range []string{dir, filepath.Join(dir, run, models.WeightsW)} {
		if _, err := models.Open(d); !errors.Is(err, models.ErrNotRun) {
			t.Errorf("Open(%s): %v, want ErrNotRun", d, err)
		}
	}
	if _, err := models.OpenFS(cut, "runs"); !errors.Is(err, models.ErrNotRun) {
		t.Errorf("OpenFS of a folder of runs: %v, want ErrNotRun", err)
	}
	if _, err := models.Open(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) || errors.Is(err, models.ErrNotRun) {
		t.Errorf("Open of a missing folder: %v, want fs.ErrNotExist", err)
	}
}
