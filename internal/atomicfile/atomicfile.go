// Package atomicfile writes files so that readers see either the old file
// or the whole new one, never a half-written file: the data goes to a
// temporary file in the same directory, which is synced and then renamed
// over the destination.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Write creates path (and its directory) with the bytes that write produces.
// If write or any file operation fails, path is left as it was. A symbolic
// link at path is followed (its target is replaced); anything else there
// that is not a regular file (a directory, a device, a pipe) is an error.
func Write(path string, write func(w io.Writer) error) (err error) {
	if path, err = Destination(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Destination checks that path can be replaced by a regular file: it is not
// empty, and what is there, if anything, is a regular file or a symbolic link
// to one (or to nothing yet). It returns the path to write, the link's target
// for a link.
func Destination(path string) (string, error) {
	if path == "" {
		return "", errors.New("no output file named (empty path)")
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, nil
	case err != nil:
		return "", err
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := filepath.EvalSymlinks(path)
		if errors.Is(err, fs.ErrNotExist) {
			// A dangling link: write where it points.
			if target, err = os.Readlink(path); err == nil && !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(path), target)
			}
		}
		if err != nil {
			return "", err
		}
		if target == path {
			return "", fmt.Errorf("%s: symbolic link to itself", path)
		}
		return Destination(target)
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("%s is %s, not a regular file; not replacing it", path, inputfile.Kind(fi.Mode()))
	}
	return path, nil
}
