package inputfile

import (
	"io/fs"
	"path/filepath"
)

// DirFS returns the files below dir as an fs.FS whose Open is this
// package's Open: a name that is not a regular file (a named pipe, a link
// to a device, a directory) is refused at once rather than waited on or
// read without end, as os.DirFS would. Names are slash-separated and
// unrooted (fs.ValidPath).
func DirFS(dir string) fs.FS { return dirFS(dir) }

type dirFS string

func (d dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := Open(filepath.Join(string(d), filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	return f, nil
}
