//go:build cgo && unix && !linux

package hdf5

import "syscall"

// sysProcAttr puts a reader process in its own process group: the
// terminal's Ctrl-C reaches only the program, which decides. Without a
// parent-death signal, a reader notices its parent's end when the request
// pipe closes (serve).
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func onSpawnThread(fn func()) { fn() }
