// Package ingest reads recordings from disk into one in-memory type,
// Recording, that every analysis in oblique takes.
//
// A Recording holds binned population activity (T×N spike counts or rates),
// the behaviour on the same time grid (T×K), and what is optionally known
// about the samples: the experimenter's decoder, trial and condition ids, a
// mask of the samples to use, and where everything came from. Readers
// validate what they read and return errors that name the file and the
// field; nothing in this package panics on a user's file. Errors about a
// file's content match ErrFormat, ErrTruncated or ErrUnsupported
// (errors.Is), I/O errors the os package's.
package ingest

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Kind says what the activity values are.
type Kind int

const (
	// Counts are spike counts per bin.
	Counts Kind = iota
	// Rates are firing rates in Hz.
	Rates
)

func (k Kind) String() string {
	switch k {
	case Counts:
		return "counts"
	case Rates:
		return "rates"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads "counts" or "rates".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "counts":
		return Counts, nil
	case "rates":
		return Rates, nil
	}
	return 0, fmt.Errorf("activity kind %q: want \"counts\" or \"rates\"", s)
}

// Recording is one recording session, binned.
type Recording struct {
	// Name identifies the recording in tables and messages.
	Name string

	// Activity is T×N: samples (time bins, stacked over trials) × neurons.
	Activity *mat.Dense
	// Kind says whether Activity holds counts per bin or rates in Hz.
	Kind Kind
	// BinWidth is the width of a time bin in seconds.
	BinWidth float64

	// Behaviour is T×K, sampled on the same bins as Activity.
	Behaviour *mat.Dense
	// Channels names the K behaviour columns; Unit is their unit.
	Channels []string
	Unit     string

	// Decoder, when the experimenter gives one, is K×N and maps Activity as
	// stored (counts or rates) to Behaviour: z ≈ Activity·Decoderᵀ + Offset.
	Decoder *mat.Dense
	Offset  []float64

	// Trials and Conditions, when known, give each sample's trial and
	// condition id (length T).
	Trials, Conditions []int
	// Mask, when set, marks the samples to use (length T).
	Mask []bool

	// Sources records the files each part came from.
	Sources []Source
	// Description and Licence describe the data set.
	Description, Licence string
	// Notes are what the reader dropped or changed on the way (trials
	// without an alignment time, spike times outside the observation, …),
	// each with its count; the analysis reports them with its own notes.
	Notes []string
}

// Source is one input file and the role it played.
type Source struct {
	Role string // "activity", "behaviour", "decoder", …
	Path string
	// Key is the array name inside an archive (NPZ), if any.
	Key string
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string
}

// Source returns where the part with the given role came from, as text for
// messages ("npy/spikes.npy", "rec.npz:spikes"), or the recording's name.
func (r *Recording) Source(role string) string {
	for _, s := range r.Sources {
		if s.Role == role {
			if s.Key != "" {
				return s.Path + ":" + s.Key
			}
			return s.Path
		}
	}
	return r.Name
}

// Samples returns T.
func (r *Recording) Samples() int {
	if r.Activity == nil {
		return 0
	}
	t, _ := r.Activity.Dims()
	return t
}

// Neurons returns N.
func (r *Recording) Neurons() int {
	if r.Activity == nil {
		return 0
	}
	_, n := r.Activity.Dims()
	return n
}

// Validate checks that the parts agree in shape, and that the decoder and
// its offset are finite: every reader (manifests, presets) calls it, so that
// they accept the same recordings. The values of activity and behaviour
// (NaN, Inf) are checked where they are used, because unused samples may
// hold them.
func (r *Recording) Validate() error {
	if r.Activity == nil {
		return fmt.Errorf("%s: no activity", r.Name)
	}
	t, n := r.Activity.Dims()
	if n == 0 {
		return fmt.Errorf("%s: activity %s has no neurons (0 columns)", r.Name, r.Source("activity"))
	}
	if t == 0 {
		return fmt.Errorf("%s: activity %s has no samples", r.Name, r.Source("activity"))
	}
	if r.Behaviour == nil {
		return fmt.Errorf("%s: no behaviour", r.Name)
	}
	tb, k := r.Behaviour.Dims()
	if tb != t {
		return fmt.Errorf("%s: activity %s has %d samples but behaviour %s has %d",
			r.Name, r.Source("activity"), t, r.Source("behaviour"), tb)
	}
	if k == 0 {
		return fmt.Errorf("%s: behaviour %s has no channels", r.Name, r.Source("behaviour"))
	}
	if len(r.Channels) != 0 && len(r.Channels) != k {
		return fmt.Errorf("%s: %d channel names for %d behaviour columns in %s",
			r.Name, len(r.Channels), k, r.Source("behaviour"))
	}
	if !(r.BinWidth > 0) || math.IsInf(r.BinWidth, 0) {
		return fmt.Errorf("%s: bin width must be a positive number of seconds, got %v", r.Name, r.BinWidth)
	}
	if r.Decoder != nil {
		dk, dn := r.Decoder.Dims()
		if dk != k || dn != n {
			return fmt.Errorf("%s: decoder %s is %d×%d, want outputs×neurons = %d×%d",
				r.Name, r.Source("decoder"), dk, dn, k, n)
		}
		if r.Offset != nil && len(r.Offset) != k {
			return fmt.Errorf("%s: decoder offset %s has %d entries, want %d",
				r.Name, r.Source("offset"), len(r.Offset), k)
		}
		if err := finite(r.Decoder); err != nil {
			return fmt.Errorf("%s: decoder %s: %w", r.Name, r.Source("decoder"), err)
		}
		for i, v := range r.Offset {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: decoder offset %s: non-finite value %v at entry %d", r.Name, r.Source("offset"), v, i)
			}
		}
	}
	for _, p := range []struct {
		role string
		n    int
	}{{"trials", len(r.Trials)}, {"conditions", len(r.Conditions)}, {"mask", len(r.Mask)}} {
		if p.n != 0 && p.n != t {
			return fmt.Errorf("%s: %s %s has %d entries for %d samples", r.Name, p.role, r.Source(p.role), p.n, t)
		}
	}
	return nil
}

func finite(m mat.Matrix) error {
	rows, cols := m.Dims()
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if v := m.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("non-finite value %v at row %d, column %d", v, i, j)
			}
		}
	}
	return nil
}
