package regimes

import (
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/decode"
)

// TestWarnings checks issue 16's notes instead of silence: an α at either
// edge of the grid, an R² below MinR2 and a single neuron each get a note;
// an ordinary result gets none.
func TestWarnings(t *testing.T) {
	grid := decode.Logspace(-3, 6, 20)
	res := func(alpha, r2 float64, n int) *Result {
		return &Result{R2: r2, Neurons: n, Model: &decode.Model{Alpha: alpha}}
	}
	for _, c := range []struct {
		name string
		r    *Result
		want []string
	}{
		{"ordinary", res(grid[5], 0.7, 50), nil},
		{"top of grid, no fit", res(grid[19], 0.01, 50), []string{"largest of the grid (1e+06)", "R² = 0.01 is below 0.1"}},
		{"bottom of grid", res(grid[0], 1, 86), []string{"smallest of the grid (0.001)"}},
		{"one neuron", res(grid[5], 0.5, 1), []string{"one neuron: ρ is 1"}},
	} {
		got := warnings(c.r, grid)
		if len(got) != len(c.want) {
			t.Errorf("%s: notes %q, want %d", c.name, got, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: note %q lacks %q", c.name, got[i], w)
			}
		}
	}
}

// TestCaveats checks the brief reasons the analyze table records (column
// caveat): the same conditions as the notes of TestWarnings, an α at an
// edge of the grid not among them (the numbers are still meaningful).
func TestCaveats(t *testing.T) {
	for _, c := range []struct {
		r2      float64
		neurons int
		want    string
	}{
		{0.7, 50, ""},
		{MinR2, 50, ""}, // the floor itself is meaningful: R² < MinR2 is not
		{0.0339, 50, "R² < 0.1"},
		{0.5, 1, "one neuron"},
		{0.0339, 1, "R² < 0.1|one neuron"},
	} {
		r := &Result{R2: c.r2, Neurons: c.neurons}
		if got := strings.Join(r.Caveats(), "|"); got != c.want {
			t.Errorf("R² %g, %d neurons: caveats %q, want %q", c.r2, c.neurons, got, c.want)
		}
	}
}
