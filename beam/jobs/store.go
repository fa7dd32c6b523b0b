package jobs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/atomicfile"
	"github.com/oblique-neuro/oblique/pipeline"
)

// Store keeps the result of each item of a job in a directory, by key, so
// that a job run again skips the items already done with the same inputs
// and settings.
//
// An entry is KEY.json (Entry: the item, its sources with their digests,
// and how it was computed) beside KEY-0.arrow, KEY-1.arrow, … (the item's
// rows of each output table), under DIR/items/KK/ (KK: the key's first two
// hex digits). The tables are written first and the JSON last, each
// atomically: an entry without its JSON is not there.
type Store struct {
	Dir string
}

// Entry describes a stored result.
type Entry struct {
	Key    string `json:"key"`
	Input  string `json:"input"`
	Preset string `json:"preset,omitempty"`
	// Sources are the files the result was computed from, with their
	// SHA-256 digests; a result is reused only while they are unchanged.
	Sources []ingest.Source `json:"sources,omitempty"`
	// Tables is the number of table files.
	Tables int `json:"tables"`
	// Error is the item's error; failed results are stored (the job's
	// tables are built from the store) but never reused.
	Error   string  `json:"error,omitempty"`
	Elapsed float64 `json:"elapsed_s"`
	Worker  string  `json:"worker"`
	Version string  `json:"version"`
}

// Key returns the hex SHA-256 digest of a job kind, the tool's version and
// parts, each part length-prefixed so that no two lists give the same key.
func Key(kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range append([]string{kind, pipeline.Version()}, parts...) {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s Store) base(key string) string {
	return filepath.Join(s.Dir, "items", key[:2], key)
}

// Put stores an entry and its tables (Arrow IPC files' bytes).
func (s Store) Put(e Entry, tables [][]byte) error {
	if len(e.Key) < 2 {
		return fmt.Errorf("store %s: bad key %q", s.Dir, e.Key)
	}
	base := s.base(e.Key)
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	e.Tables = len(tables)
	for i, t := range tables {
		if err := atomicfile.Write(fmt.Sprintf("%s-%d.arrow", base, i), func(w io.Writer) error {
			_, err := w.Write(t)
			return err
		}); err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(base+".json", func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	})
}

// ErrNotStored is returned by Get for a key without a usable entry.
var ErrNotStored = errors.New("not in the store")

// Get returns the entry stored under key and its tables. An entry that is
// missing, unreadable, failed, or whose sources changed since wraps
// ErrNotStored (with the reason).
func (s Store) Get(key string) (Entry, [][]byte, error) {
	var e Entry
	base := s.base(key)
	js, err := os.ReadFile(base + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return e, nil, ErrNotStored
	}
	if err != nil {
		return e, nil, fmt.Errorf("%w: %w", ErrNotStored, err)
	}
	if err := json.NewDecoder(bytes.NewReader(js)).Decode(&e); err != nil || e.Key != key {
		return e, nil, fmt.Errorf("%w: %s is not an entry of key %s (%v)", ErrNotStored, base+".json", key, err)
	}
	if e.Error != "" {
		return e, nil, fmt.Errorf("%w: the stored result failed", ErrNotStored)
	}
	for _, src := range e.Sources {
		if src.SHA256 == "" {
			continue
		}
		if sum, err := ingest.FileDigest(src.Path); err != nil || sum != src.SHA256 {
			return e, nil, fmt.Errorf("%w: %s changed since", ErrNotStored, src.Path)
		}
	}
	tables := make([][]byte, e.Tables)
	for i := range tables {
		if tables[i], err = os.ReadFile(fmt.Sprintf("%s-%d.arrow", base, i)); err != nil {
			return e, nil, fmt.Errorf("%w: %w", ErrNotStored, err)
		}
	}
	return e, tables, nil
}
