package nwb

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// values reads and summarises the values of the column dataset q (d), or
// says why it did not.
func (w *walker) values(q string, d hdf5.DatasetInfo) *Values {
	c := &Column{Name: q, Path: q}
	if err := w.f.columnKind(c, d); err != nil {
		w.warn(q, err)
		return nil
	}
	if d.Len() > MaxPreview {
		return &Values{Kind: c.Kind, Skipped: fmt.Sprintf("%d values, more than %d", d.Len(), MaxPreview)}
	}
	if err := w.f.columnValues(c); err != nil {
		w.warn(q, err)
		return nil
	}
	return Summarise(c)
}

// Summarise summarises the values of a column read with Table or
// ColumnValues: the distinct strings of a string or reference column with
// their counts, the range and NaN and infinite counts of a numeric or
// boolean one.
func Summarise(c *Column) *Values {
	v := &Values{Kind: c.Kind, Min: math.NaN(), Max: math.NaN()}
	switch c.Kind {
	case String, Ref:
		v.Count = len(c.Strings)
		counts := map[string]int{}
		for _, s := range c.Strings {
			counts[s]++
		}
		for s, n := range counts {
			v.Distinct = append(v.Distinct, ValueCount{s, n})
		}
		slices.SortFunc(v.Distinct, func(a, b ValueCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
	case Float:
		v.Count = len(c.Floats)
		for _, x := range c.Floats {
			v.add(x)
		}
	case Int:
		v.Count = len(c.Ints)
		for _, x := range c.Ints {
			v.add(float64(x))
		}
	case Bool:
		v.Count = len(c.Bools)
		for _, b := range c.Bools {
			x := 0.0
			if b {
				x = 1
				v.True++
			}
			v.add(x)
		}
	}
	return v
}

func (v *Values) add(x float64) {
	switch {
	case math.IsNaN(x):
		v.NaN++
	case math.IsInf(x, 0):
		v.Inf++
	case math.IsNaN(v.Min):
		v.Min, v.Max = x, x
	default:
		v.Min, v.Max = min(v.Min, x), max(v.Max, x)
	}
}

// MaxDistinct is how many distinct values of a column WriteText shows.
const MaxDistinct = 20

// text describes the values in one line.
func (v *Values) text() string {
	if v.Skipped != "" {
		return "values not read: " + v.Skipped
	}
	switch v.Kind {
	case String, Ref:
		s := fmt.Sprintf("%d values, %d distinct:", v.Count, len(v.Distinct))
		for i, d := range v.Distinct {
			if i == MaxDistinct {
				s += fmt.Sprintf(" … and %d more", len(v.Distinct)-MaxDistinct)
				break
			}
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf(" %s %d", strconv.Quote(d.Value), d.Count)
		}
		return s
	}
	s := fmt.Sprintf("%d values", v.Count)
	if v.Kind == Bool {
		return s + fmt.Sprintf(", %d true", v.True)
	}
	if !math.IsNaN(v.Min) {
		s += fmt.Sprintf(", min %g, max %g", v.Min, v.Max)
	}
	if v.NaN > 0 {
		s += fmt.Sprintf(", %d NaN", v.NaN)
	}
	if v.Inf > 0 {
		s += fmt.Sprintf(", %d infinite", v.Inf)
	}
	return s
}
