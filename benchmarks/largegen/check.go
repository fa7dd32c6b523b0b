package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/oblique-neuro/oblique/reports/figures"
)

// Tolerances of check, between oblique's Arrow table and the peer's JSON.
// Both sides fit the same float64 problems (oblique from the Gram matrix
// and an eigendecomposition, the peer from SVDs) on the same draws, so they
// agree to rounding amplified by the condition of the designs (about 1e-13
// relative here); the tolerances are the promise of METHODS.md §3 and the
// decoder tests (decode/sklearn_test.go): 1e-8 relative on ρ, 1e-8 absolute
// on R², the same α (to a few ulps: 10^e rounds differently in Go and
// glibc), the same dimensions, cumulative variance to 1e-10. The statistics
// of ρ over draws (means, percentiles, the slope of log ρ·√n, its bootstrap
// interval, on the same resamples) inherit ρ's 1e-8 relative error: 1e-8
// relative, and for the standard deviation 1e-8 of the mean (absolute).
const (
	rhoTol = 1e-8
	r2Tol  = 1e-8
	varTol = 1e-10
)

// peer is what benchmarks/large_peer.py writes.
type peer struct {
	R2, Alpha, Rho   float64
	DVar             int         `json:"d_var"`
	DFit             int         `json:"d_fit"`
	R2k              []float64   `json:"r2_k"`
	Alphak           []float64   `json:"alpha_k"`
	CumVar           []float64   `json:"cum_var"`
	RhoTimeMean      float64     `json:"rho_time_mean"`
	RhoTimeSD        float64     `json:"rho_time_sd"`
	TimeRho          []float64   `json:"time_rho"`
	ScalingN         []int       `json:"scaling_n"`
	ScalingRho       [][]float64 `json:"scaling_rho"`
	Mean             []float64   `json:"rho_sqrt_n_mean"`
	Lo               []float64   `json:"rho_sqrt_n_lo"`
	Hi               []float64   `json:"rho_sqrt_n_hi"`
	Slope            float64
	SlopeLo          float64 `json:"slope_lo"`
	SlopeHi          float64 `json:"slope_hi"`
	Samples, Neurons int
}

// check compares every number of oblique's table (first row) with the
// peer's and prints the largest difference of each kind; it fails when one
// exceeds its tolerance.
func check(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("check: want RESULTS.arrow PEER.json")
	}
	t, err := figures.ReadTable(args[0])
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	var p peer
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	if e := t.Str("error", 0); e != "" {
		return fmt.Errorf("%s: oblique failed: %s", args[0], e)
	}
	c := &checker{t: t}
	c.exact("samples", float64(p.Samples))
	c.exact("neurons", float64(p.Neurons))
	c.rel("rho", rhoTol, p.Rho)
	c.abs("r2", r2Tol, p.R2)
	c.alpha("alpha", p.Alpha)
	c.exact("d_var", float64(p.DVar))
	c.exact("d_fit", float64(p.DFit))
	c.abs("cum_var", varTol, p.CumVar...)
	c.abs("r2_k", r2Tol, p.R2k...)
	c.alpha("alpha_k", p.Alphak...)
	c.rel("time_rho", rhoTol, p.TimeRho...)
	c.rel("rho_time_mean", rhoTol, p.RhoTimeMean)
	c.absScaled("rho_time_sd", rhoTol*p.RhoTimeMean, p.RhoTimeSD)
	for i, n := range p.ScalingN {
		c.exactAt("scaling_n", float64(n), i)
	}
	for l, rhos := range p.ScalingRho {
		for d, r := range rhos {
			c.relAt("scaling_rho", rhoTol, r, l, d)
		}
	}
	c.rel("rho_sqrt_n_mean", rhoTol, p.Mean...)
	c.rel("rho_sqrt_n_lo", rhoTol, p.Lo...)
	c.rel("rho_sqrt_n_hi", rhoTol, p.Hi...)
	// The slope is a difference quotient of logs: ρ's relative error
	// becomes an absolute one.
	c.absScaled("slope", rhoTol, p.Slope)
	c.absScaled("slope_lo", rhoTol, p.SlopeLo)
	c.absScaled("slope_hi", rhoTol, p.SlopeHi)
	for _, name := range c.order {
		w := c.worst[name]
		fmt.Printf("  %-16s %5d values  largest difference %.2g (%s; tolerance %.0e)\n", name, w.n, w.diff, w.kind, w.tol)
	}
	if len(c.failed) > 0 {
		for _, f := range c.failed {
			fmt.Println("  FAIL", f)
		}
		return fmt.Errorf("check: %d numbers differ beyond their tolerance", len(c.failed))
	}
	fmt.Println("  all numbers agree within their tolerances")
	return nil
}

type worst struct {
	n         int
	diff, tol float64
	kind      string
}

type checker struct {
	t      *figures.Table
	worst  map[string]worst
	order  []string
	failed []string
}

func (c *checker) note(name, kind string, tol, diff float64, ok bool, what string) {
	if c.worst == nil {
		c.worst = map[string]worst{}
	}
	w, seen := c.worst[name]
	if !seen {
		c.order = append(c.order, name)
		w = worst{kind: kind, tol: tol}
	}
	w.n++
	w.diff = math.Max(w.diff, diff)
	c.worst[name] = w
	if !ok {
		c.failed = append(c.failed, what)
	}
}

// get returns oblique's value at column name, list indices idx.
func (c *checker) get(name string, idx ...int) (float64, bool) {
	return c.t.Num(name, 0, idx...)
}

func (c *checker) compare(name, kind string, tol float64, want float64, idx []int, diff func(got float64) float64) {
	got, ok := c.get(name, idx...)
	d := math.Inf(1)
	if ok {
		d = diff(got)
	}
	c.note(name, kind, tol, d, ok && d <= tol, fmt.Sprintf("%s%v: oblique %v, peer %v", name, idx, got, want))
}

func (c *checker) relAt(name string, tol, want float64, idx ...int) {
	c.compare(name, "relative", tol, want, idx, func(got float64) float64 {
		return math.Abs(got-want) / math.Max(math.Abs(want), math.SmallestNonzeroFloat64)
	})
}

func (c *checker) rel(name string, tol float64, want ...float64) {
	for i, w := range want {
		c.relAt(name, tol, w, index(name, c.t, i)...)
	}
}

func (c *checker) abs(name string, tol float64, want ...float64) {
	for i, w := range want {
		c.compare(name, "absolute", tol, w, index(name, c.t, i), func(got float64) float64 { return math.Abs(got - w) })
	}
}

func (c *checker) absScaled(name string, tol, want float64) { c.abs(name, tol, want) }

func (c *checker) exactAt(name string, want float64, idx ...int) {
	c.compare(name, "exact", 0, want, idx, func(got float64) float64 { return math.Abs(got - want) })
}

func (c *checker) exact(name string, want float64) { c.exactAt(name, want) }

// alpha compares grid values to 4 ulps (decode/sklearn_test.go sameAlpha).
func (c *checker) alpha(name string, want ...float64) {
	for i, w := range want {
		c.compare(name, "ulps", 4, w, index(name, c.t, i), func(got float64) float64 {
			return math.Abs(got-w) / (0x1p-52 * math.Abs(w))
		})
	}
}

// index is the list index i for list columns, none for scalars.
func index(name string, t *figures.Table, i int) []int {
	if _, ok := t.Cell(name, 0).([]any); ok {
		return []int{i}
	}
	return nil
}
