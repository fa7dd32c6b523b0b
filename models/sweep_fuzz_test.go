package models_test

import (
	"strings"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/testcost"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
)

// FuzzParseSweep parses arbitrary bytes as a sweep file: an error of
// bounded length naming the file, or a sweep whose runs list, never a
// panic or a hang. Seed: the bundled sweep.
func FuzzParseSweep(f *testing.F) {
	f.Add(bundled.Sweep())
	f.Add([]byte("tasks = [\"romo\"]\nregimes = [\"aligned\"]\nseeds = [1, 2]\nn = 16\n[lr0.aligned]\nromo = 0.01\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		s, err := models.ParseSweep(b, "fuzz.toml")
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.toml: ") || len(msg) > 2*tomlsafe.MaxMessage+200 {
				t.Errorf("error %q", msg)
			}
			return
		}
		if _, err := s.Runs(); err != nil {
			t.Errorf("accepted, but Runs: %v", err)
		}
	})
}
