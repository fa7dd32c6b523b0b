// Command kernelpaths prints the kernel paths of package linalg that this
// CPU can run, one per line, generic first and the fastest last:
//
//	go run ./internal/linalg/kernelpaths
//
// scripts/test-kernels.sh runs the kernel tests once per path with
// OBLIQUE_KERNEL set to each.
package main

import (
	"fmt"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

func main() {
	for _, p := range linalg.KernelPaths() {
		fmt.Println(p)
	}
}
