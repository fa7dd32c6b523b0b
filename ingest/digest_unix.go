//go:build linux || darwin

package ingest

import (
	"os"
	"syscall"
)

// stateOf returns the state of a file from its FileInfo.
func stateOf(fi os.FileInfo) fileState {
	s := fileState{Size: fi.Size(), MtimeNS: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.Dev, s.Ino, s.CtimeNS, s.Full = uint64(st.Dev), uint64(st.Ino), ctimeNS(st), true
	}
	return s
}
