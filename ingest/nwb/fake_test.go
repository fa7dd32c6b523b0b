package nwb_test

import (
	"errors"
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/ingest/nwb"
)

// memFile is an in-memory hdf5.Reader: package nwb needs no cgo and no file
// to be tested against it. It records the datasets whose values were read.
type memFile struct {
	data  map[string]any // []float64, []int64, []string (1-D)
	dtype map[string]hdf5.Dtype
	attrs map[string]map[string]any // "/" for the root
	read  []string
}

func newMem() *memFile {
	return &memFile{data: map[string]any{}, dtype: map[string]hdf5.Dtype{}, attrs: map[string]map[string]any{}}
}

func (m *memFile) put(p string, v any, d hdf5.Dtype) { m.data[p], m.dtype[p] = v, d }

func (m *memFile) attr(p, name string, v any) {
	if m.attrs[p] == nil {
		m.attrs[p] = map[string]any{}
	}
	m.attrs[p][name] = v
}

func (m *memFile) err(p string, err error) error {
	return &hdf5.Error{File: "mem.nwb", Path: p, Err: err}
}

func (m *memFile) Name() string { return "mem.nwb" }
func (m *memFile) Close() error { return nil }

func (m *memFile) Stat(p string) (hdf5.Kind, error) {
	if _, ok := m.data[p]; ok {
		return hdf5.KindDataset, nil
	}
	if p == "/" {
		return hdf5.KindGroup, nil
	}
	for q := range m.data {
		if strings.HasPrefix(q, p+"/") {
			return hdf5.KindGroup, nil
		}
	}
	return hdf5.KindUnknown, m.err(p, hdf5.ErrNotFound)
}

func (m *memFile) Members(p string) ([]hdf5.Member, error) {
	seen := map[string]hdf5.Kind{}
	prefix := strings.TrimSuffix(p, "/") + "/"
	for q := range m.data {
		if rest, ok := strings.CutPrefix(q, prefix); ok {
			name, _, sub := strings.Cut(rest, "/")
			if sub {
				seen[name] = hdf5.KindGroup
			} else {
				seen[name] = hdf5.KindDataset
			}
		}
	}
	var ms []hdf5.Member
	for name, k := range seen {
		ms = append(ms, hdf5.Member{Name: name, Kind: k})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	return ms, nil
}

func (m *memFile) Dataset(p string) (hdf5.DatasetInfo, error) {
	v, ok := m.data[p]
	if !ok {
		return hdf5.DatasetInfo{}, m.err(p, hdf5.ErrNotFound)
	}
	return hdf5.DatasetInfo{Path: p, Shape: []int{reflect.ValueOf(v).Len()}, Dtype: m.dtype[p]}, nil
}

func (m *memFile) AttrNames(p string) ([]string, error) {
	var names []string
	for n := range m.attrs[p] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (m *memFile) Attr(p, name string) (any, error) {
	if v, ok := m.attrs[p][name]; ok {
		return v, nil
	}
	return nil, &hdf5.Error{File: "mem.nwb", Path: p, Attr: name, Err: hdf5.ErrNotFound}
}

func (m *memFile) values(p string, start, count int) (any, error) {
	v, ok := m.data[p]
	if !ok {
		return nil, m.err(p, hdf5.ErrNotFound)
	}
	m.read = append(m.read, p)
	rv := reflect.ValueOf(v)
	if count < 0 {
		count = rv.Len() - start
	}
	return rv.Slice(start, start+count).Interface(), nil
}

func (m *memFile) ReadFloat64(p string) ([]float64, error) { return m.ReadFloat64Range(p, 0, -1) }
func (m *memFile) ReadFloat64Range(p string, start, count int) ([]float64, error) {
	v, err := m.values(p, start, count)
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case []float64:
		return v, nil
	case []int64:
		f := make([]float64, len(v))
		for i, x := range v {
			f[i] = float64(x)
		}
		return f, nil
	}
	return nil, m.err(p, &hdf5.DtypeError{Dtype: m.dtype[p], Want: "a number"})
}
func (m *memFile) ReadInts(p string) ([]int64, error) { return m.ReadIntsRange(p, 0, -1) }
func (m *memFile) ReadIntsRange(p string, start, count int) ([]int64, error) {
	v, err := m.values(p, start, count)
	if err != nil {
		return nil, err
	}
	if v, ok := v.([]int64); ok {
		return v, nil
	}
	return nil, m.err(p, &hdf5.DtypeError{Dtype: m.dtype[p], Want: "an integer"})
}
func (m *memFile) ReadStrings(p string) ([]string, error) { return m.ReadStringsRange(p, 0, -1) }
func (m *memFile) ReadStringsRange(p string, start, count int) ([]string, error) {
	v, err := m.values(p, start, count)
	if err != nil {
		return nil, err
	}
	if v, ok := v.([]string); ok {
		return v, nil
	}
	return nil, m.err(p, &hdf5.DtypeError{Dtype: m.dtype[p], Want: "a string"})
}
func (m *memFile) ReadRefs(p string) ([]hdf5.Ref, error) {
	return nil, m.err(p, &hdf5.DtypeError{Dtype: m.dtype[p], Want: "a reference"})
}

var (
	f64 = hdf5.Dtype{Class: hdf5.Float, Size: 8}
	i64 = hdf5.Dtype{Class: hdf5.Int, Size: 8}
	u8  = hdf5.Dtype{Class: hdf5.Uint, Size: 1}
)

// memNWB is a small NWB layout: 3 units (signed int64 index, no id column,
// a uint8 heldout column), an electrodes table, a regular time series.
func memNWB() *memFile {
	m := newMem()
	m.attr("/", "nwb_version", "2.6.0")
	m.put("/units/spike_times", []float64{0.1, 0.2, 0.3, 1.5, 2.5}, f64)
	m.put("/units/spike_times_index", []int64{2, 2, 5}, i64)
	m.put("/units/heldout", []int64{0, 1, 0}, u8)
	m.attr("/units", "colnames", []string{"spike_times", "heldout"})
	m.attr("/units", "neurodata_type", "Units")
	m.put("/general/extracellular_ephys/electrodes/x", []float64{1, 2}, f64)
	m.attr("/general/extracellular_ephys/electrodes", "colnames", []string{"x"})
	m.put("/acquisition/lfp/data", []int64{10, 20, 30, 40}, i64)
	m.attr("/acquisition/lfp/data", "conversion", 0.25)
	m.put("/acquisition/lfp/starting_time", []float64{1}, f64)
	m.attr("/acquisition/lfp/starting_time", "rate", 2.0)
	return m
}

func TestFakeReader(t *testing.T) {
	m := memNWB()
	f, err := nwb.New(m)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.Units()
	if err != nil {
		t.Fatal(err)
	}
	want := &nwb.Units{
		ID:         []int64{0, 1, 2}, // no id column: numbered from 0
		SpikeTimes: [][]float64{{0.1, 0.2}, {}, {0.3, 1.5, 2.5}},
		HeldOut:    []bool{false, true, false},
	}
	if !reflect.DeepEqual(u, want) {
		t.Errorf("Units = %+v\nwant %+v", u, want)
	}
	for _, p := range m.read {
		if !strings.HasPrefix(p, "/units/") {
			t.Errorf("Units read %s", p)
		}
	}

	m.read = nil
	st, err := f.SpikeTimes(2)
	if err != nil || !reflect.DeepEqual(st, []float64{0.3, 1.5, 2.5}) {
		t.Errorf("SpikeTimes(2) = %v, %v", st, err)
	}
	if !reflect.DeepEqual(m.read, []string{"/units/spike_times_index", "/units/spike_times"}) {
		t.Errorf("SpikeTimes read %v", m.read)
	}

	ts, err := f.TimeSeries("acquisition/lfp")
	if err != nil {
		t.Fatal(err)
	}
	// 10·0.25 … 40·0.25, exact; t = 1 + i/2.
	if !reflect.DeepEqual(ts.Data, []float64{2.5, 5, 7.5, 10}) || !reflect.DeepEqual(ts.Times(), []float64{1, 1.5, 2, 2.5}) {
		t.Errorf("lfp: %v at %v", ts.Data, ts.Times())
	}

	m.read = nil
	l, err := f.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if l.Units == nil || l.Units.Spikes != 5 || l.Units.HeldOut != 1 || len(l.Tables) != 2 || len(l.Series) != 1 {
		t.Errorf("Inspect: %+v %+v", l, l.Units)
	}
	for _, p := range m.read {
		if path.Base(p) == "spike_times" || path.Base(p) == "data" {
			t.Errorf("Inspect read %s", p)
		}
	}
}

func TestFakeErrors(t *testing.T) {
	_, err := nwb.New(newMem())
	if err == nil || err.Error() != "mem.nwb: /: not an NWB file: the root has no nwb_version attribute" {
		t.Errorf("no nwb_version: %v", err)
	}
	for _, c := range []struct {
		index []int64
		want  string
	}{
		{[]int64{-1, 5}, "mem.nwb: /units/spike_times_index: entry 0 is -1: an index cannot be negative"},
		{[]int64{3, 2, 5}, "mem.nwb: /units/spike_times_index: entry 1 is 2, less than entry 0 (3): not a cumulative index"},
		{[]int64{2, 6}, "mem.nwb: /units/spike_times_index: entry 1 is 6, past the end of spike_times (5 rows)"},
	} {
		m := memNWB()
		m.put("/units/spike_times_index", c.index, i64)
		f, _ := nwb.New(m)
		if _, err := f.Units(); err == nil || err.Error() != c.want {
			t.Errorf("index %v: %v\nwant %s", c.index, err, c.want)
		}
	}
	m := memNWB()
	m.put("/units/spike_times_index", []string{"2", "5"}, hdf5.Dtype{Class: hdf5.String, VarLen: true})
	f, _ := nwb.New(m)
	_, err = f.SpikeCounts()
	if want := "mem.nwb: /units/spike_times_index: dtype vlen string, want an unsigned integer"; err == nil || err.Error() != want {
		t.Errorf("string index: %v", err)
	}
	if !errors.Is(err, hdf5.ErrDtype) {
		t.Errorf("%v does not wrap ErrDtype", err)
	}
	m = memNWB()
	delete(m.attrs["/acquisition/lfp/starting_time"], "rate")
	f, _ = nwb.New(m)
	if _, err := f.TimeSeries("/acquisition/lfp"); err == nil || !strings.Contains(err.Error(), `starting_time: attribute "rate": missing`) {
		t.Errorf("no rate: %v", err)
	}
}
