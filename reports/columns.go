package reports

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	msg := strings.TrimPrefix(err.Error(), name+": ")
	// "open NAME: no such file or directory" says NAME a second time.
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == name && msg == pe.Error() {
		msg = pe.Err.Error()
	}
	fmt.Fprintf(w, "%s: error: %s\n", name, msg)
}
