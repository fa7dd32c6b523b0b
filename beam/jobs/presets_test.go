package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/pipeline"
)

// TestPresetFileShipped checks that a preset file is read where the job
// is submitted (ReadPresets) and that the workers analyse with that text:
// the item still analyses once the file is gone, each block of
// hennig_like.mat its own row, as `oblique analyze` with the file does.
func TestPresetFileShipped(t *testing.T) {
	const mat = "../../presets/testdata/hennig_like.mat"
	text, err := pipeline.PresetText("bci-hennig")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "block2.toml")
	text = strings.Replace(text, `root = ["D.blocks(*)"]`, `root = ["D.blocks(2)"]`, 1)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	items := []Item{{Index: 1, Input: mat, Preset: file}, {Index: 2, Input: mat, Preset: "bci-hennig"}}
	if err := ReadPresets(items); err != nil {
		t.Fatal(err)
	}
	if items[0].PresetTOML != text || len(items[0].PresetSHA256) != 64 || items[1].PresetSHA256 != "" {
		t.Fatalf("items after ReadPresets: %+v", items)
	}
	s := pipeline.AnalysisSettings{NoScaling: true}
	want := pipeline.AnalyzeFile(context.Background(), mat, pipeline.AnalyzeOptions{Settings: s, Preset: file})
	if want.Err != nil {
		t.Fatal(want.Err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	got := analyzeAll(context.Background(), items[0], s)
	if len(got) != 1 || got[0].Err != nil {
		t.Fatalf("analysis with the shipped preset: %+v", got)
	}
	if got[0].Result.Rho != want.Result.Rho || got[0].Result.Samples != want.Result.Samples || got[0].Name != want.Name {
		t.Errorf("shipped preset: %s ρ %v (%d samples), the file's: %s ρ %v (%d samples)",
			got[0].Name, got[0].Result.Rho, got[0].Result.Samples, want.Name, want.Result.Rho, want.Result.Samples)
	}
	both := analyzeAll(context.Background(), items[1], s)
	if len(both) != 2 || both[1].Err != nil || both[1].Result.Rho != want.Result.Rho {
		t.Errorf("bci-hennig: %d rows, want 2 with block 2's the file preset's", len(both))
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("the preset file is back")
	}
	bad := []Item{{Index: 1, Input: mat, Preset: file}}
	if err := ReadPresets(bad); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("ReadPresets of a missing file: %v, want an error naming it", err)
	}
}
