//go:build cgo && unix

package hdf5

// ReaderPID returns the process id of f's reader process, or 0 when it has
// none (in process, or lost).
func ReaderPID(f *File) int {
	r, ok := f.b.(*remote)
	if !ok {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.c == nil {
		return 0
	}
	return r.c.cmd.Process.Pid
}
