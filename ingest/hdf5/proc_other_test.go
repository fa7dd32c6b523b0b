//go:build cgo && unix && !linux

package hdf5_test

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// deathSignals: there is no parent-death signal here, only the lifeline.
var deathSignals = []bool{false}

func setParentDeathSignal(bool) {}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	out, _ := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(pid)).Output()
	return !strings.HasPrefix(strings.TrimSpace(string(out)), "Z")
}

func children(t *testing.T) []int {
	t.Helper()
	out, _ := exec.Command("pgrep", "-P", strconv.Itoa(syscall.Getpid())).Output()
	var kids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && alive(pid) {
			kids = append(kids, pid)
		}
	}
	return kids
}
