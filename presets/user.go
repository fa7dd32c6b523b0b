package presets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
)

// Record is what a run records of the preset it used, in its output's
// metadata: where the preset came from and its full TOML text after the
// overrides. It is also how a distributed run ships a preset read where the
// run was submitted to its workers (FromRecord).
type Record struct {
	// Source is the built-in preset's name or the preset file's path, as
	// given.
	Source string `json:"source"`
	// SHA256 is the preset file's SHA-256 digest (hex); "" for a built-in.
	SHA256 string `json:"sha256,omitempty"`
	// Set lists the overrides applied, KEY=VALUE, in order.
	Set []string `json:"set,omitempty"`
	// TOML is the preset's text: the file's or the built-in's as it is
	// without overrides, re-encoded (without its comments) with them.
	TOML string `json:"toml"`
}

// ErrUnknownKey is wrapped by the error of Override for a key that no
// preset has.
var ErrUnknownKey = errors.New("unknown key")

// IsFile tells whether a -preset value names a preset file rather than a
// built-in preset: a value ending in .toml or holding a path separator.
func IsFile(value string) bool {
	return strings.HasSuffix(value, ".toml") || strings.ContainsRune(value, '/') ||
		strings.ContainsRune(value, os.PathSeparator)
}

// Open returns the preset a -preset value names: the preset file at that
// path when IsFile(value) (Read), else the built-in preset of that name
// (Get).
func Open(value string) (*Preset, error) {
	if IsFile(value) {
		return Read(value)
	}
	return Get(value)
}

// Read reads a preset file: TOML with the schema of the built-in presets
// (within tomlsafe's bounds on size and nesting). Its name is required: the
// recordings it reads are named NAME:FILE. Errors name the file.
func Read(path string) (*Preset, error) {
	b, err := inputfile.ReadFile(path, tomlsafe.MaxBytes)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("preset file %s: %w", path, pe.Err)
		}
		return nil, fmt.Errorf("preset file %s: %w", path, err)
	}
	p, err := Parse(b, path)
	if err != nil {
		return nil, err
	}
	if p.Name == "" {
		return nil, fmt.Errorf("preset %s: no name: a preset file needs name = \"...\" (its recordings are named NAME:FILE)", path)
	}
	sum := sha256.Sum256(b)
	p.origin = Record{Source: path, SHA256: hex.EncodeToString(sum[:]), TOML: string(b)}
	return p, nil
}

// FromRecord returns the preset a Record holds (a distributed run's
// workers read the preset its submitter read); the preset's own Record is
// r.
func FromRecord(r Record) (*Preset, error) {
	p, err := Parse([]byte(r.TOML), r.Source)
	if err != nil {
		return nil, err
	}
	r.Set = append([]string(nil), r.Set...)
	p.origin = r
	return p, nil
}

// Record returns where p came from and its TOML text after overrides. A
// preset built in code (not by Get, Read or FromRecord) has its fields
// encoded as TOML and Source "(in code)".
func (p *Preset) Record() Record {
	r := p.origin
	r.Set = append([]string(nil), r.Set...)
	if r.TOML == "" {
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(p); err == nil {
			r.TOML = buf.String()
		}
		if r.Source == "" {
			r.Source = "(in code)"
		}
	}
	return r
}

// Override sets one key of p, a dotted path into its tables ("fit.lag_ms",
// "mat.root", "trials.min.delay"), to value, written in TOML syntax ("50",
// `["D.blocks(2)"]`, `"/units"` with its quotes). The preset is parsed
// again as a whole: a key no preset has is an error wrapping ErrUnknownKey
// and naming the key, a value of the wrong type an error naming the key.
// The override is added to p's Record.
func Override(p *Preset, key, value string) error {
	parts := strings.Split(key, ".")
	for _, s := range parts {
		if s == "" {
			return fmt.Errorf("preset %s: override %q: want a key such as fit.lag_ms", p.Name, key)
		}
	}
	var v map[string]any
	if _, err := tomlsafe.Decode([]byte("v = "+value), &v); err != nil || len(v) != 1 {
		return fmt.Errorf("preset %s: override %s = %s: not one TOML value (strings are quoted: %s='\"text\"')", p.Name, key, value, key)
	}
	rec := p.Record()
	var tree map[string]any
	if _, err := tomlsafe.Decode([]byte(rec.TOML), &tree); err != nil {
		return fmt.Errorf("preset %s: %w", p.Name, err)
	}
	t := tree
	for i, s := range parts[:len(parts)-1] {
		next, ok := t[s]
		if !ok {
			next = map[string]any{}
			t[s] = next
		}
		sub, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("preset %s: override %s: %s is not a table", p.Name, key, strings.Join(parts[:i+1], "."))
		}
		t = sub
	}
	t[parts[len(parts)-1]] = v["v"]
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(tree); err != nil {
		return fmt.Errorf("preset %s: override %s: %w", p.Name, key, err)
	}
	var np Preset
	md, err := tomlsafe.Decode(buf.Bytes(), &np)
	if err != nil {
		return fmt.Errorf("preset %s: override %s = %s: %w", p.Name, key, value, err)
	}
	for _, k := range md.Undecoded() {
		if ks := k.String(); ks == key || strings.HasPrefix(ks, key+".") {
			return fmt.Errorf("preset %s: override %s: %w %s", p.Name, key, ErrUnknownKey, key)
		}
	}
	q, err := Parse(buf.Bytes(), p.Name)
	if err != nil {
		return fmt.Errorf("override %s = %s: %w", key, value, err)
	}
	rec.TOML, rec.Set = buf.String(), append(rec.Set, key+"="+value)
	q.origin = rec
	*p = *q
	return nil
}

// OverrideAll applies overrides written KEY=VALUE (the command line's -set)
// in order (Override).
func OverrideAll(p *Preset, set []string) error {
	for _, kv := range set {
		key, value, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("preset %s: override %q: want KEY=VALUE (e.g. fit.lag_ms=50)", p.Name, kv)
		}
		if err := Override(p, strings.TrimSpace(key), strings.TrimSpace(value)); err != nil {
			return err
		}
	}
	return nil
}
