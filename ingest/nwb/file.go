package nwb

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// File is an NWB file open for reading.
type File struct {
	r hdf5.Reader
	// Version is the root's nwb_version attribute ("2.4.0").
	Version string
}

// Open opens an NWB file with the HDF5 reader of package ingest/hdf5.
func Open(name string) (*File, error) {
	if err := inputfile.Check(name); err != nil { // not a device, pipe or mostly holes
		return nil, err
	}
	r, err := hdf5.Open(name)
	if err != nil {
		return nil, err
	}
	f, err := New(r)
	if err != nil {
		r.Close()
		return nil, err
	}
	return f, nil
}

// New reads NWB from r. It checks that the root has an nwb_version
// attribute, as every NWB 2.x file has; the File takes r over and closes it.
func New(r hdf5.Reader) (*File, error) {
	f := &File{r: r}
	v, err := r.Attr("/", "nwb_version")
	if errors.Is(err, hdf5.ErrNotFound) {
		if old := f.version1(); old != "" {
			return nil, &hdf5.Error{File: r.Name(), Path: "/nwb_version", Err: &nwb1Error{old}}
		}
		return nil, f.errorf("/", "not an NWB file: the root has no nwb_version attribute")
	}
	if err != nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return nil, f.errorf("/", "attribute nwb_version is %T, want a string", v)
	}
	f.Version = s
	return f, nil
}

// ErrNWB1 is wrapped by the error of Open and New for an NWB 1.x file
// (a root nwb_version dataset, "1.0.6" or "NWB-1.0.6", where NWB 2.x has an
// attribute). It wraps ingest.ErrUnsupported.
var ErrNWB1 = fmt.Errorf("NWB 1.x: %w", ingest.ErrUnsupported)

// nwb1Error names the version of an NWB 1.x file.
type nwb1Error struct{ version string }

// nwb1Next is what the error of an NWB 1.x file says to do.
const nwb1Next = "; there is no automatic conversion: write the recording again as NWB 2.x from its source data (pynwb, MatNWB or NeuroConv)"

func (e *nwb1Error) Error() string {
	return fmt.Sprintf("NWB 1.x (%s) is not supported: oblique reads NWB 2.x%s", e.version, nwb1Next)
}

func (e *nwb1Error) Unwrap() error { return ErrNWB1 }

// version1 returns the version of an NWB 1.x file: its root nwb_version
// dataset, when it is a string starting with "1." or "NWB-1."; "" for any
// other file.
func (f *File) version1() string {
	d, err := f.r.Dataset("/nwb_version")
	if err != nil || d.Dtype.Class != hdf5.String || d.Len() != 1 {
		return ""
	}
	v, err := f.r.ReadStrings("/nwb_version")
	if err != nil || len(v) != 1 {
		return ""
	}
	s := strings.TrimSpace(v[0])
	if strings.HasPrefix(s, "1.") || strings.HasPrefix(s, "NWB-1.") {
		return s
	}
	return ""
}

// Name returns the file name as given to Open.
func (f *File) Name() string { return f.r.Name() }

// Close closes the file.
func (f *File) Close() error { return f.r.Close() }

// errorf makes an error naming the file and the path p inside it.
func (f *File) errorf(p, format string, args ...any) error {
	return &hdf5.Error{File: f.r.Name(), Path: p, Err: fmt.Errorf(format, args...)}
}

// dtypeError reports that p has dtype d where want was wanted.
func (f *File) dtypeError(p string, d hdf5.Dtype, want string) error {
	return &hdf5.Error{File: f.r.Name(), Path: p, Err: &hdf5.DtypeError{Dtype: d, Want: want}}
}

// exists reports whether p names something, and of which kind.
func (f *File) exists(p string) (hdf5.Kind, bool, error) {
	k, err := f.r.Stat(p)
	if errors.Is(err, hdf5.ErrNotFound) {
		return k, false, nil
	}
	return k, err == nil, err
}

// prefetch tells the reader what the next calls will ask, when it can
// answer several queries at once (package hdf5's File does, in one round
// trip to its reader process). Only what those calls read is named.
func (f *File) prefetch(qs ...hdf5.Query) {
	if p, ok := f.r.(interface{ Prefetch(...hdf5.Query) }); ok {
		p.Prefetch(qs...)
	}
}

// columnQueries names what reading the columns names of the table at p
// asks (columnInfo, column).
func columnQueries(p string, names ...string) []hdf5.Query {
	var qs []hdf5.Query
	for _, n := range names {
		c := join(p, n)
		qs = append(qs, hdf5.Query{Path: c, Dataset: true}, hdf5.Query{Path: c + "_index_index"},
			hdf5.Query{Path: c, Attr: "description"}, hdf5.Query{Path: c, Attr: "table"}, hdf5.Query{Path: c + "_index"})
	}
	return qs
}

// attrString reads an optional string attribute: "" when absent.
func (f *File) attrString(p, name string) (string, error) {
	v, err := f.r.Attr(p, name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case []string:
		if len(v) == 1 {
			return v[0], nil
		}
	}
	return "", &hdf5.Error{File: f.r.Name(), Path: p, Attr: name, Err: fmt.Errorf("is %T, want a string", v)}
}

// attrFloat reads an optional numeric attribute: def when absent.
func (f *File) attrFloat(p, name string, def float64) (float64, bool, error) {
	v, err := f.r.Attr(p, name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return def, false, nil
	}
	if err != nil {
		return def, false, err
	}
	var x float64
	switch v := v.(type) {
	case float64:
		x = v
	case int64:
		x = float64(v)
	case uint64:
		x = float64(v)
	case []float64:
		if len(v) != 1 {
			return def, false, &hdf5.Error{File: f.r.Name(), Path: p, Attr: name, Err: fmt.Errorf("has %d values, want one", len(v))}
		}
		x = v[0]
	default:
		return def, false, &hdf5.Error{File: f.r.Name(), Path: p, Attr: name, Err: fmt.Errorf("is %T, want a number", v)}
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return def, false, &hdf5.Error{File: f.r.Name(), Path: p, Attr: name, Err: fmt.Errorf("is %v", x)}
	}
	return x, true, nil
}

// attrStrings reads an optional attribute holding strings (colnames): nil
// when absent.
func (f *File) attrStrings(p, name string) ([]string, bool, error) {
	v, err := f.r.Attr(p, name)
	if errors.Is(err, hdf5.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	switch v := v.(type) {
	case []string:
		return v, true, nil
	case string:
		return []string{v}, true, nil
	case nil:
		return []string{}, true, nil // an empty table
	}
	return nil, false, &hdf5.Error{File: f.r.Name(), Path: p, Attr: name, Err: fmt.Errorf("is %T, want strings", v)}
}

// readIndex reads a VectorIndex: non-decreasing, non-negative cumulative
// ends, the last at most n, the number of rows of the data it indexes.
func (f *File) readIndex(p string, n int) ([]int64, error) {
	d, err := f.r.Dataset(p)
	if err != nil {
		return nil, err
	}
	if !d.Dtype.IsInteger() {
		return nil, f.dtypeError(p, d.Dtype, "an unsigned integer")
	}
	if len(d.Shape) != 1 {
		return nil, f.errorf(p, "shape %v, want one dimension", d.Shape)
	}
	idx, err := f.r.ReadInts(p)
	if err != nil {
		return nil, err
	}
	data := path.Base(p)
	data = data[:len(data)-len("_index")]
	prev := int64(0)
	for i, x := range idx {
		switch {
		case x < prev && i == 0:
			return nil, f.errorf(p, "entry 0 is %d: an index cannot be negative", x)
		case x < prev:
			return nil, f.errorf(p, "entry %d is %d, less than entry %d (%d): not a cumulative index", i, x, i-1, prev)
		case x > int64(n):
			return nil, f.errorf(p, "entry %d is %d, past the end of %s (%d rows)", i, x, data, n)
		}
		prev = x
	}
	return idx, nil
}

// bounds returns the rows [lo, hi) of entry i of a cumulative index.
func bounds(idx []int64, i int) (lo, hi int) {
	if i > 0 {
		lo = int(idx[i-1])
	}
	return lo, int(idx[i])
}

// join joins a group path and a member name.
func join(group, name string) string {
	if group == "/" {
		return "/" + name
	}
	return group + "/" + name
}

// Has reports whether p names an object of the file.
func (f *File) Has(p string) (bool, error) {
	_, ok, err := f.exists(clean(p))
	return ok, err
}

// maxSiblings bounds the names Explain lists.
const maxSiblings = 30

// Explain adds to an error about a path of this file that is not there
// (one wrapping hdf5.ErrNotFound) what is there: the members of the
// deepest group on the way to it, "/intervals/trial: not found (in
// /intervals: epochs, trials)". Other errors, and nil, are returned as they
// are.
func (f *File) Explain(err error) error {
	var he *hdf5.Error
	if !errors.As(err, &he) || he.Attr != "" || he.Path == "" || he.File != f.r.Name() || !errors.Is(he.Err, hdf5.ErrNotFound) {
		return err
	}
	for dir := path.Dir(he.Path); ; dir = path.Dir(dir) {
		if k, ok, serr := f.exists(dir); serr != nil {
			return err
		} else if ok && k == hdf5.KindGroup {
			ms, merr := f.r.Members(dir)
			if merr != nil {
				return err
			}
			names := make([]string, 0, min(len(ms), maxSiblings))
			for _, m := range ms[:min(len(ms), maxSiblings)] {
				names = append(names, m.Name)
			}
			if len(ms) > maxSiblings {
				names = append(names, fmt.Sprintf("and %d more", len(ms)-maxSiblings))
			}
			if len(names) == 0 {
				return fmt.Errorf("%w (%s is empty)", err, dir)
			}
			return fmt.Errorf("%w (in %s: %s)", err, dir, strings.Join(names, ", "))
		}
		if dir == "/" {
			return err
		}
	}
}
