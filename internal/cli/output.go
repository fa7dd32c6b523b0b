package cli

import (
	"fmt"

	"github.com/oblique-neuro/oblique/internal/atomicfile"
)

// checkOutput refuses, before any work is done, an -o path that the final
// write would refuse: empty, or naming a directory, device or pipe.
func checkOutput(path string) error {
	if _, err := atomicfile.Destination(path); err != nil {
		return fmt.Errorf("%w: -o: %v", errUsage, err)
	}
	return nil
}
