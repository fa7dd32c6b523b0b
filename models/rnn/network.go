// Package rnn is the paper's rate network (METHODS.md §5): its parameters
// and initialisation, the noisy Euler–Maruyama dynamics, hand-written
// backpropagation through time for the masked mean squared error, and Adam.
//
// The network has N units with state x (one row per trial), inputs u and
// outputs z:
//
//	x ← (1−dt)·x + dt·(tanh(x)·Wᵀ + u·W_inᵀ) + √dt·σ·ξ,   ξ ~ N(0, I)
//	z = x·W_outᵀ
//
// with τ = 1, dt = 0.2 and no biases. The state recorded at step t (and read
// out) is x before that step's update; x₀ is zero plus N(0, 1) noise drawn
// fresh for every trial.
//
// Engine runs these dynamics on a batch of trials, forward and backward. It
// is generic in the element type: Engine[float64] is the reference whose
// gradients are checked by finite differences, Engine[float32] the fast
// path used for training (AVX-512 kernels in internal/linalg, every core).
// Both run the same code; only the kernels under the products and the
// element-wise steps differ.
package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// OutScale is the scale of the output weights at initialisation, the knob
// that sets the regime.
type OutScale string

const (
	// Small output weights, W_out ~ N(0, 1/N²) (‖W_out‖ ~ 1/√N): aligned
	// dynamics. The zero value of Init means Small, the reference code's
	// default.
	Small OutScale = "small"
	// Large output weights, W_out ~ N(0, 1/N) (‖W_out‖ ~ 1): oblique
	// dynamics.
	Large OutScale = "large"
)

// Regime names the dynamics that an output scale leads to: "aligned" for
// Small, "oblique" for Large.
func (s OutScale) Regime() string {
	if s == Large {
		return "oblique"
	}
	return "aligned"
}

// ParseOutScale reads "small"/"aligned" or "large"/"oblique".
func ParseOutScale(s string) (OutScale, error) {
	switch s {
	case "small", "aligned":
		return Small, nil
	case "large", "oblique":
		return Large, nil
	}
	return "", fmt.Errorf("output scale %q: want small (aligned) or large (oblique)", s)
}

// Init is how a network is initialised. The zero value is the paper's main
// setting: g = 1.5, small output weights.
type Init struct {
	// G is the gain of the recurrent weights, W ~ N(0, G²/N): 1.5 (chaotic
	// at initialisation) by default, 0.7 (decaying) the paper's variant.
	G float64
	// OutScale is Small (default) or Large.
	OutScale OutScale
}

// Resolved returns i with defaults filled in.
func (i Init) Resolved() Init {
	if i.G == 0 {
		i.G = 1.5
	}
	if i.OutScale == "" {
		i.OutScale = Small
	}
	return i
}

// Network holds the weights: W (N×N; W[i, j] is the weight from unit j to
// unit i), W_in (N × inputs) and W_out (outputs × N).
type Network struct {
	W, WIn, WOut *mat.Dense
}

// New draws a network with n units from src: W_in ~ N(0, 1),
// W ~ N(0, g²/n), W_out ~ N(0, 1/n), times a further 1/√n for small output
// weights (in that order, the reference code's). It panics if n, inputs or
// outputs is below 1; callers validate user settings first.
func New(n, inputs, outputs int, init Init, src rand.Source) *Network {
	if n < 1 || inputs < 1 || outputs < 1 {
		panic("rnn: bad network size")
	}
	init = init.Resolved()
	rng := rand.New(src)
	draw := func(r, c int, sd float64) *mat.Dense {
		d := make([]float64, r*c)
		for i := range d {
			d[i] = sd * rng.NormFloat64()
		}
		return mat.NewDense(r, c, d)
	}
	sn := math.Sqrt(float64(n))
	outSD := 1 / sn
	if init.OutScale == Small {
		outSD /= sn
	}
	wIn := draw(n, inputs, 1)
	w := draw(n, n, init.G/sn)
	return &Network{W: w, WIn: wIn, WOut: draw(outputs, n, outSD)}
}

// N returns the number of units.
func (net *Network) N() int { n, _ := net.W.Dims(); return n }

// Inputs returns the number of inputs.
func (net *Network) Inputs() int { _, c := net.WIn.Dims(); return c }

// Outputs returns the number of outputs.
func (net *Network) Outputs() int { r, _ := net.WOut.Dims(); return r }

// Clone returns a deep copy.
func (net *Network) Clone() *Network {
	return &Network{W: mat.DenseCopyOf(net.W), WIn: mat.DenseCopyOf(net.WIn), WOut: mat.DenseCopyOf(net.WOut)}
}

// Matrices returns W_in, W and W_out, the order in which gradients,
// optimiser states and files list them.
func (net *Network) Matrices() [3]*mat.Dense { return [3]*mat.Dense{net.WIn, net.W, net.WOut} }

// Which is a set of weight matrices: the ones that train.
type Which uint8

const (
	// In is W_in.
	In Which = 1 << iota
	// Rec is W, the recurrent weights.
	Rec
	// Out is W_out.
	Out
	// All is every matrix, the paper's default.
	All = In | Rec | Out
)

// Has reports whether w contains m (In, Rec or Out).
func (w Which) Has(m Which) bool { return w&m != 0 }

// String lists the set as the command line spells it: "in,rec,out".
func (w Which) String() string {
	s := ""
	for _, p := range []struct {
		m    Which
		name string
	}{{In, "in"}, {Rec, "rec"}, {Out, "out"}} {
		if w.Has(p.m) {
			if s != "" {
				s += ","
			}
			s += p.name
		}
	}
	return s
}

// ParseWhich reads a comma-separated list of in, rec (or w) and out.
func ParseWhich(s string) (Which, error) {
	var w Which
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		switch part := s[start:i]; part {
		case "in":
			w |= In
		case "rec", "w":
			w |= Rec
		case "out":
			w |= Out
		case "":
		default:
			return 0, fmt.Errorf("weights %q: want a list of in, rec, out", part)
		}
		start = i + 1
	}
	if w == 0 {
		return 0, fmt.Errorf("weights %q: no weight matrix named (in, rec, out)", s)
	}
	return w, nil
}

// MarshalText writes the set as String does, for run files.
func (w Which) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (w *Which) UnmarshalText(b []byte) error {
	v, err := ParseWhich(string(b))
	if err != nil {
		return err
	}
	*w = v
	return nil
}
