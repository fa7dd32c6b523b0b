package reports

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/pipeline"
)

// WriteInspect writes a file's listing as text: the NWB listing as package
// nwb lays it out, or a MAT-file's variables with one level into structs.
func WriteInspect(w io.Writer, in *pipeline.Inspection) error {
	if in.NWB != nil {
		return in.NWB.WriteText(w)
	}
	m := in.MAT
	if m == nil {
		return nil
	}
	fmt.Fprintf(w, "%s: %s\n", in.Path, m.Description)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "variables:\n")
	for _, v := range m.Vars {
		fmt.Fprintf(tw, "  %s\t%s\n", v.Name, v.Desc)
		if v.FieldsErr != nil {
			fmt.Fprintf(tw, "    (fields not read: %v)\t\n", v.FieldsErr)
			continue
		}
		of := ""
		if v.FirstOf {
			of = "  (element 1)"
		}
		for _, f := range v.Fields {
			if f.Desc == "" {
				fmt.Fprintf(tw, "    .%s\t\n", f.Name)
				continue
			}
			fmt.Fprintf(tw, "    .%s\t%s%s\n", f.Name, f.Desc, of)
		}
	}
	return tw.Flush()
}
