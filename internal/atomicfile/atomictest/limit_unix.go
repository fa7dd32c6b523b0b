//go:build unix

package atomictest

import (
	"os/signal"
	"syscall"
)

// limitFileSize limits the size of files this process writes to n bytes;
// writes beyond fail with EFBIG instead of killing it with SIGXFSZ.
func limitFileSize(n uint64) error {
	signal.Ignore(syscall.SIGXFSZ)
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}
