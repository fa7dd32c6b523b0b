package tomlsafe

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/testcost"
)

// tomlSeeds adds the repository's TOML files and this package's deep
// cases to f.
func tomlSeeds(f *testing.F, root string) {
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.toml"))
	more, _ := filepath.Glob(filepath.Join(root, "*", "*", "*.toml"))
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range deep(MaxDepth + 1) {
		f.Add([]byte(s))
	}
}

// FuzzDecode: whatever the bytes, Decode returns (an error with a
// message of at most MaxMessage bytes, plus "line N: "), and what the
// parser allocates stays linear in the input: 1 KiB a byte (the costliest
// files within the bounds allocate about 470 bytes a byte) plus 1 MiB.
func FuzzDecode(f *testing.F) {
	tomlSeeds(f, "../..")
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		var err error
		alloc := testcost.Allocated(func() {
			var v map[string]any
			_, err = Decode(b, &v)
		})
		if err != nil {
			if e, ok := err.(*Error); !ok || len(e.Msg) > MaxMessage || e.Msg == "" {
				t.Errorf("error %T %q", err, err)
			}
		}
		if alloc > 1<<20+1024*uint64(len(b)) {
			t.Errorf("%d bytes allocated for %d bytes of TOML", alloc, len(b))
		}
	})
}
