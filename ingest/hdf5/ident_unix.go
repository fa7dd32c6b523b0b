//go:build unix

package hdf5

import (
	"os"
	"syscall"
)

// statIdent identifies the file st describes, as obl_file_ident does.
func statIdent(st os.FileInfo) fileIdent {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdent{}
	}
	return fileIdent{OK: true, Dev: uint64(s.Dev), Ino: uint64(s.Ino)}
}
