package inputfile

import "golang.org/x/sys/unix"

// memory returns the physical memory.
func memory() int64 {
	n, err := unix.SysctlUint64("hw.memsize")
	if err != nil || n == 0 {
		return 8 << 30
	}
	return int64(n)
}
