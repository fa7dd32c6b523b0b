package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/models/tasks"
)

// testNet draws a small network for task.
func testNet(task tasks.Task, n int, init Init, seed uint64) *Network {
	return New(n, task.Inputs(), task.Outputs(), init, rand.NewPCG(seed, 7))
}

// TestGradientCheck compares the backpropagated gradient of the float64
// engine with central finite differences, for every weight matrix, every
// task and both output scales, at N = 10 over the tasks' full trials, with
// the state noise and the initial-state noise on under a fixed realisation.
// Five trials are padded to one tile of 8 rows.
//
// Tolerance: ‖∇_fd − ∇_bp‖ / ‖∇_bp‖ < 1e-6 per matrix. With a step of
// 1e-5 on O(1) weights the central difference is off by O(h²) ≈ 1e-10 in
// truncation and ε·L/h ≈ 1e-11 in rounding, relative to the gradient.
func TestGradientCheck(t *testing.T) {
	const n, trials, h = 10, 5, 1e-5
	for ti, name := range tasks.Names() {
		task, _ := tasks.New(name)
		for si, scale := range []OutScale{Large, Small} {
			t.Run(fmt.Sprintf("%s/%s", name, scale), func(t *testing.T) {
				seed := uint64(10*ti + si)
				net := testNet(task, n, Init{OutScale: scale}, seed)
				b := task.Generate(rand.New(rand.NewPCG(seed, 1)), trials)
				noise := Noise{Sigma: 0.2, Init: 1, Seed: seed + 100}
				var e Engine[float64]
				grad := NewGradient(net, All)
				e.Loss(net, b, noise, grad)
				for mi, m := range net.Matrices() {
					bp := grad.Matrices()[mi].RawMatrix().Data
					p := m.RawMatrix().Data
					var num, den, worst float64
					for j := range p {
						v := p[j]
						p[j] = v + h
						lp := e.Loss(net, b, noise, nil)
						p[j] = v - h
						lm := e.Loss(net, b, noise, nil)
						p[j] = v
						fd := (lp - lm) / (2 * h)
						num += (fd - bp[j]) * (fd - bp[j])
						den += bp[j] * bp[j]
						worst = math.Max(worst, math.Abs(fd-bp[j]))
					}
					rel := math.Sqrt(num / den)
					t.Logf("%s: relative error %.2e (largest entry error %.1e, ‖∇‖ %.2e)", []string{"W_in", "W", "W_out"}[mi], rel, worst, math.Sqrt(den))
					if !(rel < 1e-6) {
						t.Errorf("%s: relative error %.2e", []string{"W_in", "W", "W_out"}[mi], rel)
					}
				}
			})
		}
	}
}

// TestFloat32MatchesFloat64 runs the fast float32 engine and the float64
// reference on the same networks, batches and noise. At g = 0.7 (decaying
// dynamics, so that rounding differences are not amplified by chaos over
// the 72-τ trials) loss and gradients agree to float32 accuracy: 1e-4
// relative in the loss and 2e-3 (norm-wise) in each gradient. N = 70 pads
// the rows to more than N columns and 7 trials are padded to 8.
func TestFloat32MatchesFloat64(t *testing.T) {
	for ti, name := range tasks.Names() {
		task, _ := tasks.New(name)
		net := testNet(task, 70, Init{G: 0.7, OutScale: Large}, uint64(ti))
		b := task.Generate(rand.New(rand.NewPCG(uint64(ti), 2)), 7)
		noise := Noise{Sigma: 0.2, Init: 1, Seed: 5}
		g64, g32 := NewGradient(net, All), NewGradient(net, All)
		var e64 Engine[float64]
		var e32 Engine[float32]
		l64 := e64.Loss(net, b, noise, g64)
		l32 := e32.Loss(net, b, noise, g32)
		if math.Abs(l32-l64) > 1e-4*l64 {
			t.Errorf("%s: loss float32 %v, float64 %v", name, l32, l64)
		}
		for mi := range g64.Matrices() {
			var d mat.Dense
			d.Sub(g32.Matrices()[mi], g64.Matrices()[mi])
			rel := mat.Norm(&d, 2) / mat.Norm(g64.Matrices()[mi], 2)
			if !(rel < 2e-3) {
				t.Errorf("%s: %s gradient differs by %.2e (relative)", name, []string{"W_in", "W", "W_out"}[mi], rel)
			}
		}
	}
}

// TestSimulateMatchesLoss checks that Simulate's outputs are the readout
// of its states and give the loss that Loss computes, with and without
// noise, and that the first state is x₀ = 0 without noise.
func TestSimulateMatchesLoss(t *testing.T) {
	task := tasks.FlipFlop{}
	net := testNet(task, 12, Init{OutScale: Large}, 3)
	b := task.Generate(rand.New(rand.NewPCG(3, 3)), 5)
	for _, noise := range []Noise{{}, {Sigma: 0.2, Init: 1, Seed: 9}} {
		var e Engine[float64]
		states, outputs := e.Simulate(net, b, noise)
		var z mat.Dense
		z.Mul(states, net.WOut.T())
		if !mat.EqualApprox(&z, outputs, 1e-12) {
			t.Fatal("outputs are not the readout of the states")
		}
		var sse float64
		for tr := 0; tr < b.Trials; tr++ {
			for s := 0; s < b.Steps; s++ {
				for k, m := range b.Scored(tr, s) {
					if m {
						d := outputs.At(tr*b.Steps+s, k) - b.Out(tr, s)[k]
						sse += d * d
					}
				}
			}
		}
		want := e.Loss(net, b, noise, nil)
		if got := sse / float64(b.Masked()); math.Abs(got-want) > 1e-12*want {
			t.Errorf("noise %+v: loss from Simulate %v, Loss %v", noise, got, want)
		}
		if noise.Init == 0 && mat.Norm(states.Slice(0, 1, 0, 12), 2) != 0 {
			t.Error("x₀ is not zero without noise")
		}
	}
}

// TestWorkerCountInvariant checks that Loss with its gradient, Simulate
// and SimulateFrom give the same bits under GOMAXPROCS 1, 2 and 3, in both
// element types: 21 trials are 3 tiles of 8, run as one group of 24 rows,
// as 8 + 16 (13 trials) or as 8 + 8 + 8 (5 trials). One engine runs the
// first case fresh, another is reused across the rest (groups grow and
// shrink). It also checks that the padding rows and columns of the state
// and per-step blocks are exact zeros after a training pass, and that
// another noise seed gives another loss.
func TestWorkerCountInvariant(t *testing.T) {
	task := tasks.Mante{}
	net := testNet(task, 40, Init{}, 4)
	b := task.Generate(rand.New(rand.NewPCG(4, 4)), 21)
	t.Run("float32", func(t *testing.T) { workerCountInvariant[float32](t, net, b) })
	t.Run("float64", func(t *testing.T) { workerCountInvariant[float64](t, net, b) })
}

// workerRun is what one engine computes under a given GOMAXPROCS.
type workerRun struct {
	loss                      float64
	grad                      *Gradient
	states, outputs, replayed *mat.Dense
}

func workerCountInvariant[T float32 | float64](t *testing.T, net *Network, b *tasks.Batch) {
	noise := Noise{Sigma: 0.05, Init: 1, Seed: 11}
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	run := func(e *Engine[T], procs int) workerRun {
		runtime.GOMAXPROCS(procs)
		var r workerRun
		r.grad = NewGradient(net, All)
		r.loss = e.Loss(net, b, noise, r.grad)
		if len(e.groups) != procs {
			t.Fatalf("GOMAXPROCS %d: %d groups", procs, len(e.groups))
		}
		checkPadding(t, e, b)
		r.states, r.outputs = e.Simulate(net, b, noise)
		x0 := mat.NewDense(b.Trials, net.N(), nil)
		for tr := 0; tr < b.Trials; tr++ {
			x0.SetRow(tr, r.states.RawRowView(tr*b.Steps+b.Steps/2))
		}
		_, r.replayed = e.SimulateFrom(net, tail(b, b.Steps/2), x0, noise, false)
		return r
	}
	var fresh, reused Engine[T]
	want := run(&fresh, 1)
	for _, procs := range []int{3, 2, 1} {
		got := run(&reused, procs)
		if got.loss != want.loss {
			t.Errorf("GOMAXPROCS %d: loss %v, with 1: %v", procs, got.loss, want.loss)
		}
		for i, m := range got.grad.Matrices() {
			if !mat.Equal(m, want.grad.Matrices()[i]) {
				t.Errorf("GOMAXPROCS %d: %s gradient differs from the one with 1", procs, []string{"W_in", "W", "W_out"}[i])
			}
		}
		for _, c := range []struct {
			name      string
			got, want *mat.Dense
		}{{"Simulate states", got.states, want.states}, {"Simulate outputs", got.outputs, want.outputs}, {"SimulateFrom outputs", got.replayed, want.replayed}} {
			if !mat.Equal(c.got, c.want) {
				t.Errorf("GOMAXPROCS %d: %s differ from those with 1", procs, c.name)
			}
		}
	}
	if l := fresh.Loss(net, b, Noise{Sigma: 0.05, Init: 1, Seed: 12}, nil); l == want.loss {
		t.Error("another noise seed gave the same loss")
	}
}

// checkPadding checks that in the engine's state buffers and in every
// per-step block of tanh(x) and δ the rows past the batch's trials and the
// columns past N are exact zeros, and that the real rows are not.
func checkPadding[T float32 | float64](t *testing.T, e *Engine[T], b *tasks.Batch) {
	t.Helper()
	if e.pad != (b.Trials+7)/8*8 || len(e.hbuf) != (b.Steps-1)*e.pad*e.stride || len(e.dbuf) != len(e.hbuf) {
		t.Fatalf("%d trials: %d padded rows, blocks of %d and %d values", b.Trials, e.pad, len(e.hbuf), len(e.dbuf))
	}
	for name, buf := range map[string][]T{"x": e.x, "tanh(x)": e.hbuf, "δ": e.dbuf} {
		nonzero := false
		for row := 0; row < len(buf)/e.stride; row++ {
			for j, v := range buf[row*e.stride : (row+1)*e.stride] {
				if row%e.pad >= b.Trials || j >= e.n {
					if v != 0 {
						t.Fatalf("%s: padding row %d of block %d, column %d is %v", name, row%e.pad, row/e.pad, j, v)
					}
				} else if v != 0 {
					nonzero = true
				}
			}
		}
		if !nonzero {
			t.Errorf("%s: every value is zero", name)
		}
	}
}

// TestWhich checks that a partial gradient equals the matching part of the
// full one and leaves the others zero.
func TestWhich(t *testing.T) {
	task := tasks.Romo{}
	net := testNet(task, 16, Init{}, 5)
	b := task.Generate(rand.New(rand.NewPCG(5, 5)), 4)
	noise := Noise{Sigma: 0.2, Init: 1, Seed: 1}
	var e Engine[float64]
	full := NewGradient(net, All)
	e.Loss(net, b, noise, full)
	for i, w := range []Which{In, Rec, Out} {
		part := NewGradient(net, w)
		e.Loss(net, b, noise, part)
		for j := range part.Matrices() {
			m := part.Matrices()[j]
			if j == i && !mat.EqualApprox(m, full.Matrices()[j], 1e-14) {
				t.Errorf("%v: gradient differs from the full one", w)
			}
			if j != i && mat.Norm(m, 2) != 0 {
				t.Errorf("%v: matrix %d not zero", w, j)
			}
		}
	}
}

// TestInit checks the initial weight scales: RMS of W ≈ g/√N, of W_in ≈ 1,
// of W_out ≈ 1/√N (large) or 1/N (small).
func TestInit(t *testing.T) {
	const n = 400
	rms := func(m *mat.Dense) float64 {
		r, c := m.Dims()
		return mat.Norm(m, 2) / math.Sqrt(float64(r*c))
	}
	for _, c := range []struct {
		init Init
		out  float64
	}{{Init{OutScale: Large}, 1 / math.Sqrt(n)}, {Init{}, 1.0 / n}} {
		net := New(n, 2, 50, c.init, rand.NewPCG(1, 1))
		if got, want := rms(net.W), 1.5/math.Sqrt(n); math.Abs(got-want) > 0.01*want {
			t.Errorf("RMS of W %v, want %v", got, want)
		}
		if got := rms(net.WIn); math.Abs(got-1) > 0.05 {
			t.Errorf("RMS of W_in %v, want 1", got)
		}
		if got := rms(net.WOut); math.Abs(got-c.out) > 0.03*c.out {
			t.Errorf("%s: RMS of W_out %v, want %v", c.init.OutScale, got, c.out)
		}
	}
}

// TestAdam compares two steps with the update written out by hand.
func TestAdam(t *testing.T) {
	net := &Network{W: mat.NewDense(1, 1, []float64{1}), WIn: mat.NewDense(1, 1, []float64{2}), WOut: mat.NewDense(1, 1, []float64{3})}
	g := &Gradient{W: mat.NewDense(1, 1, []float64{0.5}), WIn: mat.NewDense(1, 1, []float64{-1}), WOut: mat.NewDense(1, 1, []float64{4})}
	a := Adam{LR: 0.1}
	a.Update(net, g, Rec|Out)
	a.Update(net, g, Rec|Out)
	// A constant gradient gives m̂ = g and v̂ = g² at every step, so each
	// step moves by lr·g/(|g| + ε).
	want := 1 - 2*0.1*0.5/(0.5+1e-8)
	if got := net.W.At(0, 0); math.Abs(got-want) > 1e-12 {
		t.Errorf("W = %v, want %v", got, want)
	}
	if got := net.WIn.At(0, 0); got != 2 {
		t.Errorf("W_in moved without training: %v", got)
	}
	if a.Step != 2 || a.M[0] != nil {
		t.Errorf("step %d, moments of W_in %v", a.Step, a.M[0])
	}
}

func TestParseWhich(t *testing.T) {
	for s, want := range map[string]Which{"in,rec,out": All, "rec": Rec, "w": Rec, "out,in": In | Out} {
		if got, err := ParseWhich(s); err != nil || got != want {
			t.Errorf("%q: %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "bias", "in,x"} {
		if _, err := ParseWhich(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if All.String() != "in,rec,out" || Rec.String() != "rec" {
		t.Error(All.String(), Rec.String())
	}
}
