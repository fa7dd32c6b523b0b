package rnn

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/cpuclock"

	"github.com/oblique-neuro/oblique/models/tasks"
)

// benchProblem is the problem of benchmarks/torch_rnn_step.py: N = 256,
// batch 32, 200 Euler steps, 2 dense N(0, 1) inputs, a sine and a cosine as
// the 2 targets, scored at every 5th step.
func benchProblem(n int) (*Network, *tasks.Batch) {
	const trials, steps = 32, 200
	rng := rand.New(rand.NewPCG(1, 2))
	b := tasks.NewBatch("bench", trials, steps, 2, 2)
	for i := range b.Input {
		b.Input[i] = rng.NormFloat64()
	}
	for tr := 0; tr < trials; tr++ {
		for s := 0; s < steps; s++ {
			t := float64(s) * tasks.Dt
			out := b.Out(tr, s)
			out[0], out[1] = math.Sin(0.2*math.Pi*t), math.Cos(0.2*math.Pi*t)
			if s%5 == 0 {
				m := b.Scored(tr, s)
				m[0], m[1] = true, true
			}
		}
	}
	return New(n, 2, 2, Init{OutScale: Large}, rand.NewPCG(1, 1)), b
}

// flopsPerStep counts the multiply-adds ×2 of one training step: the
// forward and backward products per update step (2·B·N² each) and the
// recurrent-weight gradient (2·N²·B·(steps−1)).
func flopsPerStep(n, trials, steps int) float64 {
	return 3 * 2 * float64(n*n*trials) * float64(steps-1)
}

// BenchmarkTrainStep times one training step (noisy forward pass, BPTT,
// Adam) in float32 — the step `oblique train` runs — and in float64; the
// float32 one is the peer of benchmarks/torch_rnn_step.py.
func BenchmarkTrainStep(b *testing.B) {
	b.Run("float32", func(b *testing.B) { benchStep[float32](b, 256) })
	b.Run("float64", func(b *testing.B) { benchStep[float64](b, 256) })
}

func benchStep[T float32 | float64](b *testing.B, n int) {
	net, batch := benchProblem(n)
	var e Engine[T]
	g := NewGradient(net, All)
	opt := Adam{LR: 0.02 / float64(n)}
	b.ResetTimer()
	for i := range b.N {
		e.Loss(net, batch, Noise{Sigma: 0.2, Init: 1, Seed: uint64(i)}, g)
		opt.Update(net, g, All)
	}
	b.ReportMetric(flopsPerStep(n, batch.Trials, batch.Steps)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	// The core's clock right after, for the share of the FMA peak
	// (benchmarks/rnn.sh): a VM's /proc/cpuinfo gives only the nominal one.
	// The timer stops first: the measurement is not part of a step.
	b.StopTimer()
	if ghz := cpuclock.GHz(50 * time.Millisecond); ghz > 0 {
		b.ReportMetric(ghz, "GHz")
	}
}
