package inputfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{p, link} {
		b, err := inputfile.ReadFile(name, 5)
		if err != nil || string(b) != "hello" {
			t.Errorf("ReadFile(%s) = %q, %v", name, b, err)
		}
	}
	_, err := inputfile.ReadFile(p, 4)
	if !errors.Is(err, inputfile.ErrTooLarge) || !strings.Contains(err.Error(), p) {
		t.Errorf("ReadFile with max 4: %v, want ErrTooLarge naming the file", err)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := inputfile.Open(missing); !errors.Is(err, fs.ErrNotExist) || err.Error() != "open "+missing+": no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
}

// TestRefused: devices, links to them, directories and named pipes are
// refused at once with a message naming the file and what it is; a pipe
// with no writer must not block (the test would time out).
func TestRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/zero or named pipes")
	}
	dir := t.TempDir()
	zero := filepath.Join(dir, "x.npy")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.nwb")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{"/dev/zero", "open /dev/zero: a character device, not a regular file"},
		{zero, "open " + zero + ": a link to /dev/zero, a character device, not a regular file"},
		{"/dev/urandom", "open /dev/urandom: a character device, not a regular file"},
		{dir, "open " + dir + ": a directory, not a regular file"},
		{fifo, "open " + fifo + ": a named pipe (FIFO), not a regular file"},
	}
	for _, c := range cases {
		start := time.Now()
		f, err := inputfile.Open(c.path)
		if err == nil {
			f.Close()
		}
		if err == nil || err.Error() != c.want || !errors.Is(err, inputfile.ErrNotRegular) {
			t.Errorf("Open(%s): %v, want %q wrapping ErrNotRegular", c.path, err, c.want)
		}
		if err := inputfile.Check(c.path); err == nil || err.Error() != c.want {
			t.Errorf("Check(%s): %v", c.path, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v", c.path, d)
		}
	}
}

// TestSparse: a file of 8 GiB with 4 KiB of data is refused; one whose
// holes are under half its length, or shorter than MinSparse, is read.
func TestSparse(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("holes are found on Linux only")
	}
	dir := t.TempDir()
	sparse := func(name string, size int64, data int) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(make([]byte, data)); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := sparse("big.npy", 8<<30, 4096)
	err := inputfile.Check(big)
	want := "open " + big + ": a sparse file: 8.0 GiB long, of which 4.0 KiB are stored"
	if !errors.Is(err, inputfile.ErrSparse) || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("8 GiB sparse: %v, want %q…", err, want)
	}
	// More than half data: accepted (the hole at the end is 1 MiB of 3).
	if err := inputfile.Check(sparse("mostly.npy", 3<<20, 2<<20)); err != nil {
		t.Errorf("two-thirds data: %v", err)
	}
	if err := inputfile.Check(sparse("small.npy", inputfile.MinSparse-1, 0)); err != nil {
		t.Errorf("short file of holes: %v", err)
	}
	// The offset is left at the start after the walk.
	p := sparse("offset.npy", 3<<20, 2<<20)
	f, err := inputfile.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if off, _ := f.Seek(0, 1); off != 0 {
		t.Errorf("offset %d after Open, want 0", off)
	}
}

func TestLimit(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "2MiB")
	if n, err := inputfile.Limit(); n != 2<<20 || err != nil {
		t.Errorf("Limit = %d, %v", n, err)
	}
	if err := inputfile.CheckSize(2 << 20); err != nil {
		t.Error(err)
	}
	err := inputfile.CheckSize(2<<20 + 1)
	want := "needs 2.0 MiB, more than the 2.0 MiB one input may take (OBLIQUE_MAX_INPUT; see the README)"
	if !errors.Is(err, inputfile.ErrTooLarge) || err.Error() != want {
		t.Errorf("CheckSize: %v, want %q", err, want)
	}
	if err := inputfile.CheckSize(-1); err == nil || !strings.Contains(err.Error(), "more than 8 EiB") {
		t.Errorf("CheckSize(-1): %v", err)
	}
	t.Setenv(inputfile.LimitEnv, "lots")
	if _, err := inputfile.Limit(); err == nil || !strings.Contains(err.Error(), `OBLIQUE_MAX_INPUT="lots"`) {
		t.Errorf("bad setting: %v", err)
	}
	t.Setenv(inputfile.LimitEnv, "")
	if n, err := inputfile.Limit(); n < 64<<20 || err != nil {
		t.Errorf("default Limit = %d, %v: want at least 64 MiB", n, err)
	}
}

func TestParseBytes(t *testing.T) {
	for s, want := range map[string]int64{"1": 1, "512MiB": 512 << 20, "3 GiB": 3 << 30, "7B": 7, "1TiB": 1 << 40, "10KiB": 10 << 10} {
		if n, err := inputfile.ParseBytes(s); n != want || err != nil {
			t.Errorf("ParseBytes(%q) = %d, %v, want %d", s, n, err, want)
		}
	}
	for _, s := range []string{"", "0", "-1", "1.5GiB", "1GB", "MiB", "99999999999TiB"} {
		if n, err := inputfile.ParseBytes(s); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", s, n)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 3 << 30: "3.0 GiB", 1536 << 20: "1.5 GiB"} {
		if got := inputfile.Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestList(t *testing.T) {
	many := make([]string, 25)
	for i := range many {
		many[i] = string(rune('a' + i))
	}
	for _, c := range []struct {
		names []string
		want  string
	}{
		{nil, "none"},
		{[]string{"x", "y"}, "x, y"},
		{many, "a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, … (5 more)"},
		{[]string{strings.Repeat("é", 40)}, strings.Repeat("é", 32) + "…"},
	} {
		if got := inputfile.List(c.names); got != c.want {
			t.Errorf("List(%q) = %q, want %q", c.names, got, c.want)
		}
	}
}

// BenchmarkCheck: what the check costs each file opened by name (the NWB
// and v7.3 readers): a stat, an open, an fstat and a close.
func BenchmarkCheck(b *testing.B) {
	p := filepath.Join(b.TempDir(), "x.nwb")
	if err := os.WriteFile(p, make([]byte, 4<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := inputfile.Check(p); err != nil {
			b.Fatal(err)
		}
	}
}
