package pipeline_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/pipeline"
)

var golub = filepath.Join("..", "data", "golub2018_bci", "before.toml")

// TestAnalyzeCancelled checks that a cancelled context stops Analyze before
// the next recording: the returned error and every row not analysed carry
// the context's error, naming the input.
func TestAnalyzeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var events []pipeline.Event
	o := pipeline.AnalyzeOptions{Settings: pipeline.AnalysisSettings{NoScaling: true}, Progress: func(e pipeline.Event) {
		events = append(events, e)
		if e.Stage != "" {
			cancel() // during the first recording
		}
	}}
	rows, err := pipeline.Analyze(ctx, []string{golub, golub}, o)
	if !errors.Is(err, context.Canceled) || len(rows) != 2 {
		t.Fatalf("error %v, %d rows; want context.Canceled and 2 rows", err, len(rows))
	}
	if rows[0].Err != nil || rows[0].Result == nil {
		t.Errorf("first recording: %v; it had started and should finish", rows[0].Err)
	}
	if !errors.Is(rows[1].Err, context.Canceled) || !strings.Contains(rows[1].Err.Error(), golub) {
		t.Errorf("second recording: error %v; want context.Canceled naming the input", rows[1].Err)
	}
	if len(events) < 2 || events[0].Label != golub || events[0].Item != 1 || events[0].Items != 2 {
		t.Errorf("events %v; want the first to name item 1 of 2", events[:min(2, len(events))])
	}
}

// TestAnalyzeOptionsErrors checks that options that cannot work are one
// error before any recording is read.
func TestAnalyzeOptionsErrors(t *testing.T) {
	if _, err := pipeline.Analyze(context.Background(), []string{golub}, pipeline.AnalyzeOptions{Preset: "no-such"}); err == nil {
		t.Error("unknown preset: no error")
	}
	bad := pipeline.AnalysisSettings{VarThreshold: 2}
	if _, err := pipeline.Analyze(context.Background(), []string{golub}, pipeline.AnalyzeOptions{Settings: bad}); err == nil {
		t.Error("variance threshold 2: no error")
	}
	if a := pipeline.AnalyzeFile(context.Background(), golub, pipeline.AnalyzeOptions{Settings: bad}); a.Err == nil || a.Input != golub {
		t.Errorf("AnalyzeFile: %+v; want the options error in the Analysis", a.Err)
	}
}

// TestManifestWithPreset checks issue 18's message: a manifest given with a
// preset says it needs none, instead of a MAT-file reader's complaint.
func TestManifestWithPreset(t *testing.T) {
	a := pipeline.AnalyzeFile(context.Background(), golub, pipeline.AnalyzeOptions{Preset: "bci-golub"})
	if !errors.Is(a.Err, pipeline.ErrManifestWithPreset) || !strings.Contains(a.Err.Error(), "needs no preset") {
		t.Errorf("error %v; want ErrManifestWithPreset saying a manifest needs no preset", a.Err)
	}
}

// TestUniqueNames checks issue 16's collision: two copies of one manifest
// in different folders are two recordings with the same name; the parent
// folder is put in front of each.
func TestUniqueNames(t *testing.T) {
	root := t.TempDir()
	var inputs []string
	for _, d := range []string{"monkeyJ", "monkeyL"} {
		dir := filepath.Join(root, d)
		if err := os.CopyFS(dir, os.DirFS(filepath.Dir(golub))); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, filepath.Join(dir, "before.toml"))
	}
	rows, err := pipeline.Analyze(context.Background(), inputs, pipeline.AnalyzeOptions{Settings: pipeline.AnalysisSettings{NoScaling: true}})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Name != "monkeyJ/golub2018-before" || rows[1].Name != "monkeyL/golub2018-before" {
		t.Errorf("names %q, %q; want the parent folders in front", rows[0].Name, rows[1].Name)
	}
}
