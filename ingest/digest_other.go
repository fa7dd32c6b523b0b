//go:build !linux && !darwin

package ingest

import "os"

// stateOf returns the state of a file from its FileInfo: size and
// modification time only, so the digest cache is not used.
func stateOf(fi os.FileInfo) fileState {
	return fileState{Size: fi.Size(), MtimeNS: fi.ModTime().UnixNano()}
}
