package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/atomicfile/atomictest"
)

var files, sameFiles = atomictest.Snapshot, atomictest.Same

// TestSimulateFullDisk: a simulation that cannot write its arrays (here the
// largest, the activity, goes past a file-size limit, as on a nearly full
// disk, after the smaller arrays are written) leaves the earlier recording
// byte for byte, manifest included, and no temporary file.
func TestSimulateFullDisk(t *testing.T) {
	atomictest.Child(t, func(dirs string) string {
		run, out, _ := strings.Cut(dirs, "\n")
		tr, err := Open(run)
		if err != nil {
			return err.Error()
		}
		_, err = Simulate(tr, SimSettings{Trials: 60, Seed: 1}, out)
		return fmt.Sprint(err)
	})
	run, tr := trained(t, small("cycling"))
	out := t.TempDir()
	if _, err := Simulate(tr, SimSettings{Trials: 6}, out); err != nil {
		t.Fatal(err)
	}
	old := files(t, out)
	// 60 trials: activity 60 × 310 × 12 float64 = 1.8 MB, every other
	// array under 0.6 MB.
	got := atomictest.Run(t, 1<<20, run+"\n"+out)
	if !strings.Contains(got, "writing "+filepath.Join(out, ActivityFile)) || !strings.Contains(got, "file too large") {
		t.Errorf("error %s", got)
	}
	sameFiles(t, files(t, out), old)
}

// TestSaveFailureKeepsRun: when the final save of a run cannot write one of
// its weight files (here W_out's destination is a link into /proc, where no
// file can be made, so the failure comes after W and W_in are written
// aside), the weights, the loss table and run.json stay those of before.
func TestSaveFailureKeepsRun(t *testing.T) {
	dir := t.TempDir()
	s := small("romo")
	r := trainTo(t, dir, s, 20)
	r.Trainer.Settings.Steps = 20 // done at the next save: weights written
	if err := r.Save(r.Trainer); err != nil {
		t.Fatal(err)
	}
	r, err := Resume(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.Trainer.Settings.Steps = 30 // extended: done again at 30
	ctx, cancel := context.WithCancel(t.Context())
	r.Trainer.Run(ctx, r.Save, func(step, _ int, _, _ float64) {
		if step == 25 {
			cancel()
		}
	})
	nowhere := "/proc/self/oblique-test-w.npy"
	if fi, err := os.Stat(filepath.Dir(nowhere)); err != nil || !fi.IsDir() {
		t.Skip("no /proc here")
	}
	os.Remove(filepath.Join(dir, WeightsWOut))
	if err := os.Symlink(nowhere, filepath.Join(dir, WeightsWOut)); err != nil {
		t.Skip(err)
	}
	old := files(t, dir)
	err = r.Trainer.Run(t.Context(), r.Save, nil)
	if err == nil || !strings.Contains(err.Error(), "writing "+nowhere) {
		t.Fatalf("save: %v", err)
	}
	t.Log(err)
	now := files(t, dir)
	for f := range now {
		if strings.Contains(f, ".tmp-") {
			t.Errorf("temporary file %s left", f)
		}
	}
	for _, f := range []string{WeightsW, WeightsWIn, LossFile, InfoFile} {
		if now[f] != old[f] {
			t.Errorf("%s changed", f)
		}
	}
	var info Info
	if err := json.Unmarshal([]byte(now[InfoFile]), &info); err != nil || info.Status != StatusRunning || info.StepsDone != 25 {
		t.Errorf("run.json: %s, %d steps (%v)", info.Status, info.StepsDone, err)
	}
}

// TestInfoRefused: a run.json of another format or with an unknown status
// is refused where runs are read, naming the file; an unfinished run is
// refused by OpenFinished (what measures and comparisons use) with its
// status, while Open gives its checkpoint's weights.
func TestInfoRefused(t *testing.T) {
	dir := t.TempDir()
	train(t, dir, small("romo"))
	path := filepath.Join(dir, InfoFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.WriteFile(path, orig, 0o644) })
	edit := func(from, to string) {
		t.Helper()
		b := strings.Replace(string(orig), from, to, 1)
		if b == string(orig) {
			t.Fatalf("%q not in run.json", from)
		}
		if err := os.WriteFile(path, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ from, to, want string }{
		{`"format": 1`, `"format": 2`, path + ": format 2: this oblique reads run.json format 1"},
		{`"format": 1,`, ``, path + ": format 0: this oblique reads run.json format 1"},
		{`"status": "done"`, `"status": "finished"`, path + `: status "finished": want one of running, interrupted, done, diverged`},
		{`"status": "done"`, `"status": ""`, path + `: status "": want one of`},
		{`"status": "done"`, `"status": "` + strings.Repeat("y", 100000) + `"`, path + `: status "` + strings.Repeat("y", 60) + `…": want one of`},
		{`"steps_done": 30`, `"steps_done": -1`, path + ": steps_done = -1"},
	} {
		edit(c.from, c.to)
		for name, open := range map[string]func(string) (*Trained, error){"Open": Open, "OpenFinished": OpenFinished} {
			if _, err := open(dir); err == nil || !strings.HasPrefix(err.Error(), c.want) || !errors.Is(err, ErrInfo) {
				t.Errorf("%s, %s → %.80s: %.300v, want %q", name, c.from, c.to, err, c.want)
			}
		}
	}
	edit(`"status": "done"`, `"status": "running"`)
	tr, err := Open(dir)
	if err != nil || !tr.Partial || tr.Info.StepsDone != 30 {
		t.Errorf("Open of a running run: %v", err)
	}
	want := dir + ": the run is running at step 30 of 30, not done (" + path + " says so)"
	if _, err := OpenFinished(dir); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("OpenFinished: %v, want %q", err, want)
	}
	os.WriteFile(path, orig, 0o644)
	if _, err := OpenFinished(dir); err != nil {
		t.Errorf("the restored run: %v", err)
	}
}

// TestOpenBoundedReads: run files that are not regular files (a link to
// /dev/zero) or larger than the run can explain are refused before they are
// read, naming the file: nothing hangs or exhausts memory.
func TestOpenBoundedReads(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	for _, c := range []struct {
		name, want string
		make       func(path string) error
	}{
		{InfoFile, "run.json: a link to /dev/zero, a character device, not a regular file", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{WeightsW, "weights_W.npy: a link to /dev/zero, a character device, not a regular file", func(p string) error { return os.Symlink("/dev/zero", p) }},
		// Written out (a truncated, sparse file is refused as such first).
		{InfoFile, "run.json: 2097152 bytes, more than the 1048576 it can hold", func(p string) error { return os.WriteFile(p, make([]byte, 2<<20), 0o644) }},
		{WeightsW, "weights_W.npy: 4194304 bytes, more than the", func(p string) error { return os.WriteFile(p, make([]byte, 4<<20), 0o644) }},
		{WeightsW, "weights_W.npy: a sparse file: 8.0 GiB long", func(p string) error { return os.Truncate(p, 8<<30) }},
	} {
		if strings.Contains(c.want, "sparse") && runtime.GOOS != "linux" {
			continue // holes are told apart on Linux only
		}
		dir, _ := trained(t, small("romo"))
		p := filepath.Join(dir, c.name)
		if !strings.Contains(c.want, "sparse") {
			os.Remove(p)
		}
		if err := c.make(p); err != nil {
			t.Skip(err)
		}
		if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
