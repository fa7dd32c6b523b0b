package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/oblique-neuro/oblique/arrowtable"
)

// The column types of the tables, as arrowtable names them.
var (
	tString   = arrowtable.String
	tFloat    = arrowtable.Float
	tInt      = arrowtable.Int
	tUint     = arrowtable.Uint
	tFloats   = arrowtable.Floats
	tInts     = arrowtable.Ints
	tStrings  = arrowtable.Strings
	tFloatsLL = arrowtable.FloatsLL
)

// printError writes "NAME: error: …" for an item's error, without
// repeating the name when the error already starts with it.
func printError(w io.Writer, name string, err error) {
	fmt.Fprintf(w, "%s: error: %s\n", name, strings.TrimPrefix(err.Error(), name+": "))
}
