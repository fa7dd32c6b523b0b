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
// A batch is split into two halves of trials that run on two goroutines
// (so on both cores) for the whole forward and backward pass, with no
// synchronisation per time step; the split is the same whatever the number
// of cores, so results are too.
//
// Memory: the backward pass needs, for every update step t, tanh(x_t) and
// δ_{t+1} = ∂L/∂x_{t+1} (two trials × steps × N arrays, for the weight
// gradient W̄ = dt·Σ_t δ_{t+1}ᵀ tanh(x_t) computed at the end as one large
// product). The states themselves are not kept: the output-weight gradient
// is summed during the forward pass.
type Engine[T linalg.Float] struct {
	dt                float64
	n, in, out        int
	stride            int // row stride of every state block
	wT, w             linalg.PackedB[T]
	wbuf, winT, woutT []T
	halves            [2]half[T]
	hbuf, dbuf, dw    []T
}

// half is one half of the batch: trials first…first+rows−1, padded to pad
// rows (a multiple of 8, the GEMM tile) with zero rows.
type half[T linalg.Float] struct {
	first, rows, pad int
	x, a, xi, g      []T // pad × stride blocks
	h, d             []T // steps−1 blocks (or 1 for h without backward)
	dz               []T // steps × pad × out: ∂L/∂z at the scored entries
	scoring          []bool
	streams          []linalg.NormalStream
	noise            []float32 // a row of normal values (float64 engine)
	gwin, gwout      []T       // inputs × stride, outputs × stride
	sse              float64
	states, outputs  []float64 // when simulating
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
	e.parallel(func(hf *half[T]) {
		e.forward(hf, b, noise, scale)
		if which.Has(In) || which.Has(Rec) {
			e.backward(hf, b, which)
		}
	})
	loss := 0.0
	if masked > 0 {
		loss = (e.halves[0].sse + e.halves[1].sse) / float64(masked)
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
	for k := range e.halves {
		hf := &e.halves[k]
		hf.states = states.RawMatrix().Data[hf.first*b.Steps*e.n:]
		hf.outputs = outputs.RawMatrix().Data[hf.first*b.Steps*e.out:]
	}
	e.parallel(func(hf *half[T]) { e.forward(hf, b, noise, 0) })
	for k := range e.halves {
		e.halves[k].states, e.halves[k].outputs = nil, nil
	}
	return states, outputs
}

// parallel runs f on both halves, the second on its own goroutine when
// there is more than one core.
func (e *Engine[T]) parallel(f func(*half[T])) {
	if runtime.GOMAXPROCS(0) < 2 || e.halves[1].rows == 0 {
		f(&e.halves[0])
		f(&e.halves[1])
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f(&e.halves[1])
	}()
	f(&e.halves[0])
	wg.Wait()
}

// prepare converts and packs the weights and sizes the buffers.
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

	blocks := 1
	if backward {
		blocks = max(b.Steps-1, 0)
	}
	first := (b.Trials + 1) / 2
	e.halves[0].first, e.halves[0].rows = 0, first
	e.halves[1].first, e.halves[1].rows = first, b.Trials-first
	total := 0
	for k := range e.halves {
		hf := &e.halves[k]
		hf.pad = (hf.rows + 7) / 8 * 8
		total += hf.pad
	}
	e.hbuf = resize(e.hbuf, total*blocks*s)
	if backward {
		e.dbuf = resize(e.dbuf, total*blocks*s)
	}
	off := 0
	for k := range e.halves {
		hf := &e.halves[k]
		size := hf.pad * s
		hf.x, hf.a, hf.xi, hf.g = resize(hf.x, size), resize(hf.a, size), resize(hf.xi, size), resize(hf.g, size)
		clear(hf.x)
		clear(hf.xi)
		hf.h = e.hbuf[off*blocks*s : (off+hf.pad)*blocks*s]
		hf.d = nil
		if backward {
			hf.d = e.dbuf[off*blocks*s : (off+hf.pad)*blocks*s]
		}
		off += hf.pad
		hf.dz = resize(hf.dz, b.Steps*hf.pad*out)
		clear(hf.dz)
		hf.scoring = resizeBool(hf.scoring, b.Steps)
		for t := range hf.scoring {
			hf.scoring[t] = simulate
			for r := 0; r < hf.rows && !hf.scoring[t]; r++ {
				for _, m := range b.Scored(hf.first+r, t) {
					hf.scoring[t] = hf.scoring[t] || m
				}
			}
		}
		if cap(hf.streams) < hf.rows {
			hf.streams = make([]linalg.NormalStream, hf.rows)
		}
		hf.streams = hf.streams[:hf.rows]
		if cap(hf.noise) < n {
			hf.noise = make([]float32, n)
		}
		hf.noise = hf.noise[:n]
		hf.gwin, hf.gwout = resize(hf.gwin, in*s), resize(hf.gwout, out*s)
		clear(hf.gwin)
		clear(hf.gwout)
		hf.sse = 0
	}
}

// block returns block t (pad × stride) of a per-step buffer.
func (e *Engine[T]) block(buf []T, hf *half[T], t int) []T {
	size := hf.pad * e.stride
	return buf[t*size : (t+1)*size]
}

// row returns the first n values of row r of a block.
func (e *Engine[T]) row(block []T, r int) []T {
	return block[r*e.stride : r*e.stride+e.n]
}

// forward runs the dynamics of one half, summing the squared error and the
// output-weight gradient (scale is 2/number of scored entries) and, when
// the backward pass follows, keeping tanh(x_t) for it.
func (e *Engine[T]) forward(hf *half[T], b *tasks.Batch, noise Noise, scale float64) {
	if hf.rows == 0 {
		return
	}
	for r := range hf.streams {
		hf.streams[r].Seed(noise.Seed ^ uint64(hf.first+r+1)*0xd1342543de82ef95)
		if noise.Init > 0 {
			x := e.row(hf.x, r)
			e.normals(hf, r, x)
			for j := range x {
				x[j] *= T(noise.Init)
			}
		}
	}
	keep := hf.d != nil // one block of tanh(x_t) per step for the backward pass
	for t := 0; t < b.Steps; t++ {
		if hf.scoring[t] {
			e.readout(hf, b, t, scale)
		}
		if t == b.Steps-1 {
			break // the last update reaches no output
		}
		h := hf.h[:hf.pad*e.stride]
		if keep {
			h = e.block(hf.h, hf, t)
		}
		e.update(hf, b, t, h, noise)
	}
}

// normals sets dst to the next standard normal values of trial r's
// stream: drawn in float32 for both element types, so that both engines
// see the same noise.
func (e *Engine[T]) normals(hf *half[T], r int, dst []T) {
	if d, ok := any(dst).([]float32); ok {
		hf.streams[r].Fill(d)
		return
	}
	hf.streams[r].Fill(hf.noise)
	convert(dst, hf.noise)
}

// readout computes the outputs at step t: the error at the scored entries
// (into sse, dz and the output-weight gradient), or every output and
// state when simulating.
func (e *Engine[T]) readout(hf *half[T], b *tasks.Batch, t int, scale float64) {
	for r := 0; r < hf.rows; r++ {
		tr := hf.first + r
		x := e.row(hf.x, r)
		if hf.states != nil {
			o := (r*b.Steps + t) * e.n
			convert(hf.states[o:o+e.n], x)
			o = (r*b.Steps + t) * e.out
			for k := 0; k < e.out; k++ {
				hf.outputs[o+k] = float64(linalg.Dot(x, e.row(e.woutT, k)))
			}
			continue
		}
		mask, target := b.Scored(tr, t), b.Out(tr, t)
		for k, m := range mask {
			if !m {
				continue
			}
			diff := float64(linalg.Dot(x, e.row(e.woutT, k))) - target[k]
			hf.sse += diff * diff
			dz := T(scale * diff)
			hf.dz[(t*hf.pad+r)*e.out+k] = dz
			linalg.Axpy(dz, x, e.row(hf.gwout, k))
		}
	}
}

// backward runs backpropagation through time for one half: δ_t = ∂L/∂x_t
// from δ_{t+1}, keeping δ_{t+1} for the recurrent-weight gradient and
// summing the input-weight gradient.
//
//	δ_t = (1−dt)·δ_{t+1} + dt·(δ_{t+1}·W) ⊙ (1 − tanh²(x_t)) + ∂L/∂z_t · W_out
func (e *Engine[T]) backward(hf *half[T], b *tasks.Batch, which Which) {
	if hf.rows == 0 || b.Steps < 2 {
		return
	}
	dt := e.dt
	last := b.Steps - 1
	d := e.block(hf.d, hf, last-1) // δ_{T−1}
	clear(d)
	e.addOutputError(hf, d, last)
	for t := last - 1; t >= 0; t-- {
		dn := e.block(hf.d, hf, t) // δ_{t+1}
		if which.Has(In) {
			for r := 0; r < hf.rows; r++ {
				for i, u := range b.In(hf.first+r, t) {
					if u != 0 {
						linalg.Axpy(T(dt*u), e.row(dn, r), e.row(hf.gwin, i))
					}
				}
			}
		}
		if t == 0 {
			break // δ_0 feeds no weight
		}
		e.w.Mul(hf.pad, dn, e.stride, hf.g, e.stride, false)
		d := e.block(hf.d, hf, t-1)
		linalg.TanhBackward(d, dn, hf.g, e.block(hf.h, hf, t), T(1-dt), T(dt))
		e.addOutputError(hf, d, t)
	}
}

// addOutputError adds ∂L/∂z_t · W_out to δ_t.
func (e *Engine[T]) addOutputError(hf *half[T], d []T, t int) {
	if !hf.scoring[t] {
		return
	}
	for r := 0; r < hf.rows; r++ {
		for k := 0; k < e.out; k++ {
			if dz := hf.dz[(t*hf.pad+r)*e.out+k]; dz != 0 {
				linalg.Axpy(dz, e.row(e.woutT, k), e.row(d, r))
			}
		}
	}
}

// gradient combines the halves' sums into grad.
func (e *Engine[T]) gradient(grad *Gradient, which Which) {
	n := e.n
	for _, m := range grad.Matrices() {
		m.Zero()
	}
	h0, h1 := &e.halves[0], &e.halves[1]
	if which.Has(Out) {
		for k := 0; k < e.out; k++ {
			row := grad.WOut.RawRowView(k)
			a, b := e.row(h0.gwout, k), e.row(h1.gwout, k)
			for j := range row {
				row[j] = float64(a[j]) + float64(b[j])
			}
		}
	}
	if which.Has(In) {
		for j := 0; j < n; j++ {
			row := grad.WIn.RawRowView(j)
			for i := range row {
				row[i] = float64(h0.gwin[i*e.stride+j]) + float64(h1.gwin[i*e.stride+j])
			}
		}
	}
	if which.Has(Rec) {
		rows := len(e.dbuf) / e.stride
		e.dw = resize(e.dw, n*n)
		// W̄ = dt · Dᵀ·H over every (trial, step) row of both halves.
		linalg.GemmTN(n, n, rows, e.dbuf, e.stride, e.hbuf, e.stride, e.dw, n, false, 0)
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

// update advances the half's states x by one Euler–Maruyama step at time
// t: h receives tanh(x), then x ← (1−dt)x + dt(tanh(x)Wᵀ + u W_inᵀ) + noise.
func (e *Engine[T]) update(hf *half[T], b *tasks.Batch, t int, h []T, noise Noise) {
	dt := e.dt
	linalg.Tanh(h, hf.x)
	e.wT.Mul(hf.pad, h, e.stride, hf.a, e.stride, false)
	if noise.Sigma > 0 {
		for r := 0; r < hf.rows; r++ {
			e.normals(hf, r, e.row(hf.xi, r))
		}
		linalg.EulerStep(hf.x, hf.a, hf.xi, T(1-dt), T(dt), T(math.Sqrt(dt)*noise.Sigma))
	} else {
		linalg.EulerStep(hf.x, hf.a, nil, T(1-dt), T(dt), 0)
	}
	for r := 0; r < hf.rows; r++ {
		for i, u := range b.In(hf.first+r, t) {
			if u != 0 {
				linalg.Axpy(T(dt*u), e.row(e.winT, i), e.row(hf.x, r))
			}
		}
	}
}
