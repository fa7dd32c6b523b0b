package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// useCache points the user cache folder at a fresh temporary folder (on
// Linux through XDG_CACHE_HOME, on macOS through HOME), turns the digest
// cache on and sets digestSettle for the test; it returns the digest cache
// folder.
func useCache(t *testing.T, settle time.Duration) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv(DigestCacheEnv, "")
	old := digestSettle
	digestSettle = settle
	t.Cleanup(func() { digestSettle = old })
	cache, err := digestCacheDir()
	if err != nil || cache == "" {
		t.Fatalf("no digest cache folder: %q, %v", cache, err)
	}
	return cache
}

// pattern returns the byte pattern of testdata/digest_reference.py.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(uint32(i) * 2654435761 >> 13)
	}
	return b
}

// tempFile writes data to a new file name in a temporary folder.
func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestFileDigestReference checks FileDigest against digests computed by
// Python's hashlib (testdata/digest_reference.py): fixtures, an empty file
// and a 2.5 MiB + 1 byte pattern that ends in a partial block. Each file is
// digested twice: the second time the fixtures, which settled long ago, come
// from the cache, which must give the same digest.
func TestFileDigestReference(t *testing.T) {
	useCache(t, digestSettle)
	b, err := os.ReadFile("testdata/digest_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Files       map[string]string
		PatternSize int `json:"pattern_size"`
		Pattern     string
		Empty       string
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for name, sum := range ref.Files {
		want[filepath.Join("testdata", name)] = sum
	}
	dir := t.TempDir()
	pat, empty := filepath.Join(dir, "pattern"), filepath.Join(dir, "empty")
	if err := os.WriteFile(pat, pattern(ref.PatternSize), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want[pat], want[empty] = ref.Pattern, ref.Empty
	if len(want) != 6 {
		t.Fatalf("reference holds %d digests, want 6", len(want))
	}
	for round := range 2 {
		for path, sum := range want {
			got, err := FileDigest(path)
			if err != nil || got != sum {
				t.Errorf("round %d: FileDigest(%s) = %s, %v; hashlib: %s", round, path, got, err, sum)
			}
		}
	}
	for path, sum := range want {
		if got, ok := CachedDigest(path); strings.HasPrefix(path, "testdata") && (!ok || got != sum) {
			t.Errorf("%s: cached %s, %v; want %s", path, got, ok, sum)
		}
	}
}

// TestDigestCacheNeverStale rewrites a cached file in the ways a cache keyed
// on size and modification time alone would miss: in place with the same
// size and modification time, and replaced by rename with the same size and
// modification time. Each time the digest must be the new content's. A file
// hashed right after it changed (within digestSettle) must not be cached,
// since a second change in the same timestamp tick could not be told apart.
func TestDigestCacheNeverStale(t *testing.T) {
	const settle = 50 * time.Millisecond
	useCache(t, settle)
	a := pattern(3000)
	path := tempFile(t, "rec.nwb", a)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	mtime := fi.ModTime()
	if got, err := FileDigest(path); err != nil || got != hexSum(a) {
		t.Fatalf("fresh file: %s, %v; want %s", got, err, hexSum(a))
	}
	if _, ok := CachedDigest(path); ok {
		t.Fatal("a file hashed right after it was written was cached")
	}
	time.Sleep(2 * settle)
	if got, err := FileDigest(path); err != nil || got != hexSum(a) {
		t.Fatalf("settled file: %s, %v; want %s", got, err, hexSum(a))
	}
	if got, ok := CachedDigest(path); !ok || got != hexSum(a) {
		t.Fatalf("settled file not cached: %s, %v", got, ok)
	}

	b := append([]byte(nil), a...)
	b[1234] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil { // in place: same inode
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if got, err := FileDigest(path); err != nil || got != hexSum(b) {
		t.Fatalf("rewritten in place, same size and mtime: %s, %v; want %s", got, err, hexSum(b))
	}

	time.Sleep(2 * settle)
	if _, err := FileDigest(path); err != nil { // caches b
		t.Fatal(err)
	}
	c := append([]byte(nil), a...)
	c[2999] ^= 0x01
	tmp := path + ".new"
	if err := os.WriteFile(tmp, c, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if got, err := FileDigest(path); err != nil || got != hexSum(c) {
		t.Fatalf("replaced by rename, same size and mtime: %s, %v; want %s", got, err, hexSum(c))
	}
}

// TestDigestCacheCorrupt checks that damaged cache entries are ignored (the
// digest is computed again, with no error) and replaced by a good entry, and
// that a cache folder that cannot be made is no error either.
func TestDigestCacheCorrupt(t *testing.T) {
	cache := useCache(t, 0)
	data := pattern(5000)
	path := tempFile(t, "rec.mat", data)
	want := hexSum(data)
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := stateOf(fi)
	entry := func(e cacheEntry) string {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	other := st
	other.Size++
	bad := strings.Repeat("0", 64)
	for name, text := range map[string]string{
		"empty":          "",
		"garbage":        "\x00\xff{not json",
		"truncated":      entry(cacheEntry{Path: abs, fileState: st, SHA256: bad})[:40],
		"too long":       entry(cacheEntry{Path: abs, fileState: st, SHA256: want}) + strings.Repeat(" ", maxCacheEntry),
		"not hex":        entry(cacheEntry{Path: abs, fileState: st, SHA256: strings.Repeat("z", 64)}),
		"short digest":   entry(cacheEntry{Path: abs, fileState: st, SHA256: "abc"}),
		"other path":     entry(cacheEntry{Path: abs + "x", fileState: st, SHA256: bad}),
		"other version":  entry(cacheEntry{Path: abs, fileState: other, SHA256: bad}),
		"wrong json":     `{"path": 7, "sha256": []}`,
		"other file set": `[1, 2, 3]`,
	} {
		if err := os.MkdirAll(cache, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(entryName(cache, abs), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := FileDigest(path); err != nil || got != want {
			t.Errorf("%s entry: %s, %v; want %s", name, got, err, want)
		}
		if got, ok := CachedDigest(path); !ok || got != want {
			t.Errorf("%s entry not replaced: %s, %v", name, got, ok)
		}
	}
	ents, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != filepath.Base(entryName(cache, abs)) {
		t.Errorf("cache folder holds %v, want the one entry (no temporary files)", ents)
	}

	// A user cache folder that is a file: nothing can be cached.
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", notDir)
	t.Setenv("HOME", notDir)
	if got, err := FileDigest(path); err != nil || got != want {
		t.Errorf("cache folder is a file: %s, %v; want %s", got, err, want)
	}
}

// TestDigestCacheOff checks OBLIQUE_DIGEST_CACHE: "off" neither reads nor
// writes the cache, and a value other than on or off is an error naming the
// variable.
func TestDigestCacheOff(t *testing.T) {
	cache := useCache(t, 0)
	data := pattern(100)
	path := tempFile(t, "rec.nwb", data)
	t.Setenv(DigestCacheEnv, "off")
	if got, err := FileDigest(path); err != nil || got != hexSum(data) {
		t.Errorf("cache off: %s, %v; want %s", got, err, hexSum(data))
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("cache off, but %s was made (%v)", cache, err)
	}
	t.Setenv(DigestCacheEnv, "yes")
	if _, err := FileDigest(path); err == nil || !strings.Contains(err.Error(), DigestCacheEnv) {
		t.Errorf("%s=yes: %v, want an error naming the variable", DigestCacheEnv, err)
	}
}

// TestDigestErrors checks that a file that cannot be read gives an error
// naming it: absent, a folder, without read permission (unless running as
// root, who can read it), changed or removed while it was read.
func TestDigestErrors(t *testing.T) {
	useCache(t, 0)
	dir := t.TempDir()
	cases := []string{filepath.Join(dir, "absent.nwb"), dir}
	if os.Geteuid() != 0 {
		locked := filepath.Join(dir, "locked.nwb")
		if err := os.WriteFile(locked, []byte("x"), 0o000); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, locked)
	}
	for _, path := range cases {
		if _, err := FileDigest(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file", path, err)
		}
	}

	// Changed between StartDigest and Wait, while another reader would
	// parse it: appended to, or removed.
	for _, change := range []func(string) error{
		func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if _, err := f.Write([]byte{1}); err != nil {
				return err
			}
			return f.Close()
		},
		os.Remove,
	} {
		path := filepath.Join(dir, "changing.nwb")
		if err := os.WriteFile(path, pattern(3<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		d := StartDigest(path)
		if err := change(path); err != nil {
			t.Fatal(err)
		}
		if sum, err := d.Wait(); err == nil || !strings.Contains(err.Error(), path+" changed while it was read") {
			t.Errorf("changed while read: %s, %v; want an error naming the file", sum, err)
		}
	}
}

// TestDigestCancel checks that Cancel stops a digest and returns, and that
// Wait afterwards reports the cancellation or the finished digest (it may
// have finished first), never a wrong one.
func TestDigestCancel(t *testing.T) {
	useCache(t, 0)
	data := pattern(8 << 20)
	path := tempFile(t, "big.nwb", data)
	d := StartDigest(path)
	d.Cancel()
	if sum, err := d.Wait(); (err == nil) == (sum == "") || err != nil && err != errCancelled || err == nil && sum != hexSum(data) {
		t.Errorf("after Cancel: %q, %v", sum, err)
	}
}
