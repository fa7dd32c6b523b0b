// Package preprocess turns a Recording into the design of the analysis: the
// activity matrix X (samples × neurons) and the behaviour z (samples ×
// outputs) that the decoders and the regime measures read.
//
// Each step is a plain function of its inputs (METHODS.md §2): counts → rates,
// the lag between activity and behaviour, the sample mask, centring. Steps
// for spike times (binning, smoothing, trial alignment) produce a Recording
// and so come before Build.
package preprocess

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/linalg"
)

// Settings are the preprocessing choices for one recording. The zero value
// is the paper's default for binned data: counts become rates in Hz, no lag,
// X and z centred over samples.
type Settings struct {
	// KeepCounts leaves spike counts per bin as they are instead of
	// dividing by the bin width.
	KeepCounts bool `toml:"keep_counts"`
	// LagMS is how far activity leads behaviour, in ms: behaviour sample i
	// is paired with activity row i − int(LagMS/bin width) (truncation
	// toward zero, so 100 ms at 45 ms bins is 2 bins). Negative values
	// let behaviour lead.
	LagMS float64 `toml:"lag_ms"`
	// LagBins gives the lag in bins instead; set at most one of the two.
	LagBins int `toml:"lag_bins"`
	// NoCentre keeps the means; by default each neuron and each output is
	// centred over the samples used.
	NoCentre bool `toml:"no_centre"`
	// Every keeps every k-th of the samples selected by mask and lag (0 and
	// 1 keep all): the paper thins the 1 ms cycling data to every 5th.
	Every int `toml:"every"`
}

// Validate reports settings that contradict each other.
func (s Settings) Validate() error {
	if s.LagMS != 0 && s.LagBins != 0 {
		return fmt.Errorf("preprocess: set lag_ms or lag_bins, not both (%v ms, %d bins)", s.LagMS, s.LagBins)
	}
	if math.IsNaN(s.LagMS) || math.IsInf(s.LagMS, 0) {
		return fmt.Errorf("preprocess: lag_ms must be finite, got %v", s.LagMS)
	}
	if s.Every < 0 {
		return fmt.Errorf("preprocess: every must be positive, got %d", s.Every)
	}
	return nil
}

// Lag returns the lag in bins for bins of width binWidth seconds.
func (s Settings) Lag(binWidth float64) int {
	if s.LagBins != 0 {
		return s.LagBins
	}
	// The 1e-9 guards 90 ms / 45 ms from landing on 1.9999999999999998.
	q := s.LagMS / (binWidth * 1000)
	// Lags beyond maxLag bins leave no sample in any recording; clamping
	// keeps the conversion to int from overflowing (and flipping sign).
	const maxLag = 1 << 40
	q = max(-maxLag, min(maxLag, q))
	if q >= 0 {
		return int(q + 1e-9)
	}
	return int(q - 1e-9)
}

// Design is what the analysis reads.
type Design struct {
	// Name is the recording's name.
	Name string
	// X is T×N activity (Hz unless KeepCounts), Z is T×K behaviour, both
	// centred over samples unless NoCentre; XMean and ZMean were removed.
	X, Z         *mat.Dense
	XMean, ZMean []float64
	// Unit is the unit of X.
	Unit string
	// Rows lists the behaviour samples of the recording that were used, in
	// order; activity row Rows[i] − LagBins is paired with each.
	Rows    []int
	LagBins int
	// Channels names the columns of Z.
	Channels []string
	// Decoder is the experimenter's decoder (K×N) in the units of X, if
	// the recording has one.
	Decoder *mat.Dense
	// Constant lists neurons that do not vary over the used samples; they
	// are kept and get zero weight.
	Constant []int
	// Notes are remarks for the user (constant neurons, dropped samples).
	Notes []string
}

// Build applies the settings to the recording.
func Build(rec *ingest.Recording, s Settings) (*Design, error) { return build(rec, s, false) }

// Take is Build for a recording that is not needed afterwards: the design's
// X and Z are built in the storage of rec.Activity and rec.Behaviour
// whenever every sample moves to a row no later than its own (always, unless
// a negative lag pairs a sample with a later activity row), so that a large
// recording is never held twice. rec.Activity and rec.Behaviour are nil
// afterwards, whether or not Take succeeds.
func Take(rec *ingest.Recording, s Settings) (*Design, error) {
	d, err := build(rec, s, true)
	rec.Activity, rec.Behaviour = nil, nil
	return d, err
}

func build(rec *ingest.Recording, s Settings, take bool) (*Design, error) {
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", rec.Name, err)
	}
	t, n := rec.Activity.Dims()
	_, k := rec.Behaviour.Dims()
	lag := s.Lag(rec.BinWidth)
	rows, dropped := Rows(rec, lag)
	if s.Every > 1 {
		thinned := rows[:0:0]
		for i := 0; i < len(rows); i += s.Every {
			thinned = append(thinned, rows[i])
		}
		rows = thinned
	}
	if len(rows) == 0 {
		switch {
		case rec.Mask != nil && countTrue(rec.Mask) == 0:
			return nil, fmt.Errorf("%s: the mask %s keeps no samples", rec.Name, rec.Source("mask"))
		case s.LagBins == 0 && s.LagMS != 0:
			bins := fmt.Sprint(lag)
			if q := s.LagMS / (rec.BinWidth * 1000); math.Abs(q) > math.Abs(float64(lag))+1 {
				bins = fmt.Sprintf("%.3g", q) // beyond the clamp of Lag
			}
			return nil, fmt.Errorf("%s: no samples left after a lag of %v ms (%s bins; %d samples)", rec.Name, s.LagMS, bins, t)
		default:
			return nil, fmt.Errorf("%s: no samples left after a lag of %d bins (%d samples)", rec.Name, lag, t)
		}
	}
	scale := 1.0
	unit := "Hz"
	switch {
	case rec.Kind == ingest.Counts && s.KeepCounts:
		unit = "counts/bin"
	case rec.Kind == ingest.Counts:
		scale = 1 / rec.BinWidth
		if math.IsInf(scale, 0) {
			return nil, fmt.Errorf("%s: a bin width of %v s is too small to convert counts to Hz", rec.Name, rec.BinWidth)
		}
	}
	var x, z *mat.Dense
	if take && inPlace(rec, rows, lag) {
		// Row r is written after every row before it was read, and
		// reads a row at or after r: nothing is overwritten unread.
		x = mat.NewDense(len(rows), n, rec.Activity.RawMatrix().Data[:len(rows)*n])
		z = mat.NewDense(len(rows), k, rec.Behaviour.RawMatrix().Data[:len(rows)*k])
	} else {
		x = mat.NewDense(len(rows), n, nil)
		z = mat.NewDense(len(rows), k, nil)
	}
	var xmax, zmax float64 // the largest magnitudes of the design
	for r, i := range rows {
		src := rec.Activity.RawRowView(i - lag)
		dst := x.RawRowView(r)
		for j, v := range src {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: activity %s has %v at sample %d, neuron %d (a sample the analysis uses)",
					rec.Name, rec.Source("activity"), v, i-lag, j)
			}
			dst[j] = v * scale
			if math.IsInf(dst[j], 0) {
				return nil, fmt.Errorf("%s: activity %s has %v at sample %d, neuron %d, which overflows when converted to Hz (bin width %v s)",
					rec.Name, rec.Source("activity"), v, i-lag, j, rec.BinWidth)
			}
			xmax = max(xmax, math.Abs(dst[j]))
		}
		zs := rec.Behaviour.RawRowView(i)
		for j, v := range zs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				if math.IsNaN(v) {
					return nil, fmt.Errorf("%s: behaviour %s is NaN at sample %d, channel %d, a sample the analysis uses (a NaN in the file, or a time its samples do not cover)",
						rec.Name, rec.Source("behaviour"), i, j)
				}
				return nil, fmt.Errorf("%s: behaviour %s has %v at sample %d, channel %d (a sample the analysis uses)",
					rec.Name, rec.Source("behaviour"), v, i, j)
			}
		}
		copy(z.RawRowView(r), zs)
		for _, v := range zs {
			zmax = max(zmax, math.Abs(v))
		}
	}
	if err := magnitudes(rec, xmax, zmax, unit, scale); err != nil {
		return nil, err
	}
	d := &Design{Name: rec.Name, X: x, Z: z, Unit: unit, Rows: rows, LagBins: lag, Channels: rec.Channels}
	if dropped > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d samples dropped because the lag of %d bins reaches outside the recording or its trial", dropped, lag))
	}
	if rec.Decoder != nil {
		// z = counts·Wᵀ = (counts·scale)·(W/scale)ᵀ.
		d.Decoder = mat.DenseCopyOf(rec.Decoder)
		d.Decoder.Scale(1/scale, d.Decoder)
	}
	d.Constant = linalg.ConstantColumns(x)
	if len(d.Constant) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d of %d neurons are constant over the %d samples used (kept; they get zero decoder weight)",
			len(d.Constant), n, len(rows)))
	}
	if c := linalg.ConstantColumns(z); len(c) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d behaviour channels are constant over the samples used (R² counts them as perfectly fitted, as scikit-learn does)", len(c)))
	}
	if !s.NoCentre {
		d.XMean = linalg.Centre(x)
		d.ZMean = linalg.Centre(z)
	}
	return d, nil
}

// The analysis sums products of values over samples and neurons in
// float64 (covariances, Gram matrices, the decompositions): a design whose
// largest value is beyond maxMagnitude overflows there, one whose largest
// value is below minMagnitude (but not 0) underflows, and either gives NaN
// results. Real data lie far inside: rates of 1e-3 to 1e3 Hz, behaviour in
// any unit within a few powers of ten of 1. Their squares summed over 1e9
// samples of 1e6 neurons stay below 1e215, and above 1e-200.
const maxMagnitude, minMagnitude = 1e100, 1e-100

// ErrNonFinite is wrapped by Build's errors for designs whose values the
// analysis cannot compute with in float64 (sums of squares that would
// overflow or underflow), whose results would be NaN, infinite or
// meaningless. Package pipeline's ErrNonFinite is this one.
var ErrNonFinite = errors.New("non-finite values")

// nonFinite is an error wrapping ErrNonFinite without adding to its message.
type nonFinite struct{ msg string }

func (e *nonFinite) Error() string { return e.msg }
func (e *nonFinite) Unwrap() error { return ErrNonFinite }

// magnitudes reports a design whose activity (largest magnitude xmax, in
// unit, after scaling by scale) or behaviour (zmax) the analysis cannot
// compute with, naming the recording's files and the cause.
func magnitudes(rec *ingest.Recording, xmax, zmax float64, unit string, scale float64) error {
	conv, hint := "", ""
	if scale != 1 {
		conv = fmt.Sprintf(" after the conversion from counts per %v s bin to Hz (×%.3g)", rec.BinWidth, scale)
		hint = " (is the bin width in seconds?)"
	}
	switch {
	case xmax > maxMagnitude:
		return &nonFinite{fmt.Sprintf("%s: activity %s reaches %.3g %s on the samples used%s: beyond %g, where the analysis' sums of squares overflow",
			rec.Name, rec.Source("activity"), xmax, unit, conv, maxMagnitude)}
	case xmax > 0 && xmax < minMagnitude:
		return &nonFinite{fmt.Sprintf("%s: activity %s is at most %.3g %s on the samples used%s: below %g, where the analysis' sums of squares underflow%s",
			rec.Name, rec.Source("activity"), xmax, unit, conv, minMagnitude, hint)}
	case zmax > maxMagnitude:
		return &nonFinite{fmt.Sprintf("%s: behaviour %s reaches %.3g on the samples used: beyond %g, where the analysis' sums of squares overflow",
			rec.Name, rec.Source("behaviour"), zmax, maxMagnitude)}
	case zmax > 0 && zmax < minMagnitude:
		return &nonFinite{fmt.Sprintf("%s: behaviour %s is at most %.3g on the samples used: below %g, where the analysis' sums of squares underflow",
			rec.Name, rec.Source("behaviour"), zmax, minMagnitude)}
	}
	return nil
}

// inPlace reports whether the design's rows can be written over the
// recording's storage: contiguous storage, and every design row r read from
// activity row rows[r]−lag ≥ r and behaviour row rows[r] ≥ r.
func inPlace(rec *ingest.Recording, rows []int, lag int) bool {
	ra, rb := rec.Activity.RawMatrix(), rec.Behaviour.RawMatrix()
	if ra.Stride != ra.Cols || rb.Stride != rb.Cols {
		return false
	}
	for r, i := range rows {
		if i-lag < r || i < r {
			return false
		}
	}
	return true
}

// Rows returns the behaviour samples that the mask keeps and whose lagged
// activity row lies inside the recording (and inside the same trial when
// trials are known), and how many the lag removed.
func Rows(rec *ingest.Recording, lag int) (rows []int, dropped int) {
	t := rec.Samples()
	for i := 0; i < t; i++ {
		if rec.Mask != nil && !rec.Mask[i] {
			continue
		}
		j := i - lag
		if j < 0 || j >= t || (rec.Trials != nil && rec.Trials[j] != rec.Trials[i]) {
			dropped++
			continue
		}
		rows = append(rows, i)
	}
	return rows, dropped
}

func countTrue(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}
