package hdf5

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// Environment variables that choose where the HDF5 library runs and how long
// it may take; Open reads them each time.
const (
	// ModeEnv set to "inprocess" runs the HDF5 library in the calling
	// process, as before reader processes existed: no time limit, and a
	// fault disables HDF5 for the rest of the process. Unset, empty or
	// "isolated": in a reader process.
	ModeEnv = "OBLIQUE_HDF5"
	// TimeoutEnv is the time limit of each file, a Go duration ("90s",
	// "10m"); "0" or "off" means none. Default DefaultTimeout.
	TimeoutEnv = "OBLIQUE_HDF5_TIMEOUT"
)

// DefaultTimeout is the time the HDF5 library may spend on one file, summed
// over every call made on it from Open to Close, when TimeoutEnv is unset.
// Reading the benchmark's 50 MB NWB file spends about 10 ms there; a minute
// is some 1,000 times the HDF5 work of analysing the largest recording this
// project reads.
const DefaultTimeout = 60 * time.Second

// ErrTimeout is wrapped by the error of a call on a file that reached the
// time limit: the library was stopped (its reader process killed).
var ErrTimeout = errors.New("the HDF5 library did not finish within the time limit")

type config struct {
	inProcess bool
	limit     time.Duration // 0: none
}

func readConfig() (config, error) {
	var c config
	switch m := os.Getenv(ModeEnv); m {
	case "", "isolated":
	case "inprocess":
		c.inProcess = true
	default:
		return c, fmt.Errorf("%s=%q: want isolated or inprocess", ModeEnv, m)
	}
	c.limit = DefaultTimeout
	switch s := os.Getenv(TimeoutEnv); s {
	case "":
	case "0", "off":
		c.limit = 0
	default:
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("%s=%q: want a positive duration such as 90s or 10m, or off", TimeoutEnv, s)
		}
		c.limit = d
	}
	return c, nil
}

// StopReaders ends the idle reader processes and waits for them; a later
// Open starts new ones. A reader process ends by itself when its program
// exits; a program that calls StopReaders before it exits leaves none even
// for a moment, and their CPU time is counted as its own (by time(1), for
// one).
func StopReaders() { stopReaders() }
