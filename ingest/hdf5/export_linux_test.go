//go:build cgo

package hdf5

// SetParentDeathSignal switches the parent-death signal of the reader
// processes started from then on, so that a test can check that a reader
// also ends through its lifeline alone, as on macOS.
func SetParentDeathSignal(on bool) { parentDeathSignal = on }
