package figures

import (
	"strings"

	"github.com/oblique-neuro/oblique/regimes"
)

// Caveat returns why the regime numbers (ρ, D_fit/D_var, the scaling
// slope) of row i of an analyze table are not meaningful, "" when they
// are: its caveat column, or, in a table written before that column, the
// same conditions (regimes.Caveats) tested on its r2 and neurons.
func Caveat(t *Table, i int) string {
	if t.Has("caveat") {
		return t.Str("caveat", i)
	}
	r2, ok1 := t.Num("r2", i)
	n, ok2 := t.Num("neurons", i)
	if !ok1 || !ok2 {
		return ""
	}
	return strings.Join(regimes.Caveats(r2, int(n)), "; ")
}

// caveats collects the caveats of the recordings a figure draws, for its
// legend entry: the reasons in the order first met, each once.
type caveats struct {
	reasons []string
}

func (c *caveats) add(caveat string) {
	for _, r := range strings.Split(caveat, "; ") {
		if r != "" && indexOf(c.reasons, r) < 0 {
			c.reasons = append(c.reasons, r)
		}
	}
}

// label is the legend's text for the hollow markers.
func (c *caveats) label(what string) string {
	return what + ", not meaningful (" + strings.Join(c.reasons, ", ") + ")"
}
