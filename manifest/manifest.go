// Package manifest reads recording manifests: small TOML files that name the
// arrays of a recording, their roles and units, and the preprocessing to
// apply. A manifest turns a folder of NumPy arrays into an ingest.Recording
// and preprocess.Settings; it is the unit `oblique analyze` takes.
//
// The format (paths are relative to the manifest's folder; an array in an
// NPZ archive is named "file.npz:key"):
//
//	name = "golub2018-before"          # optional; default: file name
//	description = "…"                  # optional
//	licence = "LICENSE"                # optional: licence file or text
//
//	[activity]                         # required: samples × neurons
//	array = "npy/before_spikes.npy"
//	kind = "counts"                    # "counts" (per bin) or "rates" (Hz)
//	bin_ms = 45                        # bin width in ms
//
//	[behaviour]                        # required: samples × outputs
//	array = "npy/before_vraw_intuitive.npy"
//	channels = ["vx", "vy"]            # optional names
//	unit = "mm/s"                      # optional
//
//	[decoder]                          # optional: the experimenter's decoder
//	weights = "npy/map_intuitive_M2.npy"   # outputs × neurons, on activity as stored
//	offset = "npy/map_intuitive_m0.npy"    # optional, one per output
//
//	[samples]                          # optional per-sample labels
//	trial = "…"                        # trial id (a lag never crosses trials)
//	condition = "npy/before_cloud_index.npy"
//
//	[mask]                             # optional; rules combine with AND
//	keep = "…"                         # nonzero = use the sample
//	angle_of = "npy/before_cursor_to_target_dir.npy"  # samples × 2 (x, y)
//	exclude_angles_deg = [0, 45, 90]   # drop samples whose atan2 angle,
//	                                   # in degrees mod 360, is one of these
//
//	[preprocess]                       # optional; see preprocess.Settings
//	lag_ms = 100                       # activity leads behaviour by 100 ms
//	keep_counts = false
//	no_centre = false
//
// Unknown keys are errors, so a misspelt key never silently does nothing.
package manifest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/kinderr"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/preprocess"
)

// ErrInvalid reports a manifest that cannot be used as written: TOML that
// does not parse, an unknown or missing key, a value out of range, or
// arrays that do not fit their role or each other (a shape, a non-finite
// decoder, sample counts that differ). Errors about an array file itself
// match the ingest package's sentinels (ingest.ErrFormat,
// ingest.ErrTruncated, ingest.ErrUnsupported) instead, and I/O errors the
// os package's (fs.ErrNotExist); every message names the manifest.
var ErrInvalid = errors.New("invalid manifest")

// Manifest is the parsed TOML.
type Manifest struct {
	Name        string `toml:"name"`
	Description string `toml:"description"`
	Licence     string `toml:"licence"`

	Activity struct {
		Array string  `toml:"array"`
		Kind  string  `toml:"kind"`
		BinMS float64 `toml:"bin_ms"`
	} `toml:"activity"`
	Behaviour struct {
		Array    string   `toml:"array"`
		Channels []string `toml:"channels"`
		Unit     string   `toml:"unit"`
	} `toml:"behaviour"`
	Decoder struct {
		Weights string `toml:"weights"`
		Offset  string `toml:"offset"`
	} `toml:"decoder"`
	Samples struct {
		Trial     string `toml:"trial"`
		Condition string `toml:"condition"`
	} `toml:"samples"`
	Mask struct {
		Keep             string    `toml:"keep"`
		AngleOf          string    `toml:"angle_of"`
		ExcludeAnglesDeg []float64 `toml:"exclude_angles_deg"`
	} `toml:"mask"`
	Preprocess preprocess.Settings `toml:"preprocess"`
}

// Parse reads a manifest without loading its arrays.
func Parse(path string) (*Manifest, error) {
	if err := notDataFile(path); err != nil {
		return nil, err
	}
	b, err := inputfile.ReadFile(path, tomlsafe.MaxBytes)
	if err != nil {
		return nil, err
	}
	return parse(b, path)
}

// notDataFile returns an error wrapping ErrInvalid, saying what to do
// instead, when path is a data file (NWB, MATLAB, NPY, NPZ) given where a
// manifest was expected; nil for anything else (Parse reports the rest).
func notDataFile(path string) error {
	format, _, err := ingest.FileFormat(path)
	if err != nil {
		return err
	}
	var what string
	switch format {
	case "hdf5":
		what = "analyse it through a preset, -preset NAME (`oblique presets` lists them) or -preset FILE.toml " +
			"(`oblique presets init " + path + " > my.toml` writes a starting one)"
	case "mat":
		what = "analyse it through a preset (-preset NAME: `oblique presets` lists them) " +
			"or a manifest that names its variables ([activity] array = \"FILE.mat:variable\"; see the README)"
	case "npy", "npz":
		what = "a manifest names it ([activity] array = ...; see the README)"
	default:
		return nil
	}
	return kinderr.New(ErrInvalid, "%s: %s, not a recording manifest: %s", path, ingest.FormatName(format), what)
}

// parse reads the manifest b read from path.
func parse(b []byte, path string) (*Manifest, error) {
	var m Manifest
	md, err := tomlsafe.Decode(b, &m)
	if err != nil {
		return nil, kinderr.New(ErrInvalid, "%s: %w", path, err)
	}
	if und := tomlsafe.UnknownKeys(md); und != "" {
		return nil, kinderr.New(ErrInvalid, "%s: unknown key %s (known sections: activity, behaviour, decoder, samples, mask, preprocess)",
			path, und)
	}
	if m.Name == "" {
		m.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	switch {
	case m.Activity.Array == "":
		return nil, kinderr.New(ErrInvalid, "%s: [activity] array is missing", path)
	case m.Behaviour.Array == "":
		return nil, kinderr.New(ErrInvalid, "%s: [behaviour] array is missing", path)
	case !(m.Activity.BinMS > 0) || math.IsInf(m.Activity.BinMS, 0):
		return nil, kinderr.New(ErrInvalid, "%s: [activity] bin_ms must be a positive number of milliseconds, got %v", path, m.Activity.BinMS)
	case m.Decoder.Offset != "" && m.Decoder.Weights == "":
		return nil, kinderr.New(ErrInvalid, "%s: [decoder] offset given without weights", path)
	case m.Mask.AngleOf != "" && len(m.Mask.ExcludeAnglesDeg) == 0,
		m.Mask.AngleOf == "" && len(m.Mask.ExcludeAnglesDeg) > 0:
		return nil, kinderr.New(ErrInvalid, "%s: [mask] angle_of and exclude_angles_deg go together", path)
	}
	if _, err := ingest.ParseKind(m.Activity.Kind); err != nil {
		return nil, kinderr.New(ErrInvalid, "%s: [activity] %w", path, err)
	}
	if err := m.Preprocess.Validate(); err != nil {
		return nil, kinderr.New(ErrInvalid, "%s: [preprocess] %w", path, err)
	}
	return &m, nil
}

// Load reads a manifest and the arrays it names.
func Load(path string) (*ingest.Recording, preprocess.Settings, error) {
	m, err := Parse(path)
	if err != nil {
		return nil, preprocess.Settings{}, err
	}
	rec, err := m.load(path)
	if err != nil {
		return nil, preprocess.Settings{}, err
	}
	return rec, m.Preprocess, nil
}

func (m *Manifest) load(path string) (*ingest.Recording, error) {
	dir := filepath.Dir(path)
	kind, _ := ingest.ParseKind(m.Activity.Kind)
	rec := &ingest.Recording{
		Name:        m.Name,
		Kind:        kind,
		BinWidth:    m.Activity.BinMS / 1000,
		Channels:    m.Behaviour.Channels,
		Unit:        m.Behaviour.Unit,
		Description: m.Description,
		Sources:     []ingest.Source{{Role: "manifest", Path: path}},
	}
	if m.Licence != "" {
		rec.Licence = m.Licence
		if line, ok := readFirstLine(filepath.Join(dir, m.Licence)); ok {
			rec.Licence = line
		}
	}
	l := loader{dir: dir, manifest: path, rec: rec}
	rec.Activity = l.matrix("activity", m.Activity.Array)
	rec.Behaviour = l.matrix("behaviour", m.Behaviour.Array)
	if m.Decoder.Weights != "" {
		rec.Decoder = l.matrix("decoder", m.Decoder.Weights)
		l.finite("decoder", m.Decoder.Weights, rec.Decoder)
	}
	if m.Decoder.Offset != "" {
		rec.Offset = l.vector("offset", m.Decoder.Offset)
		l.finite("offset", m.Decoder.Offset, vec(rec.Offset))
	}
	if m.Samples.Trial != "" {
		rec.Trials = l.ints("trials", m.Samples.Trial)
	}
	if m.Samples.Condition != "" {
		rec.Conditions = l.ints("conditions", m.Samples.Condition)
	}
	if m.Mask.Keep != "" {
		keep := l.vector("mask", m.Mask.Keep)
		l.finite("mask", m.Mask.Keep, vec(keep))
		rec.Mask = make([]bool, len(keep))
		for i, v := range keep {
			rec.Mask[i] = v != 0
		}
	}
	if m.Mask.AngleOf != "" {
		dirs := l.matrix("mask", m.Mask.AngleOf)
		l.finite("mask", m.Mask.AngleOf, dirs)
		if l.err == nil {
			l.err = applyAngleMask(rec, dirs, m.Mask.ExcludeAnglesDeg)
		}
	}
	if l.err != nil {
		return nil, l.err
	}
	if err := rec.Validate(); err != nil {
		return nil, kinderr.New(ErrInvalid, "%s: %w", path, err)
	}
	return rec, nil
}

// applyAngleMask drops the samples whose direction (x, y) points at one of
// the excluded angles. Angles compare as numpy.isclose(a, b) does
// (|a − b| ≤ 1e-8 + 1e-5·|b|), which is how the paper selected the Golub
// samples.
func applyAngleMask(rec *ingest.Recording, dirs *mat.Dense, exclude []float64) error {
	t, c := dirs.Dims()
	if c != 2 {
		return kinderr.New(ErrInvalid, "%s: mask angle_of %s has %d columns, want 2 (x, y)", rec.Name, rec.Source("mask"), c)
	}
	if rec.Mask == nil {
		rec.Mask = make([]bool, t)
		for i := range rec.Mask {
			rec.Mask[i] = true
		}
	}
	if len(rec.Mask) != t {
		return kinderr.New(ErrInvalid, "%s: mask angle_of %s has %d rows, the keep mask %d", rec.Name, rec.Source("mask"), t, len(rec.Mask))
	}
	preprocess.ExcludeAngles(rec.Mask, dirs, exclude)
	return nil
}

// loader reads arrays and keeps the first error (a sticky error, as
// npyio does), recording each file as a source.
type loader struct {
	dir, manifest string
	rec           *ingest.Recording
	err           error
}

func (l *loader) read(role, ref string) *ingest.Array {
	if l.err != nil {
		return nil
	}
	path, key := splitRef(l.dir, ref)
	a, digest, err := ingest.ReadArray(path, key)
	if err != nil {
		l.err = fmt.Errorf("%s: %s: %w", l.manifest, role, err)
		return nil
	}
	l.rec.Sources = append(l.rec.Sources, ingest.Source{Role: role, Path: path, Key: key, SHA256: digest})
	return a
}

func (l *loader) matrix(role, ref string) *mat.Dense {
	a := l.read(role, ref)
	if a == nil {
		return nil
	}
	if len(a.Shape) > 2 {
		l.err = kinderr.New(ErrInvalid, "%s: %s %s has shape %v, want a matrix", l.manifest, role, ref, a.Shape)
		return nil
	}
	if a.Rows() == 0 || a.Cols() == 0 {
		l.err = kinderr.New(ErrInvalid, "%s: %s %s is empty (shape %v)", l.manifest, role, ref, a.Shape)
		return nil
	}
	return mat.NewDense(a.Rows(), a.Cols(), a.Data)
}

// finite sets the error if m (read from ref) holds NaN or ±Inf: arrays
// that select samples or decode have no use for them. Activity and
// behaviour are checked later, on the samples the analysis uses.
func (l *loader) finite(role, ref string, m mat.Matrix) {
	if l.err != nil || m == nil {
		return
	}
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := m.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				l.err = kinderr.New(ErrInvalid, "%s: %s %s holds %v at (%d, %d)", l.manifest, role, ref, v, i, j)
				return
			}
		}
	}
}

// vec views v as a column for finite; nil when v is empty.
func vec(v []float64) mat.Matrix {
	if len(v) == 0 {
		return nil
	}
	return mat.NewVecDense(len(v), v)
}

func (l *loader) vector(role, ref string) []float64 {
	a := l.read(role, ref)
	if a == nil {
		return nil
	}
	if a.Cols() != 1 && a.Rows() != 1 {
		l.err = kinderr.New(ErrInvalid, "%s: %s %s has shape %v, want a vector", l.manifest, role, ref, a.Shape)
		return nil
	}
	return a.Data
}

func (l *loader) ints(role, ref string) []int {
	v := l.vector(role, ref)
	out := make([]int, len(v))
	for i, x := range v {
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			l.err = kinderr.New(ErrInvalid, "%s: %s %s holds %v at %d, want integer ids", l.manifest, role, ref, x, i)
			return nil
		}
		out[i] = int(x)
	}
	return out
}

// splitRef splits an array reference "file.npz:key" into its parts; a plain
// path has no key. Relative paths are resolved against dir.
func splitRef(dir, ref string) (path, key string) {
	path = ref
	if i := strings.LastIndex(ref, ".npz:"); i >= 0 {
		path, key = ref[:i+4], ref[i+5:]
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	return path, key
}

// maxLicenceLine bounds what is read of a licence file: its first line
// names the licence.
const maxLicenceLine = 4096

// readFirstLine returns the first line of the file at path (of its first
// maxLicenceLine bytes), and false when path is not a readable regular file.
func readFirstLine(path string) (string, bool) {
	f, err := inputfile.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxLicenceLine))
	if err != nil {
		return "", false
	}
	return firstLine(string(b)), true
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}
