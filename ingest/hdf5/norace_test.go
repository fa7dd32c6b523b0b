//go:build !race

package hdf5_test

const raceEnabled = false
