package testcost

import (
	"os"
	"syscall"
)

// peak returns the child's maximum resident set size (macOS reports bytes).
func peak(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return ru.Maxrss, true
}
