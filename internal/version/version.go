// Package version reports the version of oblique that is running.
package version

import (
	"runtime"
	"runtime/debug"
)

// Version is the release of oblique.
const Version = "0.1.0"

// String returns the release, the commit it was built from when known, and
// the Go version, e.g. "0.1.0 (a1b2c3d, go1.26.8)".
func String() string {
	rev := "unknown commit"
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
	return Version + " (" + rev + ", " + runtime.Version() + ")"
}
