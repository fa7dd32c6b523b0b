//go:build cgo

package hdf5_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
)

// deathSignals are the ways TestReaderEndsWithParent ends a reader: with
// the parent-death signal, and by its lifeline alone.
var deathSignals = []bool{true, false}

func setParentDeathSignal(on bool) { hdf5.SetParentDeathSignal(on) }

// stat returns the state and parent of process pid from /proc, ok false
// when there is no such process.
func stat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0][0], ppid, true
}

// alive reports a process that runs: not ended, nor a zombie that nobody
// has reaped yet (an orphan's new parent may be slow to).
func alive(pid int) bool {
	s, _, ok := stat(pid)
	return ok && s != 'Z' && s != 'X'
}

// children lists the living child processes of the test.
func children(t *testing.T) []int {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if _, ppid, ok := stat(pid); ok && ppid == os.Getpid() && alive(pid) {
			kids = append(kids, pid)
		}
	}
	return kids
}
