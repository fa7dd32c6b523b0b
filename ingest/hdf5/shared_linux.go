//go:build cgo

package hdf5

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// newShared makes the file of a shared memory: an anonymous memory file.
func newShared() (*os.File, error) {
	fd, err := unix.MemfdCreate("oblique-hdf5", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("shared memory: %w", err)
	}
	return os.NewFile(uintptr(fd), "oblique-hdf5 shared memory"), nil
}
