package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// DigestCacheEnv names the environment variable that turns the digest cache
// off ("off") or on ("on" or unset, the default). Any other value is an
// error of the digest that reads it.
const DigestCacheEnv = "OBLIQUE_DIGEST_CACHE"

// digestSettle is how long before the hashing began a file must have last
// changed (its status-change time, ctime) for its digest to be cached. A
// digest is looked up by the file's device, inode, size, modification and
// change times; it would be stale only if the file changed again with all of
// them equal. The kernel sets ctime at every write, rename, truncation or
// metadata change (users cannot set it, unlike the modification time that
// touch -d, cp -p and rsync -t carry over), so a later change has an equal
// ctime only if it falls in the same timestamp tick as the change before the
// hashing. That change was at least digestSettle before the hashing began,
// and any later change is after it: ticks of up to 2 s (FAT, the coarsest
// common file system; ext4, XFS, Btrfs, APFS: nanoseconds, advanced by the
// kernel's clock tick of 1–10 ms) cannot hold both. This is git's "racy
// timestamp" rule. It assumes the clock does not step back by more than
// digestSettle between the two changes.
// It is a variable only so that tests can shorten it.
var digestSettle = 2 * time.Second

// maxCacheEntry bounds what is read of a cache entry (an entry is one short
// line of JSON); a longer file is not an entry.
const maxCacheEntry = 4096

// fileState is one version of a file as stat sees it. Full is false where
// the platform's stat gives no device, inode or change time; the cache is
// then not used, and a change is seen by size and modification time only.
type fileState struct {
	Dev     uint64 `json:"dev"`
	Ino     uint64 `json:"ino"`
	Size    int64  `json:"size"`
	MtimeNS int64  `json:"mtime_ns"`
	CtimeNS int64  `json:"ctime_ns"`
	Full    bool   `json:"-"`
}

// cacheEntry is one file of the digest cache: the file's absolute path and
// state when it was hashed, and its digest.
type cacheEntry struct {
	Path string `json:"path"`
	fileState
	SHA256 string `json:"sha256"`
}

// Digest is the SHA-256 digest of a file being computed in the background,
// so that it can be taken while another reader parses the same file:
//
//	d := ingest.StartDigest(path)
//	... open, parse and close path ...
//	sum, err := d.Wait() // or d.Cancel() when the parse failed
//
// A digest found in the cache (os.UserCacheDir()/oblique/sha256, one entry
// per path; see DigestCacheEnv) is not recomputed. Wait checks that the file
// did not change between StartDigest and Wait, so that the digest describes
// the bytes parsed in between.
type Digest struct {
	path  string
	start fileState
	stop  atomic.Bool
	done  chan struct{}
	sum   string
	err   error
}

var errCancelled = errors.New("digest cancelled")

// StartDigest opens path and starts hashing it in a goroutine, unless the
// cache holds its digest. Errors (the file cannot be opened or read, or is
// not a regular file: see inputfile.Open) are returned by Wait.
func StartDigest(path string) *Digest {
	d := &Digest{path: path, done: make(chan struct{})}
	cache, err := digestCacheDir()
	if err != nil {
		d.err = err
		close(d.done)
		return d
	}
	f, err := inputfile.Open(path)
	if err != nil {
		d.err = err // *PathError: names the file
		close(d.done)
		return d
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		d.err = err
		close(d.done)
		return d
	}
	d.start = stateOf(fi)
	if sum, ok := lookupDigest(cache, path, d.start); ok {
		f.Close()
		d.sum = sum
		close(d.done)
		return d
	}
	go d.hash(f, cache, time.Now())
	return d
}

// hash reads f to the end in 1 MiB blocks and keeps the digest; the file is
// then stat'ed again, and the digest is cached when the file did not change
// while it was read and had settled before (digestSettle).
func (d *Digest) hash(f *os.File, cache string, began time.Time) {
	defer close(d.done)
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if d.stop.Load() {
			d.err = errCancelled
			return
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			d.err = err // *PathError: names the file
			return
		}
	}
	fi, err := f.Stat()
	if err != nil {
		d.err = err
		return
	}
	if stateOf(fi) != d.start {
		d.err = fmt.Errorf("%s changed while it was read: read it again", d.path)
		return
	}
	d.sum = hex.EncodeToString(h.Sum(nil))
	if cache != "" && d.start.Full && d.start.CtimeNS <= began.Add(-digestSettle).UnixNano() {
		storeDigest(cache, d.path, d.start, d.sum)
	}
}

// Wait returns the digest, or the error that stopped it. It also returns an
// error naming the file when the file at path is not the one hashed (it was
// written, truncated or replaced since StartDigest).
func (d *Digest) Wait() (string, error) {
	<-d.done
	if d.err != nil {
		return "", d.err
	}
	fi, err := os.Stat(d.path)
	if err != nil {
		return "", fmt.Errorf("%s changed while it was read: %w", d.path, err)
	}
	if stateOf(fi) != d.start {
		return "", fmt.Errorf("%s changed while it was read: read it again", d.path)
	}
	return d.sum, nil
}

// Cancel stops the hashing and waits for it to end (at most one block
// read); use it instead of Wait when the digest is no longer wanted.
func (d *Digest) Cancel() {
	d.stop.Store(true)
	<-d.done
}

// FileDigest returns the hex SHA-256 digest of a file's bytes (from the
// cache when it holds the file's current version), for Source.SHA256.
func FileDigest(path string) (string, error) {
	return StartDigest(path).Wait()
}

// CachedDigest returns the cached digest of the file at path, and whether
// the cache holds one for the file as it is now.
func CachedDigest(path string) (string, bool) {
	cache, err := digestCacheDir()
	if err != nil || cache == "" {
		return "", false
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", false
	}
	return lookupDigest(cache, path, stateOf(fi))
}

// digestCacheDir returns the cache folder, or "" when the cache is off or
// the platform has no user cache folder.
func digestCacheDir() (string, error) {
	switch v := os.Getenv(DigestCacheEnv); v {
	case "off":
		return "", nil
	case "", "on":
	default:
		return "", fmt.Errorf("%s=%q: want on or off", DigestCacheEnv, v)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", nil
	}
	return filepath.Join(dir, "oblique", "sha256"), nil
}

// entryName returns the cache file of path (absolute) in dir: one entry per
// path, replaced when the file changes, so the cache grows only with the
// number of files read.
func entryName(dir, abs string) string {
	h := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, hex.EncodeToString(h[:])+".json")
}

// lookupDigest returns the cached digest of path in state st. A missing,
// unreadable, corrupt or stale entry is a miss.
func lookupDigest(dir, path string, st fileState) (string, bool) {
	if dir == "" || !st.Full {
		return "", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	f, err := os.Open(entryName(dir, abs))
	if err != nil {
		return "", false
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCacheEntry+1))
	f.Close()
	if err != nil || len(b) > maxCacheEntry {
		return "", false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil {
		return "", false
	}
	e.Full = true
	if e.Path != abs || e.fileState != st || !isHexDigest(e.SHA256) {
		return "", false
	}
	return e.SHA256, true
}

// storeDigest writes the entry of path aside and renames it into place, so
// that a reader sees the old entry or the new one, never a part. Failures
// only mean a later read hashes the file again.
func storeDigest(dir, path string, st fileState, sum string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	b, err := json.Marshal(cacheEntry{Path: abs, fileState: st, SHA256: sum})
	if err != nil || len(b) > maxCacheEntry {
		return
	}
	if os.MkdirAll(dir, 0o700) != nil {
		return
	}
	name := entryName(dir, abs)
	tmp, err := os.CreateTemp(dir, filepath.Base(name)+".*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), name) != nil {
		os.Remove(tmp.Name())
	}
}

// isHexDigest says whether s is a SHA-256 digest in lower-case hex.
func isHexDigest(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
