package nwbsource_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/presets"
	"github.com/oblique-neuro/oblique/presets/nwbsource"
)

// The fixture is presets/testdata/maze_like.nwb (make_nlb.py): 16 units,
// the last 4 held out, observed 0…61 s; 30 trials; hand_vel at 1 kHz as
// int16 counts of 0.05 mm/s with timestamps.
const maze = "../testdata/maze_like.nwb"

// openMaze opens the fixture, closed at the end of the test; without cgo
// the test is skipped.
func openMaze(t *testing.T) presets.NWBSource {
	src, closeFn, err := nwbsource.Open(maze)
	if errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeFn() })
	return src
}

func TestSource(t *testing.T) {
	src := openMaze(t)

	trains, held, end, err := src.Units("units/")
	if err != nil {
		t.Fatal(err)
	}
	if len(trains) != 16 || len(held) != 16 || end != 61 {
		t.Fatalf("%d trains, %d heldout flags, observed to %v s; want 16, 16, 61", len(trains), len(held), end)
	}
	for i, h := range held {
		if h != (i >= 12) {
			t.Errorf("unit %d: heldout %v", i, h)
		}
		if len(trains[i]) == 0 {
			t.Errorf("unit %d has no spikes", i)
		}
	}
	if _, _, _, err := src.Units("/processing/units"); err == nil || !strings.Contains(err.Error(), maze) {
		t.Errorf("units elsewhere: %v", err)
	}

	delay, err := src.FloatColumn("/intervals/trials", "delay")
	if err != nil || len(delay) != 30 {
		t.Fatalf("delay: %d values, %v", len(delay), err)
	}
	kind, err := src.FloatColumn("/intervals/trials", "trial_type") // int64
	if err != nil || len(kind) != 30 || kind[0] < 1 || kind[0] > 3 {
		t.Fatalf("trial_type: %v, %v", kind, err)
	}
	split, err := src.StringColumn("/intervals/trials", "split")
	if err != nil || len(split) != 30 {
		t.Fatalf("split: %v, %v", split, err)
	}
	if _, err := src.StringColumn("/intervals/trials", "delay"); err == nil || !strings.Contains(err.Error(), "/intervals/trials/delay") {
		t.Errorf("string read of a float column: %v", err)
	}
	if _, err := src.FloatColumn("/intervals/trials", "split"); err == nil || !strings.Contains(err.Error(), "want a number") {
		t.Errorf("float read of a string column: %v", err)
	}
	if _, err := src.FloatColumn("/intervals/trials", "go_cue_time"); err == nil || !strings.Contains(err.Error(), "go_cue_time") {
		t.Errorf("missing column: %v", err)
	}

	data, times, unit, err := src.TimeSeries("/processing/behavior/hand_vel")
	if err != nil {
		t.Fatal(err)
	}
	r, c := data.Dims()
	if c != 2 || r != len(times) || unit != "mm/s" {
		t.Fatalf("hand_vel %d×%d, %d times, unit %q", r, c, len(times), unit)
	}
	// int16 counts × conversion 0.05 (float32): a multiple of 0.05.
	if v := data.At(0, 0) / float64(float32(0.05)); v != float64(int(v)) {
		t.Errorf("hand_vel[0, 0] = %v: conversion not applied", data.At(0, 0))
	}
}

// TestStuckFile is the reproducer of issue 17's HDF5 hang through the
// nlb-maze preset (what `oblique analyze -preset nlb-maze` runs): the root's
// nwb_version attribute with its global heap address zeroed (8 bytes at
// 5783) makes HDF5 1.10 loop for ever in H5Aread. Load must return an error
// that names the file and wraps hdf5.ErrTimeout once the time limit is
// spent.
func TestStuckFile(t *testing.T) {
	raw, err := os.ReadFile(maze)
	if err != nil {
		t.Fatal(err)
	}
	copy(raw[5783:5791], make([]byte, 8))
	stuck := filepath.Join(t.TempDir(), "stuck.nwb")
	if err := os.WriteFile(stuck, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	const limit = time.Second
	t.Setenv(hdf5.TimeoutEnv, limit.String())
	p, err := presets.Get("nlb-maze")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, err = p.Load(stuck, presets.Opener{NWB: nwbsource.Open})
	took := time.Since(start)
	if errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip(err)
	}
	if !errors.Is(err, hdf5.ErrTimeout) || !strings.Contains(err.Error(), stuck+": ") {
		t.Fatalf("Load(%s): %v\nwant an error naming the file and wrapping hdf5.ErrTimeout", stuck, err)
	}
	// The limit counts the time spent in the library since Open; 2 s of
	// slack for starting the reader and killing it on a loaded machine.
	if took > limit+2*time.Second {
		t.Errorf("the error came after %v; the limit is %v", took, limit)
	}
	t.Logf("%v after %v", err, took)
}

// TestNotFoundLists checks that a path the file does not have is an error
// listing what its parent group has (a user who wrote /intervals/trial or
// a series' name alone got "not found" and nothing to go on), and that
// the units readers on a file without /units say so and point to [nwb]
// activity (they said "/units/spike_times: not found").
func TestNotFoundLists(t *testing.T) {
	src := openMaze(t)
	for _, c := range []struct {
		err  func() error
		want string
	}{
		{func() error { _, err := src.FloatColumn("/intervals/trial", "delay"); return err }, "/intervals/trial: not found (in /intervals: trials)"},
		{func() error { _, _, err := src.(nwbsource.Source).Values("/intervals/trial", "delay"); return err }, "/intervals/trial: not found (in /intervals: trials)"},
		{func() error { _, _, _, err := src.TimeSeries("/processing/behavior/hand"); return err }, "not found (in /processing/behavior: hand_vel)"},
		{func() error { _, err := src.(nwbsource.Source).OpenSeries("hand_vel"); return err }, "/hand_vel: not found (in /: identifier, intervals, processing, session_description, session_start_time, timestamps_reference_time, units)"},
	} {
		err := c.err()
		if !errors.Is(err, hdf5.ErrNotFound) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), maze) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
	// A missing column still lists the table's columns, unchanged.
	if _, err := src.FloatColumn("/intervals/trials", "dealy"); err == nil || !strings.Contains(err.Error(), `no column "dealy" (it has`) || strings.Contains(err.Error(), "(in ") {
		t.Errorf("missing column: %v", err)
	}

	dlc := "../../../shared/data/nwb_external/dlc2nwb_m3v1mp4_openfield.nwb"
	if _, err := os.Stat(dlc); err != nil {
		t.Skip(err)
	}
	nu, closeDLC, err := nwbsource.Open(dlc)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDLC()
	for _, err := range []error{
		func() error { _, err := nu.(nwbsource.Source).UnitTable("/units"); return err }(),
		func() error { _, _, _, err := nu.Units("/units"); return err }(),
	} {
		if !errors.Is(err, nwbsource.ErrNoUnits) || !strings.Contains(err.Error(), dlc+": /units: this file has no units table: for activity from TimeSeries") || !strings.Contains(err.Error(), "[nwb] activity") {
			t.Errorf("no units table: %v", err)
		}
	}
}
