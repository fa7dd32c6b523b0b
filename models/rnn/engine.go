package rnn

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// Noise is one realisation of the noise of a run of the dynamics: the same
// values give the same noise, in both element types (the normal values are
// drawn in float64 and rounded to float32), so a loss can be evaluated
// twice under a fixed realisation (finite differences) and the two engines
// can be compared.
type Noise struct {
	// Sigma is σ, the standard deviation of the state noise per unit time
	// (each step adds √dt·σ·ξ); 0 means none.
	Sigma float64
	// Init is the standard deviation of x₀ around 0; 0 means x₀ = 0.
	Init float64
	// Seed selects the realisation. Trial b of a batch draws from its own
	// stream, seeded from Seed and b.
	Seed uint64
}

// Gradient holds the derivatives of the loss with respect to the weights,
// shaped like them, and which of them to compute.
type Gradient struct {
	W, WIn, WOut *mat.Dense
	// Which lists the matrices to differentiate (the others are left
	// zero, and work that only they need is skipped); 0 means All.
	Which Which
}

// NewGradient returns a zero gradient shaped like net's weights.
func NewGradient(net *Network, which Which) *Gradient {
	n, in, out := net.N(), net.Inputs(), net.Outputs()
	return &Gradient{W: mat.NewDense(n, n, nil), WIn: mat.NewDense(n, in, nil), WOut: mat.NewDense(out, n, nil), Which: which}
}

// Matrices returns the gradients of W_in, W and W_out, in that order.
func (g *Gradient) Matrices() [3]*mat.Dense { return [3]*mat.Dense{g.WIn, g.W, g.WOut} }

// Engine runs the network's dynamics on batches of trials, forward and
// backward, in element type T. Its buffers are reused from one call to the
// next; an Engine is not safe for concurrent use. The zero value is ready.
//
// The trials of a batch are padded with zero rows to a multiple of 8, the
// height of a GEMM tile, and split into groups of consecutive trials, one
// per worker: runtime.GOMAXPROCS(0) of them, or fewer when there are fewer
// tiles. Every group but the last is a whole number of tiles, and each runs
// on its own goroutine for the whole forward and backward pass, with no
// synchronisation per time step. The results are the same bits whatever
// the split, so whatever the number of cores: each row's products and
// element-wise steps depend on that row alone; the squared error and the
// input- and output-weight gradients are summed per trial (over time, in
// time order), then over trials in trial order in float64; and the
// per-step blocks are laid out [step][trial], so that the recurrent-weight
// gradient sums over every (step, trial) row in one order.
//
// Memory: the backward pass needs, for every update step t, tanh(x_t) and
// δ_{t+1} = ∂L/∂x_{t+1} (two steps × trials × N arrays, trials padded to
// 8, for the weight gradient W̄ = dt·Σ_t δ_{t+1}ᵀ tanh(x_t) computed at
// the end as one large product), and each trial's sums of the input- and
// output-weight gradients (trials × (inputs + outputs) × N). The states
// themselves are not kept: the output-weight gradient is summed during the
// forward pass.
type Engine[T linalg.Float] struct {
	dt                float64
	n, in, out        int
	stride            int // row stride of every state block
	trials, pad       int // trials of the batch, and padded to a multiple of 8
	wT, w             linalg.PackedB[T]
	wbuf, winT, woutT []T
	x, a, xi, g       []T // pad × stride: states, products, noise, δ·W
	hbuf, dbuf, dw    []T // blocks of pad × stride: [step][trial]
	dz                []T // steps × pad × out: ∂L/∂z at the scored entries
	streams           []linalg.NormalStream
	sse               []float64 // per trial
	gwin, gwout       []T       // per trial: inputs × N, outputs × N
	keep              bool      // whether hbuf keeps a block per step
	outGrad           bool      // whether the forward pass sums gwout
	groups            []group[T]
}

// tile is the height of a GEMM tile (linalg.PackedB.Mul is fastest on
// whole tiles of 8 rows): the granularity of the padding and of the split
// of a batch into groups.
const tile = 8

// group is the part of the batch that one worker runs: trials
// first…first+rows−1, padded to pad rows (a multiple of tile; only the last
// group has padding rows), and rows first…first+pad−1 of every block.
type group[T linalg.Float] struct {
	first, rows, pad int
	x, a, xi, g      []T // the group's rows of the engine's buffers
	scoring          []bool
	noise            []float32 // a row of normal values (float64 engine)
	states, outputs  []float64 // when simulating
}

// trialSeed is the seed of trial tr's noise stream under the realisation
// seed: shared by Simulate, Loss and SimulateFrom.
func trialSeed(seed uint64, tr int) uint64 {
	return seed ^ uint64(tr+1)*0xd1342543de82ef95
}

// Loss runs the batch through net under the noise realisation and returns
// the loss: the mean squared error between outputs and targets over the
// scored entries (0 when none is). When grad is not nil it also runs
// backpropagation through time and stores ∂loss/∂weights in grad.
// It panics if the batch does not fit the network.
func (e *Engine[T]) Loss(net *Network, b *tasks.Batch, noise Noise, grad *Gradient) float64 {
	which := Which(0)
	if grad != nil {
		which = grad.Which
		if which == 0 {
			which = All
		}
	}
	e.prepare(net, b, which, false)
	masked := b.Masked()
	scale := 0.0
	if masked > 0 {
		scale = 2 / float64(masked)
	}
	e.parallel(func(gr *group[T]) {
		e.forward(gr, b, noise, scale)
		if which.Has(In) || which.Has(Rec) {
			e.backward(gr, b, which)
		}
	})
	loss := 0.0
	if masked > 0 {
		sse := 0.0
		for _, s := range e.sse {
			sse += s
		}
		loss = sse / float64(masked)
	}
	if grad != nil {
		e.gradient(grad, which)
	}
	return loss
}

// Simulate runs the batch through net and returns the states x_t (the
// state before each update) and outputs z_t at every step: row b·steps + t
// of states (trials·steps × N) and outputs (trials·steps × outputs) is
// trial b at step t.
func (e *Engine[T]) Simulate(net *Network, b *tasks.Batch, noise Noise) (states, outputs *mat.Dense) {
	e.prepare(net, b, 0, true)
	rows := b.Trials * b.Steps
	states, outputs = mat.NewDense(rows, e.n, nil), mat.NewDense(rows, e.out, nil)
	for k := range e.groups {
		gr := &e.groups[k]
		gr.states = states.RawMatrix().Data[gr.first*b.Steps*e.n:]
		gr.outputs = outputs.RawMatrix().Data[gr.first*b.Steps*e.out:]
	}
	e.parallel(func(gr *group[T]) { e.forward(gr, b, noise, 0) })
	for k := range e.groups {
		e.groups[k].states, e.groups[k].outputs = nil, nil
	}
	return states, outputs
}

// parallel runs f on every group, each but the first on its own goroutine.
func (e *Engine[T]) parallel(f func(*group[T])) {
	var wg sync.WaitGroup
	for k := 1; k < len(e.groups); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(&e.groups[k])
		}()
	}
	f(&e.groups[0])
	wg.Wait()
}

// split sets the groups: the batch's tiles shared as evenly as possible
// among runtime.GOMAXPROCS(0) workers, in order.
func (e *Engine[T]) split(trials int) {
	tiles := (trials + tile - 1) / tile
	workers := max(1, min(runtime.GOMAXPROCS(0), tiles))
	if cap(e.groups) < workers {
		e.groups = append(e.groups[:cap(e.groups)], make([]group[T], workers-cap(e.groups))...)
	}
	e.groups = e.groups[:workers]
	for k := range e.groups {
		gr := &e.groups[k]
		lo, hi := k*tiles/workers*tile, (k+1)*tiles/workers*tile
		gr.first, gr.pad, gr.rows = lo, hi-lo, min(hi, trials)-lo
	}
}

// prepare converts and packs the weights, sizes the buffers and splits the
// batch into groups.
func (e *Engine[T]) prepare(net *Network, b *tasks.Batch, which Which, simulate bool) {
	n, in, out := net.N(), net.Inputs(), net.Outputs()
	if b.Inputs != in || b.Outputs != out {
		panic("rnn: batch does not fit the network's inputs or outputs")
	}
	if b.Dt <= 0 {
		panic("rnn: batch without a time step")
	}
	e.dt, e.n, e.in, e.out = b.Dt, n, in, out
	e.wbuf = resize(e.wbuf, n*n)
	convert(e.wbuf, net.W.RawMatrix().Data)
	e.wT.Pack(true, n, n, e.wbuf, n)
	backward := which.Has(In) || which.Has(Rec)
	e.keep = backward
	if backward {
		e.w.Pack(false, n, n, e.wbuf, n)
	}
	s := e.wT.Stride()
	e.stride = s
	e.winT = resize(e.winT, in*s)
	clear(e.winT)
	for j := 0; j < n; j++ {
		for i, v := range net.WIn.RawRowView(j) {
			e.winT[i*s+j] = T(v)
		}
	}
	e.woutT = resize(e.woutT, out*s)
	clear(e.woutT)
	for k := 0; k < out; k++ {
		convert(e.woutT[k*s:k*s+n], net.WOut.RawRowView(k))
	}

	trials := b.Trials
	e.trials, e.pad = trials, (trials+tile-1)/tile*tile
	e.split(trials)
	blocks := 1
	if backward {
		blocks = max(b.Steps-1, 0)
	}
	size := e.pad * s
	// The padding rows (past the trials) and columns (past N) of x and ξ
	// start at zero and stay zero: ξ is only filled in trials' rows, inputs
	// are only added to them, and a = tanh(x)·Wᵀ is zero there (tanh 0 = 0,
	// and the packed Wᵀ is zero past column N), so every block of tanh(x)
	// and δ is zero there too (TestWorkerCountInvariant checks it).
	e.x, e.a, e.xi, e.g = resize(e.x, size), resize(e.a, size), resize(e.xi, size), resize(e.g, size)
	clear(e.x)
	clear(e.xi)
	e.hbuf = resize(e.hbuf, blocks*size)
	if backward {
		e.dbuf = resize(e.dbuf, blocks*size)
	}
	e.dz = resize(e.dz, b.Steps*e.pad*out)
	clear(e.dz)
	if cap(e.streams) < trials {
		e.streams = make([]linalg.NormalStream, trials)
	}
	e.streams = e.streams[:trials]
	e.sse = resize(e.sse, trials)
	clear(e.sse)
	e.outGrad = which.Has(Out)
	if e.outGrad {
		e.gwout = resize(e.gwout, trials*out*n)
		clear(e.gwout)
	}
	if which.Has(In) {
		e.gwin = resize(e.gwin, trials*in*n)
		clear(e.gwin)
	}
	for k := range e.groups {
		gr := &e.groups[k]
		lo, hi := gr.first*s, (gr.first+gr.pad)*s
		gr.x, gr.a, gr.xi, gr.g = e.x[lo:hi], e.a[lo:hi], e.xi[lo:hi], e.g[lo:hi]
		gr.scoring = resizeBool(gr.scoring, b.Steps)
		for t := range gr.scoring {
			gr.scoring[t] = simulate
			for r := 0; r < gr.rows && !gr.scoring[t]; r++ {
				for _, m := range b.Scored(gr.first+r, t) {
					gr.scoring[t] = gr.scoring[t] || m
				}
			}
		}
		if cap(gr.noise) < n {
			gr.noise = make([]float32, n)
		}
		gr.noise = gr.noise[:n]
	}
}

// block returns the group's rows of block t (pad × stride) of a per-step
// buffer.
func (e *Engine[T]) block(buf []T, gr *group[T], t int) []T {
	off := (t*e.pad + gr.first) * e.stride
	return buf[off : off+gr.pad*e.stride]
}

// row returns the first n values of row r of a block.
func (e *Engine[T]) row(block []T, r int) []T {
	return block[r*e.stride : r*e.stride+e.n]
}

// sum returns row k of trial tr's sums in a per-trial gradient buffer of
// rows k (inputs or outputs) × N.
func (e *Engine[T]) sum(buf []T, tr, rows, k int) []T {
	off := (tr*rows + k) * e.n
	return buf[off : off+e.n]
}

// forward runs the dynamics of one group, summing the squared error and the
// output-weight gradient (scale is 2/number of scored entries) and, when
// the backward pass follows, keeping tanh(x_t) for it.
func (e *Engine[T]) forward(gr *group[T], b *tasks.Batch, noise Noise, scale float64) {
	if gr.rows == 0 {
		return
	}
	for r := 0; r < gr.rows; r++ {
		e.streams[gr.first+r].Seed(trialSeed(noise.Seed, gr.first+r))
		if noise.Init > 0 {
			x := e.row(gr.x, r)
			e.normals(gr, r, x)
			for j := range x {
				x[j] *= T(noise.Init)
			}
		}
	}
	for t := 0; t < b.Steps; t++ {
		if gr.scoring[t] {
			e.readout(gr, b, t, scale)
		}
		if t == b.Steps-1 {
			break // the last update reaches no output
		}
		h := e.block(e.hbuf, gr, 0)
		if e.keep {
			h = e.block(e.hbuf, gr, t) // one block of tanh(x_t) per step for the backward pass
		}
		e.update(gr, b, t, h, noise)
	}
}

// normals sets dst to the next standard normal values of the stream of the
// group's trial r: drawn in float32 for both element types, so that both
// engines see the same noise.
func (e *Engine[T]) normals(gr *group[T], r int, dst []T) {
	stream := &e.streams[gr.first+r]
	if d, ok := any(dst).([]float32); ok {
		stream.Fill(d)
		return
	}
	stream.Fill(gr.noise)
	convert(dst, gr.noise)
}

// readout computes the outputs at step t: the error at the scored entries
// (into each trial's squared error, dz and output-weight gradient), or
// every output and state when simulating.
func (e *Engine[T]) readout(gr *group[T], b *tasks.Batch, t int, scale float64) {
	for r := 0; r < gr.rows; r++ {
		tr := gr.first + r
		x := e.row(gr.x, r)
		if gr.states != nil {
			o := (r*b.Steps + t) * e.n
			convert(gr.states[o:o+e.n], x)
			o = (r*b.Steps + t) * e.out
			for k := 0; k < e.out; k++ {
				gr.outputs[o+k] = float64(linalg.Dot(x, e.row(e.woutT, k)))
			}
			continue
		}
		mask, target := b.Scored(tr, t), b.Out(tr, t)
		for k, m := range mask {
			if !m {
				continue
			}
			diff := float64(linalg.Dot(x, e.row(e.woutT, k))) - target[k]
			e.sse[tr] += diff * diff
			dz := T(scale * diff)
			e.dz[(t*e.pad+tr)*e.out+k] = dz
			if e.outGrad {
				linalg.Axpy(dz, x, e.sum(e.gwout, tr, e.out, k))
			}
		}
	}
}

// backward runs backpropagation through time for one group: δ_t = ∂L/∂x_t
// from δ_{t+1}, keeping δ_{t+1} for the recurrent-weight gradient and
// summing each trial's input-weight gradient.
//
//	δ_t = (1−dt)·δ_{t+1} + dt·(δ_{t+1}·W) ⊙ (1 − tanh²(x_t)) + ∂L/∂z_t · W_out
func (e *Engine[T]) backward(gr *group[T], b *tasks.Batch, which Which) {
	if gr.rows == 0 || b.Steps < 2 {
		return
	}
	dt := e.dt
	last := b.Steps - 1
	d := e.block(e.dbuf, gr, last-1) // δ_{T−1}
	clear(d)
	e.addOutputError(gr, d, last)
	for t := last - 1; t >= 0; t-- {
		dn := e.block(e.dbuf, gr, t) // δ_{t+1}
		if which.Has(In) {
			for r := 0; r < gr.rows; r++ {
				tr := gr.first + r
				for i, u := range b.In(tr, t) {
					if u != 0 {
						linalg.Axpy(T(dt*u), e.row(dn, r), e.sum(e.gwin, tr, e.in, i))
					}
				}
			}
		}
		if t == 0 {
			break // δ_0 feeds no weight
		}
		e.w.Mul(gr.pad, dn, e.stride, gr.g, e.stride, false)
		d := e.block(e.dbuf, gr, t-1)
		linalg.TanhBackward(d, dn, gr.g, e.block(e.hbuf, gr, t), T(1-dt), T(dt))
		e.addOutputError(gr, d, t)
	}
}

// addOutputError adds ∂L/∂z_t · W_out to δ_t (the group's rows d).
func (e *Engine[T]) addOutputError(gr *group[T], d []T, t int) {
	if !gr.scoring[t] {
		return
	}
	for r := 0; r < gr.rows; r++ {
		for k := 0; k < e.out; k++ {
			if dz := e.dz[(t*e.pad+gr.first+r)*e.out+k]; dz != 0 {
				linalg.Axpy(dz, e.row(e.woutT, k), e.row(d, r))
			}
		}
	}
}

// gradient sums the trials' gradients into grad, in trial order and in
// float64, and computes the recurrent-weight gradient.
func (e *Engine[T]) gradient(grad *Gradient, which Which) {
	n := e.n
	for _, m := range grad.Matrices() {
		m.Zero()
	}
	if which.Has(Out) {
		for k := 0; k < e.out; k++ {
			row := grad.WOut.RawRowView(k)
			for tr := 0; tr < e.trials; tr++ {
				for j, v := range e.sum(e.gwout, tr, e.out, k) {
					row[j] += float64(v)
				}
			}
		}
	}
	if which.Has(In) {
		data := grad.WIn.RawMatrix()
		for tr := 0; tr < e.trials; tr++ {
			for i := 0; i < e.in; i++ {
				for j, v := range e.sum(e.gwin, tr, e.in, i) {
					data.Data[j*data.Stride+i] += float64(v)
				}
			}
		}
	}
	if which.Has(Rec) {
		rows := len(e.dbuf) / e.stride
		e.dw = resize(e.dw, n*n)
		// W̄ = dt · Dᵀ·H over every (step, trial) row, padding rows
		// included (they are zero).
		linalg.GemmTN(n, n, rows, e.dbuf, e.stride, e.hbuf, e.stride, e.dw, n, false, runtime.GOMAXPROCS(0))
		data := grad.W.RawMatrix().Data
		for i, v := range e.dw {
			data[i] = e.dt * float64(v)
		}
	}
}

func resize[T linalg.Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func resizeBool(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n)
	}
	return s[:n]
}

// convert copies src into dst, converting the element type.
func convert[D, S linalg.Float](dst []D, src []S) {
	for i, v := range src[:len(dst)] {
		dst[i] = D(v)
	}
}

// update advances the group's states x by one Euler–Maruyama step at
// time t: h receives tanh(x), then x ← (1−dt)x + dt(tanh(x)Wᵀ + u W_inᵀ) +
// noise. The element-wise steps run over the group's whole block (a
// multiple of 8 rows, so the vector kernels treat every row alike).
func (e *Engine[T]) update(gr *group[T], b *tasks.Batch, t int, h []T, noise Noise) {
	dt := e.dt
	linalg.Tanh(h, gr.x)
	e.wT.Mul(gr.pad, h, e.stride, gr.a, e.stride, false)
	if noise.Sigma > 0 {
		for r := 0; r < gr.rows; r++ {
			e.normals(gr, r, e.row(gr.xi, r))
		}
		linalg.EulerStep(gr.x, gr.a, gr.xi, T(1-dt), T(dt), T(math.Sqrt(dt)*noise.Sigma))
	} else {
		linalg.EulerStep(gr.x, gr.a, nil, T(1-dt), T(dt), 0)
	}
	for r := 0; r < gr.rows; r++ {
		for i, u := range b.In(gr.first+r, t) {
			if u != 0 {
				linalg.Axpy(T(dt*u), e.row(e.winT, i), e.row(gr.x, r))
			}
		}
	}
}
