//go:build race

package hdf5_test

// raceEnabled: the race detector's runtime allocates from the C heap at
// exit, which a caught HDF5 fault may have left damaged.
const raceEnabled = true
