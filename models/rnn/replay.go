package rnn

import (
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// SimulateFrom runs the batch through net starting from the given states:
// row b of x0 (trials × N) is the state x of trial b at step 0 of the
// batch, instead of a state drawn from noise.Init (which is ignored). It is
// how a trial is continued after its state was shifted (a perturbation):
// simulate the trial, then run the rest of it, as a batch of its steps from
// the perturbation on, from the shifted state.
//
// It returns the outputs z_t at every step (trials·steps × outputs, row
// b·steps + t) and, when withStates is set, the states x_t (trials·steps ×
// N; nil otherwise), laid out as Simulate lays them out. Without the states
// the memory is a few rows of N per trial, so large batches (every
// amplitude of a perturbation at once) stay cheap.
//
// With noise.Sigma > 0, trial b draws its state noise from the stream that
// Simulate would use for it (seeded from noise.Seed and b); as no initial
// state is drawn, the values are not those of Simulate's run of the same
// trial. It panics if x0 or the batch does not fit the network.
func (e *Engine[T]) SimulateFrom(net *Network, b *tasks.Batch, x0 *mat.Dense, noise Noise, withStates bool) (states, outputs *mat.Dense) {
	if r, c := x0.Dims(); r != b.Trials || c != net.N() {
		panic("rnn: initial states do not fit the batch and network")
	}
	e.prepare(net, b, 0, true)
	rows := b.Trials * b.Steps
	outputs = mat.NewDense(rows, e.out, nil)
	if withStates {
		states = mat.NewDense(rows, e.n, nil)
	}
	e.parallel(func(gr *group[T]) { e.replay(gr, b, x0, noise, states, outputs) })
	return states, outputs
}

// replay runs the dynamics of one group from x0, recording outputs (and
// states when not nil). It is forward's loop without the loss.
func (e *Engine[T]) replay(gr *group[T], b *tasks.Batch, x0 *mat.Dense, noise Noise, states, outputs *mat.Dense) {
	if gr.rows == 0 {
		return
	}
	for r := 0; r < gr.rows; r++ {
		e.streams[gr.first+r].Seed(trialSeed(noise.Seed, gr.first+r))
		convert(e.row(gr.x, r), x0.RawRowView(gr.first+r))
	}
	h := e.block(e.hbuf, gr, 0)
	for t := 0; t < b.Steps; t++ {
		for r := 0; r < gr.rows; r++ {
			i := (gr.first+r)*b.Steps + t
			x := e.row(gr.x, r)
			if states != nil {
				convert(states.RawRowView(i), x)
			}
			out := outputs.RawRowView(i)
			for k := range out {
				out[k] = float64(linalg.Dot(x, e.row(e.woutT, k)))
			}
		}
		if t == b.Steps-1 {
			break // the last update reaches no output
		}
		e.update(gr, b, t, h, noise)
	}
}
