// Package atomicfile writes files so that readers see either the old file
// or the whole new one, never a half-written file: the data goes to a
// temporary file in the same directory, which is synced and then renamed
// over the destination. A Group does the same for a set of files that
// belong together (see Group for what it guarantees), and WriteKeep keeps
// the version it replaces.
//
// # Temporary files
//
// The temporary file of path DIR/NAME is DIR/.NAME.tmp-HOST-PID-RANDOM:
// HOST a hash of the machine's host name, PID the writing process. A
// process killed while writing leaves its temporary file behind; the next
// write of the same path removes it when it is stale:
//
//   - it was made on this machine (HOST matches) by a process that no longer
//     runs (PID not alive, Unix only), whatever its age; or
//   - it has not been modified for StaleAge (24 hours), for temporary files
//     of other machines sharing the filesystem, of processes whose PID seems
//     alive (PIDs are reused), or named in an older way (.NAME.tmp-RANDOM).
//
// A concurrent writer of the same path on this machine is alive, so its
// temporary file is never removed; one on another machine is removed only
// if it has not written for a day, and then its own replacement fails with
// an error, leaving the destination as it was.
package atomicfile

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// StaleAge is how long a temporary file of a process that cannot be told
// dead must go unmodified before a write of the same path removes it.
const StaleAge = 24 * time.Hour

// Write creates path (and its directory) with the bytes that write produces.
// If write or any file operation fails, path is left as it was. A symbolic
// link at path is followed (its target is replaced); anything else there
// that is not a regular file (a directory, a device, a pipe) is an error.
func Write(path string, write func(w io.Writer) error) error {
	var g Group
	g.Add(path, write)
	return g.Commit()
}

// WriteKeep is Write, and keeps the version of path it replaces as
// previous (replacing what was there), so that a reader that finds path
// damaged can fall back to it. path is always present: the old version is
// first linked (or, where the filesystem has no hard links, copied) to
// previous, and only then is the new one renamed over path. With previous
// empty, or no path yet, it is Write.
func WriteKeep(path, previous string, write func(w io.Writer) error) (err error) {
	if previous == "" {
		return Write(path, write)
	}
	if path, err = Destination(path); err != nil {
		return err
	}
	if previous, err = Destination(previous); err != nil {
		return err
	}
	RemoveStale(previous)
	t, err := writeTemp(path, write)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(t)
		}
	}()
	if _, err := os.Stat(path); err == nil {
		if err := keep(path, previous); err != nil {
			return fmt.Errorf("keeping %s as %s: %w", path, previous, err)
		}
	}
	return os.Rename(t, path)
}

// keep puts a copy of path at previous, atomically: a hard link when the
// filesystem allows it, else a copy of its bytes.
func keep(path, previous string) error {
	t, err := tempName(previous)
	if err != nil {
		return err
	}
	if err := os.Link(path, t); err != nil {
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		if t, err = writeTemp(previous, func(w io.Writer) error {
			_, err := io.Copy(w, src)
			return err
		}); err != nil {
			return err
		}
	}
	if err := os.Rename(t, previous); err != nil {
		os.Remove(t)
		return err
	}
	return nil
}

// A Group replaces several files together: Commit first writes every
// file's new contents into a temporary file beside it, and only when all
// of them are written and synced renames them over the files they replace.
// A failure while writing (an error of a write function, a full disk, a
// file-size limit) removes the temporary files and leaves every file of
// the set as it was.
//
// The renames are the window: each is atomic, but not the set of them. A
// process killed during them (they take microseconds: no data is written)
// or a rename that fails leaves some files new and some old. A set with an
// entry (AddEntry: the file that names or leads to the others, such as a
// recording's manifest) loses its old entry before any other file is
// replaced and gets the new one after all of them, so that in the window,
// and after a failure in it, a reader finds no entry rather than an entry
// beside a mix of old and new files.
//
// The zero Group is empty and ready to use.
type Group struct {
	members []member
}

type member struct {
	path  string
	write func(io.Writer) error
	entry bool
	temp  string
}

// Add adds the file path, whose contents write produces, to the group.
// Paths are checked as Write checks them, when Commit runs.
func (g *Group) Add(path string, write func(w io.Writer) error) {
	g.members = append(g.members, member{path: path, write: write})
}

// AddEntry adds the set's entry file (at most one): like Add, but its old
// version is removed before any file is replaced, and the new one is put in
// place last.
func (g *Group) AddEntry(path string, write func(w io.Writer) error) {
	g.members = append(g.members, member{path: path, write: write, entry: true})
}

// Commit writes the group's files as the Group doc says. Its error names
// the file that failed, and, for a failure in the window, the files
// already replaced.
func (g *Group) Commit() (err error) {
	entries := 0
	seen := map[string]string{}
	for i := range g.members {
		m := &g.members[i]
		given := m.path
		if m.path, err = Destination(m.path); err != nil {
			return err
		}
		abs, err := filepath.Abs(m.path)
		if err != nil {
			return err
		}
		if other, ok := seen[abs]; ok {
			return fmt.Errorf("%s and %s are the same file: a group writes each file once", other, given)
		}
		seen[abs] = given
		if m.entry {
			entries++
		}
	}
	if entries > 1 {
		return errors.New("a group has at most one entry file")
	}
	defer func() {
		for _, m := range g.members {
			if m.temp != "" {
				os.Remove(m.temp)
			}
		}
	}()
	for i := range g.members {
		m := &g.members[i]
		if m.temp, err = writeTemp(m.path, m.write); err != nil {
			return err
		}
	}
	// The window.
	var done []string
	rename := func(m *member) error {
		if err := os.Rename(m.temp, m.path); err != nil {
			if len(done) > 0 {
				return fmt.Errorf("%w (already replaced: %s; the other files of the set are as they were)", err, strings.Join(done, ", "))
			}
			return err
		}
		m.temp = ""
		done = append(done, m.path)
		return nil
	}
	for _, m := range g.members {
		if m.entry {
			if err := os.Remove(m.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	for i := range g.members {
		if m := &g.members[i]; !m.entry {
			if err := rename(m); err != nil {
				return err
			}
		}
	}
	for i := range g.members {
		if m := &g.members[i]; m.entry {
			if err := rename(m); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeTemp writes the bytes that write produces to a new temporary file
// for path (path already checked by Destination), synced and closed, and
// returns its name. Stale temporary files of path are removed first. On
// failure nothing is left behind.
func writeTemp(path string, write func(io.Writer) error) (temp string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	RemoveStale(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+tempOwner()+"-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Chmod(0o644); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// tempName returns a new, unused name for a temporary file of path (which
// is not created: for os.Link).
func tempName(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+tempOwner()+"-*")
	if err != nil {
		return "", err
	}
	f.Close()
	return f.Name(), os.Remove(f.Name())
}

// tempPrefix is the start of the names of path's temporary files.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// tempOwner is HOST-PID for the names of this process's temporary files.
func tempOwner() string { return hostTag() + "-" + strconv.Itoa(os.Getpid()) }

// hostTag is 8 hex digits of a hash of the host name.
var hostTag = sync.OnceValue(func() string {
	name, _ := os.Hostname()
	h := fnv.New32a()
	io.WriteString(h, name)
	return fmt.Sprintf("%08x", h.Sum32())
})

// RemoveStale removes the stale temporary files of path (see the package
// doc for which are stale) and returns the names of those it removed.
// Write, WriteKeep and Group.Commit call it before writing path.
func RemoveStale(path string) []string {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	host, self := hostTag(), os.Getpid()
	var removed []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		stale := time.Since(info.ModTime()) > StaleAge
		// HOST-PID-RANDOM, RANDOM digits.
		if f := strings.Split(rest, "-"); len(f) == 3 && f[0] == host {
			if pid, err := strconv.Atoi(f[1]); err == nil && pid > 0 && pid != self && !alive(pid) {
				stale = true
			}
		}
		if stale {
			p := filepath.Join(dir, e.Name())
			if os.Remove(p) == nil {
				removed = append(removed, p)
			}
		}
	}
	return removed
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
			return "", fmt.Errorf("%s: symbolic link: %w", path, err)
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
