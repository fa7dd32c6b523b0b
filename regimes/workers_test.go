package regimes_test

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/regimes"
)

// TestGOMAXPROCSSameBits runs the whole analysis in child processes with
// GOMAXPROCS 1, 2 and 3 (which sets the analysis' workers and the product
// kernels' goroutines alike) and requires the same bits from each: every
// reduction runs in an order fixed by the data, never by the workers. The
// designs cover the paths of decode.FitDesign: a tall one long enough for
// several segments of samples (moments and passes split over workers), its
// neuron and sample subsets, and a wide one (fitted from copies).
func TestGOMAXPROCSSameBits(t *testing.T) {
	if os.Getenv("OBLIQUE_BITS_CHILD") != "" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("runs the analysis in three processes")
	}
	var first string
	for _, procs := range []string{"1", "2", "3"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBitsChild$", "-test.v")
		cmd.Env = append(os.Environ(), "OBLIQUE_BITS_CHILD=1", "GOMAXPROCS="+procs)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOMAXPROCS=%s: %v\n%s", procs, err, out)
		}
		digest := ""
		for _, line := range strings.Split(string(out), "\n") {
			if d, ok := strings.CutPrefix(strings.TrimSpace(line), "bits "); ok {
				digest = d
			}
		}
		if digest == "" {
			t.Fatalf("GOMAXPROCS=%s: no digest in\n%s", procs, out)
		}
		t.Logf("GOMAXPROCS=%s: %s", procs, digest)
		if first == "" {
			first = digest
		} else if digest != first {
			t.Errorf("GOMAXPROCS=%s gives other numbers than GOMAXPROCS=1", procs)
		}
	}
}

// TestBitsChild is the child of TestGOMAXPROCSSameBits: it prints a digest
// of every number the analyses return.
func TestBitsChild(t *testing.T) {
	if os.Getenv("OBLIQUE_BITS_CHILD") == "" {
		t.Skip("only run by TestGOMAXPROCSSameBits")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	tall := func(rows, cols int) (x, z *mat.Dense) {
		x, z = mat.NewDense(rows, cols, nil), mat.NewDense(rows, 2, nil)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				x.Set(i, j, float64(rng.IntN(4))+0.1*float64(j))
			}
			z.Set(i, 0, x.At(i, 0)-x.At(i, 3)+rng.NormFloat64())
			z.Set(i, 1, x.At(i, 5)+0.5*rng.NormFloat64())
		}
		return x, z
	}
	h := sha256.New()
	for _, shape := range [][2]int{{40000, 24}, {50, 80}} {
		x, z := tall(shape[0], shape[1])
		given := mat.NewDense(2, shape[1], nil)
		given.Set(0, 0, 1)
		given.Set(1, 5, 1)
		r, err := regimes.Analyze(x, z, given, regimes.Settings{Seed: 4, NeuronDraws: 4, TimeDraws: 4, Bootstrap: 100}, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(h, numbers(r))
	}
	fmt.Printf("bits %x\n", h.Sum(nil))
}

// numbers lists every number of a result, each as its exact bits.
func numbers(r *regimes.Result) string {
	var b strings.Builder
	put := func(v ...float64) {
		for _, x := range v {
			fmt.Fprintf(&b, "%x ", math.Float64bits(x))
		}
	}
	put(r.R2, r.Rho, r.Ratio, r.RhoGiven, r.DecoderMatch, r.Model.Alpha, float64(r.DVar), float64(r.DFit))
	put(r.Model.Coef.RawMatrix().Data...)
	put(r.Model.Intercept...)
	put(r.Model.Scores...)
	put(r.CumVar...)
	for _, p := range r.Path {
		put(p.Alpha, p.R2)
	}
	for l := range r.Neuron.N {
		put(r.Neuron.Rho[l]...)
		put(r.Neuron.R2[l]...)
		put(r.Neuron.Alpha[l]...)
	}
	put(r.Neuron.Slope, r.Neuron.SlopeLo, r.Neuron.SlopeHi)
	put(r.Time.Rho...)
	put(r.Time.R2...)
	put(r.Time.Alpha...)
	put(r.Time.Ratio...)
	return b.String()
}
