package modelmeasures

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/oblique-neuro/oblique/internal/stats"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// NoiseSettings configure the noise-compression analysis (METHODS.md §5,
// paper Fig. 6). The zero value is the paper's.
type NoiseSettings struct {
	// Conditions is the number of conditions, the first evaluation trials
	// (4); Repeats the replays of each with fresh noise (16).
	Conditions, Repeats int
	// Random, Out and PC are the numbers of unit directions drawn in the
	// whole space (2000), the output-weight plane (100) and the plane of
	// the first two PCs of the condition-averaged states (100).
	Random, Out, PC int
}

// Resolved returns n with the defaults filled in.
func (n NoiseSettings) Resolved() NoiseSettings {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&n.Conditions, 4)
	def(&n.Repeats, 16)
	def(&n.Random, 2000)
	def(&n.Out, 100)
	def(&n.PC, 100)
	return n
}

func (n NoiseSettings) validate() error {
	if n.Conditions < 1 || n.Repeats < 2 || n.Random < 1 || n.Out < 1 || n.PC < 1 {
		return errors.New("modelmeasures: noise compression needs ≥ 1 condition, ≥ 2 repeats and ≥ 1 direction of each kind")
	}
	return nil
}

// NoiseCompression is the outcome of the noise-compression analysis of one
// network: the variance of the trial-to-trial residuals along unit
// directions of three kinds.
type NoiseCompression struct {
	Conditions, Repeats int
	// Sigma is the state noise of the replays (the training σ).
	Sigma float64
	// VarRandom, VarOut and VarPC are the variances along each direction
	// drawn; Mean* their means.
	VarRandom, VarOut, VarPC    []float64
	MeanRandom, MeanOut, MeanPC float64
	// Ratio is MeanOut/MeanRandom (> 1 aligned, < 1 oblique); RatioPC is
	// MeanPC/MeanRandom.
	Ratio, RatioPC float64
}

// CompressNoise runs the noise-compression analysis of m: the first
// Conditions evaluation trials (their inputs fixed) are each replayed
// Repeats times with fresh training-level state noise and fresh initial
// states x₀ ~ N(0, InitNoise²); at every step the mean over the replays of
// a condition is subtracted, and the variance (ddof 1) of the residuals,
// pooled over every step of every replay, is measured along random unit
// directions, unit directions in the output-weight plane and in the plane
// of the first two PCs of the condition-averaged states (every step, as the
// reference code).
func CompressNoise(m Model, ev *Evaluation, s Settings) (*NoiseCompression, error) {
	s = s.Resolved()
	ns := s.Noise
	if err := ns.validate(); err != nil {
		return nil, err
	}
	b := ev.Batch
	if ns.Conditions > b.Trials {
		return nil, errors.New("modelmeasures: more noise conditions than evaluation trials")
	}
	rb := replayBatch(b, ns.Conditions, ns.Repeats)
	rng := rand.New(rand.NewPCG(s.Seed, streamNoise))
	states, _ := m.engine().Simulate(m.Net, rb, rnn.Noise{Sigma: m.Sigma, Init: m.InitNoise, Seed: rng.Uint64()})
	cov, pcs, err := residualStats(states, ns.Conditions, ns.Repeats, b.Steps)
	if err != nil {
		return nil, err
	}
	n := m.Net.N()
	random := drawDirections(rng, nil, ns.Random, n, false)
	basis, err := rowBasis(m.Net.WOut)
	if err != nil {
		return nil, fmt.Errorf("modelmeasures: output weights W_out: %w", err)
	}
	out := directionsFrom(rng, basis, ns.Out)
	pc := directionsFrom(rng, pcs, ns.PC)
	nc := &NoiseCompression{Conditions: ns.Conditions, Repeats: ns.Repeats, Sigma: m.Sigma}
	nc.VarRandom, nc.VarOut, nc.VarPC = variances(cov, random), variances(cov, out), variances(cov, pc)
	nc.summarise()
	return nc, nil
}

func (nc *NoiseCompression) summarise() {
	nc.MeanRandom, nc.MeanOut, nc.MeanPC = stats.Mean(nc.VarRandom), stats.Mean(nc.VarOut), stats.Mean(nc.VarPC)
	nc.Ratio, nc.RatioPC = math.NaN(), math.NaN()
	if nc.MeanRandom > 0 {
		nc.Ratio, nc.RatioPC = nc.MeanOut/nc.MeanRandom, nc.MeanPC/nc.MeanRandom
	}
}

// directionsFrom draws count unit directions uniformly in the span of the
// orthonormal columns of basis: Gaussian coefficients, normalised.
func directionsFrom(rng *rand.Rand, basis *mat.Dense, count int) *mat.Dense {
	n, _ := basis.Dims()
	return drawDirections(rng, basis, count, n, false)
}

// replayBatch returns the batch of conditions·repeats trials in which trial
// i is trial i mod conditions of b.
func replayBatch(b *tasks.Batch, conditions, repeats int) *tasks.Batch {
	rb := tasks.NewBatch(b.Task, conditions*repeats, b.Steps, b.Inputs, b.Outputs)
	rb.Dt = b.Dt
	for i := 0; i < rb.Trials; i++ {
		c := i % conditions
		for t := 0; t < b.Steps; t++ {
			copy(rb.In(i, t), b.In(c, t))
			copy(rb.Out(i, t), b.Out(c, t))
			copy(rb.Scored(i, t), b.Scored(c, t))
		}
	}
	return rb
}

// residualStats takes the states of conditions·repeats trials of steps
// steps (trial i of condition i mod conditions, row i·steps + t) and returns
// the sample covariance (ddof 1) of the residuals about the condition means
// at each step, pooled over all rows, and the first two principal axes of
// the condition-averaged states (N×2, oriented).
func residualStats(states *mat.Dense, conditions, repeats, steps int) (*mat.SymDense, *mat.Dense, error) {
	_, n := states.Dims()
	avg := mat.NewDense(conditions*steps, n, nil)
	for i := 0; i < conditions*repeats; i++ {
		c := i % conditions
		for t := 0; t < steps; t++ {
			linalgAdd(avg.RawRowView(c*steps+t), states.RawRowView(i*steps+t))
		}
	}
	avg.Scale(1/float64(repeats), avg)
	res := mat.NewDense(conditions*repeats*steps, n, nil)
	for i := 0; i < conditions*repeats; i++ {
		c := i % conditions
		for t := 0; t < steps; t++ {
			dst, x, a := res.RawRowView(i*steps+t), states.RawRowView(i*steps+t), avg.RawRowView(c*steps+t)
			for j := range dst {
				dst[j] = x[j] - a[j]
			}
		}
	}
	mu, _ := linalg.ColumnStats(res)
	cov := linalg.Gram(res, mu)
	rows, _ := res.Dims()
	cov.ScaleSym(1/float64(rows-1), cov)
	d, err := decode.Decompose(avg)
	if err != nil {
		return nil, nil, err
	}
	if d.Rank() < 2 {
		return nil, nil, errors.New("modelmeasures: the condition-averaged states have fewer than two principal components")
	}
	pcs := mat.DenseCopyOf(d.V.Slice(0, n, 0, 2))
	orient(pcs)
	return cov, pcs, nil
}

func linalgAdd(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}

// variances returns uᵀ·cov·u for each row u of dirs.
func variances(cov *mat.SymDense, dirs *mat.Dense) []float64 {
	r, _ := dirs.Dims()
	cu := linalg.Mul(dirs, cov) // r×N: row i is (cov·u_i)ᵀ
	out := make([]float64, r)
	for i := range out {
		out[i] = dot(cu.RawRowView(i), dirs.RawRowView(i))
	}
	return out
}
