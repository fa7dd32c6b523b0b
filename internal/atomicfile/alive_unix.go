//go:build unix

package atomicfile

import (
	"errors"
	"syscall"
)

// alive reports whether process pid runs on this machine: signal 0 checks
// without sending anything; EPERM means it runs as another user.
func alive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
