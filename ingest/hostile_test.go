package ingest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/testcost"
)

// The reproducers of issue 17 that read arrays, each run in a child
// process whose peak memory the operating system reports: each must end
// with its error, under 200 MB (the bound). Before, the NPZ member
// was read whole (io.ReadAll) before its size was checked, and files by
// os.ReadFile: each case died with "fatal error: out of memory", and a
// named pipe hung.
func TestHostileArraysMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10 MB of archives and runs a child per case")
	}
	if runtime.GOOS != "linux" {
		t.Skip("sparse files, /dev/zero and named pipes as on Linux")
	}
	dir := t.TempDir()
	const gib = 1 << 30
	// A valid deflate stream of 3 GiB of zeros is 3 MB: the same
	// flushed block repeated.
	bomb := func(name string, hdr []byte, declared int64) string {
		p := filepath.Join(dir, name)
		ingest.WriteZeroBomb(t, p, hdr, 3*gib, declared)
		return p
	}
	small := ingest.NPYHeader("<f8", "(2, 3)")
	big := ingest.NPYHeader("<f8", fmt.Sprintf("(%d,)", 3*gib/8))
	sparse := filepath.Join(dir, "sparse.npy")
	writeSparse(t, sparse, ingest.NPYHeader("<f8", fmt.Sprintf("(%d,)", 1<<30)), 8<<30)
	zero := filepath.Join(dir, "zero.npy")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// The control: 16 MiB of uint8 is 128 MiB as float64, which the
	// measurement must see.
	control := filepath.Join(dir, "control.npy")
	writeSparse(t, control, ingest.NPYHeader("|u1", fmt.Sprintf("(%d,)", 16<<20)), 0)
	if err := os.WriteFile(control, append(ingest.NPYHeader("|u1", fmt.Sprintf("(%d,)", 16<<20)), bytes.Repeat([]byte{1}, 16<<20)...), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, key, env, want string
		atLeast                    int64
	}{
		{"NPZ member of 3 GiB behind a (2, 3) header", bomb("bomb.npz", small, -1), "x", "",
			"data section has 3221225472 bytes, shape [2 3] of <f8 needs 48 (truncated or corrupt file)", 0},
		{"NPZ member of 3 GiB that says so, over a 256 MiB limit", bomb("honest.npz", big, -1), "x", inputfile.LimitEnv + "=256MiB",
			"shape [402653184] as float64 needs 3.0 GiB, more than the 256.0 MiB one input may take", 0},
		{"NPZ member of 3 GiB whose archive declares 48 bytes", bomb("liar.npz", small, int64(len(small))+48), "x", "",
			`array "x": zip: not a valid zip file`, 0},
		{"sparse NPY of 8 GiB", sparse, "", "", "a sparse file: 8.0 GiB long, of which 4.0 KiB are stored", 0},
		{"NPY linked to /dev/zero", zero, "", "", "a link to /dev/zero, a character device, not a regular file", 0},
		{"named pipe", fifo, "", "", "a named pipe (FIFO), not a regular file", 0},
		{"control: 16 MiB of uint8", control, "", "", "read 16777216 values", 128 << 20},
	}
	for _, c := range cases {
		env := []string{"HOSTILE_PATH=" + c.path, "HOSTILE_KEY=" + c.key}
		if c.env != "" {
			env = append(env, c.env)
		}
		start := time.Now()
		rss, out := testcost.PeakRSS(t, "TestHostileArraysChild", time.Minute, env...)
		t.Logf("%s: %.0f MB peak, %v", c.name, float64(rss)/1e6, time.Since(start).Round(time.Millisecond))
		if !strings.Contains(out, c.want) || !strings.Contains(out, filepath.Base(c.path)) {
			t.Errorf("%s: output\n%s\nwant it to name the file and say %q", c.name, out, c.want)
		}
		if rss > 200<<20 {
			t.Errorf("%s: %d MB peak, want under 200 MB", c.name, rss>>20)
		}
		if rss < c.atLeast {
			t.Errorf("%s: %d MB peak, want at least %d MB: the measurement misses allocations", c.name, rss>>20, c.atLeast>>20)
		}
	}
}

// TestHostileArraysChild reads one array for TestHostileArraysMemory.
func TestHostileArraysChild(t *testing.T) {
	if !testcost.InChild() {
		t.Skip("run by TestHostileArraysMemory")
	}
	a, _, err := ingest.ReadArray(os.Getenv("HOSTILE_PATH"), os.Getenv("HOSTILE_KEY"))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("%s: read %d values\n", os.Getenv("HOSTILE_PATH"), len(a.Data))
}

// writeSparse writes hdr at the start of a file of size bytes (at least
// the header's): the rest is a hole.
func writeSparse(t *testing.T, path string, hdr []byte, size int64) {
	t.Helper()
	if err := os.WriteFile(path, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, max(size, int64(len(hdr)))); err != nil {
		t.Fatal(err)
	}
}

// TestZeroBombIsValid: the archive writeZeroBomb makes is what it says: a
// true 3 MiB member read to its end through archive/zip matches its CRC.
func TestZeroBombIsValid(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.npz")
	hdr := ingest.NPYHeader("|u1", fmt.Sprintf("(%d,)", 3<<20))
	ingest.WriteZeroBomb(t, p, hdr, 3<<20, -1)
	a, _, err := ingest.ReadArray(p, "x")
	if err != nil || len(a.Data) != 3<<20 {
		t.Fatalf("read %v, %v", a != nil, err)
	}
	for i, v := range a.Data {
		if v != 0 {
			t.Fatalf("value %d is %v", i, v)
		}
	}
	fi, _ := os.Stat(p)
	if fi.Size() > 10<<10 {
		t.Errorf("3 MiB of zeros took %d bytes", fi.Size())
	}
}

// TestNotRegularNamed: the errors name the file and what it is, and wrap
// inputfile's sentinels, through ReadArray as through inputfile.
func TestNotRegularNamed(t *testing.T) {
	_, _, err := ingest.ReadArray("/dev/null", "")
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, inputfile.ErrNotRegular) || pe.Path != "/dev/null" {
		t.Errorf("/dev/null: %v", err)
	}
}
