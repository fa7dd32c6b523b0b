package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/testcost"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
)

// FuzzParse parses arbitrary bytes as a manifest: an error (naming the
// file, one line, of bounded length) or a manifest whose required parts
// are there, never a panic or a hang. Seeds: the bundled manifest and
// variations of it.
func FuzzParse(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("..", "data", "golub2018_bci", "before.toml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(strings.Replace(string(b), "bin_ms = 45", "bin_ms = 1e308", 1)))
	f.Add([]byte(strings.Replace(string(b), "[mask]", "[mask]\nkeep = \"k.npy\"", 1)))
	f.Add([]byte("[activity]\narray = 'a.npz:x'\nkind = 'rates'\nbin_ms = 1\n[behaviour]\narray = 'b.npy'\n[preprocess]\nlag_ms = 100\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		m, err := parse(b, "fuzz.toml")
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.toml: ") || len(msg) > 2*tomlsafe.MaxMessage+200 {
				t.Errorf("error %q", msg)
			}
			return
		}
		if m.Activity.Array == "" || m.Behaviour.Array == "" || !(m.Activity.BinMS > 0) {
			t.Errorf("accepted %+v", m)
		}
	})
}
