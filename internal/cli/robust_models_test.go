package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/atomicfile/atomictest"
	"github.com/oblique-neuro/oblique/models"
)

// TestTrainDamagedCheckpoint is issue 17's reproducer: a bit flipped in
// checkpoint.gob. Training resumes from the previous checkpoint, says so on
// stderr, and ends with the weights of an uninterrupted run; with both
// checkpoints damaged it stops with status 1 naming them.
func TestTrainDamagedCheckpoint(t *testing.T) {
	root := t.TempDir()
	want, dir := filepath.Join(root, "want"), filepath.Join(root, "run")
	if status, out, errs := run(t, tiny(want)...); status != 0 {
		t.Fatalf("status %d\n%s%s", status, out, errs)
	}
	if status, out, errs := run(t, tiny(dir, "-steps", "10")...); status != 0 { // checkpoints at 5 and 10
		t.Fatalf("status %d\n%s%s", status, out, errs)
	}
	flip := func(name string, bit int) {
		t.Helper()
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[bit/8] ^= 1 << (bit % 8)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flip(models.CheckpointFile, 8*300+3)
	status, out, errs := run(t, tiny(dir)...)
	ckpt, prev := filepath.Join(dir, models.CheckpointFile), filepath.Join(dir, models.PreviousCheckpointFile)
	if status != 0 || !strings.Contains(out, "resuming at step 5 of 20") ||
		!strings.Contains(errs, "oblique train: "+ckpt+": the SHA-256 checksum does not match the contents: corrupted checkpoint; resuming from the previous checkpoint "+prev+" (step 5) instead") {
		t.Fatalf("status %d\n%s%s", status, out, errs)
	}
	for _, f := range []string{models.WeightsW, models.WeightsWIn, models.WeightsWOut} {
		a, _ := os.ReadFile(filepath.Join(want, f))
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s differs from the uninterrupted run's (%v)", f, err)
		}
	}
	flip(models.CheckpointFile, 8*100)
	flip(models.PreviousCheckpointFile, 8*100)
	status, _, errs = run(t, tiny(dir, "-steps", "25")...)
	if status != 1 || !strings.Contains(errs, ckpt+": the SHA-256 checksum does not match") ||
		!strings.Contains(errs, "the previous checkpoint cannot be used either: "+prev+": the SHA-256 checksum does not match") {
		t.Errorf("both damaged: status %d\n%s", status, errs)
	}
}

// TestModelsRefusesUnfinished: `models -runs` and `compare -runs` refuse a
// run directory whose run.json says it is running, or has an unknown
// format, with the file and the reason (issue 17); a folder of runs still
// leaves out an unfinished one with a note.
func TestModelsRefusesUnfinished(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "r")
	tinyRun(t, dir)
	info := filepath.Join(dir, models.InfoFile)
	orig, err := os.ReadFile(info)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"status": "done"`, `"status": "interrupted"`, dir + ": the run is interrupted at step 2 of 2, not done (" + info + " says so)"},
		{`"format": 1`, `"format": 7`, info + ": format 7: this oblique reads run.json format 1"},
		{`"status": "done"`, `"status": "paused"`, info + `: status "paused": want one of`},
	} {
		os.WriteFile(info, []byte(strings.Replace(string(orig), c.from, c.to, 1)), 0o644)
		for _, cmd := range []string{"models", "compare"} {
			out := filepath.Join(root, cmd+".arrow")
			args := []string{cmd, "-runs", dir, "-o", out, "-quiet"}
			if cmd == "compare" {
				args = append(args, filepath.Join(root, "rec.toml")) // never read: the runs fail first
			}
			status, _, errs := run(t, args...)
			if status != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("%s, %s: status %d, stderr %q, want %q", cmd, c.to, status, errs, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s wrote %s", cmd, out)
			}
		}
	}
	os.WriteFile(info, []byte(strings.Replace(string(orig), `"format": 1`, `"format": 7`, 1)), 0o644)
	if status, _, errs := run(t, "models", "-runs", root, "-o", filepath.Join(root, "m.arrow"), "-quiet"); status != 1 || !strings.Contains(errs, info+": format 7") {
		t.Errorf("folder with a run of format 7: status %d\n%s", status, errs)
	}
}

// TestModelsFullDisk is issue 17's reproducer: `models` on a nearly full
// disk used to rewrite FILE and FILE-settings and keep the old
// FILE-trajectories. Here a file-size limit in a child process lets the
// settings and trajectories tables be written and stops the runs table
// (the largest, written last): the earlier set stays byte for byte.
func TestModelsFullDisk(t *testing.T) {
	atomictest.Child(t, func(args string) string {
		runs, out, _ := strings.Cut(args, "\n")
		status, _, errs := run(t, "models", "-runs", runs, "-o", out, "-quiet", "-seed", "8")
		return fmt.Sprintf("status %d: %s", status, errs)
	})
	runs := tinyRuns(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "m.arrow")
	if status, stdout, stderr := run(t, "models", "-runs", runs, "-o", out, "-quiet", "-seed", "7"); status != 0 {
		t.Fatalf("status %d\n%s%s", status, stdout, stderr)
	}
	old := atomictest.Snapshot(t, dir)
	sizes := map[string]int{}
	for f, b := range old {
		sizes[f] = len(b)
	}
	limit := max(sizes["m-trajectories.arrow"], sizes["m-settings.arrow"]) + 4096
	if sizes["m.arrow"] <= limit {
		t.Fatalf("table sizes %v: the runs table is not the largest", sizes)
	}
	got := atomictest.Run(t, uint64(limit), runs+"\n"+out)
	if !strings.HasPrefix(got, "status 1") || !strings.Contains(got, "writing "+out) || !strings.Contains(got, "file too large") {
		t.Errorf("child: %s", got)
	}
	atomictest.Same(t, atomictest.Snapshot(t, dir), old)
}

// TestModelsFailedTableKeepsSet: the trajectories table cannot be written
// (its path is a link into /proc, where no file can be made), after the
// runs table would have been: the runs and settings tables stay as they
// were, where writing the tables one by one replaced them (a mixed set).
func TestModelsFailedTableKeepsSet(t *testing.T) {
	nowhere := "/proc/self/oblique-test-t.arrow"
	if fi, err := os.Stat(filepath.Dir(nowhere)); err != nil || !fi.IsDir() {
		t.Skip("no /proc here")
	}
	runs := tinyRuns(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "m.arrow")
	if status, stdout, stderr := run(t, "models", "-runs", runs, "-o", out, "-quiet", "-seed", "7", "-no-perturb", "-no-noise"); status != 0 {
		t.Fatalf("status %d\n%s%s", status, stdout, stderr)
	}
	traj := filepath.Join(dir, "m-trajectories.arrow")
	os.Remove(traj)
	if err := os.Symlink(nowhere, traj); err != nil {
		t.Skip(err)
	}
	old := atomictest.Snapshot(t, dir)
	status, _, stderr := run(t, "models", "-runs", runs, "-o", out, "-quiet", "-seed", "8", "-no-perturb", "-no-noise")
	if status != 1 || !strings.Contains(stderr, "writing "+nowhere) {
		t.Errorf("status %d\n%s", status, stderr)
	}
	atomictest.Same(t, atomictest.Snapshot(t, dir), old)
}
