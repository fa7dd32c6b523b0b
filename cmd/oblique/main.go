// Command oblique tells whether a neural population's dynamics are aligned
// with its behavioural output or oblique to it. Run `oblique help`.
package main

import (
	"os"

	"github.com/oblique-neuro/oblique/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
