package rnn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Adam is the Adam optimiser (Kingma & Ba 2015) as PyTorch implements it,
// without weight decay. Its state is exported so that checkpoints can
// store it and resumed training continues bit for bit.
type Adam struct {
	// LR is the learning rate (the paper uses lr0/N).
	LR float64
	// Beta1, Beta2 and Eps are the moment decays and the denominator's
	// offset; zero means the defaults 0.9, 0.999 and 1e-8.
	Beta1, Beta2, Eps float64

	// Step counts the updates made.
	Step int
	// M and V are the first and second moments of W_in, W and W_out (nil
	// until the matrix is first updated).
	M, V [3][]float64
}

// Update applies one step to the matrices of net listed in which, with
// gradient g.
func (a *Adam) Update(net *Network, g *Gradient, which Which) {
	if which == 0 {
		which = All
	}
	b1, b2, eps := a.Beta1, a.Beta2, a.Eps
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	a.Step++
	c1 := 1 - math.Pow(b1, float64(a.Step))
	c2 := math.Sqrt(1 - math.Pow(b2, float64(a.Step)))
	step := a.LR / c1
	params, grads := net.Matrices(), g.Matrices()
	for i, m := range []Which{In, Rec, Out} {
		if !which.Has(m) {
			continue
		}
		p, d := raw(params[i]), raw(grads[i])
		if len(a.M[i]) != len(p) {
			a.M[i], a.V[i] = make([]float64, len(p)), make([]float64, len(p))
		}
		mm, vv := a.M[i], a.V[i]
		for j, gj := range d {
			mm[j] = b1*mm[j] + (1-b1)*gj
			vv[j] = b2*vv[j] + (1-b2)*gj*gj
			p[j] -= step * mm[j] / (math.Sqrt(vv[j])/c2 + eps)
		}
	}
}

// raw returns the storage of a matrix created with mat.NewDense (stride
// equal to its width).
func raw(m *mat.Dense) []float64 { return m.RawMatrix().Data }

// Validate reports state that a's Update could not continue from for net,
// as a checkpoint read back must hold: a learning rate and decays that are
// finite and in range, a step count ≥ 0, and for each matrix moments that
// are either absent (not yet updated) or one finite value per weight, the
// second moments ≥ 0.
func (a *Adam) Validate(net *Network) error {
	switch {
	case !(a.LR > 0) || math.IsInf(a.LR, 0):
		return fmt.Errorf("Adam: learning rate %v, want a positive finite number", a.LR)
	case !(a.Beta1 >= 0 && a.Beta1 < 1) || !(a.Beta2 >= 0 && a.Beta2 < 1):
		return fmt.Errorf("Adam: decays %v and %v, want values in [0, 1)", a.Beta1, a.Beta2)
	case !(a.Eps >= 0) || math.IsInf(a.Eps, 0):
		return fmt.Errorf("Adam: offset %v, want a finite number ≥ 0", a.Eps)
	case a.Step < 0:
		return fmt.Errorf("Adam: step %d, want ≥ 0", a.Step)
	}
	names := [3]string{"W_in", "W", "W_out"}
	for i, m := range net.Matrices() {
		r, c := m.Dims()
		mm, vv := a.M[i], a.V[i]
		if len(mm) != len(vv) || len(mm) != 0 && len(mm) != r*c {
			return fmt.Errorf("Adam: %d first and %d second moments for the %d weights of %s", len(mm), len(vv), r*c, names[i])
		}
		for j := range mm {
			if math.IsNaN(mm[j]) || math.IsInf(mm[j], 0) || !(vv[j] >= 0) || math.IsInf(vv[j], 0) {
				return fmt.Errorf("Adam: moments (%v, %v) of weight %d of %s, want finite values, the second ≥ 0", mm[j], vv[j], j, names[i])
			}
		}
	}
	return nil
}
