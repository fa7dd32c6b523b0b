package nwb

import (
	"fmt"
	"github.com/oblique-neuro/oblique/internal/words"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxCounts is the largest number of units whose spike counts WriteText
// lists one by one.
const maxCounts = 40

// WriteText writes the listing as short, h5ls-like text: with the values
// when they were read, and the warnings last.
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
		fmt.Fprintf(&b, "units: %s, %s (spike_times_index %s)\n", words.Count(u.Units, "unit"), words.Count(u.Spikes, "spike"), u.IndexDtype)
		if u.HeldOut >= 0 {
			fmt.Fprintf(&b, "  held out: %d of %d\n", u.HeldOut, u.Units)
		}
		if len(u.IDs) > 0 {
			fmt.Fprintf(&b, "  unit ids: %s\n", idList(u.IDs))
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
			if c.NotInColnames {
				dt += " (not in colnames)"
			}
			fmt.Fprintf(&b, "    %-24s %s\n", c.Name, dt)
			if c.Values != nil {
				fmt.Fprintf(&b, "      %s\n", c.Values.text())
			}
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
		if t := timeSpan(s); t != "" && l.ValuesRead {
			fmt.Fprintf(&b, "      times %s\n", t)
		}
	}
	if len(l.Warnings) > 0 {
		fmt.Fprintf(&b, "warnings:\n")
	}
	for _, w := range l.Warnings {
		fmt.Fprintf(&b, "  %s\n", strings.TrimPrefix(w.Error(), l.File+": "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// timeSpan describes the times of a series, "" when unknown.
func timeSpan(s SeriesSummary) string {
	if math.IsNaN(s.First) {
		return ""
	}
	return fmt.Sprintf("%g … %g s", s.First, s.Last)
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

// idList writes unit ids, all of them up to maxCounts, else the first
// and last maxCounts/2 around "…".
func idList(ids []int64) string {
	var parts []string
	for i, id := range ids {
		if len(ids) > maxCounts && i == maxCounts/2 {
			parts = append(parts, fmt.Sprintf("… (%d more)", len(ids)-maxCounts))
		}
		if len(ids) <= maxCounts || i < maxCounts/2 || i >= len(ids)-maxCounts/2 {
			parts = append(parts, strconv.FormatInt(id, 10))
		}
	}
	return strings.Join(parts, " ")
}
