package reports

import "github.com/oblique-neuro/oblique/arrowtable"

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
