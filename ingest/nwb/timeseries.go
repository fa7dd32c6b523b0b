package nwb

import (
	"errors"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// TimeSeries is an NWB TimeSeries (or any of its subtypes: SpatialSeries,
// ElectricalSeries…), read as float64 in physical units.
type TimeSeries struct {
	Path string
	// Type is the neurodata_type attribute ("SpatialSeries").
	Type string
	// Shape is the shape of what was read: rows (time) first. It is [N]
	// or [N K…] as in the file, with N the rows read.
	Shape []int
	// Data holds data·Conversion + Offset, in row-major order.
	Data []float64
	// Unit is the unit of Data, data's unit attribute.
	Unit string
	// Conversion and Offset are data's conversion (1 when absent) and
	// offset (0 when absent, as before NWB 2.4) attributes.
	Conversion, Offset float64

	// Timestamps holds the time of each row read, in seconds, when the
	// series has timestamps; it is nil for a regular series.
	Timestamps []float64
	// StartingTime is the time of the first row read and Rate the
	// sampling rate in Hz of a regular series (one with starting_time).
	StartingTime, Rate float64
}

// Rows returns the number of time points.
func (ts *TimeSeries) Rows() int {
	if len(ts.Shape) == 0 {
		return 0
	}
	return ts.Shape[0]
}

// Cols returns the number of values per time point: the product of the
// trailing dimensions.
func (ts *TimeSeries) Cols() int {
	c := 1
	for _, s := range ts.Shape[min(1, len(ts.Shape)):] {
		c *= s
	}
	return c
}

// Time returns the time of row i in seconds.
func (ts *TimeSeries) Time(i int) float64 {
	if ts.Timestamps != nil {
		return ts.Timestamps[i]
	}
	return ts.StartingTime + float64(i)/ts.Rate
}

// Times returns the time of every row in seconds.
func (ts *TimeSeries) Times() []float64 {
	if ts.Timestamps != nil {
		return ts.Timestamps
	}
	t := make([]float64, ts.Rows())
	for i := range t {
		t[i] = ts.Time(i)
	}
	return t
}

// Matrix returns Data as a Rows×Cols matrix sharing its storage, or nil if
// the series is empty.
func (ts *TimeSeries) Matrix() *mat.Dense {
	if ts.Rows() == 0 || ts.Cols() == 0 {
		return nil
	}
	return mat.NewDense(ts.Rows(), ts.Cols(), ts.Data)
}

// TimeSeries reads the whole TimeSeries at path.
func (f *File) TimeSeries(p string) (*TimeSeries, error) {
	return f.TimeSeriesRange(p, 0, -1)
}

// TimeSeriesRange reads count rows (time points) from row start of the
// TimeSeries at path, and their times; count -1 reads to the end. Only those
// rows are read from the file.
func (f *File) TimeSeriesRange(p string, start, count int) (*TimeSeries, error) {
	s, err := f.OpenSeries(p)
	if err != nil {
		return nil, err
	}
	ts := s.TimeSeries
	if ts.Data, err = s.ReadData(start, count, nil); err != nil {
		return nil, err
	}
	if count < 0 {
		count = s.Rows() - start
	}
	ts.Shape = append([]int{count}, s.Shape[1:]...)
	if ts.Rate != 0 {
		ts.StartingTime += float64(start) / ts.Rate
		return &ts, nil
	}
	if ts.Timestamps, err = f.r.ReadFloat64Range(s.stamps, start, count); err != nil {
		return nil, err
	}
	return &ts, nil
}

// Series is a TimeSeries open for reading a piece at a time into the
// caller's buffers, so that a long series need not be in memory whole.
type Series struct {
	// TimeSeries describes the series: Shape is that of the whole series,
	// Data and Timestamps are nil.
	TimeSeries
	f            *File
	data, stamps string // the datasets; stamps is "" for a regular series
}

// OpenSeries opens the TimeSeries at path for reading in pieces.
func (f *File) OpenSeries(p string) (*Series, error) {
	p = clean(p)
	ts, err := f.seriesInfo(p)
	if err != nil {
		return nil, err
	}
	s := &Series{TimeSeries: *ts, f: f, data: join(p, "data")}
	d, err := f.r.Dataset(s.data)
	if err != nil {
		return nil, err
	}
	if !d.Dtype.IsNumeric() {
		return nil, f.dtypeError(s.data, d.Dtype, "a number")
	}
	if len(d.Shape) == 0 {
		return nil, f.errorf(s.data, "a scalar, not a series")
	}
	s.Shape = d.Shape
	if ts.Rate != 0 {
		return s, nil
	}
	s.stamps = join(p, "timestamps")
	sd, err := f.r.Dataset(s.stamps)
	if err != nil {
		return nil, err
	}
	if len(sd.Shape) != 1 || sd.Shape[0] != d.Shape[0] {
		return nil, f.errorf(s.stamps, "shape %v, but data has %d rows", sd.Shape, d.Shape[0])
	}
	return s, nil
}

// ReadData reads count rows from row start (count -1: to the end), every
// value of each, as data·Conversion + Offset in row-major order, into dst
// when it is large enough and the reader can (else into a new slice).
func (s *Series) ReadData(start, count int, dst []float64) ([]float64, error) {
	v, err := s.f.readFloats(s.data, start, count, dst)
	if err != nil {
		return nil, err
	}
	if s.Conversion != 1 || s.Offset != 0 {
		for i, x := range v {
			// The conversion to float64 rounds the product, so no platform fuses
			// it with the addition: the result is numpy's, bit for bit.
			v[i] = float64(x*s.Conversion) + s.Offset
		}
	}
	return v, nil
}

// ReadTimes reads the times (s) of count rows from row start (count -1:
// to the end) into dst as ReadData does: the timestamps, or for a regular
// series StartingTime + i/Rate for row i, the times Times gives.
func (s *Series) ReadTimes(start, count int, dst []float64) ([]float64, error) {
	if s.stamps != "" {
		return s.f.readFloats(s.stamps, start, count, dst)
	}
	if count < 0 {
		count = s.Rows() - start
	}
	if start < 0 || count < 0 || start+count > s.Rows() {
		return nil, s.f.errorf(s.data, "rows %d…%d of %d", start, start+count, s.Rows())
	}
	if cap(dst) < count {
		dst = make([]float64, count)
	}
	dst = dst[:count]
	for i := range dst {
		dst[i] = s.Time(start + i)
	}
	return dst, nil
}

// floatsInto is a reader that reads floats into the caller's buffer
// (hdf5.File does).
type floatsInto interface {
	ReadFloat64RangeTo(p string, start, count int, dst []float64) ([]float64, error)
}

// readFloats reads count rows from row start of the dataset at p as
// float64, into dst when it is large enough and the reader can (else into a
// new slice).
func (f *File) readFloats(p string, start, count int, dst []float64) ([]float64, error) {
	into, ok := f.r.(floatsInto)
	if !ok || dst == nil || count < 0 {
		return f.r.ReadFloat64Range(p, start, count)
	}
	return into.ReadFloat64RangeTo(p, start, count, dst)
}

// seriesInfo reads what describes the TimeSeries at p, not its data or
// timestamps: type, unit, conversion, offset, starting time and rate.
func (f *File) seriesInfo(p string) (*TimeSeries, error) {
	k, err := f.r.Stat(p)
	if err != nil {
		return nil, err
	}
	if k != hdf5.KindGroup {
		return nil, f.errorf(p, "is a %v, not a TimeSeries group", k)
	}
	data, st := join(p, "data"), join(p, "starting_time")
	f.prefetch(hdf5.Query{Path: p, Attr: "neurodata_type"}, hdf5.Query{Path: data},
		hdf5.Query{Path: data, Attr: "unit"}, hdf5.Query{Path: data, Attr: "conversion"}, hdf5.Query{Path: data, Attr: "offset"},
		hdf5.Query{Path: st}, hdf5.Query{Path: join(p, "timestamps")}, hdf5.Query{Path: st, Attr: "rate"})
	ts := &TimeSeries{Path: p}
	if ts.Type, err = f.attrString(p, "neurodata_type"); err != nil {
		return nil, err
	}
	if _, ok, err := f.exists(data); err != nil {
		return nil, err
	} else if !ok {
		return nil, f.errorf(p, "no data: not a TimeSeries")
	}
	if ts.Unit, err = f.attrString(data, "unit"); err != nil {
		return nil, err
	}
	if ts.Conversion, _, err = f.attrFloat(data, "conversion", 1); err != nil {
		return nil, err
	}
	if ts.Offset, _, err = f.attrFloat(data, "offset", 0); err != nil {
		return nil, err
	}
	_, regular, err := f.exists(st)
	if err != nil {
		return nil, err
	}
	if !regular {
		if _, ok, err := f.exists(join(p, "timestamps")); err != nil {
			return nil, err
		} else if !ok {
			return nil, f.errorf(p, "neither timestamps nor starting_time: not a TimeSeries")
		}
		return ts, nil
	}
	v, err := f.r.ReadFloat64(st)
	if err != nil {
		return nil, err
	}
	if len(v) != 1 {
		return nil, f.errorf(st, "%d values, want a scalar", len(v))
	}
	ts.StartingTime = v[0]
	rate, ok, err := f.attrFloat(st, "rate", 0)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &hdf5.Error{File: f.r.Name(), Path: st, Attr: "rate", Err: errors.New("missing: a starting_time needs a rate")}
	}
	if rate <= 0 {
		return nil, &hdf5.Error{File: f.r.Name(), Path: st, Attr: "rate", Err: errors.New("not positive")}
	}
	ts.Rate = rate
	return ts, nil
}
