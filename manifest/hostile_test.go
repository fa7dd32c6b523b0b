package manifest_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/testcost"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/manifest"
)

// deepManifest is issue 17's manifest: a valid start, then an inline
// table nested n deep (n = 10 000: 41 KB, which took 2.85 GB in the TOML
// parser and died; n = 5 000: 1.1 GB, 5.3 s and a 25 MB error message
// stored in the results).
func deepManifest(n int) string {
	return "[activity]\narray = \"a.npy\"\nkind = \"counts\"\nbin_ms = 45\n" +
		"[behaviour]\narray = \"b.npy\"\nx = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n) + "\n"
}

// TestDeepManifest: refused at once with a short message naming the file,
// in a child process whose peak memory stays under 200 MB (the issue's
// bound).
func TestDeepManifest(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{5000, 10000} {
		p := filepath.Join(dir, fmt.Sprintf("deep%d.toml", n))
		if err := os.WriteFile(p, []byte(deepManifest(n)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := manifest.Parse(p)
		want := p + ": line 7: nested more than 16 levels deep"
		if err == nil || err.Error() != want || !errors.Is(err, tomlsafe.ErrTooDeep) {
			t.Errorf("%d deep: %v, want %q", n, err, want)
		}
		if testing.Short() || (runtime.GOOS != "linux" && runtime.GOOS != "darwin") {
			continue
		}
		rss, out := testcost.PeakRSS(t, "TestDeepManifestChild", time.Minute, "DEEP_MANIFEST="+p)
		t.Logf("%d deep: %.0f MB peak", n, float64(rss)/1e6)
		if rss > 200<<20 || !strings.Contains(out, want) {
			t.Errorf("%d deep: %d MB peak, output %s", n, rss>>20, out)
		}
	}
}

// TestDeepManifestChild parses one manifest for TestDeepManifest.
func TestDeepManifestChild(t *testing.T) {
	if !testcost.InChild() {
		t.Skip("run by TestDeepManifest")
	}
	_, err := manifest.Parse(os.Getenv("DEEP_MANIFEST"))
	fmt.Println(err)
}

// TestManifestNotRegular: a manifest that is a named pipe is refused, not
// waited on; one too long for a manifest is refused before it is parsed;
// a licence linked to /dev/zero is not read (its name stands as the
// licence text).
func TestManifestNotRegular(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("named pipes and /dev/zero as on Linux")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "rec.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := manifest.Parse(fifo); !errors.Is(err, inputfile.ErrNotRegular) || !strings.Contains(err.Error(), fifo) {
		t.Errorf("pipe: %v", err)
	}
	long := filepath.Join(dir, "long.toml")
	os.WriteFile(long, []byte(strings.Repeat("# comment\n", 10000)), 0o644)
	if _, err := manifest.Parse(long); !errors.Is(err, inputfile.ErrTooLarge) || !strings.Contains(err.Error(), long) {
		t.Errorf("100 KB manifest: %v", err)
	}
	// A licence linked to /dev/zero: the manifest loads.
	src := "../data/golub2018_bci"
	for _, f := range []string{"npy", "before.toml"} {
		abs, _ := filepath.Abs(filepath.Join(src, f))
		if err := os.Symlink(abs, filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "LICENSE")); err != nil {
		t.Fatal(err)
	}
	rec, _, err := manifest.Load(filepath.Join(dir, "before.toml"))
	if err != nil || rec.Licence != "LICENSE" {
		t.Errorf("licence linked to /dev/zero: %v, licence %q", err, rec.Licence)
	}
}
