package presets

import (
	"os"
	"testing"
)

// TestMain keeps the digest cache of the tests' preset loads in a temporary
// folder, not the user's (Linux; the digest cache's own tests are in
// ingest).
func TestMain(m *testing.M) {
	cache, err := os.MkdirTemp("", "oblique-test-cache")
	if err == nil {
		os.Setenv("XDG_CACHE_HOME", cache)
	}
	code := m.Run()
	if err == nil {
		os.RemoveAll(cache)
	}
	os.Exit(code)
}
