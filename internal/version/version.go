// Package version reports the version of oblique that is running.
package version

import (
	"runtime"
	"runtime/debug"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// Version is the release of oblique.
const Version = "0.1.0"

// commit is the commit the binary was built from, set by the Makefile's
// build (-ldflags -X …/internal/version.commit=$(git describe …)) so that a
// build with -buildvcs=false, or from an archive, still says it. Go's own
// VCS stamp, when present, wins.
var commit string

// String returns the release, the commit it was built from when known, the
// Go version and the active kernel path (see linalg.KernelPath), e.g.
// "0.1.0 (a1b2c3d, go1.26.8, avx2 kernels)". Results are reproducible bit
// for bit for the same version on the same kernel path.
func String() string {
	rev := "unknown commit"
	if commit != "" {
		rev = commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
				if len(rev) > 12 {
					rev = rev[:12]
				}
			case "vcs.modified":
				if s.Value == "true" {
					rev += "+dirty"
				}
			}
		}
	}
	return Version + " (" + rev + ", " + runtime.Version() + ", " + linalg.KernelPath() + " kernels)"
}
