// Package synth writes large synthetic recordings for benchmarks: Poisson
// spike counts of N neurons driven by a few latent signals, and behaviour read
// out linearly from those latents, as NPY arrays with a manifest that
// `oblique analyze` reads (README "Recording manifests").
//
// Everything is drawn from one seeded generator (PCG), in a fixed order, so
// the same Options give the same bytes. Rows are generated and written one at
// a time: writing a recording of any size takes a few megabytes.
//
// The model, per sample t (bin width Δ):
//
//	latent ℓ:  u_ℓ(t) = s_ℓ·[sin(2π·f_ℓ·tΔ + φ_ℓ) + η_ℓ(t)],  η an AR(1) process (sd 0.5, τ = 200 ms)
//	neuron j:  rate_j(t) = b_j · exp(Σ_ℓ L_jℓ·u_ℓ(t))  (Hz, at most 200),  count ~ Poisson(rate·Δ)
//	output o:  z_o(t) = Σ_ℓ B_oℓ·u_ℓ(t) + 0.05·ε
//
// with s_ℓ = 1/(ℓ+1) (decreasing variance), f_ℓ uniform in [0.2, 2] Hz, b_j
// uniform in [5, 30] Hz and L ~ N(0, 1). Aligned recordings read the
// behaviour from the two strongest latents; oblique ones (the default) from
// the two weakest, which the largest principal components barely carry.
package synth

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/internal/atomicfile"
)

// Options describe a recording.
type Options struct {
	// Samples (T) and Neurons (N); Outputs (K, 0 → 2) behaviour channels.
	Samples, Neurons, Outputs int
	// Latents (0 → 8) drive the neurons; at least Outputs.
	Latents int
	// BinMS is the bin width in ms (0 → 20).
	BinMS float64
	// Aligned reads the behaviour from the strongest latents instead of
	// the weakest.
	Aligned bool
	// DType is the NPY type of the counts: "f8" (default; 8 bytes per
	// count, the size of the analysed matrix), "i2" or "u1" (a count
	// above the type's range is an error).
	DType string
	// Seed seeds every draw.
	Seed uint64
}

// MaxRate caps the firing rates (Hz).
const MaxRate = 200

func (o Options) resolved() Options {
	if o.Outputs == 0 {
		o.Outputs = 2
	}
	if o.Latents == 0 {
		o.Latents = max(8, o.Outputs)
	}
	if o.BinMS == 0 {
		o.BinMS = 20
	}
	if o.DType == "" {
		o.DType = "f8"
	}
	return o
}

// Validate reports options that cannot be generated.
func (o Options) Validate() error {
	o = o.resolved()
	switch {
	case o.Samples < 1 || o.Neurons < 1 || o.Outputs < 1:
		return fmt.Errorf("synth: samples, neurons and outputs must be positive, got %d, %d, %d", o.Samples, o.Neurons, o.Outputs)
	case o.Latents < o.Outputs:
		return fmt.Errorf("synth: %d latents cannot drive %d outputs", o.Latents, o.Outputs)
	case !(o.BinMS > 0 && o.BinMS <= 1000):
		return fmt.Errorf("synth: bin width must be in (0, 1000] ms, got %v", o.BinMS)
	case int64(o.Samples)*int64(o.Neurons) > 2<<30:
		return fmt.Errorf("synth: %d × %d is more than 16 GiB of float64", o.Samples, o.Neurons)
	}
	if _, ok := itemSize[o.DType]; !ok {
		return fmt.Errorf("synth: dtype %q: want f8, i2 or u1", o.DType)
	}
	return nil
}

var itemSize = map[string]int{"f8": 8, "i2": 2, "u1": 1}

// Manifest is the file name of the manifest Write writes.
const Manifest = "recording.toml"

// Write writes activity.npy, behaviour.npy and recording.toml into dir and
// returns the manifest's path. A manifest already there is removed first
// and written last, so a failure part-way never leaves a manifest over a
// mix of old and new arrays; each array is written aside and renamed.
func Write(dir string, o Options) (string, error) {
	if err := o.Validate(); err != nil {
		return "", err
	}
	o = o.resolved()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	manifest := filepath.Join(dir, Manifest)
	if err := os.Remove(manifest); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	g := newGenerator(o)
	behaviour := make([]float64, 0, o.Samples*o.Outputs)
	err := atomicfile.Write(filepath.Join(dir, "activity.npy"), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := writeHeader(bw, o.DType, o.Samples, o.Neurons); err != nil {
			return err
		}
		buf := make([]byte, 0, o.Neurons*itemSize[o.DType])
		counts := make([]int, o.Neurons)
		z := make([]float64, o.Outputs)
		for t := 0; t < o.Samples; t++ {
			g.step(counts, z)
			behaviour = append(behaviour, z...)
			buf = buf[:0]
			for j, c := range counts {
				var err error
				if buf, err = appendCount(buf, o.DType, c); err != nil {
					return fmt.Errorf("sample %d, neuron %d: %w", t, j, err)
				}
			}
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return "", err
	}
	err = atomicfile.Write(filepath.Join(dir, "behaviour.npy"), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := writeHeader(bw, "f8", o.Samples, o.Outputs); err != nil {
			return err
		}
		for _, v := range behaviour {
			if err := binary.Write(bw, binary.LittleEndian, v); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return "", err
	}
	regime := "oblique"
	if o.Aligned {
		regime = "aligned"
	}
	channels := make([]string, o.Outputs)
	for i := range channels {
		channels[i] = fmt.Sprintf("%q", fmt.Sprintf("z%d", i+1))
	}
	text := fmt.Sprintf(`name = "synth-%dx%d-%s-seed%d"
description = "synthetic recording (internal/synth): %d samples, %d neurons, %d latents, %s readout, seed %d"

[activity]
array = "activity.npy"
kind = "counts"
bin_ms = %v

[behaviour]
array = "behaviour.npy"
channels = [%s]
unit = "a.u."

[preprocess]
keep_counts = true                   # counts per bin: the α grid's range suits them
`, o.Samples, o.Neurons, regime, o.Seed, o.Samples, o.Neurons, o.Latents, regime, o.Seed, o.BinMS, strings.Join(channels, ", "))
	err = atomicfile.Write(manifest, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	})
	if err != nil {
		return "", err
	}
	return manifest, nil
}

// Generate returns the recording of o in memory: the counts (Samples ×
// Neurons, as float64) and the behaviour (Samples × Outputs), the same
// numbers Write writes.
func Generate(o Options) (activity, behaviour *mat.Dense, err error) {
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	o = o.resolved()
	g := newGenerator(o)
	activity = mat.NewDense(o.Samples, o.Neurons, nil)
	behaviour = mat.NewDense(o.Samples, o.Outputs, nil)
	counts := make([]int, o.Neurons)
	for t := 0; t < o.Samples; t++ {
		g.step(counts, behaviour.RawRowView(t))
		row := activity.RawRowView(t)
		for j, c := range counts {
			row[j] = float64(c)
		}
	}
	return activity, behaviour, nil
}

// appendCount appends a count in the NPY type dtype.
func appendCount(buf []byte, dtype string, c int) ([]byte, error) {
	switch dtype {
	case "i2":
		if c > math.MaxInt16 {
			return buf, fmt.Errorf("count %d does not fit i2", c)
		}
		return binary.LittleEndian.AppendUint16(buf, uint16(c)), nil
	case "u1":
		if c > math.MaxUint8 {
			return buf, fmt.Errorf("count %d does not fit u1", c)
		}
		return append(buf, byte(c)), nil
	}
	return binary.LittleEndian.AppendUint64(buf, math.Float64bits(float64(c))), nil
}

// writeHeader writes an NPY 1.0 header for a C-order rows × cols matrix.
func writeHeader(w io.Writer, dtype string, rows, cols int) error {
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", map[string]string{"f8": "<f8", "i2": "<i2", "u1": "|u1"}[dtype], rows, cols)
	pad := (64 - (10+len(hdr)+1)%64) % 64
	hdr += strings.Repeat(" ", pad) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(b[8:], uint16(len(hdr)))
	_, err := w.Write(append(b, hdr...))
	return err
}

// generator holds the model's parameters and the state of its latents.
type generator struct {
	o      Options
	rng    *rand.Rand
	dt     float64
	scale  []float64 // s_ℓ
	freq   []float64 // f_ℓ (Hz)
	phase  []float64 // φ_ℓ
	ar     []float64 // η_ℓ
	decay  float64   // AR(1) coefficient
	innov  float64   // AR(1) innovation sd
	base   []float64 // b_j (Hz)
	load   []float64 // L, N × latents
	read   []float64 // B, outputs × latents
	latent []float64
	t      int
}

func newGenerator(o Options) *generator {
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	d := o.Latents
	g := &generator{o: o, rng: rng, dt: o.BinMS / 1000}
	g.decay = math.Exp(-g.dt / 0.2)
	g.innov = 0.5 * math.Sqrt(1-g.decay*g.decay)
	for l := 0; l < d; l++ {
		g.scale = append(g.scale, 1/float64(l+1))
		g.freq = append(g.freq, 0.2+1.8*rng.Float64())
		g.phase = append(g.phase, 2*math.Pi*rng.Float64())
		g.ar = append(g.ar, 0.5*rng.NormFloat64())
	}
	for j := 0; j < o.Neurons; j++ {
		g.base = append(g.base, 5+25*rng.Float64())
	}
	for i := 0; i < o.Neurons*d; i++ {
		g.load = append(g.load, rng.NormFloat64())
	}
	g.read = make([]float64, o.Outputs*d)
	for k := 0; k < o.Outputs; k++ {
		l := k // strongest latents
		if !o.Aligned {
			l = d - 1 - k // weakest
		}
		g.read[k*d+l] = 1 / g.scale[l] // unit-amplitude outputs
	}
	g.latent = make([]float64, d)
	return g
}

// step draws the next sample: counts per neuron and the outputs.
func (g *generator) step(counts []int, z []float64) {
	d := g.o.Latents
	tt := float64(g.t) * g.dt
	for l := 0; l < d; l++ {
		g.ar[l] = g.decay*g.ar[l] + g.innov*g.rng.NormFloat64()
		g.latent[l] = g.scale[l] * (math.Sin(2*math.Pi*g.freq[l]*tt+g.phase[l]) + g.ar[l])
	}
	for j := range counts {
		var s float64
		for l, w := range g.load[j*d : (j+1)*d] {
			s += w * g.latent[l]
		}
		rate := min(g.base[j]*math.Exp(s), MaxRate)
		counts[j] = poisson(g.rng, rate*g.dt)
	}
	for k := range z {
		var s float64
		for l, w := range g.read[k*d : (k+1)*d] {
			s += w * g.latent[l]
		}
		z[k] = s + 0.05*g.rng.NormFloat64()
	}
	g.t++
}

// poisson draws a Poisson count of mean m by inversion (m ≤ MaxRate·Δ ≤
// 200, so the loop is short and e^−m does not underflow).
func poisson(rng *rand.Rand, m float64) int {
	u := rng.Float64()
	p := math.Exp(-m)
	s := p
	k := 0
	for u > s && k < 10000 {
		k++
		p *= m / float64(k)
		s += p
		if p == 0 {
			break
		}
	}
	return k
}
