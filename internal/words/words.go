// Package words writes numbers and lists in messages as a reader expects
// them: "1 unit" and "2 units", "[6, 191]" (not Go's "[6 191]"), and times
// in seconds without float noise ("1460.724068 s", not
// "1460.7240679999995 s").
package words

import (
	"fmt"
	"strconv"
	"strings"
)

// Count returns "1 NOUN" or "N NOUNs".
func Count(n int, noun string) string { return CountOf(n, noun, noun+"s") }

// CountOf returns "1 ONE" or "N MANY", for a noun whose plural is not
// NOUN+s ("1 event time", "3 event times" is Count; "1 index", "2
// indices" is CountOf).
func CountOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// List writes xs as "[a, b, c]", each element as fmt's %v writes it.
func List[T any](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Quoted writes strings as "[\"a\", \"b c\"]": a list of values that
// may hold spaces or commas (a column's categories).
func Quoted(xs []string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Quote(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Seconds writes a time in seconds to 12 significant digits, enough for
// any recording's clock and free of float noise ("1460.724068", not
// "1460.7240679999995"; "9.99853125"; "0"); NaN and infinities as %g
// writes them.
func Seconds(x float64) string {
	if x == 0 {
		return "0" // not -0
	}
	return strconv.FormatFloat(x, 'g', 12, 64)
}
