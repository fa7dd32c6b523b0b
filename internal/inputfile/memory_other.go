//go:build !linux && !darwin

package inputfile

// memory returns 8 GiB: this platform's memory is not looked up.
func memory() int64 { return 8 << 30 }
