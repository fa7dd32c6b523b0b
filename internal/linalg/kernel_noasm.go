//go:build noasm || !(amd64 || arm64)

package linalg

import "runtime"

const goarch = runtime.GOARCH

// noasmNote says why a binary has no assembly paths.
var noasmNote = func() string {
	if runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" {
		return " with -tags noasm"
	}
	return ""
}()

// archPaths: this build has the generic path only.
func archPaths() []*kernelPath { return nil }
