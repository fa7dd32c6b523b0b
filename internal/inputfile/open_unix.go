//go:build unix

package inputfile

import (
	"os"
	"syscall"
)

// openNonblock opens path for reading without waiting for a writer, should
// it have become a named pipe since it was checked. O_NONBLOCK does not
// change reads of regular files.
func openNonblock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
