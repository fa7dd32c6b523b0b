package presets

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/preprocess"
)

// MATSettings describe a MATLAB file for the layout "mat": where its
// arrays are, in MATLAB syntax with 1-based indices
// ("beforeLearning.clouds.spikes", "D.blocks(1)"), how they hold the
// samples, and what to make of them. What differs between the data sets
// (cycling, BCI clouds, BCI blocks) is said here, in the preset, not in
// code.
type MATSettings struct {
	// Root lists where the arrays are: the first of them that the file
	// holds is used, and the paths below (but Centre) are inside it
	// (cycling: ["Pc", "Pd"]). Without Root they start at a variable.
	Root []string `toml:"root"`
	// Samples says how the arrays hold the samples: "rows" (the default:
	// activity T×N, behaviour T×K, one value a sample for the vectors) or
	// "cells" (cell arrays of variables × samples matrices, one cell per
	// condition: sample r of cell c becomes row r·C + c, and its
	// condition is c).
	Samples string `toml:"samples"`

	// Activity holds the activity; Kind says whether it is "counts" per
	// bin or "rates" in Hz.
	Activity string `toml:"activity"`
	Kind     string `toml:"kind"`
	// Behaviour holds the K channels named by Channels (in Unit); with
	// Copies > 1 it holds Copies copies of them side by side (x, y, x, y,
	// …; rows only), which are averaged.
	Behaviour string   `toml:"behaviour"`
	Copies    int      `toml:"copies"`
	Channels  []string `toml:"channels"`
	Unit      string   `toml:"unit"`

	// Time (one value a sample, in s; rows only) gives the bin width, the
	// spacing of its first two samples; without it [bins] width_ms does.
	Time string `toml:"time"`

	// The samples used are those every rule given keeps: UseFinite (one
	// value a sample; rows only) keeps those where it is not NaN,
	// UseZero (likewise) those where it is 0, and Direction (2 values, x
	// and y, a sample) those that do not point at one of
	// ExcludeAnglesDeg (atan2 in degrees mod 360, compared as
	// numpy.isclose; preprocess.ExcludeAngles).
	UseFinite        string    `toml:"use_finite"`
	UseZero          string    `toml:"use_zero"`
	Direction        string    `toml:"direction"`
	ExcludeAnglesDeg []float64 `toml:"exclude_angles_deg"`

	// Decoder (K×N, acting on the counts) and Offset (K) are the
	// experimenter's decoder.
	Decoder string `toml:"decoder"`
	Offset  string `toml:"offset"`
	// SpikeDriven makes the behaviour the part of it that the decoder
	// takes from the spikes,
	//
	//	z = behaviour − previous·Dynamicsᵀ − (Decoder·Centreᵀ + Offset)ᵀ,
	//
	// for a decoder that updates the behaviour from its previous value
	// (Previous, T×K, and Dynamics, K×K, both optional) and from the
	// counts less their mean (Centre, N values, a full path outside
	// Root); the decoder recorded is then Decoder with offset
	// −Decoder·Centreᵀ.
	SpikeDriven bool   `toml:"spike_driven"`
	Previous    string `toml:"previous"`
	Dynamics    string `toml:"dynamics"`
	Centre      string `toml:"centre"`
}

// check reports settings that cannot go together; width is [bins]
// width_ms.
func (m *MATSettings) check(width float64) error {
	switch {
	case m.Activity == "" || m.Behaviour == "":
		return errors.New("[mat] activity and behaviour are required")
	case m.Samples != "" && m.Samples != "rows" && m.Samples != "cells":
		return fmt.Errorf(`[mat] samples = %q: want "rows" or "cells"`, m.Samples)
	case m.Copies < 0:
		return fmt.Errorf("[mat] copies = %d: want a positive number", m.Copies)
	case m.Copies > 1 && len(m.Channels) == 0:
		return errors.New("[mat] copies needs channels (how many channels each copy holds)")
	case m.Samples == "cells" && (m.Copies > 1 || m.Time != "" || m.UseFinite != "" || m.UseZero != ""):
		return errors.New(`[mat] copies, time, use_finite and use_zero are for samples = "rows"`)
	case (m.Direction == "") != (len(m.ExcludeAnglesDeg) == 0):
		return errors.New("[mat] direction and exclude_angles_deg go together")
	case m.Offset != "" && m.Decoder == "":
		return errors.New("[mat] offset given without decoder")
	case m.SpikeDriven && m.Decoder == "":
		return errors.New("[mat] spike_driven needs decoder")
	case (m.Previous != "" || m.Dynamics != "" || m.Centre != "") && !m.SpikeDriven:
		return errors.New("[mat] previous, dynamics and centre are read with spike_driven = true")
	case (m.Previous == "") != (m.Dynamics == ""):
		return errors.New("[mat] previous and dynamics go together")
	case m.Time != "" && width != 0:
		return errors.New("[mat] time gives the bin width: [bins] width_ms cannot be given too")
	case m.Time == "" && !(width > 0 && width < math.Inf(1)):
		return fmt.Errorf("[bins] width_ms must be a positive number of milliseconds (or [mat] time give it), got %v", width)
	}
	for _, a := range m.ExcludeAnglesDeg {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("[mat] exclude_angles_deg holds %v", a)
		}
	}
	if _, err := ingest.ParseKind(m.Kind); err != nil {
		return fmt.Errorf("[mat] kind: %w", err)
	}
	return nil
}

// settings returns the preprocessing of the fit.
func (p *Preset) settings() preprocess.Settings {
	return preprocess.Settings{LagMS: p.Fit.LagMS, Every: p.Fit.Every}
}

// loadMAT reads the recordings the preset's [mat] table describes: one,
// or one per element of a struct array for a root with (*) (matRoots),
// with the part of each one's name that tells it apart ("#blocks(2)").
func (p *Preset) loadMAT(file string, recs *[]*ingest.Recording, parts *[]string, s *preprocess.Settings) error {
	if p.Layout != "mat" {
		return fmt.Errorf("%s: preset %s: unknown layout %q (layouts: nwb-trials, mat)", file, p.Name, p.Layout)
	}
	if err := p.MAT.check(p.Bins.WidthMS); err != nil {
		return fmt.Errorf("%s: preset %s: %w", file, p.Name, err)
	}
	f, err := matfile.Open(file)
	if err != nil {
		return err
	}
	mf := matfile.NewFile(file, f.Description(), &cached{f: f, vals: map[string]matfile.Value{}})
	defer mf.Close()
	roots, err := matRoots(file, mf, p.MAT.Root)
	if err != nil {
		return err
	}
	for _, root := range roots {
		m := &matReader{file: file, f: mf, cells: p.MAT.Samples == "cells", per: -1}
		if root.path != "" {
			m.root = root.path + "."
		}
		r, err := m.load(p)
		if err != nil {
			return err
		}
		*parts = append(*parts, root.part)
		r.Channels, r.Unit = p.MAT.Channels, p.MAT.Unit
		r.Kind, _ = ingest.ParseKind(p.MAT.Kind)
		r.Sources = append([]ingest.Source{{Role: "recording", Path: file}}, r.Sources...)
		if err := r.Validate(); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		*recs = append(*recs, r)
	}
	*s = p.settings()
	return nil
}

// matRoot is one root a MAT preset reads a recording from: its path
// ("" for none) and, for an element of a (*) pattern, the part of the
// recording's name that tells it apart ("#blocks(2)").
type matRoot struct{ path, part string }

// matRoots picks the first of roots that the file holds (no roots: one
// recording from the file's variables). A root with (*) ("D.blocks(*)")
// stands for every element of that struct array, in order, each its own
// recording.
func matRoots(file string, f *matfile.File, roots []string) ([]matRoot, error) {
	if len(roots) == 0 {
		return []matRoot{{}}, nil
	}
	var tried []string
	for _, r := range roots {
		prefix, rest, pattern := strings.Cut(r, "(*)")
		if pattern && strings.Contains(rest, "(*)") {
			return nil, fmt.Errorf("%s: [mat] root %q: at most one (*) in a root", file, r)
		}
		v, err := f.Lookup(prefix) // r itself when it has no (*)
		if errors.Is(err, matfile.ErrNotFound) {
			tried = append(tried, r)
			continue
		}
		if err != nil {
			return nil, err
		}
		if !pattern {
			if _, ok := v.(*matfile.Struct); !ok || matfile.Numel(v) != 1 {
				return nil, fmt.Errorf("%s: %s: is a %s %s, want a 1×1 struct", file, r, dims(v), v.Class())
			}
			// One element of a struct array ("D.blocks(2)") is named as
			// the (*) pattern names it: the same block, the same name.
			part := ""
			if last := r[strings.LastIndex(r, ".")+1:]; elementIndex.MatchString(last) {
				part = "#" + last
			}
			return []matRoot{{path: r, part: part}}, nil
		}
		st, ok := v.(*matfile.Struct)
		if !ok || len(st.Elems) == 0 {
			return nil, fmt.Errorf("%s: %s: is a %s %s, want a struct array (for %s)", file, prefix, dims(v), v.Class(), r)
		}
		name := prefix[strings.LastIndex(prefix, ".")+1:]
		out := make([]matRoot, len(st.Elems))
		for i := range out {
			p := fmt.Sprintf("%s(%d)%s", prefix, i+1, rest)
			out[i] = matRoot{path: p, part: fmt.Sprintf("#%s(%d)%s", name, i+1, rest)}
			if rest != "" {
				// A path inside each element must name a 1×1 struct too.
				if _, err := matRoots(file, f, []string{p}); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	}
	var names []string
	for _, v := range f.Vars() {
		names = append(names, v.Name)
	}
	// An element past the end of its array: say how many there are.
	var sizes []string
	for _, r := range tried {
		if i := strings.LastIndexByte(r, '('); i > 0 && elementIndex.MatchString(r[strings.LastIndex(r, ".")+1:]) {
			if v, err := f.Lookup(r[:i]); err == nil {
				sizes = append(sizes, fmt.Sprintf("%s has %d elements", r[:i], matfile.Numel(v)))
			}
		}
	}
	if len(sizes) > 0 {
		return nil, fmt.Errorf("%s: holds none of %s (%s)", file, strings.Join(tried, ", "), strings.Join(sizes, "; "))
	}
	return nil, fmt.Errorf("%s: holds none of %s (its variables: %s)", file, strings.Join(tried, ", "), strings.Join(names, ", "))
}

// elementIndex matches a path component that names one element of an
// array: "blocks(2)".
var elementIndex = regexp.MustCompile(`^[A-Za-z]\w*\(\d+\)$`)

// cached decodes each variable of a MAT-file once: the layouts read many
// paths inside one large variable.
type cached struct {
	f    *matfile.File
	vals map[string]matfile.Value
}

func (c *cached) Vars() []matfile.VarInfo { return c.f.Vars() }
func (c *cached) Close() error            { return c.f.Close() }
func (c *cached) Get(name string) (matfile.Value, error) {
	if v, ok := c.vals[name]; ok {
		return v, nil
	}
	v, err := c.f.Get(name)
	if err != nil {
		return nil, err
	}
	c.vals[name] = v
	return v, nil
}

// matReader reads arrays by MATLAB path and checks their shapes; its
// errors name the file and the path.
type matReader struct {
	file  string
	f     *matfile.File
	root  string // prefix of relative paths, with its trailing "."
	cells bool   // samples are in cell arrays of variables × samples
	t     int    // samples (rows), once the activity is read
	per   int    // samples per cell (cells), once the activity is read
}

func (m *matReader) errorf(path, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", m.file, path, fmt.Sprintf(format, args...))
}

// path returns the full path of a path relative to the root.
func (m *matReader) path(p string) string { return m.root + p }

// dense reads the numeric or logical matrix at p (relative to the root).
func (m *matReader) dense(p string) (*mat.Dense, error) {
	d, err := m.f.Dense(m.path(p))
	if err != nil {
		return nil, err
	}
	return d, nil
}

// matrix reads a rows×cols matrix; rows or cols < 0 take any size.
func (m *matReader) matrix(p string, rows, cols int) (*mat.Dense, error) {
	d, err := m.dense(p)
	if err != nil {
		return nil, err
	}
	r, c := d.Dims()
	if (rows >= 0 && r != rows) || (cols >= 0 && c != cols) {
		return nil, m.errorf(m.path(p), "is %d×%d, want %s×%s", r, c, size(rows, "any"), size(cols, "any"))
	}
	return d, nil
}

// vector reads n values stored as 1×n or n×1 (n < 0: any length).
func (m *matReader) vector(p string, n int, what string) ([]float64, error) {
	d, err := m.dense(p)
	if err != nil {
		return nil, err
	}
	r, c := d.Dims()
	if (r != 1 && c != 1) || (n >= 0 && r*c != n) {
		return nil, m.errorf(m.path(p), "is %d×%d, want a vector of %s values (%s)", r, c, size(n, "any number of"), what)
	}
	return append([]float64(nil), d.RawMatrix().Data...), nil
}

func size(n int, any string) string {
	if n < 0 {
		return any
	}
	return fmt.Sprint(n)
}

func dims(v matfile.Value) string {
	s := make([]string, len(v.Dims()))
	for i, d := range v.Dims() {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "×")
}

// load reads the recording the preset describes.
func (m *matReader) load(p *Preset) (*ingest.Recording, error) {
	s := p.MAT
	rec := &ingest.Recording{BinWidth: p.Bins.WidthMS / 1000}
	source := func(role, path string) {
		rec.Sources = append(rec.Sources, ingest.Source{Role: role, Path: m.file, Key: path})
	}
	x, cond, err := m.samples(s.Activity, -1)
	if err != nil {
		return nil, err
	}
	source("activity", m.path(s.Activity))
	t, n := x.Dims()
	m.t, rec.Activity, rec.Conditions = t, x, cond
	k := len(s.Channels)
	if k == 0 {
		k = -1
	}
	if s.Copies > 1 {
		k *= s.Copies
	}
	z, _, err := m.samples(s.Behaviour, k)
	if err != nil {
		return nil, err
	}
	source("behaviour", m.path(s.Behaviour))
	if s.Copies > 1 {
		z = meanOfCopies(z, s.Copies)
	}
	_, k = z.Dims()
	rec.Behaviour = z
	used := "samples"
	if s.Time != "" {
		times, err := m.vector(s.Time, t, "one per sample of "+m.path(s.Activity))
		if err != nil {
			return nil, err
		}
		if t < 2 {
			return nil, m.errorf(m.path(s.Activity), "has %d samples", t)
		}
		// The spacing in ms, rounded to 1 ns so that 0.002 − 0.001 s is 1 ms.
		dt := math.Round((times[1]-times[0])*1e9) / 1e6
		if !(dt > 0) || math.IsInf(dt, 0) {
			return nil, m.errorf(m.path(s.Time), "samples %v and %v s apart: want increasing times in seconds", times[0], times[1])
		}
		rec.BinWidth = dt / 1000
		used = fmt.Sprintf("samples %g ms apart", dt)
	}
	if err := m.mask(rec, s); err != nil {
		return nil, err
	}
	if s.Decoder != "" {
		if err := m.decoder(rec, s, n, k); err != nil {
			return nil, err
		}
		source("decoder", m.path(s.Decoder))
		if s.Offset != "" {
			source("offset", m.path(s.Offset))
		}
	}
	if rec.Mask != nil {
		used = fmt.Sprintf("%d of %d %s", countTrue(rec.Mask), t, used)
	} else {
		used = fmt.Sprintf("%d %s", t, used)
	}
	if cond != nil {
		used += fmt.Sprintf(" in %d cells of %d", cond[len(cond)-1]+1, m.per)
	}
	if m.root != "" {
		used = strings.TrimSuffix(m.root, ".") + ": " + used
	}
	rec.Description = fmt.Sprintf("%s preset: %s, %d neurons", p.Name, used, n)
	return rec, nil
}

// samples reads the array at p (relative to the root) with one row a
// sample and cols columns (cols < 0: any): a matrix, or cell arrays
// stacked (cells: clouds). Once the activity is read, the number of
// samples must match it.
func (m *matReader) samples(p string, cols int) (*mat.Dense, []int, error) {
	if m.cells {
		return m.clouds(p, cols, m.per)
	}
	t := -1
	if m.t > 0 {
		t = m.t
	}
	d, err := m.matrix(p, t, cols)
	return d, nil, err
}

// meanOfCopies averages the copies of the channels held side by side in
// v (x, y, x, y, …): numpy's reshape(-1, copies, K).mean(1), the copies
// added in order.
func meanOfCopies(v *mat.Dense, copies int) *mat.Dense {
	t, c := v.Dims()
	k := c / copies
	z := mat.NewDense(t, k, nil)
	for i := 0; i < t; i++ {
		row := v.RawRowView(i)
		for j := 0; j < k; j++ {
			var sum float64
			for c := 0; c < copies; c++ {
				sum += row[c*k+j]
			}
			z.Set(i, j, sum/float64(copies))
		}
	}
	return z
}

// mask sets the samples used: those every rule of s keeps.
func (m *matReader) mask(rec *ingest.Recording, s MATSettings) error {
	t := m.t
	start := func() { // every sample, before the first rule
		if rec.Mask == nil {
			rec.Mask = make([]bool, t)
			for i := range rec.Mask {
				rec.Mask[i] = true
			}
		}
	}
	keep := func(p string, ok func(float64) bool, what string) error {
		v, err := m.vector(p, t, "one per sample of "+m.path(s.Activity))
		if err != nil {
			return err
		}
		start()
		some := false
		for i, x := range v {
			rec.Mask[i] = rec.Mask[i] && ok(x)
			some = some || ok(x)
		}
		if !some {
			return m.errorf(m.path(p), "is %s at every sample: no sample to use", what)
		}
		return nil
	}
	if s.UseFinite != "" {
		if err := keep(s.UseFinite, func(x float64) bool { return !math.IsNaN(x) }, "NaN"); err != nil {
			return err
		}
	}
	if s.UseZero != "" {
		if err := keep(s.UseZero, func(x float64) bool { return x == 0 }, "not 0"); err != nil {
			return err
		}
	}
	if s.Direction != "" {
		dir, _, err := m.samples(s.Direction, 2)
		if err != nil {
			return err
		}
		start()
		preprocess.ExcludeAngles(rec.Mask, dir, s.ExcludeAnglesDeg)
	}
	return nil
}

// decoder reads the experimenter's decoder of n neurons and k outputs and,
// for a spike-driven output, makes the behaviour the part of it that the
// decoder takes from the spikes (MATSettings.SpikeDriven).
func (m *matReader) decoder(rec *ingest.Recording, s MATSettings, n, k int) error {
	w, err := m.matrix(s.Decoder, k, n)
	if err != nil {
		return err
	}
	var off []float64
	if s.Offset != "" {
		if off, err = m.vector(s.Offset, k, "one per output"); err != nil {
			return err
		}
	}
	if !s.SpikeDriven {
		rec.Decoder, rec.Offset = w, off
		return nil
	}
	var prev, dyn *mat.Dense
	if s.Previous != "" {
		if prev, _, err = m.samples(s.Previous, k); err != nil {
			return err
		}
		if dyn, err = m.matrix(s.Dynamics, k, k); err != nil {
			return err
		}
	}
	var mean []float64
	if s.Centre != "" {
		root := m.root
		m.root = ""
		mean, err = m.vector(s.Centre, n, "one per neuron")
		m.root = root
		if err != nil {
			return err
		}
	}
	// offset = W·mean + off, as numpy's M2 @ mean.T + M0; the decoder on
	// the counts alone has offset −W·mean.
	offset := make([]float64, k)
	given := make([]float64, k)
	for o := range offset {
		var acc float64
		if mean != nil {
			for j, v := range w.RawRowView(o) {
				acc += v * mean[j]
			}
		}
		offset[o] = acc
		if off != nil {
			offset[o] = acc + off[o]
		}
		given[o] = -acc
	}
	z := rec.Behaviour
	t, _ := z.Dims()
	if prev != nil {
		update := mat.NewDense(t, k, nil)
		update.Mul(prev, dyn.T())
		for i := 0; i < t; i++ {
			row, nx := update.RawRowView(i), z.RawRowView(i)
			for o := range row {
				row[o] = nx[o] - row[o] - offset[o]
			}
		}
		rec.Behaviour = update
	} else {
		out := mat.NewDense(t, k, nil)
		for i := 0; i < t; i++ {
			row, nx := out.RawRowView(i), z.RawRowView(i)
			for o := range row {
				row[o] = nx[o] - offset[o]
			}
		}
		rec.Behaviour = out
	}
	rec.Decoder, rec.Offset = mat.DenseCopyOf(w), given
	return nil
}

// clouds reads a cell array of rows×per matrices (rows, per < 0: any, the
// same for all) and stacks their columns repeat-major: column r of cell c
// is row r·C + c. It returns the stack and each row's cell, and sets the
// samples per cell.
func (m *matReader) clouds(p string, rows, per int) (*mat.Dense, []int, error) {
	full := m.path(p)
	v, err := m.f.Lookup(full)
	if err != nil {
		return nil, nil, err
	}
	cell, ok := v.(*matfile.Cell)
	if !ok || len(cell.Elems) == 0 {
		return nil, nil, m.errorf(full, "is a %s %s, want a cell array of variables × samples matrices", dims(v), v.Class())
	}
	parts := make([]*mat.Dense, len(cell.Elems))
	for c := range cell.Elems {
		ep := fmt.Sprintf("%s{%d}", full, c+1)
		d, err := m.f.Dense(ep)
		if err != nil {
			return nil, nil, err
		}
		r, s := d.Dims()
		if rows < 0 {
			rows = r
		}
		if per < 0 {
			per = s
		}
		if r != rows || s != per {
			return nil, nil, m.errorf(ep, "is %d×%d, want %d×%d (variables × samples, as %s{1})", r, s, rows, per, full)
		}
		parts[c] = d
	}
	if m.t > 0 && per*len(parts) != m.t {
		return nil, nil, m.errorf(full, "holds %d samples in %d cells, the activity %d", per*len(parts), len(parts), m.t)
	}
	m.per = per
	nc := len(parts)
	out := mat.NewDense(per*nc, rows, nil)
	cond := make([]int, per*nc)
	for r := 0; r < per; r++ {
		for c, d := range parts {
			i := r*nc + c
			cond[i] = c
			row := out.RawRowView(i)
			for j := range row {
				row[j] = d.At(j, r)
			}
		}
	}
	return out, cond, nil
}
