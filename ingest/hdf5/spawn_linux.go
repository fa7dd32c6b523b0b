//go:build cgo

package hdf5

import (
	"runtime"
	"sync"
	"syscall"
)

// sysProcAttr puts a reader process in its own process group (the
// terminal's Ctrl-C reaches only the program, which decides) and has the
// kernel kill it when its parent ends.
func sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if parentDeathSignal {
		a.Pdeathsig = syscall.SIGKILL
	}
	return a
}

// parentDeathSignal is switched off by a test only.
var parentDeathSignal = true

// Linux sends the parent-death signal when the thread that started the
// process ends, not the process: reader processes are started from one
// thread that never ends.
var spawnThread struct {
	once sync.Once
	fns  chan func()
}

// onSpawnThread runs fn on the thread that starts reader processes.
func onSpawnThread(fn func()) {
	spawnThread.once.Do(func() {
		spawnThread.fns = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for f := range spawnThread.fns {
				f()
			}
		}()
	})
	done := make(chan struct{})
	spawnThread.fns <- func() { fn(); close(done) }
	<-done
}
