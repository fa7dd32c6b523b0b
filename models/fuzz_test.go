package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzRunDir trains a small finished run (flip-flop, N = 12, 30 steps)
// whose files seed a fuzz target.
func fuzzRunDir(f *testing.F) string {
	f.Helper()
	dir := f.TempDir()
	r, err := Create(dir, small("flipflop"))
	if err != nil {
		f.Fatal(err)
	}
	if err := r.Trainer.Run(context.Background(), r.Save, nil); err != nil {
		f.Fatal(err)
	}
	return dir
}

// envelope wraps contents (a gob) in a checkpoint file with a valid
// header, length and checksum.
func envelope(contents []byte) []byte {
	b := binary.LittleEndian.AppendUint32([]byte(checkpointMagic), checkpointFormat)
	b = append(b, contents...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(contents)))
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// checkDecoded checks what a fuzzed checkpoint decoded to: a trainer could
// continue from it, and it survives writing and reading again.
func checkDecoded(t *testing.T, c *checkpoint) {
	if err := c.check(); err != nil {
		t.Fatalf("decoded, but: %v", err)
	}
	var b bytes.Buffer
	if err := writeCheckpoint(&b, c); err != nil {
		t.Fatal(err)
	}
	if _, err := decodeCheckpoint(b.Bytes(), "again"); err != nil {
		t.Fatalf("written again: %v", err)
	}
}

// FuzzCheckpoint feeds arbitrary bytes to the checkpoint reader: it never
// panics, every error names the file, and whatever decodes is a checkpoint
// a trainer can continue from. Mutations of a real checkpoint almost
// always fail the checksum; FuzzCheckpointContents gets past it.
func FuzzCheckpoint(f *testing.F) {
	good, err := os.ReadFile(filepath.Join(fuzzRunDir(f), CheckpointFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:checkpointHead+checkpointTail])
	f.Add(good[checkpointHead : len(good)-checkpointTail]) // format 1: a bare gob
	f.Add([]byte(checkpointMagic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := decodeCheckpoint(raw, "fuzz.gob")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.gob: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		checkDecoded(t, c)
	})
}

// FuzzCheckpointContents feeds arbitrary contents, in a valid envelope, to
// the checkpoint reader: the gob decoding and the consistency checks behind
// the checksum (what a checkpoint written by a faulty or hostile program
// would reach) never panic, and what passes them is usable.
func FuzzCheckpointContents(f *testing.F) {
	good, err := os.ReadFile(filepath.Join(fuzzRunDir(f), CheckpointFile))
	if err != nil {
		f.Fatal(err)
	}
	contents := good[checkpointHead : len(good)-checkpointTail]
	f.Add(contents)
	f.Add(contents[:len(contents)/3])
	f.Fuzz(func(t *testing.T, contents []byte) {
		c, err := decodeCheckpoint(envelope(contents), "fuzz.gob")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.gob: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			if errors.Is(err, ErrCorruptCheckpoint) {
				t.Fatalf("a valid envelope reported as corrupted: %v", err)
			}
			return
		}
		checkDecoded(t, c)
	})
}

// FuzzRunInfo feeds arbitrary run.json files, beside the weights and
// checkpoint of a real run, to Open and OpenFinished (what simulate,
// models and compare read): they never panic, their errors name the run,
// and a run they open has a valid run.json and weights of the shapes it
// declares.
func FuzzRunInfo(f *testing.F) {
	src := fuzzRunDir(f)
	info, err := os.ReadFile(filepath.Join(src, InfoFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(info)
	f.Add(bytes.Replace(info, []byte(`"status": "done"`), []byte(`"status": "running"`), 1))
	f.Add(bytes.Replace(info, []byte(`"format": 1`), []byte(`"format": 2`), 1))
	bundledInfo, _ := filepath.Glob(filepath.Join("bundled", "runs", "*", InfoFile))
	for _, p := range bundledInfo[:min(3, len(bundledInfo))] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	dir := f.TempDir()
	for _, name := range []string{CheckpointFile, WeightsW, WeightsWIn, WeightsWOut, LossFile} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, info []byte) {
		if err := os.WriteFile(filepath.Join(dir, InfoFile), info, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, open := range []func(string) (*Trained, error){Open, OpenFinished} {
			tr, err := open(dir)
			if err != nil {
				if !strings.Contains(err.Error(), dir) {
					t.Fatalf("error %q does not name the run", err)
				}
				continue
			}
			if err := tr.Info.Validate(); err != nil {
				t.Fatalf("opened with an invalid run.json: %v", err)
			}
			if tr.Partial != (tr.Info.Status != StatusDone) {
				t.Fatalf("status %s, partial %v", tr.Info.Status, tr.Partial)
			}
			if r, c := tr.Net.W.Dims(); r != tr.Info.Settings.N || c != r {
				t.Fatalf("W is %d×%d for N = %d", r, c, tr.Info.Settings.N)
			}
		}
	})
}
