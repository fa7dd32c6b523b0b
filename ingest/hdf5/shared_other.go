//go:build cgo && unix && !linux

package hdf5

import (
	"fmt"
	"os"
)

// newShared makes the file of a shared memory: a temporary file, removed at
// once, which the two processes hold open.
func newShared() (*os.File, error) {
	f, err := os.CreateTemp("", "oblique-hdf5-*")
	if err != nil {
		return nil, fmt.Errorf("shared memory: %w", err)
	}
	os.Remove(f.Name())
	return f, nil
}
