// Package nwbsource reads the NWB files of the presets' nwb-trials layout:
// it adapts *nwb.File to presets.NWBSource.
//
// It is kept apart from package presets because package nwb reads HDF5
// through cgo (package ingest/hdf5): presets stays plain Go, and a program
// that wants NWB presets registers Open in its presets.Opener:
//
//	open := presets.Opener{NWB: nwbsource.Open}
//	rec, settings, err := p.Load(file, open)
package nwbsource

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/nwb"
	"github.com/oblique-neuro/oblique/presets"
)

// Source is an NWB file read as a presets.NWBSource.
type Source struct {
	F *nwb.File
}

var (
	_ presets.NWBSource      = Source{}
	_ presets.UnitStreamer   = Source{}
	_ presets.SeriesStreamer = Source{}
	_ presets.TableSource    = Source{}
)

// Open opens the NWB file name and returns it as a presets.NWBSource with
// the function that closes it; it has the type of presets.Opener.NWB.
func Open(name string) (presets.NWBSource, func() error, error) {
	f, err := nwb.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return Source{F: f}, f.Close, nil
}

// Units returns every unit's spike train in the table's row order, held-out
// units included (the Neural Latents Benchmark's heldout column only marks
// them), whether each is held out, and the latest end of any observation
// interval (0 when the table has no obs_intervals). NWB keeps the units
// table at /units; another path is an error.
func (s Source) Units(p string) (_ [][]float64, _ []bool, _ float64, err error) {
	defer s.explain(&err)
	if err := s.unitsPath(p); err != nil {
		return nil, nil, 0, err
	}
	u, err := s.F.Units()
	if err != nil {
		return nil, nil, 0, err
	}
	held, end := heldEnd(u, u.Len())
	return u.SpikeTimes, held, end, nil
}

// UnitTable reads the units table for the general NWB layouts: ids, spike
// trains, the end of observation, and each unit's rows of the electrodes
// table its electrodes column points into (the default
// /general/extracellular_ephys/electrodes when the column names none).
func (s Source) UnitTable(p string) (_ *presets.UnitTable, err error) {
	defer s.explain(&err)
	if err := s.unitsPath(p); err != nil {
		return nil, err
	}
	u, err := s.F.Units()
	if err != nil {
		return nil, err
	}
	_, end := heldEnd(u, u.Len())
	t := &presets.UnitTable{ID: u.ID, Trains: u.SpikeTimes, ObsEnd: end, Electrodes: u.Electrodes}
	if u.Electrodes != nil {
		t.ElectrodeTable = "/general/extracellular_ephys/electrodes"
		tab, err := s.F.Table(nwb.UnitsPath, "electrodes")
		if err != nil {
			return nil, err
		}
		if c := tab.Column("electrodes"); c != nil && c.Target != "" {
			t.ElectrodeTable = c.Target
		}
	}
	return t, nil
}

// Values reads a 1-D column as numbers (numeric and bool columns) or
// strings, whichever it holds.
func (s Source) Values(table, name string) (_ []float64, _ []string, err error) {
	defer s.explain(&err)
	c, err := s.column(table, name)
	if err != nil {
		return nil, nil, err
	}
	if c.Kind == nwb.String {
		return nil, c.Strings, nil
	}
	f, err := s.FloatColumn(table, name)
	return f, nil, err
}

// heldEnd returns the heldout flags (all false when the table has none)
// and the latest end of an observation interval.
func heldEnd(u *nwb.Units, n int) ([]bool, float64) {
	held := u.HeldOut
	if held == nil {
		held = make([]bool, n)
	}
	var end float64
	for _, iv := range u.ObsIntervals {
		for _, x := range iv {
			end = math.Max(end, x[1])
		}
	}
	return held, end
}

// UnitsInfo returns what Units does without reading the spike times: the
// number of units.
func (s Source) UnitsInfo(p string) (_ int, _ []bool, _ float64, err error) {
	defer s.explain(&err)
	if err := s.unitsPath(p); err != nil {
		return 0, nil, 0, err
	}
	u, n, err := s.F.UnitsInfo()
	if err != nil {
		return 0, nil, 0, err
	}
	held, end := heldEnd(u, n)
	return n, held, end, nil
}

// EachUnits calls fn with the spike trains of consecutive units, a block
// read at a time (nwb.File.EachSpikeBlock).
func (s Source) EachUnits(p string, fn func(first int, trains [][]float64) error) (err error) {
	defer s.explain(&err)
	if err := s.unitsPath(p); err != nil {
		return err
	}
	return s.F.EachSpikeBlock(fn)
}

// ErrNoUnits is wrapped by the error of the units readers for a file
// without a units table.
var ErrNoUnits = errors.New("this file has no units table")

// unitsPath checks that p is NWB's units table and that the file has one.
func (s Source) unitsPath(p string) error {
	if clean(p) != nwb.UnitsPath {
		return &hdf5.Error{File: s.F.Name(), Path: clean(p), Err: fmt.Errorf("the units table must be at %s", nwb.UnitsPath)}
	}
	if ok, err := s.F.Has(nwb.UnitsPath); err != nil {
		return err
	} else if !ok {
		return &hdf5.Error{File: s.F.Name(), Path: nwb.UnitsPath, Err: fmt.Errorf(
			"%w: for activity from TimeSeries (pose, ΔF/F) use [nwb] activity = [\"/path/to/series\", …] instead of units ('oblique inspect' lists the series)", ErrNoUnits)}
	}
	return nil
}

// explain adds to *err, when it is about a path the file does not have,
// what the file has there (nwb.File.Explain).
func (s Source) explain(err *error) { *err = s.F.Explain(*err) }

// column reads one 1-D, non-ragged column of a table (its values alone:
// nwb.File.ColumnValues).
func (s Source) column(table, name string) (*nwb.Column, error) {
	c, err := s.F.ColumnValues(table, name)
	if err != nil {
		return nil, err
	}
	if c.Ragged() || c.Width() != 1 {
		what := fmt.Sprintf("shape %v", c.Shape)
		if c.Ragged() {
			what = "a ragged column"
		}
		return nil, &hdf5.Error{File: s.F.Name(), Path: c.Path, Err: fmt.Errorf("%s, want one value per row", what)}
	}
	return c, nil
}

// FloatColumn reads a numeric (float, integer or bool) column as float64.
func (s Source) FloatColumn(table, name string) (_ []float64, err error) {
	defer s.explain(&err)
	c, err := s.column(table, name)
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case nwb.Float:
		return c.Floats, nil
	case nwb.Int:
		v := make([]float64, len(c.Ints))
		for i, x := range c.Ints {
			v[i] = float64(x)
		}
		return v, nil
	case nwb.Bool:
		v := make([]float64, len(c.Bools))
		for i, x := range c.Bools {
			if x {
				v[i] = 1
			}
		}
		return v, nil
	}
	return nil, &hdf5.Error{File: s.F.Name(), Path: c.Path, Err: &hdf5.DtypeError{Dtype: c.Dtype, Want: "a number"}}
}

// StringColumn reads a string column (fixed or variable length).
func (s Source) StringColumn(table, name string) (_ []string, err error) {
	defer s.explain(&err)
	c, err := s.column(table, name)
	if err != nil {
		return nil, err
	}
	if c.Kind != nwb.String {
		return nil, &hdf5.Error{File: s.F.Name(), Path: c.Path, Err: &hdf5.DtypeError{Dtype: c.Dtype, Want: "a string"}}
	}
	return c.Strings, nil
}

// TimeSeries reads the TimeSeries at p: data (rows × values, conversion
// and offset applied), the time of each row in seconds, and the unit.
func (s Source) TimeSeries(p string) (_ *mat.Dense, _ []float64, _ string, err error) {
	defer s.explain(&err)
	ts, err := s.F.TimeSeries(p)
	if err != nil {
		return nil, nil, "", err
	}
	m := ts.Matrix()
	if m == nil {
		return nil, nil, "", &hdf5.Error{File: s.F.Name(), Path: clean(p), Err: fmt.Errorf("empty TimeSeries (shape %v)", ts.Shape)}
	}
	return m, ts.Times(), ts.Unit, nil
}

// OpenSeries opens the TimeSeries at p for reading a piece at a time
// (nwb.File.OpenSeries).
func (s Source) OpenSeries(p string) (_ presets.SeriesReader, err error) {
	defer s.explain(&err)
	sr, err := s.F.OpenSeries(p)
	if err != nil {
		return nil, err
	}
	return sr, nil
}

func clean(p string) string { return path.Clean("/" + strings.TrimSpace(p)) }
