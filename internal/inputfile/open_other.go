//go:build !unix

package inputfile

import "os"

// openNonblock opens path for reading; this platform has no named pipes
// that block an open.
func openNonblock(path string) (*os.File, error) { return os.Open(path) }
