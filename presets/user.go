package presets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/nearest"
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
	p, err := Get(value)
	if err != nil {
		// A file the user meant: "alm" for alm.toml, or a file whose name
		// does not end in .toml.
		for _, f := range []string{value + ".toml", value} {
			if st, serr := os.Stat(f); serr == nil && st.Mode().IsRegular() {
				return nil, fmt.Errorf("%w; did you mean the file -preset ./%s?", err, f)
			}
		}
	}
	return p, err
}

// Read reads a preset file: TOML with the schema of the built-in presets
// (within tomlsafe's bounds on size and nesting). Its name is required: the
// recordings it reads are named NAME:FILE. Errors start with the file's
// path and, where they are about a place in it, the line ("my.toml: line
// 12: unknown key trials.alling (did you mean align?)").
func Read(path string) (*Preset, error) {
	b, err := inputfile.ReadFile(path, tomlsafe.MaxBytes)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("preset file %s: %w", path, pe.Err)
		}
		return nil, fmt.Errorf("preset file %s: %w", path, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%s: empty file: a preset needs at least name and layout ('oblique presets init FILE.nwb > %s' writes one; if it was written so, its error went to the terminal)", path, path)
	}
	p, err := parse(b, path, true)
	if err != nil {
		return nil, err
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
			hint := ""
			if m := nearestKey(k); m != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", m)
			}
			return fmt.Errorf("preset %s: override %s: %w %s%s", p.Name, key, ErrUnknownKey, ks, hint)
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

// unknownKeys describes the keys of the TOML text b that md did not decode
// into a Preset, at most maxUnknown of them: each with its line in b (when
// found) and the nearest key the preset has at that place, "line 12:
// unknown key trials.alling (did you mean align?)"; "" when every key was
// used.
func unknownKeys(b []byte, md toml.MetaData) string {
	und := md.Undecoded()
	var parts []string
	for i, k := range und {
		if i == maxUnknown {
			parts = append(parts, fmt.Sprintf("and %d more unknown keys", len(und)-maxUnknown))
			break
		}
		s := fmt.Sprintf("unknown key %s", k)
		if line := keyLine(b, k.String()); line > 0 {
			s = fmt.Sprintf("line %d: %s", line, s)
		}
		if m := nearestKey(k); m != "" {
			s += fmt.Sprintf(" (did you mean %s?)", m)
		}
		parts = append(parts, s)
	}
	return tomlsafe.Cut(strings.Join(parts, "; "))
}

// maxUnknown bounds the unknown keys an error lists.
const maxUnknown = 3

// keyLine returns the 1-based line of TOML text b where the dotted key
// (as toml.Key.String writes it, array tables without an index) is
// written, or where the inline table holding it starts; 0 when not found.
// It reads table headers and bare or quoted keys, which is what presets
// hold.
func keyLine(b []byte, key string) int {
	header, inline := "", 0
	for i, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "["):
			h := strings.Trim(strings.SplitN(t, "]", 2)[0], "[ ")
			if h2, _, ok := strings.Cut(strings.TrimPrefix(t, "[["), "]]"); ok && strings.HasPrefix(t, "[[") {
				h = strings.TrimSpace(h2)
			}
			header = dotted(h)
			if header == key {
				return i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		full := dotted(k)
		if header != "" {
			full = header + "." + full
		}
		if full == key {
			return i + 1
		}
		if inline == 0 && strings.HasPrefix(key, full+".") {
			inline = i + 1
		}
	}
	return inline
}

// dotted writes a TOML key (a.b, "a".b, a . b) as toml.Key.String does
// for bare keys.
func dotted(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// nearestKey returns the key of a preset nearest to the last part of k
// among those at k's place ("align" for trials.alling, "lag_ms" for
// fit.lag), or "" when none is near or the place takes any key (a map).
func nearestKey(k toml.Key) string {
	if len(k) == 0 {
		return ""
	}
	t := reflect.TypeOf(Preset{})
	for _, part := range k[:len(k)-1] {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
		f, ok := fieldByTag(t, part)
		if !ok {
			return ""
		}
		t = f.Type
	}
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	last := k[len(k)-1]
	best, bestD := "", -1
	for i := range t.NumField() {
		name := strings.Split(t.Field(i).Tag.Get("toml"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		d := nearest.EditDistance(last, name)
		if strings.HasPrefix(name, last) || strings.HasPrefix(last, name) {
			d = min(d, 1)
		}
		if bestD < 0 || d < bestD {
			best, bestD = name, d
		}
	}
	if bestD < 0 || bestD > max(2, len(last)/2) {
		return ""
	}
	return best
}

// fieldByTag returns the field of struct type t whose toml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if strings.Split(t.Field(i).Tag.Get("toml"), ",")[0] == name {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}
