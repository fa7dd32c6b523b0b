package cli

import "errors"

// writeProjection simulates run and writes its Fig. 2B projection table
// into dir, returning the file's name.
func writeProjection(dir, run string, seed uint64, unique func(string) string) (string, error) {
	return "", errors.New("not yet")
}
