package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports"
)

const inspectAbout = `Lists what a recording file holds, without reading its bulk data.

NWB files (HDF5): the units with their spike counts, every table (trials,
epochs, electrodes, …) with its columns, and every TimeSeries with its
shape, rate or timestamps, unit and conversion.

MATLAB files (.mat, v5 to v7 and v7.3): each variable with its class and
size, and one level into structs: each field's class and size (of the
first element of a struct array).

-values previews each table column: a string column's distinct values
with their counts (the 20 most frequent), a numeric column's minimum,
maximum and NaN count; and each TimeSeries' first and last time. These
are the values a preset's [units], [trials] and electrodes filters name.

A broken object inside an NWB file (a column whose length is not the
table's, an index past its data, a dataset that cannot be read, a
TimeSeries whose data and timestamps differ in length, timestamps that
are negative or go back in time) is listed with a warning at the end of
the file's listing, and the rest is still listed. A file that cannot be
read at all (not HDF5, NWB 1.x) is reported and the others are still
listed. The exit status is 1 when any file gave an error or a warning.`

func runInspect(env *Env, args []string) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	values := fs.Bool("values", false, "preview each column's values (distinct strings with counts; numeric range and NaN count)")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "inspect [-values] FILE…", inspectAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: no file given", errUsage)
	}
	files, err := expand(pos)
	if err != nil {
		return err
	}
	failed := 0
	for i, f := range files {
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		if err := inspectFile(env.Stdout, env.Stderr, f, pipeline.InspectOptions{Values: *values}); err != nil {
			if err != errWarned {
				fmt.Fprintf(env.Stderr, "oblique inspect: %v\n", err)
			}
			failed++
		}
	}
	if failed > 0 {
		return exitError{1}
	}
	return nil
}

// inspectFile lists one file on w. An NWB file listed with warnings (which
// the listing shows) gets one line on stderr and an error whose message
// is not printed again.
func inspectFile(w, stderr io.Writer, path string, o pipeline.InspectOptions) error {
	l, err := pipeline.InspectWith(path, o)
	if l != nil {
		if werr := reports.WriteInspect(w, l); werr != nil {
			return werr
		}
	}
	if err != nil && l != nil && l.NWB != nil {
		fmt.Fprintf(stderr, "oblique inspect: %s: %s (listed under \"warnings:\")\n", path, plural(len(l.NWB.Warnings), "warning"))
		return errWarned
	}
	return err
}

// errWarned is inspectFile's error for a file listed with warnings.
var errWarned = errors.New("warnings")
