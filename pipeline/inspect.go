package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/ingest/nwb"
)

// Inspection lists what a recording file holds, without its bulk data:
// NWB for an NWB (HDF5) file, MAT for a MATLAB file.
type Inspection struct {
	Path string
	NWB  *nwb.Listing
	MAT  *MATListing
}

// MATListing lists a MAT-file's variables, and the fields of its structs.
type MATListing struct {
	// Description is the file's header (level, platform, date).
	Description string
	Vars        []MATVar
}

// MATVar is one variable: its name and "size class" description, and for a
// struct its fields (of the first element of a struct array).
type MATVar struct {
	Name, Desc string
	Fields     []MATField
	// FirstOf is true for a struct array with other than one element: the
	// fields describe its first element.
	FirstOf bool
	// FieldsErr says why a struct's fields could not be read.
	FieldsErr error
}

// MATField is one field of a struct: its name and description (empty for
// a struct array with no elements).
type MATField struct{ Name, Desc string }

// Inspect lists an NWB (HDF5) or MATLAB file: InspectWith without values.
func Inspect(path string) (*Inspection, error) { return InspectWith(path, InspectOptions{}) }

// InspectOptions says what InspectWith reads beyond a file's structure.
type InspectOptions struct {
	// Values previews the columns of an NWB file's tables (the distinct
	// strings of a string column with their counts, the range and NaN
	// count of a numeric one): see nwb.ColumnSummary.Values and Distinct.
	Values bool
}

// InspectWith lists an NWB (HDF5) or MATLAB file, told apart by their
// first bytes (and by the extension for MATLAB level 4 files, which have
// no signature).
//
// A file that cannot be read gives no listing and its error. A file read
// in part gives its listing and an error joining what was wrong (also in
// Warnings): the broken objects of an NWB file (nwb.Listing.Warnings), the
// structs of a MAT-file whose fields cannot be read (MATVar.FieldsErr).
func InspectWith(path string, o InspectOptions) (*Inspection, error) {
	kind, err := fileKind(path)
	if err != nil {
		return nil, err
	}
	if kind == "nwb" {
		l, err := nwb.InspectWith(path, nwb.InspectOptions{Values: o.Values})
		if err != nil {
			return nil, err
		}
		in := &Inspection{Path: path, NWB: l}
		return in, errors.Join(in.Warnings()...)
	}
	return inspectMAT(path)
}

// Warnings lists what was wrong in a file listed in part: the NWB
// listing's warnings, or the MAT-file structs whose fields were not read.
func (in *Inspection) Warnings() []error {
	var errs []error
	if in.NWB != nil {
		for _, w := range in.NWB.Warnings {
			errs = append(errs, w)
		}
	}
	if in.MAT != nil {
		for _, v := range in.MAT.Vars {
			if v.FieldsErr != nil {
				errs = append(errs, v.FieldsErr)
			}
		}
	}
	return errs
}

// ErrUnknownFormat is wrapped by the error for a file that is neither NWB
// (HDF5) nor MATLAB.
var ErrUnknownFormat = errors.New("neither an NWB (HDF5) file nor a MATLAB file")

func fileKind(path string) (string, error) {
	format, _, err := ingest.FileFormat(path) // a regular file: a FIFO is refused, not waited on
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("%s: %w", path, err)
	}
	switch format {
	case "hdf5":
		return "nwb", nil
	case "mat":
		return "mat", nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mat":
		return "mat", nil
	case ".nwb", ".h5", ".hdf5":
		return "nwb", nil
	}
	return "", fmt.Errorf("%s: %w", path, ErrUnknownFormat)
}

func inspectMAT(path string) (*Inspection, error) {
	f, err := matfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l := &MATListing{Description: f.Description()}
	var errs []error
	for _, v := range f.Vars() {
		mv := MATVar{Name: v.Name, Desc: varDesc(v.Class, v.Size, v.Complex)}
		if v.Class == matfile.ClassStruct {
			val, err := f.Get(v.Name)
			if err != nil {
				errs = append(errs, err)
				mv.FieldsErr = err
			} else if s, ok := val.(*matfile.Struct); ok {
				mv.FirstOf = len(s.Elems) != 1
				for j, name := range s.Fields {
					fd := MATField{Name: name}
					if len(s.Elems) > 0 {
						fd.Desc = valueDesc(s.Elems[0][j])
					}
					mv.Fields = append(mv.Fields, fd)
				}
			}
		}
		l.Vars = append(l.Vars, mv)
	}
	return &Inspection{Path: path, MAT: l}, errors.Join(errs...)
}

func varDesc(c matfile.Class, size []int, complex bool) string {
	s := matfile.DimString(size) + " "
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
