package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/ingest/nwb"
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
		helpFor(env.Stderr, fs, "inspect FILE…", inspectAbout)
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

// fileKind tells an NWB (HDF5) file from a MATLAB file by their first
// bytes, and by the extension when those say neither (MATLAB level 4 files
// have no signature).
func fileKind(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("%s: %v", path, err)
	}
	defer f.Close()
	head := make([]byte, 128)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		return "nwb", nil
	case bytes.HasPrefix(head, []byte("MATLAB")):
		return "mat", nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mat":
		return "mat", nil
	case ".nwb", ".h5", ".hdf5":
		return "nwb", nil
	}
	return "", fmt.Errorf("%s: neither an NWB (HDF5) file nor a MATLAB file", path)
}

func inspectFile(w io.Writer, path string) error {
	kind, err := fileKind(path)
	if err != nil {
		return err
	}
	if kind == "mat" {
		return inspectMAT(w, path)
	}
	l, err := nwb.Inspect(path)
	if err != nil {
		return err
	}
	return l.WriteText(w)
}

// inspectMAT lists the variables of a MAT-file, and the fields of its
// structs.
func inspectMAT(w io.Writer, path string) error {
	f, err := matfile.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(w, "%s: %s\n", path, f.Description())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "variables:\n")
	var errs []error
	for _, v := range f.Vars() {
		fmt.Fprintf(tw, "  %s\t%s\n", v.Name, varDesc(v.Class, v.Size, v.Complex))
		if v.Class != matfile.ClassStruct {
			continue
		}
		val, err := f.Get(v.Name)
		if err != nil {
			errs = append(errs, err)
			fmt.Fprintf(tw, "    (fields not read: %v)\t\n", err)
			continue
		}
		s, ok := val.(*matfile.Struct)
		if !ok {
			continue
		}
		of := ""
		if len(s.Elems) != 1 {
			of = "  (element 1)"
		}
		for j, name := range s.Fields {
			if len(s.Elems) == 0 {
				fmt.Fprintf(tw, "    .%s\t\n", name)
				continue
			}
			fmt.Fprintf(tw, "    .%s\t%s%s\n", name, valueDesc(s.Elems[0][j]), of)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

func dimString(d []int) string {
	if d == nil {
		return "?"
	}
	s := make([]string, len(d))
	for i, x := range d {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, "×")
}

func varDesc(c matfile.Class, size []int, complex bool) string {
	s := dimString(size) + " "
	if complex {
		s += "complex "
	}
	return s + c.String()
}

func valueDesc(v matfile.Value) string {
	switch v := v.(type) {
	case *matfile.Numeric:
		return varDesc(v.Type, v.Size, v.Imag != nil)
	case *matfile.Char:
		d := varDesc(matfile.ClassChar, v.Size, false)
		if len(v.Rows) == 1 && len(v.Rows[0]) <= 40 {
			d += fmt.Sprintf(" %q", v.Rows[0])
		}
		return d
	case *matfile.Unsupported:
		return varDesc(v.Type, v.Size, false) + " (not read: " + v.Reason + ")"
	}
	return varDesc(v.Class(), v.Dims(), false)
}
