// Command oblique tells whether a neural population's dynamics are aligned
// with its behavioural output or oblique to it. Run `oblique help`.
package main

import (
	"os"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/internal/cli"
)

func main() {
	code := cli.Main(os.Args[1:], os.Stdout, os.Stderr)
	// The HDF5 reader processes (package ingest/hdf5) would end with the
	// command anyway; stopping them first leaves none even for a moment.
	hdf5.StopReaders()
	os.Exit(code)
}
