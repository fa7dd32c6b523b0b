package nwb

import (
	"errors"
	"math"
	"slices"
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
	// Units is nil when the file has no /units table, or one whose spike
	// index cannot be read (a Warning then says why).
	Units  *UnitsSummary
	Tables []TableSummary
	Series []SeriesSummary
	// Warnings lists the broken objects met, in the order of the walk: a
	// column whose length is not the table's, an index that points past
	// its data, a dataset that cannot be read, a TimeSeries whose data and
	// timestamps differ in length or whose timestamps go back in time…
	// Each object is still listed with what could be read of it.
	Warnings []Warning
	// ValuesRead is set when the columns' values were read
	// (InspectOptions.Values).
	ValuesRead bool
}

// Warning is one broken object of a Listing: Path inside the file and the
// error, which names the file and the path.
type Warning struct {
	Path string
	Err  error
}

func (w Warning) Error() string { return w.Err.Error() }
func (w Warning) Unwrap() error { return w.Err }

// Table returns the table at path p, or nil.
func (l *Listing) Table(p string) *TableSummary {
	for i := range l.Tables {
		if l.Tables[i].Path == p {
			return &l.Tables[i]
		}
	}
	return nil
}

// UnitsSummary describes /units from its index alone.
type UnitsSummary struct {
	Units  int
	Spikes int
	// Counts holds the spikes of each unit, in row order.
	Counts []int
	// IDs holds each unit's id (the id column), in row order; nil when
	// the table has no id dataset or its length is not the number of
	// units (the table's warning says so).
	IDs []int64
	// IndexDtype is the dtype of spike_times_index.
	IndexDtype string
	// HeldOut counts the held-out units; -1 when there is no heldout
	// column.
	HeldOut int
}

// TableSummary describes a DynamicTable.
type TableSummary struct {
	Path, Type string
	// Rows is the length of the id dataset, or of the first column when
	// there is no id; -1 when unknown.
	Rows    int
	Columns []ColumnSummary
}

// Column returns the column called name, or nil.
func (t *TableSummary) Column(name string) *ColumnSummary {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// ColumnSummary describes a column.
type ColumnSummary struct {
	Name string
	// Dtype is as package hdf5 names it; "missing" for a column named by
	// colnames that has no dataset, "unreadable" for one that cannot be
	// described.
	Dtype  string
	Shape  []int
	Ragged bool
	// Rows is the number of table rows the column holds (the length of its
	// index for a ragged column); -1 when unknown.
	Rows int
	// NotInColnames marks a dataset of the table's group that the
	// colnames attribute does not name (not id, not an index): h5py and
	// pynwb show it, readers that follow colnames do not.
	NotInColnames bool
	// Target is the table a DynamicTableRegion column points into (its
	// table attribute); "" for other columns.
	Target string
	// Values previews the column's values when Inspect was asked for them
	// (InspectOptions.Values); nil otherwise.
	Values *Values
}

// Distinct returns the distinct values of a string (or object reference)
// column with their counts, most frequent first, when the values were
// read (InspectOptions.Values); nil otherwise.
func (c *ColumnSummary) Distinct() []ValueCount {
	if c.Values == nil {
		return nil
	}
	return c.Values.Distinct
}

// Values summarises the values of a column (every element of its data:
// for a ragged or multi-dimensional column, all of them).
type Values struct {
	// Count is the number of values.
	Count int
	// Kind says which of the fields below are set: String and Ref fill
	// Distinct; Float, Int and Bool fill Min, Max, NaN and Inf.
	Kind Kind
	// Distinct holds each distinct value and its count, most frequent
	// first (ties in value order). All are kept; WriteText shows the
	// first MaxDistinct.
	Distinct []ValueCount
	// Min and Max are over the finite values (NaN when there is none);
	// NaN and Inf count the others. Bools count as 0 and 1.
	Min, Max float64
	NaN, Inf int
	// True counts the true values of a Bool column.
	True int
	// Skipped says why the values were not read (a column larger than
	// MaxPreview); the other fields are then zero.
	Skipped string
}

// ValueCount is a distinct value of a column and how many times it occurs.
type ValueCount struct {
	Value string
	Count int
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
	// First and Last are the earliest and latest finite times (s): from
	// the timestamps, or starting_time and the rate; NaN when unknown.
	First, Last float64
}

// InspectOptions says what Inspect reads beyond the file's structure.
type InspectOptions struct {
	// Values reads every table column (up to MaxPreview values each) and
	// fills ColumnSummary.Values.
	Values bool
}

// MaxPreview is the largest column, in values, whose values Inspect reads
// for InspectOptions.Values.
const MaxPreview = 1 << 20

// maxDepth bounds the walk: hard links can make cycles in HDF5.
const maxDepth = 32

// timeBlock is how many timestamps Inspect reads at a time.
var timeBlock = 1 << 16

// Inspect opens the NWB file name and summarises it, without values.
func Inspect(name string) (*Listing, error) { return InspectWith(name, InspectOptions{}) }

// InspectWith opens the NWB file name and summarises it. The error is that
// of Open (a file that is not NWB 2.x, or not HDF5); a broken object
// inside the file is a Warning of the listing.
func InspectWith(name string, o InspectOptions) (*Listing, error) {
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.InspectWith(o)
}

// Inspect is InspectWith without values.
func (f *File) Inspect() (*Listing, error) { return f.InspectWith(InspectOptions{}) }

// InspectWith walks the file and summarises its units, every DynamicTable
// (a group with a colnames attribute) and every TimeSeries (a group with
// data and timestamps or starting_time), wherever they are, tables and
// series nested in other tables, series or containers included. It follows
// hard links only, each group once (a link back into its own ancestry, a
// cycle, is a Warning), and skips /specifications. It reads shapes, dtypes,
// attributes, the index datasets, the timestamps (a block at a time, to
// check them) and the DynamicTableRegion columns (to check them against
// their table), never spike times or series data; with o.Values it also
// reads each column's values.
//
// A broken object is listed with what could be read and a Warning, and the
// walk goes on; the error is non-nil only when the file cannot be read at
// all. When the HDF5 library stops answering (hdf5.ErrTimeout, ErrFault)
// the walk stops with a last Warning saying so.
func (f *File) InspectWith(o InspectOptions) (*Listing, error) {
	w := &walker{f: f, o: o, l: &Listing{File: f.Name(), Version: f.Version, ValuesRead: o.Values}}
	l := w.l
	for _, s := range []struct {
		p   string
		dst *string
	}{{"/identifier", &l.Identifier}, {"/session_description", &l.SessionDescription}} {
		if err := w.rootString(s.p, s.dst); err != nil {
			if w.warn(s.p, err) {
				return l, nil
			}
		}
	}
	w.walk("/", 0)
	return l, nil
}

// walker holds the state of one InspectWith.
type walker struct {
	f *File
	o InspectOptions
	l *Listing
	// stopped is set when the reader stopped answering.
	stopped bool
	// seen maps the address of each group walked (hdf5.Member.Addr) to
	// its path: a group reached again through another hard link is not
	// walked again (a cycle of hard links would otherwise be walked to
	// maxDepth along every path, exponentially many).
	seen map[uint64]string
}

// warn records err as a warning about p (once per message) and reports
// whether the walk must stop.
func (w *walker) warn(p string, err error) bool {
	if w.stopped {
		return true
	}
	msg := err.Error()
	if !slices.ContainsFunc(w.l.Warnings, func(x Warning) bool { return x.Err.Error() == msg }) {
		w.l.Warnings = append(w.l.Warnings, Warning{Path: p, Err: err})
	}
	if errors.Is(err, hdf5.ErrTimeout) || errors.Is(err, hdf5.ErrFault) || errors.Is(err, hdf5.ErrClosed) {
		w.stopped = true
		w.l.Warnings = append(w.l.Warnings, Warning{Path: p, Err: w.f.errorf(p, "listing stopped here: the HDF5 library no longer answers for this file")})
	}
	return w.stopped
}

func (w *walker) rootString(p string, dst *string) error {
	f := w.f
	k, ok, err := f.exists(p)
	if err != nil || !ok || k != hdf5.KindDataset {
		return err
	}
	d, err := f.r.Dataset(p)
	if err != nil {
		return err
	}
	if d.Dtype.Class == hdf5.String && d.Len() == 1 {
		v, err := f.r.ReadStrings(p)
		if err != nil {
			return err
		}
		*dst = v[0]
	}
	return nil
}

// walk lists the groups below p: tables, series, and whatever is nested in
// them or in other groups.
func (w *walker) walk(p string, depth int) {
	if w.stopped {
		return
	}
	if depth >= maxDepth {
		w.warn(p, w.f.errorf(p, "more than %d levels of groups: not listed further (a cycle of hard links?)", maxDepth))
		return
	}
	ms, err := w.f.r.Members(p)
	if err != nil {
		w.warn(p, err)
		return
	}
	// The groups of p are claimed before any is walked, so that a group
	// is listed at its shortest path, not through a link below a sibling.
	var groups []string
	for _, m := range ms {
		q := join(p, m.Name)
		if m.Link != "" || m.Kind != hdf5.KindGroup || q == "/specifications" {
			continue
		}
		if m.Addr != 0 {
			if first, ok := w.seen[m.Addr]; ok {
				if strings.HasPrefix(p+"/", first+"/") {
					if w.warn(q, w.f.errorf(q, "a hard link back to %s, which holds it (a cycle): not followed", first)) {
						return
					}
				}
				continue
			}
			if w.seen == nil {
				w.seen = map[uint64]string{}
			}
			w.seen[m.Addr] = q
		}
		groups = append(groups, q)
	}
	for _, q := range groups {
		if w.stopped {
			return
		}
		names, isTable, err := w.f.attrStrings(q, "colnames")
		if err != nil {
			// A colnames attribute that is not strings: still a table.
			if w.warn(q, err) {
				return
			}
			isTable = true
		}
		switch {
		case isTable:
			w.table(q, names)
		case w.f.isSeries(q):
			w.series(q)
		}
		w.walk(q, depth+1)
	}
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

// table lists the DynamicTable at p whose colnames attribute holds names:
// the named columns, then the group's other datasets (not id, not an
// index of a column), marked NotInColnames.
func (w *walker) table(p string, names []string) {
	f := w.f
	t := TableSummary{Path: p, Rows: -1}
	var err error
	if t.Type, err = f.attrString(p, "neurodata_type"); err != nil && w.warn(p, err) {
		return
	}
	ms, err := f.r.Members(p)
	if err != nil {
		w.warn(p, err)
		w.l.Tables = append(w.l.Tables, t)
		return
	}
	datasets := map[string]bool{}
	for _, m := range ms {
		if m.Kind == hdf5.KindDataset {
			datasets[m.Name] = true
		}
	}
	if datasets["id"] {
		if d, err := f.r.Dataset(join(p, "id")); err != nil {
			if w.warn(join(p, "id"), err) {
				return
			}
		} else {
			t.Rows = d.Rows()
		}
	}
	named := map[string]bool{}
	for _, n := range names {
		named[n] = true
	}
	var extra []string
	for _, m := range ms {
		n := m.Name
		if m.Kind != hdf5.KindDataset || named[n] || n == "id" {
			continue
		}
		if base, ok := strings.CutSuffix(n, "_index"); ok && datasets[base] {
			continue // the index of a column (or of an index)
		}
		if base, ok := strings.CutSuffix(n, "_index"); ok {
			if w.warn(join(p, n), f.errorf(join(p, n), "an index without its column %s: the index dangles", base)) {
				return
			}
			continue
		}
		extra = append(extra, n)
	}
	var spikeIndex []int64
	for i, name := range append(slices.Clone(names), extra...) {
		c, idx, ok := w.column(p, name, datasets, &t)
		if !ok {
			return
		}
		c.NotInColnames = i >= len(names)
		if p == UnitsPath && name == "spike_times" {
			spikeIndex = idx
		}
		t.Columns = append(t.Columns, c)
	}
	w.l.Tables = append(w.l.Tables, t)
	if p == UnitsPath && spikeIndex != nil {
		w.units(spikeIndex)
	}
}

// column describes column name of the table t at p and checks its length,
// its index and, for a DynamicTableRegion, its values. It returns the
// column's (outer) index, and false when the walk must stop.
func (w *walker) column(p, name string, datasets map[string]bool, t *TableSummary) (ColumnSummary, []int64, bool) {
	f := w.f
	q := join(p, name)
	c := ColumnSummary{Name: name, Dtype: "missing", Rows: -1}
	if !datasets[name] {
		if k, ok, err := f.exists(q); err != nil {
			return c, nil, !w.warn(q, err)
		} else if ok {
			return c, nil, !w.warn(q, f.errorf(q, "a %v, not a column dataset", k))
		}
		return c, nil, !w.warn(q, f.errorf(q, "named in colnames, but the table has no such dataset"))
	}
	d, err := f.r.Dataset(q)
	if err != nil {
		c.Dtype = "unreadable"
		return c, nil, !w.warn(q, err)
	}
	c.Dtype, c.Shape = d.Dtype.String(), d.Shape
	c.Rows = d.Rows()
	var idx []int64
	if datasets[name+"_index"] {
		c.Ragged = true
		c.Rows = -1
		idx, err = f.readIndex(q+"_index", d.Rows())
		if err != nil {
			return c, nil, !w.warn(q+"_index", err)
		}
		c.Rows = len(idx)
		if datasets[name+"_index_index"] {
			idx2, err := f.readIndex(q+"_index_index", len(idx))
			if err != nil {
				c.Rows = -1
				return c, nil, !w.warn(q+"_index_index", err)
			}
			c.Rows = len(idx2)
		}
	}
	if t.Rows < 0 {
		t.Rows = c.Rows
	} else if c.Rows != t.Rows {
		if w.warn(q, f.errorf(q, "%d rows, but the table has %d", c.Rows, t.Rows)) {
			return c, idx, false
		}
	}
	if v, err := f.r.Attr(q, "table"); err == nil {
		if ref, ok := v.(hdf5.Ref); ok {
			c.Target = ref.Path
			if !w.region(q, d, c.Target) {
				return c, idx, false
			}
		}
	}
	if w.o.Values {
		c.Values = w.values(q, d)
	}
	return c, idx, !w.stopped
}

// region checks the values of the DynamicTableRegion q (data d) against
// the rows of its target table. It returns false when the walk must stop.
func (w *walker) region(q string, d hdf5.DatasetInfo, target string) bool {
	f := w.f
	if !d.Dtype.IsInteger() {
		return !w.warn(q, f.dtypeError(q, d.Dtype, "an integer (a DynamicTableRegion holds row numbers)"))
	}
	if d.Len() > MaxPreview {
		return true
	}
	td, err := f.r.Dataset(join(target, "id"))
	if err != nil {
		return !w.warn(q, f.errorf(q, "its table %s has no readable id: %w", target, err))
	}
	v, err := f.r.ReadInts(q)
	if err != nil {
		return !w.warn(q, err)
	}
	n := td.Rows()
	bad, first := 0, int64(0)
	for _, x := range v {
		if x < 0 || x >= int64(n) {
			if bad == 0 {
				first = x
			}
			bad++
		}
	}
	if bad > 0 {
		return !w.warn(q, f.errorf(q, "%d of %d values are not rows of %s (%d rows), the first %d: the region dangles", bad, len(v), target, n, first))
	}
	return true
}

// units summarises /units from its spike index idx.
func (w *walker) units(idx []int64) {
	f := w.f
	d, err := f.r.Dataset(UnitsPath + "/spike_times_index")
	if err != nil {
		w.warn(UnitsPath+"/spike_times_index", err)
		return
	}
	u := &UnitsSummary{Units: len(idx), Counts: make([]int, len(idx)), IndexDtype: d.Dtype.String(), HeldOut: -1}
	for i := range idx {
		lo, hi := bounds(idx, i)
		u.Counts[i] = hi - lo
		u.Spikes += hi - lo
	}
	if h, ok := w.unitsInts("heldout"); ok {
		u.HeldOut = 0
		for _, x := range h {
			if x != 0 {
				u.HeldOut++
			}
		}
	}
	if ids, ok := w.unitsInts("id"); ok && len(ids) == u.Units { // else the table's check warns
		u.IDs = ids
	}
	w.l.Units = u
}

// unitsInts reads the dataset /units/NAME as integers; false, with a
// warning when it cannot be read, when it is absent or unreadable.
func (w *walker) unitsInts(name string) ([]int64, bool) {
	p := UnitsPath + "/" + name
	_, ok, err := w.f.exists(p)
	if err == nil && ok {
		var v []int64
		if v, err = w.f.r.ReadInts(p); err == nil {
			return v, true
		}
	}
	if err != nil {
		w.warn(p, err)
	}
	return nil, false
}

// series lists the TimeSeries at p and checks its timestamps.
func (w *walker) series(p string) {
	f := w.f
	s := SeriesSummary{Path: p, First: math.NaN(), Last: math.NaN()}
	defer func() { w.l.Series = append(w.l.Series, s) }()
	s.Type, _ = f.attrString(p, "neurodata_type")
	ts, err := f.seriesInfo(p)
	if err != nil {
		w.warn(p, err)
		return
	}
	s.Type, s.Unit, s.Conversion, s.Offset, s.Rate, s.StartingTime = ts.Type, ts.Unit, ts.Conversion, ts.Offset, ts.Rate, ts.StartingTime
	data := join(p, "data")
	d, err := f.r.Dataset(data)
	if err != nil {
		w.warn(data, err)
		return
	}
	s.Shape, s.Dtype = d.Shape, d.Dtype.String()
	if ts.Rate > 0 {
		if n := d.Rows(); n > 0 {
			s.First, s.Last = ts.StartingTime, ts.StartingTime+float64(n-1)/ts.Rate
		}
		return
	}
	stamps := join(p, "timestamps")
	td, err := f.r.Dataset(stamps)
	if err != nil {
		w.warn(stamps, err)
		return
	}
	s.Timestamps = td.Len()
	if len(td.Shape) != 1 {
		w.warn(stamps, f.errorf(stamps, "shape %v, want one dimension", td.Shape))
		return
	}
	if td.Rows() != d.Rows() {
		if w.warn(p, f.errorf(p, "data has %d rows but there are %d timestamps", d.Rows(), td.Rows())) {
			return
		}
	}
	w.checkTimes(stamps, td, &s)
}

// checkTimes reads the timestamps at p (d) a block at a time, sets s.First
// and s.Last, and warns of NaN or infinite timestamps, negative ones
// (before the session's reference time) and the first that goes back in
// time.
func (w *walker) checkTimes(p string, d hdf5.DatasetInfo, s *SeriesSummary) {
	f := w.f
	n := d.Rows()
	if !d.Dtype.IsNumeric() {
		w.warn(p, f.dtypeError(p, d.Dtype, "a number"))
		return
	}
	var nonFinite, negative, back int
	prev, seen := 0.0, false
	var backAt int
	var backFrom, backTo float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for start := 0; start < n; start += timeBlock {
		v, err := f.r.ReadFloat64Range(p, start, min(timeBlock, n-start))
		if err != nil {
			w.warn(p, err)
			return
		}
		for k, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				nonFinite++
				continue
			}
			lo, hi = min(lo, x), max(hi, x)
			if x < 0 {
				negative++
			}
			if seen && x < prev {
				if back == 0 {
					backAt, backFrom, backTo = start+k, prev, x
				}
				back++
			}
			prev, seen = x, true
		}
	}
	if lo <= hi {
		s.First, s.Last = lo, hi
	}
	if nonFinite > 0 {
		if w.warn(p, f.errorf(p, "%d of %d timestamps are NaN or infinite", nonFinite, n)) {
			return
		}
	}
	if negative > 0 {
		if w.warn(p, f.errorf(p, "%d of %d timestamps are negative, the earliest %g s: times before the session's reference time", negative, n, lo)) {
			return
		}
	}
	if back > 0 {
		w.warn(p, f.errorf(p, "not in time order: %d timestamps are earlier than the one before, the first at index %d (%g s after %g s)", back, backAt, backTo, backFrom))
	}
}
