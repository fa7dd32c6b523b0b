package cli

import (
	"fmt"
	"os"

	"github.com/oblique-neuro/oblique/reports"
)

// checkOutput refuses, before any work is done, an -o path that the final
// write would refuse (empty, or naming a directory, device or pipe), one of
// the run's inputs, or an existing file that is not an Arrow table
// (reports.CheckOutput).
func checkOutput(path string, inputs ...string) error {
	if err := reports.CheckOutput(path, inputs...); err != nil {
		return fmt.Errorf("%w: -o: %w", errUsage, err)
	}
	return nil
}

// fileExists tells whether path names something (a file an output would
// replace).
func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
