package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/oblique-neuro/oblique/reports/figures"
)

// diff prints, for every numeric column two `oblique analyze` tables share,
// the largest relative difference between their values (lists compared
// element by element): how far apart two versions of oblique, or two runs,
// are.
func diff(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("diff: want two Arrow files")
	}
	a, err := figures.ReadTable(args[0])
	if err != nil {
		return err
	}
	b, err := figures.ReadTable(args[1])
	if err != nil {
		return err
	}
	if a.Rows != b.Rows {
		return fmt.Errorf("diff: %d rows against %d", a.Rows, b.Rows)
	}
	var cols []string
	for _, f := range a.Schema.Fields() {
		if b.Has(f.Name) {
			cols = append(cols, f.Name)
		}
	}
	sort.Strings(cols)
	for _, c := range cols {
		worst, n := 0.0, 0
		for r := 0; r < a.Rows; r++ {
			walk(a.Cell(c, r), b.Cell(c, r), func(x, y float64) {
				n++
				worst = math.Max(worst, relDiff(x, y))
			})
		}
		if n > 0 {
			fmt.Printf("%-18s %6d values  max relative difference %.3g\n", c, n, worst)
		}
	}
	return nil
}

// walk calls f on the pairs of numbers at the same place in two cells.
func walk(x, y any, f func(a, b float64)) {
	xl, okx := x.([]any)
	yl, oky := y.([]any)
	if okx && oky {
		for i := range min(len(xl), len(yl)) {
			walk(xl[i], yl[i], f)
		}
		if len(xl) != len(yl) {
			f(math.Inf(1), 0)
		}
		return
	}
	a, oka := num(x)
	b, okb := num(y)
	if oka && okb {
		f(a, b)
	}
}

func num(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

// relDiff is |a − b| / max(|a|, |b|), 0 for equal values (NaN included).
func relDiff(a, b float64) float64 {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}
