//go:build linux || darwin

package testcost

import (
	"os"
	"runtime"
	"syscall"
)

// peak returns the child's maximum resident set size: Linux reports it in
// KiB, macOS in bytes.
func peak(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	if runtime.GOOS == "linux" {
		return ru.Maxrss << 10, true
	}
	return ru.Maxrss, true
}
