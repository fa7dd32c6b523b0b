package models

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// PreviousCheckpointFile is the checkpoint before the last one, kept by
// Run.Save for one more save so that Resume can fall back to it when the
// last one is damaged.
const PreviousCheckpointFile = "checkpoint.previous.gob"

// Checkpoint file layout, format 2 (all integers little-endian):
//
//	offset 0       "OBLQCKPT"    magic
//	offset 8       uint32        format (2)
//	offset 12      gob           the checkpoint struct (its Format field 2 too)
//	size − 40      uint64        the length of the gob part
//	size − 32      [32]byte      SHA-256 of every byte before it
//
// Every byte is covered by the checksum or checked against the file's size,
// so any change to a checkpoint — a flipped bit, a truncation, bytes
// appended — is found before the contents are used. Format 1 (a bare gob
// of the struct, before oblique 2's checksums) is refused: it carries
// nothing to tell a damaged file from a good one.
const (
	checkpointMagic  = "OBLQCKPT"
	checkpointFormat = 2
	checkpointHead   = len(checkpointMagic) + 4
	checkpointTail   = 8 + sha256.Size
)

// ErrCorruptCheckpoint marks a checkpoint file that is damaged: truncated,
// or its checksum does not match its contents.
var ErrCorruptCheckpoint = errors.New("corrupted checkpoint")

// ErrCheckpointFormat marks an intact checkpoint of a format that this
// oblique does not read.
var ErrCheckpointFormat = errors.New("checkpoint format not readable")

// checkpoint is everything a run needs to continue bit for bit.
type checkpoint struct {
	Format       int
	Version      string
	Settings     Settings
	Step         int
	N, In, Out   int
	W, WIn, WOut []float64
	Opt          rnn.Adam
	RNG          []byte
	Losses       []float64
	Evals        []Eval
	Elapsed      time.Duration
	Started      time.Time
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeCheckpoint writes c in the current format, streaming (the gob is
// not held in memory twice).
func writeCheckpoint(w io.Writer, c *checkpoint) error {
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	head := binary.LittleEndian.AppendUint32([]byte(checkpointMagic), checkpointFormat)
	if _, err := cw.Write(head); err != nil {
		return err
	}
	if err := gob.NewEncoder(cw).Encode(c); err != nil {
		return err
	}
	if _, err := cw.Write(binary.LittleEndian.AppendUint64(nil, uint64(cw.n-int64(len(head))))); err != nil {
		return err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

// readCheckpoint reads and checks the checkpoint file at path.
func readCheckpoint(path string) (*checkpoint, error) {
	dir := filepath.Dir(path)
	raw, err := readFile(inputfile.DirFS(dir), dir, filepath.Base(path), MaxMemory)
	if tl := (*tooLong)(nil); errors.As(err, &tl) {
		return nil, fmt.Errorf("%s: %s, more than any checkpoint (at most %s): %w", path, gib(float64(max(tl.size, tl.limit+1))), gib(MaxMemory), ErrCorruptCheckpoint)
	}
	if err != nil {
		return nil, err
	}
	return decodeCheckpoint(raw, path)
}

// decodeCheckpoint checks raw, the bytes of the checkpoint file path (which
// names it in errors), and decodes it.
func decodeCheckpoint(raw []byte, path string) (*checkpoint, error) {
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s: %w", path, fmt.Sprintf(format, a...), ErrCorruptCheckpoint)
	}
	if len(raw) < len(checkpointMagic) || string(raw[:len(checkpointMagic)]) != checkpointMagic {
		var old struct {
			Format  int
			Version string
		}
		if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&old); err == nil && old.Format == 1 {
			return nil, fmt.Errorf("%s: checkpoint format 1 (written by oblique %q), which carries no checksum to tell a damaged file from a good one; "+
				"this oblique reads format %d only: train the run again (remove %s or choose another -o): %w",
				path, clip(old.Version, 60), checkpointFormat, path, ErrCheckpointFormat)
		}
		if len(raw) == 0 {
			return nil, corrupt("empty file")
		}
		return nil, corrupt("not an oblique checkpoint (it does not start with %q)", checkpointMagic)
	}
	if len(raw) < checkpointHead+checkpointTail {
		return nil, corrupt("truncated: %d bytes, fewer than a checkpoint's header and trailer", len(raw))
	}
	format := binary.LittleEndian.Uint32(raw[len(checkpointMagic):])
	body := raw[:len(raw)-sha256.Size]
	n := binary.LittleEndian.Uint64(body[len(body)-8:])
	sum := sha256.Sum256(body)
	intact := n == uint64(len(body)-8-checkpointHead) && bytes.Equal(sum[:], raw[len(body):])
	switch {
	case format != checkpointFormat && intact:
		return nil, fmt.Errorf("%s: checkpoint format %d, written by another version of oblique; this one reads format %d: %w",
			path, format, checkpointFormat, ErrCheckpointFormat)
	case format != checkpointFormat:
		return nil, corrupt("format field %d, not %d, and the checksum does not match", format, checkpointFormat)
	case n != uint64(len(body)-8-checkpointHead):
		return nil, corrupt("its length field says %d bytes of contents, the file holds %d (truncated, or bytes added)", n, len(body)-8-checkpointHead)
	case !intact:
		return nil, corrupt("the SHA-256 checksum does not match the contents")
	}
	c := new(checkpoint)
	if err := gob.NewDecoder(bytes.NewReader(body[checkpointHead : len(body)-8])).Decode(c); err != nil {
		return nil, fmt.Errorf("%s: intact, but its contents do not decode: %v: %w", path, err, ErrCheckpointFormat)
	}
	if c.Format != checkpointFormat {
		return nil, fmt.Errorf("%s: contents of format %d in a file of format %d: %w", path, c.Format, checkpointFormat, ErrCheckpointFormat)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: inconsistent checkpoint (%v)", path, err)
	}
	return c, nil
}

// check reports contents that a trainer could not continue from.
func (c *checkpoint) check() error {
	if err := c.Settings.Validate(); err != nil {
		return err
	}
	s := c.Settings.Resolved()
	task, _ := tasks.New(s.Task)
	switch {
	case c.N != s.N || c.In != task.Inputs() || c.Out != task.Outputs() ||
		len(c.W) != c.N*c.N || len(c.WIn) != c.N*c.In || len(c.WOut) != c.Out*c.N:
		return fmt.Errorf("weights of %d, %d and %d values for N = %d and the %s task's %d inputs and %d outputs",
			len(c.WIn), len(c.W), len(c.WOut), s.N, s.Task, task.Inputs(), task.Outputs())
	case c.Step < 0 || len(c.Losses) != c.Step:
		return fmt.Errorf("%d losses at step %d", len(c.Losses), c.Step)
	case c.Elapsed < 0:
		return fmt.Errorf("training time %v", c.Elapsed)
	}
	for _, w := range [][]float64{c.WIn, c.W, c.WOut} {
		if nonFinite(w, s.Precision) >= 0 {
			return errors.New("weights not finite")
		}
	}
	if i := nonFinite(c.Losses, "float64"); i >= 0 {
		return fmt.Errorf("the loss of step %d is %v", i+1, c.Losses[i])
	}
	for _, e := range c.Evals {
		if e.Step < 1 || e.Step > c.Step || !finite(e.Loss) {
			return fmt.Errorf("evaluation loss %v at step %d of %d", e.Loss, e.Step, c.Step)
		}
	}
	if err := c.Opt.Validate(c.network()); err != nil {
		return err
	}
	if err := new(rand.PCG).UnmarshalBinary(c.RNG); err != nil {
		return fmt.Errorf("random state: %v", err)
	}
	return nil
}

// clip returns s, cut to n bytes (and marked so) when longer: a string
// read from a damaged or foreign file, quoted in a message.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
