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

A file that cannot be read is reported and the others are still listed;
the exit status is then 1.`

func runInspect(env *Env, args []string) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "inspect FILE…", inspectAbout)
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
		if err := inspectFile(env.Stdout, f); err != nil {
			fmt.Fprintf(env.Stderr, "oblique inspect: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		return exitError{1}
	}
	return nil
}

func inspectFile(w io.Writer, path string) error {
	l, err := pipeline.Inspect(path)
	if l != nil {
		if werr := reports.WriteInspect(w, l); werr != nil {
			return werr
		}
	}
	return err
}
