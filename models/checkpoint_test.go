package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// trainTo runs the run in dir (created with s if new) until step stop,
// saving at its checkpoint interval and at stop, and returns the run.
func trainTo(t *testing.T, dir string, s Settings, stop int) *Run {
	t.Helper()
	r, err := Create(dir, s)
	if HasCheckpoint(dir) {
		r, err = Resume(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = r.Trainer.Run(ctx, r.Save, func(step, _ int, _, _ float64) {
		if step == stop {
			cancel()
		}
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	return r
}

// TestCheckpointBitFlips flips every bit of a real checkpoint, one at a
// time: each damaged file is refused (none decodes to other weights), and
// with the previous checkpoint beside it, Resume falls back to that one,
// says so, and trains on to the weights of an uninterrupted run.
func TestCheckpointBitFlips(t *testing.T) {
	s := small("flipflop") // checkpoints at steps 10 and 20 are kept
	want := train(t, t.TempDir(), s)
	dir := t.TempDir()
	trainTo(t, dir, s, 20)
	path := filepath.Join(dir, CheckpointFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeCheckpoint(good, path); err != nil {
		t.Fatal(err)
	}
	flipped := make([]byte, len(good))
	for bit := 0; bit < 8*len(good); bit++ {
		copy(flipped, good)
		flipped[bit/8] ^= 1 << (bit % 8)
		if _, err := decodeCheckpoint(flipped, path); err == nil {
			t.Fatalf("bit %d of %d flipped: the checkpoint decodes", bit, 8*len(good))
		} else if !strings.HasPrefix(err.Error(), path+": ") {
			t.Fatalf("bit %d: error %q does not name the file", bit, err)
		}
	}
	t.Logf("%d single-bit flips of a %d-byte checkpoint refused", 8*len(good), len(good))

	// Resume, for a sample of the flips (every region of the file).
	for _, bit := range []int{0, 70, 8 * 12, 8*12 + 5, 8 * len(good) / 3, 8 * len(good) / 2, 8*len(good) - 8*40 + 1, 8*len(good) - 1} {
		copy(flipped, good)
		flipped[bit/8] ^= 1 << (bit % 8)
		if err := os.WriteFile(path, flipped, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Resume(dir)
		if err != nil {
			t.Fatalf("bit %d: %v", bit, err)
		}
		prev := filepath.Join(dir, PreviousCheckpointFile)
		if r.Trainer.Step != 10 || !strings.Contains(r.Recovered, path+": ") ||
			!strings.Contains(r.Recovered, "resuming from the previous checkpoint "+prev+" (step 10) instead") {
			t.Fatalf("bit %d: resumed at step %d; %q", bit, r.Trainer.Step, r.Recovered)
		}
	}
	// Train on from the fallback: the damaged checkpoint is replaced, not
	// kept as the previous one, and the run ends as an uninterrupted one.
	r, err := Resume(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Trainer.Run(context.Background(), func(tr *Trainer) error {
		err := r.Save(tr)
		if tr.Step == 20 {
			c, err := readCheckpoint(filepath.Join(dir, PreviousCheckpointFile))
			if err != nil || c.Step != 10 {
				t.Errorf("after the first save from the fallback, the previous checkpoint: %v", err)
			}
		}
		return err
	}, nil); err != nil {
		t.Fatal(err)
	}
	if !sameWeights(r.Trainer.Net, want.Net) {
		t.Error("the run resumed from the previous checkpoint ended with other weights")
	}
	c, err := readCheckpoint(filepath.Join(dir, PreviousCheckpointFile))
	if err != nil || c.Step != 20 {
		t.Errorf("the previous checkpoint of the finished run: %v", err)
	}
}

// TestCheckpointRefused: damaged, foreign and old checkpoints are refused
// with a message naming the file and what is wrong; with no previous
// checkpoint to fall back to, Resume and Open return that error.
func TestCheckpointRefused(t *testing.T) {
	dir := t.TempDir()
	trainTo(t, dir, small("romo"), 10) // one checkpoint, no previous
	path := filepath.Join(dir, CheckpointFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// An intact checkpoint of another format: the checksum recomputed.
	var other bytes.Buffer
	c, _ := decodeCheckpoint(good, path)
	writeCheckpoint(&other, c)
	future := other.Bytes()
	future[8] = 3
	future = rechecksum(future)
	// Format 1: the bare gob of the struct.
	var legacy, longVersion bytes.Buffer
	c.Format = 1
	gob.NewEncoder(&legacy).Encode(c)
	c.Version = strings.Repeat("x", 1<<20)
	gob.NewEncoder(&longVersion).Encode(c)

	for _, tc := range []struct {
		name string
		raw  []byte
		want string
		is   error
	}{
		{"empty", nil, "empty file", ErrCorruptCheckpoint},
		{"truncated", good[:len(good)-1], "its length field says", ErrCorruptCheckpoint},
		{"header only", good[:20], "truncated: 20 bytes", ErrCorruptCheckpoint},
		{"appended", append(append([]byte{}, good...), 0), "its length field says", ErrCorruptCheckpoint},
		{"text", []byte("hello, world, this is not a checkpoint at all, but long enough\n"), `not an oblique checkpoint (it does not start with "OBLQCKPT")`, ErrCorruptCheckpoint},
		{"format 3", future, "checkpoint format 3, written by another version of oblique; this one reads format 2", ErrCheckpointFormat},
		{"format 1", legacy.Bytes(), "checkpoint format 1 (written by oblique", ErrCheckpointFormat},
		{"format 1, long version", longVersion.Bytes(), `checkpoint format 1 (written by oblique "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…")`, ErrCheckpointFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.raw, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Resume(dir)
			if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.is) || len(err.Error()) > 1000 {
				t.Errorf("Resume: %v, want %q", err, tc.want)
			}
		})
	}
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir); err != nil {
		t.Errorf("the restored checkpoint: %v", err)
	}
	// Not a regular file.
	os.Remove(path)
	os.Mkdir(path, 0o755)
	if _, err := Resume(dir); err == nil || !strings.Contains(err.Error(), path+": a directory, not a regular file") {
		t.Errorf("a directory: %v", err)
	}
	os.Remove(path)
	if os.Symlink("/dev/zero", path) == nil {
		if _, err := Resume(dir); err == nil || !strings.Contains(err.Error(), path+": a link to /dev/zero, a character device, not a regular file") {
			t.Errorf("a link to /dev/zero: %v", err)
		}
	}
	// A named pipe is refused at once: os.Open would wait for a writer.
	os.Remove(path)
	if syscall.Mkfifo(path, 0o644) == nil {
		done := make(chan error, 1)
		go func() { _, err := Resume(dir); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), path+": a named pipe (FIFO), not a regular file") {
				t.Errorf("a named pipe: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Resume waited on a named pipe as the checkpoint")
		}
	}
}

// rechecksum returns raw, a checkpoint file, with its checksum recomputed.
func rechecksum(raw []byte) []byte {
	body := raw[:len(raw)-sha256.Size]
	sum := sha256.Sum256(body)
	return append(append([]byte{}, body...), sum[:]...)
}

// TestBothCheckpointsDamaged: when the previous checkpoint cannot be used
// either, the error says so for both.
func TestBothCheckpointsDamaged(t *testing.T) {
	dir := t.TempDir()
	trainTo(t, dir, small("romo"), 20)
	for _, f := range []string{CheckpointFile, PreviousCheckpointFile} {
		p := filepath.Join(dir, f)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 4
		os.WriteFile(p, b, 0o644)
	}
	_, err := Resume(dir)
	want := filepath.Join(dir, CheckpointFile) + ": the SHA-256 checksum does not match the contents: corrupted checkpoint; the previous checkpoint cannot be used either: " +
		filepath.Join(dir, PreviousCheckpointFile) + ": the SHA-256 checksum does not match"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrCorruptCheckpoint) {
		t.Errorf("Resume: %v\nwant %q", err, want)
	}
}
