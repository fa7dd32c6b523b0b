package nwb_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/nwb"
)

// inspectReference is what testdata/inspect_reference.py writes: what h5py
// finds in a file (see the script's docstring).
type inspectReference struct {
	File  string `json:"file"`
	NWB1  string `json:"nwb1"`
	Units *struct {
		Units  int `json:"units"`
		Spikes int `json:"spikes"`
	} `json:"units"`
	Tables []struct {
		Path    string `json:"path"`
		Type    string `json:"type"`
		Rows    int    `json:"rows"`
		Columns []struct {
			Name          string `json:"name"`
			NotInColnames bool   `json:"not_in_colnames"`
			Dtype         string `json:"dtype"`
			Rows          int    `json:"rows"`
			Ragged        bool   `json:"ragged"`
			Values        *struct {
				Count    int     `json:"count"`
				Distinct [][]any `json:"distinct"`
				Min      any     `json:"min"`
				Max      any     `json:"max"`
				NaN      int     `json:"nan"`
				Inf      int     `json:"inf"`
			} `json:"values"`
		} `json:"columns"`
	} `json:"tables"`
	Series []struct {
		Path       string `json:"path"`
		Type       string `json:"type"`
		Shape      []int  `json:"shape"`
		Timestamps int    `json:"timestamps"`
		First      any    `json:"first"`
		Last       any    `json:"last"`
	} `json:"series"`
	Warnings []string `json:"warnings"`
}

// lzfOnly is the object of bad_inspect.nwb that only h5py can read: its
// timestamps use h5py's own LZF filter, which the HDF5 library lacks.
const lzfOnly = "/processing/behavior/lzf"

// TestInspectReference compares `inspect -values` with h5py on every file
// with a golden in testdata/inspect: the real NWB files of ../shared/data
// (skipped when that folder is absent), nlb_uint8.nwb and bad_inspect.nwb.
// Counts, names and dtypes are compared exactly, and so are the values'
// min and max: both sides take them from the same float64 values.
func TestInspectReference(t *testing.T) {
	open(t, testFile("nlb_uint8"))
	goldens, err := filepath.Glob(filepath.Join("testdata", "inspect", "*.json"))
	if err != nil || len(goldens) < 8 {
		t.Fatalf("%d goldens in testdata/inspect (%v), want the 8 of inspect_reference.py's docstring", len(goldens), err)
	}
	for _, g := range goldens {
		t.Run(filepath.Base(g), func(t *testing.T) {
			raw, err := os.ReadFile(g)
			if err != nil {
				t.Fatal(err)
			}
			var ref inspectReference
			if err := json.Unmarshal(raw, &ref); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("..", "..", filepath.FromSlash(ref.File)) // the golden's path is from the repository root
			if _, err := os.Stat(file); err != nil && strings.HasPrefix(ref.File, "../shared/") {
				t.Skipf("%s: %v", file, err)
			}
			l, err := nwb.InspectWith(file, nwb.InspectOptions{Values: true})
			if ref.NWB1 != "" {
				if !errors.Is(err, nwb.ErrNWB1) || !strings.Contains(err.Error(), "NWB 1.x ("+ref.NWB1+") is not supported") {
					t.Errorf("NWB %s file: %v", ref.NWB1, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareReference(t, l, &ref)
		})
	}
}

func compareReference(t *testing.T, l *nwb.Listing, ref *inspectReference) {
	t.Helper()
	if (l.Units == nil) != (ref.Units == nil) || l.Units != nil && (l.Units.Units != ref.Units.Units || l.Units.Spikes != ref.Units.Spikes) {
		t.Errorf("units %+v, h5py %+v", l.Units, ref.Units)
	}
	tables := byPath(l.Tables, func(t nwb.TableSummary) string { return t.Path })
	if len(tables) != len(ref.Tables) {
		t.Fatalf("%d tables, h5py %d", len(tables), len(ref.Tables))
	}
	for i, rt := range ref.Tables {
		lt := tables[i]
		if lt.Path != rt.Path || lt.Type != rt.Type || lt.Rows != rt.Rows || len(lt.Columns) != len(rt.Columns) {
			t.Errorf("table %s %s %d rows %d columns; h5py %s %s %d %d", lt.Path, lt.Type, lt.Rows, len(lt.Columns), rt.Path, rt.Type, rt.Rows, len(rt.Columns))
			continue
		}
		for j, rc := range rt.Columns {
			lc := lt.Columns[j]
			if lc.Name != rc.Name || lc.NotInColnames != rc.NotInColnames || lc.Dtype != rc.Dtype || lc.Rows != rc.Rows || lc.Ragged != rc.Ragged {
				t.Errorf("%s column %d: %s not-in-colnames %v %s %d rows ragged %v; h5py %+v", lt.Path, j, lc.Name, lc.NotInColnames, lc.Dtype, lc.Rows, lc.Ragged, rc)
				continue
			}
			if (lc.Values == nil) != (rc.Values == nil) {
				t.Errorf("%s/%s: values %+v, h5py %+v", lt.Path, lc.Name, lc.Values, rc.Values)
				continue
			}
			if rc.Values == nil {
				continue
			}
			v, rv := lc.Values, rc.Values
			if v.Count != rv.Count {
				t.Errorf("%s/%s: %d values, h5py %d", lt.Path, lc.Name, v.Count, rv.Count)
			}
			if rv.Distinct != nil {
				var want []nwb.ValueCount
				for _, d := range rv.Distinct {
					want = append(want, nwb.ValueCount{Value: d[0].(string), Count: int(d[1].(float64))})
				}
				if !reflect.DeepEqual(lc.Distinct(), want) {
					t.Errorf("%s/%s: distinct %v\nh5py %v", lt.Path, lc.Name, lc.Distinct(), want)
				}
				continue
			}
			if !sameFloats([]float64{v.Min, v.Max}, []any{rv.Min, rv.Max}) || v.NaN != rv.NaN || v.Inf != rv.Inf {
				t.Errorf("%s/%s: %+v, h5py %+v", lt.Path, lc.Name, v, rv)
			}
		}
	}
	series := byPath(l.Series, func(s nwb.SeriesSummary) string { return s.Path })
	if len(series) != len(ref.Series) {
		t.Fatalf("%d series, h5py %d", len(series), len(ref.Series))
	}
	for i, rs := range ref.Series {
		ls := series[i]
		if ls.Path != rs.Path || ls.Type != rs.Type || !reflect.DeepEqual(ls.Shape, rs.Shape) || ls.Timestamps != rs.Timestamps {
			t.Errorf("series %+v\nh5py %+v", ls, rs)
		}
		if ls.Path != lzfOnly && !sameFloats([]float64{ls.First, ls.Last}, []any{rs.First, rs.Last}) {
			t.Errorf("%s: times %g … %g, h5py %v … %v", ls.Path, ls.First, ls.Last, rs.First, rs.Last)
		}
	}
	var warned []string
	for _, w := range l.Warnings {
		if !strings.HasPrefix(w.Path, lzfOnly+"/") && !slices.Contains(warned, w.Path) {
			warned = append(warned, w.Path)
		}
	}
	slices.Sort(warned)
	if !slices.Equal(warned, ref.Warnings) && len(warned)+len(ref.Warnings) > 0 {
		t.Errorf("warnings about %q\nh5py flags %q", warned, ref.Warnings)
	}
}

// byPath returns a copy of s sorted by path, as the script sorts.
func byPath[T any](s []T, path func(T) string) []T {
	s = slices.Clone(s)
	slices.SortFunc(s, func(a, b T) int { return strings.Compare(path(a), path(b)) })
	return s
}
