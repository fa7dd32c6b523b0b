package jobs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/oblique-neuro/oblique/pipeline"
)

// Item is one unit of a job's work: a recording (with the preset that reads
// it; empty for a manifest), or a training run.
type Item struct {
	// Index is the item's 1-based position in the job: the row order of
	// the combined tables.
	Index  int
	Input  string
	Preset string
	// PresetTOML and PresetSHA256 are the preset's text and, for a preset
	// file, its digest, read where the job is submitted (ReadPresets): the
	// workers use this text, not the file.
	PresetTOML, PresetSHA256 string
}

// ReadPresets reads the preset of every item (a built-in name or a preset
// file, each read once) into its PresetTOML and PresetSHA256, where the
// job is submitted: a preset file need not be on the workers. An unknown
// preset or unusable file is an error naming the item's input.
func ReadPresets(items []Item) error {
	read := map[string]pipeline.PresetRecord{}
	for i, it := range items {
		if it.Preset == "" {
			continue
		}
		r, ok := read[it.Preset]
		if !ok {
			p, err := pipeline.OpenPreset(it.Preset, nil)
			if err != nil {
				return fmt.Errorf("%s: preset: %w", it.Input, err)
			}
			r = p.Record()
			read[it.Preset] = r
		}
		items[i].PresetTOML, items[i].PresetSHA256 = r.TOML, r.SHA256
	}
	return nil
}

// presetRecord returns the record of the preset the item was read with
// (nil for a manifest).
func (it Item) presetRecord() *pipeline.PresetRecord {
	if it.Preset == "" {
		return nil
	}
	return &pipeline.PresetRecord{Source: it.Preset, SHA256: it.PresetSHA256, TOML: it.PresetTOML}
}

// ErrList is wrapped by the errors of a list of inputs that cannot be used.
var ErrList = errors.New("inputs")

// Inputs expands a job's inputs: each argument is a file, or a glob
// pattern (sorted matches; one that matches nothing is an error), all read
// with preset (empty: recording manifests). list, when not empty, names a
// file of further inputs, one a line: a path or glob, optionally followed
// by white space and the preset to read it with (a name or a preset file),
// which overrides preset for that line; blank lines and lines starting
// with # are skipped; relative paths are taken from the list's folder.
func Inputs(args []string, preset, list string) ([]Item, error) {
	var items []Item
	add := func(pattern, preset string) error {
		paths := []string{pattern}
		if strings.ContainsAny(pattern, "*?[") {
			m, err := filepath.Glob(pattern)
			if err != nil {
				return fmt.Errorf("%w: bad pattern %q: %w", ErrList, pattern, err)
			}
			if len(m) == 0 {
				return fmt.Errorf("%w: %q matches no file", ErrList, pattern)
			}
			sort.Strings(m)
			paths = m
		}
		for _, p := range paths {
			items = append(items, Item{Index: len(items) + 1, Input: p, Preset: preset})
		}
		return nil
	}
	for _, a := range args {
		if err := add(a, preset); err != nil {
			return nil, err
		}
	}
	if list != "" {
		f, err := os.Open(list)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrList, err)
		}
		defer f.Close()
		dir := filepath.Dir(list)
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Fields(line)
			if len(fields) > 2 {
				return nil, fmt.Errorf("%w: %s:%d: want PATH [PRESET], got %d fields (paths with spaces are not supported)", ErrList, list, n, len(fields))
			}
			p, pr := fields[0], preset
			if len(fields) == 2 {
				pr = fields[1]
				if !filepath.IsAbs(pr) && strings.HasSuffix(pr, ".toml") {
					pr = filepath.Join(dir, pr)
				}
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			if err := add(p, pr); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", list, n, err)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrList, list, err)
		}
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no recording given", ErrList)
	}
	return items, nil
}
