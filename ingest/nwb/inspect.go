package nwb

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// Listing summarises an NWB file: what Inspect found.
type Listing struct {
	File    string
	Version string
	// Identifier and SessionDescription are the root datasets of those
	// names ("" when absent).
	Identifier, SessionDescription string
	// Units is nil when the file has no /units table.
	Units  *UnitsSummary
	Tables []TableSummary
	Series []SeriesSummary
}

// UnitsSummary describes /units from its index alone.
type UnitsSummary struct {
	Units  int
	Spikes int
	// Counts holds the spikes of each unit, in row order.
	Counts []int
	// IndexDtype is the dtype of spike_times_index.
	IndexDtype string
	// HeldOut counts the held-out units; -1 when there is no heldout
	// column.
	HeldOut int
}

// TableSummary describes a DynamicTable.
type TableSummary struct {
	Path, Type string
	Rows       int
	Columns    []ColumnSummary
}

// ColumnSummary describes a column.
type ColumnSummary struct {
	Name   string
	Dtype  string
	Shape  []int
	Ragged bool
}

// SeriesSummary describes a TimeSeries.
type SeriesSummary struct {
	Path, Type string
	Shape      []int
	Dtype      string
	Unit       string
	Conversion float64
	Offset     float64
	// Rate and StartingTime describe a regular series (Rate > 0);
	// Timestamps counts the timestamps of the others.
	Rate, StartingTime float64
	Timestamps         int
}

// Inspect opens the NWB file name and summarises it.
func Inspect(name string) (*Listing, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Inspect()
}

// Inspect walks the file and summarises its units, every DynamicTable (a
// group with a colnames attribute) and every TimeSeries (a group with data
// and timestamps or starting_time). It follows hard links only, skips
// /specifications, and reads no spike times and no series data.
func (f *File) Inspect() (*Listing, error) {
	l := &Listing{File: f.Name(), Version: f.Version}
	for _, s := range []struct {
		p   string
		dst *string
	}{{"/identifier", &l.Identifier}, {"/session_description", &l.SessionDescription}} {
		if k, ok, err := f.exists(s.p); err != nil {
			return nil, err
		} else if ok && k == hdf5.KindDataset {
			d, err := f.r.Dataset(s.p)
			if err != nil {
				return nil, err
			}
			if d.Dtype.Class == hdf5.String && d.Len() == 1 {
				v, err := f.r.ReadStrings(s.p)
				if err != nil {
					return nil, err
				}
				*s.dst = v[0]
			}
		}
	}
	if err := f.walk("/", l); err != nil {
		return nil, err
	}
	return l, nil
}

func (f *File) walk(p string, l *Listing) error {
	ms, err := f.r.Members(p)
	if err != nil {
		return err
	}
	for _, m := range ms {
		q := join(p, m.Name)
		if m.Link != "" || m.Kind != hdf5.KindGroup || q == "/specifications" {
			continue
		}
		if _, ok, err := f.attrStrings(q, "colnames"); err != nil {
			return err
		} else if ok {
			if err := f.inspectTable(q, l); err != nil {
				return err
			}
			continue
		}
		if f.isSeries(q) {
			s, err := f.inspectSeries(q)
			if err != nil {
				return err
			}
			l.Series = append(l.Series, *s)
			continue
		}
		if err := f.walk(q, l); err != nil {
			return err
		}
	}
	return nil
}

// isSeries reports whether the group q has data and timestamps or
// starting_time.
func (f *File) isSeries(q string) bool {
	ms, err := f.r.Members(q)
	if err != nil {
		return false
	}
	var data, time bool
	for _, m := range ms {
		switch m.Name {
		case "data":
			data = m.Kind == hdf5.KindDataset
		case "timestamps", "starting_time":
			time = time || m.Kind == hdf5.KindDataset
		}
	}
	return data && time
}

func (f *File) inspectTable(p string, l *Listing) error {
	t := TableSummary{Path: p, Rows: -1}
	var err error
	if t.Type, err = f.attrString(p, "neurodata_type"); err != nil {
		return err
	}
	names, err := f.colnames(p)
	if err != nil {
		return err
	}
	if d, err := f.r.Dataset(join(p, "id")); err == nil {
		t.Rows = d.Rows()
	} else if !errors.Is(err, hdf5.ErrNotFound) {
		return err
	}
	for _, name := range names {
		c := ColumnSummary{Name: name, Dtype: "missing"}
		q := join(p, name)
		if d, err := f.r.Dataset(q); err == nil {
			c.Dtype, c.Shape = d.Dtype.String(), d.Shape
		} else if !errors.Is(err, hdf5.ErrNotFound) {
			return err
		}
		if _, ok, err := f.exists(q + "_index"); err != nil {
			return err
		} else if ok {
			c.Ragged = true
		}
		t.Columns = append(t.Columns, c)
	}
	l.Tables = append(l.Tables, t)
	if p != UnitsPath {
		return nil
	}
	idx, err := f.spikeIndex()
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil // a units table without spikes
	}
	if err != nil {
		return err
	}
	d, err := f.r.Dataset(UnitsPath + "/spike_times_index")
	if err != nil {
		return err
	}
	u := &UnitsSummary{Units: len(idx), Counts: make([]int, len(idx)), IndexDtype: d.Dtype.String(), HeldOut: -1}
	for i := range idx {
		lo, hi := bounds(idx, i)
		u.Counts[i] = hi - lo
		u.Spikes += hi - lo
	}
	if _, ok, err := f.exists(UnitsPath + "/heldout"); err != nil {
		return err
	} else if ok {
		h, err := f.r.ReadInts(UnitsPath + "/heldout")
		if err != nil {
			return err
		}
		u.HeldOut = 0
		for _, x := range h {
			if x != 0 {
				u.HeldOut++
			}
		}
	}
	l.Units = u
	return nil
}

func (f *File) inspectSeries(p string) (*SeriesSummary, error) {
	ts, err := f.seriesInfo(p)
	if err != nil {
		return nil, err
	}
	s := &SeriesSummary{Path: p, Type: ts.Type, Unit: ts.Unit, Conversion: ts.Conversion, Offset: ts.Offset,
		Rate: ts.Rate, StartingTime: ts.StartingTime}
	d, err := f.r.Dataset(join(p, "data"))
	if err != nil {
		return nil, err
	}
	s.Shape, s.Dtype = d.Shape, d.Dtype.String()
	if ts.Rate == 0 {
		td, err := f.r.Dataset(join(p, "timestamps"))
		if err != nil {
			return nil, err
		}
		s.Timestamps = td.Len()
	}
	return s, nil
}

// maxCounts is the largest number of units whose spike counts WriteText
// lists one by one.
const maxCounts = 40

// WriteText writes the listing as short, h5ls-like text.
func (l *Listing) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: NWB %s\n", l.File, l.Version)
	if l.Identifier != "" {
		fmt.Fprintf(&b, "  identifier: %s\n", l.Identifier)
	}
	if l.SessionDescription != "" {
		fmt.Fprintf(&b, "  session: %s\n", oneLine(l.SessionDescription))
	}
	if u := l.Units; u != nil {
		fmt.Fprintf(&b, "units: %d units, %d spikes (spike_times_index %s)\n", u.Units, u.Spikes, u.IndexDtype)
		if u.HeldOut >= 0 {
			fmt.Fprintf(&b, "  held out: %d of %d\n", u.HeldOut, u.Units)
		}
		if u.Units > 0 && u.Units <= maxCounts {
			counts := make([]string, len(u.Counts))
			for i, c := range u.Counts {
				counts[i] = strconv.Itoa(c)
			}
			fmt.Fprintf(&b, "  spikes per unit: %s\n", strings.Join(counts, " "))
		}
	}
	if len(l.Tables) > 0 {
		fmt.Fprintf(&b, "tables:\n")
	}
	for _, t := range l.Tables {
		rows := "? rows"
		if t.Rows >= 0 {
			rows = fmt.Sprintf("%d rows", t.Rows)
		}
		fmt.Fprintf(&b, "  %s (%s): %s, %d columns\n", t.Path, orUnknown(t.Type), rows, len(t.Columns))
		for _, c := range t.Columns {
			dt := c.Dtype
			if len(c.Shape) > 1 {
				dt += " " + shape(c.Shape[1:])
			}
			if c.Ragged {
				dt += ", ragged"
			}
			fmt.Fprintf(&b, "    %-24s %s\n", c.Name, dt)
		}
	}
	if len(l.Series) > 0 {
		fmt.Fprintf(&b, "time series:\n")
	}
	for _, s := range l.Series {
		time := fmt.Sprintf("%d timestamps", s.Timestamps)
		if s.Rate > 0 {
			time = fmt.Sprintf("rate %g Hz from %g s", s.Rate, s.StartingTime)
		}
		fmt.Fprintf(&b, "  %s (%s): data %s %s, %s, unit %q, conversion %g", s.Path, orUnknown(s.Type), s.Dtype, shape(s.Shape), time, s.Unit, s.Conversion)
		if s.Offset != 0 {
			fmt.Fprintf(&b, ", offset %g", s.Offset)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func shape(s []int) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = strconv.Itoa(x)
	}
	return "[" + strings.Join(parts, "×") + "]"
}

func orUnknown(s string) string {
	if s == "" {
		return "no neurodata_type"
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}
