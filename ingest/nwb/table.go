package nwb

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// Kind is the kind of values a column holds.
type Kind int

const (
	// Float columns fill Column.Floats.
	Float Kind = iota
	// Int columns (any integer dtype, and enums) fill Column.Ints.
	Int
	// Bool columns fill Column.Bools.
	Bool
	// String columns fill Column.Strings.
	String
	// Ref columns (object references) fill Column.Strings with the paths
	// of the objects referred to.
	Ref
)

func (k Kind) String() string {
	switch k {
	case Float:
		return "float"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case String:
		return "string"
	case Ref:
		return "ref"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Column is one column of a DynamicTable.
//
// The values are flat, in row-major order: a column whose data has shape
// [M, W…] holds M data rows of Width = W… values each. A plain column has one
// data row per table row. A ragged column has an Index (the column's
// <name>_index, cumulative exclusive ends, one per table row): table row i
// owns data rows Bounds(i).
type Column struct {
	Name        string
	Path        string
	Description string
	Kind        Kind
	Dtype       hdf5.Dtype
	// Shape is the shape of the data dataset.
	Shape []int
	// Index is nil for a plain column.
	Index []int64
	// Target is the path of the table a DynamicTableRegion column points
	// into (its table attribute); empty for other columns.
	Target string

	Floats  []float64
	Ints    []int64
	Bools   []bool
	Strings []string
}

// Ragged reports a column with an index.
func (c *Column) Ragged() bool { return c.Index != nil }

// Width returns the number of values in one data row.
func (c *Column) Width() int {
	w := 1
	for _, s := range c.Shape[min(1, len(c.Shape)):] {
		w *= s
	}
	return w
}

// Rows returns the number of table rows of the column.
func (c *Column) Rows() int {
	if c.Index != nil {
		return len(c.Index)
	}
	if len(c.Shape) == 0 {
		return 1
	}
	return c.Shape[0]
}

// Bounds returns the data rows [lo, hi) of table row i: the values of row i
// are at [lo·Width(), hi·Width()) of the value slice.
func (c *Column) Bounds(i int) (lo, hi int) {
	if c.Index == nil {
		return i, i + 1
	}
	return bounds(c.Index, i)
}

// Table is a DynamicTable (TimeIntervals, Units, the electrodes table…).
type Table struct {
	Path string
	// Type is the neurodata_type attribute ("TimeIntervals").
	Type        string
	Description string
	ID          []int64
	Columns     []*Column
}

// Rows returns the number of rows.
func (t *Table) Rows() int { return len(t.ID) }

// Column returns the column called name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Trials reads /intervals/trials.
func (f *File) Trials() (*Table, error) { return f.Table("/intervals/trials") }

// Table reads the DynamicTable at path: its id and the columns named, or all
// columns when none is named, in the order of the colnames attribute (in
// name order if it has none).
func (f *File) Table(p string, columns ...string) (*Table, error) {
	p = clean(p)
	k, err := f.r.Stat(p)
	if err != nil {
		return nil, err
	}
	if k != hdf5.KindGroup {
		return nil, f.errorf(p, "is a %v, not a table", k)
	}
	f.prefetch(hdf5.Query{Path: p, Attr: "neurodata_type"}, hdf5.Query{Path: p, Attr: "description"},
		hdf5.Query{Path: p, Attr: "colnames"}, hdf5.Query{Path: join(p, "id")})
	t := &Table{Path: p}
	if t.Type, err = f.attrString(p, "neurodata_type"); err != nil {
		return nil, err
	}
	if t.Description, err = f.attrString(p, "description"); err != nil {
		return nil, err
	}
	names, err := f.colnames(p)
	if err != nil {
		return nil, err
	}
	if len(columns) > 0 {
		for _, c := range columns {
			if !slices.Contains(names, c) {
				return nil, f.errorf(p, "no column %q (it has %s)", c, strings.Join(names, ", "))
			}
		}
		names = columns
	}
	f.prefetch(columnQueries(p, names...)...)
	rows := -1
	if _, ok, err := f.exists(join(p, "id")); err != nil {
		return nil, err
	} else if ok {
		if t.ID, err = f.r.ReadInts(join(p, "id")); err != nil {
			return nil, err
		}
		rows = len(t.ID)
	}
	for _, name := range names {
		c, err := f.column(p, name)
		if err != nil {
			return nil, err
		}
		if rows < 0 {
			rows = c.Rows()
		}
		if c.Rows() != rows {
			return nil, f.errorf(c.Path, "%d rows, but the table has %d", c.Rows(), rows)
		}
		t.Columns = append(t.Columns, c)
	}
	if t.ID == nil {
		// No id dataset: rows are numbered from 0.
		t.ID = make([]int64, max(rows, 0))
		for i := range t.ID {
			t.ID[i] = int64(i)
		}
	}
	return t, nil
}

// colnames returns the column names of the table at p: its colnames
// attribute, else its datasets that are neither id nor an index.
func (f *File) colnames(p string) ([]string, error) {
	names, ok, err := f.attrStrings(p, "colnames")
	if err != nil || ok {
		return names, err
	}
	ms, err := f.r.Members(p)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Kind == hdf5.KindDataset && m.Name != "id" && !strings.HasSuffix(m.Name, "_index") {
			names = append(names, m.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// columnInfo describes column name of the table at p without reading its
// values.
func (f *File) columnInfo(p, name string) (*Column, error) {
	c := &Column{Name: name, Path: join(p, name)}
	d, err := f.r.Dataset(c.Path)
	if err != nil {
		return nil, err
	}
	if err := f.columnKind(c, d); err != nil {
		return nil, err
	}
	if _, ok, err := f.exists(c.Path + "_index_index"); err != nil {
		return nil, err
	} else if ok {
		return nil, f.errorf(c.Path, "doubly ragged (%s_index_index): %v", name, hdf5.ErrUnsupported)
	}
	if c.Description, err = f.attrString(c.Path, "description"); err != nil {
		return nil, err
	}
	if v, err := f.r.Attr(c.Path, "table"); err == nil {
		if ref, ok := v.(hdf5.Ref); ok {
			c.Target = ref.Path
		}
	}
	return c, nil
}

// columnKind sets the dtype, shape and kind of c from its dataset d.
func (f *File) columnKind(c *Column, d hdf5.DatasetInfo) error {
	c.Dtype, c.Shape = d.Dtype, d.Shape
	switch d.Dtype.Class {
	case hdf5.Float:
		c.Kind = Float
	case hdf5.Int, hdf5.Uint, hdf5.Enum:
		c.Kind = Int
	case hdf5.Bool:
		c.Kind = Bool
	case hdf5.String:
		c.Kind = String
	case hdf5.Reference:
		c.Kind = Ref
	default:
		return f.errorf(c.Path, "dtype %v: %v", d.Dtype, hdf5.ErrUnsupported)
	}
	if len(c.Shape) == 0 {
		return f.errorf(c.Path, "a scalar dataset, not a column")
	}
	return nil
}

// column reads column name of the table at p.
func (f *File) column(p, name string) (*Column, error) {
	c, err := f.columnInfo(p, name)
	if err != nil {
		return nil, err
	}
	if _, ok, err := f.exists(c.Path + "_index"); err != nil {
		return nil, err
	} else if ok {
		if c.Index, err = f.readIndex(c.Path+"_index", c.Shape[0]); err != nil {
			return nil, err
		}
	}
	if err := f.columnValues(c); err != nil {
		return nil, err
	}
	return c, nil
}

// ColumnValues reads column name of the DynamicTable at p as Table(p,
// name) does, for a caller that wants its values: it reads neither the
// table's id, type and description nor the column's description and
// target (Description and Target are empty), and does not check that the
// column has as many rows as the table has ids, so that it reads a column
// with three or four calls into the HDF5 library instead of a dozen. A
// column that is absent gets Table's error, which lists the columns.
func (f *File) ColumnValues(p, name string) (*Column, error) {
	p = clean(p)
	c := &Column{Name: name, Path: join(p, name)}
	d, err := f.r.Dataset(c.Path)
	if errors.Is(err, hdf5.ErrNotFound) {
		if _, terr := f.Table(p, name); terr != nil {
			return nil, terr
		}
	}
	if err != nil {
		return nil, err
	}
	if err := f.columnKind(c, d); err != nil {
		return nil, err
	}
	if _, ok, err := f.exists(c.Path + "_index"); err != nil {
		return nil, err
	} else if ok {
		if _, ok, err := f.exists(c.Path + "_index_index"); err != nil {
			return nil, err
		} else if ok {
			return nil, f.errorf(c.Path, "doubly ragged (%s_index_index): %v", name, hdf5.ErrUnsupported)
		}
		if c.Index, err = f.readIndex(c.Path+"_index", c.Shape[0]); err != nil {
			return nil, err
		}
	}
	if err := f.columnValues(c); err != nil {
		return nil, err
	}
	return c, nil
}

// columnValues reads the values of c, whose kind is set.
func (f *File) columnValues(c *Column) error {
	var err error
	switch c.Kind {
	case Float:
		c.Floats, err = f.r.ReadFloat64(c.Path)
	case Int:
		c.Ints, err = f.r.ReadInts(c.Path)
	case Bool:
		var v []int64
		v, err = f.r.ReadInts(c.Path)
		c.Bools = make([]bool, len(v))
		for i, x := range v {
			c.Bools[i] = x != 0
		}
	case String:
		c.Strings, err = f.r.ReadStrings(c.Path)
	case Ref:
		var refs []hdf5.Ref
		refs, err = f.r.ReadRefs(c.Path)
		c.Strings = make([]string, len(refs))
		for i, r := range refs {
			c.Strings[i] = r.Path
		}
	}
	return err
}

// clean makes p absolute and canonical, as package hdf5 does.
func clean(p string) string { return path.Clean("/" + strings.TrimSpace(p)) }
