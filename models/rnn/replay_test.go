package rnn

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/models/tasks"
)

// tail returns the steps from..Steps−1 of every trial of b.
func tail(b *tasks.Batch, from int) *tasks.Batch {
	steps := b.Steps - from
	out := tasks.NewBatch(b.Task, b.Trials, steps, b.Inputs, b.Outputs)
	out.Dt = b.Dt
	for tr := 0; tr < b.Trials; tr++ {
		for t := 0; t < steps; t++ {
			copy(out.In(tr, t), b.In(tr, from+t))
			copy(out.Out(tr, t), b.Out(tr, from+t))
			copy(out.Scored(tr, t), b.Scored(tr, from+t))
		}
	}
	return out
}

// TestSimulateFromContinues checks that continuing noise-free trials from
// their own states at step s reproduces Simulate's states and outputs from
// s on, bit for bit, in both element types (states are float32 values in
// the float32 engine, so the round trip through float64 is exact).
func TestSimulateFromContinues(t *testing.T) {
	for _, name := range []string{"mante", "cycling"} {
		task, _ := tasks.New(name)
		net := testNet(task, 24, Init{OutScale: Large}, 3)
		b := task.Generate(rand.New(rand.NewPCG(4, 4)), 5)
		noise := Noise{Init: 1, Seed: 9}
		const from = 37
		check := func(kind string, sim func(*Network, *tasks.Batch, Noise) (*mat.Dense, *mat.Dense),
			from0 func(*Network, *tasks.Batch, *mat.Dense, Noise, bool) (*mat.Dense, *mat.Dense)) {
			states, outputs := sim(net, b, noise)
			x0 := mat.NewDense(b.Trials, net.N(), nil)
			for tr := 0; tr < b.Trials; tr++ {
				x0.SetRow(tr, states.RawRowView(tr*b.Steps+from))
			}
			rest := tail(b, from)
			st, out := from0(net, rest, x0, Noise{Seed: 1}, true)
			_, outOnly := from0(net, rest, x0, Noise{Seed: 1}, false)
			for tr := 0; tr < b.Trials; tr++ {
				for t2 := 0; t2 < rest.Steps; t2++ {
					i, j := tr*b.Steps+from+t2, tr*rest.Steps+t2
					if !mat.Equal(mat.NewVecDense(net.N(), states.RawRowView(i)), mat.NewVecDense(net.N(), st.RawRowView(j))) {
						t.Fatalf("%s %s: trial %d step %d: states differ", name, kind, tr, from+t2)
					}
					for k, v := range outputs.RawRowView(i) {
						if out.At(j, k) != v || outOnly.At(j, k) != v {
							t.Fatalf("%s %s: trial %d step %d: output %v, continued %v / %v", name, kind, tr, from+t2, v, out.At(j, k), outOnly.At(j, k))
						}
					}
				}
			}
		}
		var e32 Engine[float32]
		var e64 Engine[float64]
		check("float32", e32.Simulate, e32.SimulateFrom)
		check("float64", e64.Simulate, e64.SimulateFrom)
	}
}

// TestSimulateFromNoise checks that the state noise is on when asked and
// that its realisation follows the seed.
func TestSimulateFromNoise(t *testing.T) {
	task, _ := tasks.New("romo")
	net := testNet(task, 16, Init{}, 5)
	b := task.Generate(rand.New(rand.NewPCG(1, 1)), 3)
	x0 := mat.NewDense(3, 16, nil)
	var e Engine[float64]
	_, a := e.SimulateFrom(net, b, x0, Noise{Sigma: 0.2, Seed: 1}, false)
	_, a2 := e.SimulateFrom(net, b, x0, Noise{Sigma: 0.2, Seed: 1}, false)
	_, c := e.SimulateFrom(net, b, x0, Noise{Sigma: 0.2, Seed: 2}, false)
	_, quiet := e.SimulateFrom(net, b, x0, Noise{}, false)
	if !mat.Equal(a, a2) {
		t.Error("same seed, different outputs")
	}
	if mat.Equal(a, c) || mat.Equal(a, quiet) {
		t.Error("the noise seed or σ does not change the outputs")
	}
}
