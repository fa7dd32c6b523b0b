package presets

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/matfile"
	"github.com/oblique-neuro/oblique/preprocess"
)

// MATSettings name the variables of a MATLAB file, in MATLAB syntax with
// 1-based indices ("beforeLearning.clouds.spikes", "D.blocks(1)"). Which
// keys a layout reads is listed with each layout below; a key the layout
// does not read is an error, so that a preset never silently ignores one.
type MATSettings struct {
	// Root lists where the layout's arrays are: the first of them that
	// the file holds is used, and Activity, Behaviour, Previous, Freeze,
	// Decoder, Movement and Time are paths inside it (mat-cycling:
	// ["Pc", "Pd"]; mat-hennig-blocks: ["D.blocks(1)"]). Without Root
	// those paths start at a variable.
	Root []string `toml:"root"`

	// Activity is T×N (mat-cycling, mat-hennig-blocks) or a cell array of
	// N×S matrices, one per condition (mat-golub-clouds); Kind says
	// whether it holds "counts" per bin or "rates" in Hz.
	Activity string `toml:"activity"`
	Kind     string `toml:"kind"`
	// Behaviour is T×K (mat-hennig-blocks: the next cursor velocity),
	// T×(K·Copies) (mat-cycling: Copies copies of the K channels, the
	// copies averaged) or a cell array of K×S matrices (mat-golub-clouds).
	Behaviour string `toml:"behaviour"`
	Copies    int    `toml:"copies"`
	// Channels names the K behaviour channels; Unit is their unit.
	Channels []string `toml:"channels"`
	Unit     string   `toml:"unit"`

	// mat-cycling: Movement (T values) marks the samples to use, those
	// where it is not NaN; Time (T values, s) gives the sample spacing.
	Movement string `toml:"movement"`
	Time     string `toml:"time"`

	// mat-golub-clouds: Direction is a cell array of 2×S (x, y)
	// directions; samples pointing at one of ExcludeAnglesDeg (atan2 in
	// degrees mod 360, compared as numpy.isclose) are left out. Decoder
	// (K×N, on counts) and Offset (K) are the experimenter's decoder.
	Direction        string    `toml:"direction"`
	ExcludeAnglesDeg []float64 `toml:"exclude_angles_deg"`
	Decoder          string    `toml:"decoder"`
	Offset           string    `toml:"offset"`

	// mat-hennig-blocks: Previous (T×K) is the cursor velocity before the
	// update, Freeze (T values) marks the samples left out (nonzero),
	// Decoder is a struct with M0 (K), M1 (K×K) and M2 (K×N), and
	// SpikeCountMean (N; a full path, outside Root) the mean counts the
	// decoder subtracts.
	Previous       string `toml:"previous"`
	Freeze         string `toml:"freeze"`
	SpikeCountMean string `toml:"spike_count_mean"`
}

// matKeys lists the [mat] keys each layout reads; required ones are marked
// with a trailing "!".
var matKeys = map[string][]string{
	"mat-cycling":       {"root!", "activity!", "kind!", "behaviour!", "copies!", "channels", "unit", "movement!", "time!"},
	"mat-golub-clouds":  {"activity!", "kind!", "behaviour!", "channels", "unit", "direction", "exclude_angles_deg", "decoder", "offset"},
	"mat-hennig-blocks": {"root!", "activity!", "kind!", "behaviour!", "channels", "unit", "previous!", "freeze!", "decoder!", "spike_count_mean!"},
}

// set returns the [mat] keys that have a value.
func (m *MATSettings) set() map[string]bool {
	return map[string]bool{
		"root": len(m.Root) > 0, "activity": m.Activity != "", "kind": m.Kind != "",
		"behaviour": m.Behaviour != "", "copies": m.Copies != 0, "channels": len(m.Channels) > 0,
		"unit": m.Unit != "", "movement": m.Movement != "", "time": m.Time != "",
		"direction": m.Direction != "", "exclude_angles_deg": len(m.ExcludeAnglesDeg) > 0,
		"decoder": m.Decoder != "", "offset": m.Offset != "", "previous": m.Previous != "",
		"freeze": m.Freeze != "", "spike_count_mean": m.SpikeCountMean != "",
	}
}

// check reports [mat] keys the layout needs and does not have, and keys it
// does not read.
func (m *MATSettings) check(layout string) error {
	keys, ok := matKeys[layout]
	if !ok {
		return fmt.Errorf("unknown layout %q (layouts: nwb-trials, mat-cycling, mat-golub-clouds, mat-hennig-blocks)", layout)
	}
	set := m.set()
	known := map[string]bool{}
	for _, k := range keys {
		name, required := strings.CutSuffix(k, "!")
		known[name] = true
		if required && !set[name] {
			return fmt.Errorf("[mat] %s is required by layout %s", name, layout)
		}
	}
	for k, v := range set {
		if v && !known[k] {
			return fmt.Errorf("[mat] %s is not read by layout %s", k, layout)
		}
	}
	if _, err := ingest.ParseKind(m.Kind); err != nil {
		return fmt.Errorf("[mat] kind: %w", err)
	}
	if m.Direction != "" && len(m.ExcludeAnglesDeg) == 0 || m.Direction == "" && len(m.ExcludeAnglesDeg) > 0 {
		return errors.New("[mat] direction and exclude_angles_deg go together")
	}
	if m.Offset != "" && m.Decoder == "" {
		return errors.New("[mat] offset given without decoder")
	}
	return nil
}

// settings returns the preprocessing of the fit.
func (p *Preset) settings() preprocess.Settings {
	return preprocess.Settings{LagMS: p.Fit.LagMS, Every: p.Fit.Every}
}

func (p *Preset) loadMAT(file string, rec **ingest.Recording, s *preprocess.Settings) error {
	if err := p.MAT.check(p.Layout); err != nil {
		return fmt.Errorf("preset %s: %w", p.Name, err)
	}
	if p.Layout != "mat-cycling" && !(p.Bins.WidthMS > 0) {
		return fmt.Errorf("preset %s: [bins] width_ms must be positive for layout %s", p.Name, p.Layout)
	}
	f, err := matfile.Open(file)
	if err != nil {
		return err
	}
	m := &matReader{file: file, f: matfile.NewFile(file, f.Description(), &cached{f: f, vals: map[string]matfile.Value{}})}
	defer m.f.Close()
	var r *ingest.Recording
	switch p.Layout {
	case "mat-cycling":
		r, err = m.cycling(p)
	case "mat-golub-clouds":
		r, err = m.golub(p)
	case "mat-hennig-blocks":
		r, err = m.hennig(p)
	}
	if err != nil {
		return err
	}
	r.Channels, r.Unit = p.MAT.Channels, p.MAT.Unit
	r.Kind, _ = ingest.ParseKind(p.MAT.Kind)
	r.Sources = append([]ingest.Source{{Role: "recording", Path: file}}, r.Sources...)
	if err := r.Validate(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	*rec, *s = r, p.settings()
	return nil
}

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
	file string
	f    *matfile.File
	root string // prefix of relative paths, with its trailing "."
}

func (m *matReader) errorf(path, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", m.file, path, fmt.Sprintf(format, args...))
}

// setRoot picks the first of roots that the file holds.
func (m *matReader) setRoot(roots []string) error {
	if len(roots) == 0 {
		return nil
	}
	var tried []string
	for _, r := range roots {
		v, err := m.f.Lookup(r)
		if errors.Is(err, matfile.ErrNotFound) {
			tried = append(tried, r)
			continue
		}
		if err != nil {
			return err
		}
		if _, ok := v.(*matfile.Struct); !ok || matfile.Numel(v) != 1 {
			return m.errorf(r, "is a %s %s, want a 1×1 struct", dims(v), v.Class())
		}
		m.root = r + "."
		return nil
	}
	var names []string
	for _, v := range m.f.Vars() {
		names = append(names, v.Name)
	}
	return fmt.Errorf("%s: holds none of %s (its variables: %s)", m.file, strings.Join(tried, ", "), strings.Join(names, ", "))
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

// cycling reads the Russo et al. 2018 files (Cousteau_tt.mat, Drake_tt.mat)
// as the paper's notebook does (load_russo_2018): rates xA_raw (T×N) as
// activity, the mean of the copies of hand velocity in vA as behaviour,
// the samples where mask.cycleNum is not NaN (movement) as the mask, and
// the sample spacing from mask.time (s).
func (m *matReader) cycling(p *Preset) (*ingest.Recording, error) {
	s := p.MAT
	if err := m.setRoot(s.Root); err != nil {
		return nil, err
	}
	x, err := m.dense(s.Activity)
	if err != nil {
		return nil, err
	}
	t, _ := x.Dims()
	k := len(s.Channels)
	if k == 0 {
		k = 2
	}
	v, err := m.matrix(s.Behaviour, t, k*s.Copies)
	if err != nil {
		return nil, err
	}
	move, err := m.vector(s.Movement, t, "one per sample of "+m.path(s.Activity))
	if err != nil {
		return nil, err
	}
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
	// vA holds the copies side by side: x, y, x, y, … (numpy's
	// reshape(-1, copies, K).mean(1)); the mean adds them in order.
	z := mat.NewDense(t, k, nil)
	for i := 0; i < t; i++ {
		row := v.RawRowView(i)
		for j := 0; j < k; j++ {
			var sum float64
			for c := 0; c < s.Copies; c++ {
				sum += row[c*k+j]
			}
			z.Set(i, j, sum/float64(s.Copies))
		}
	}
	keep := make([]bool, t)
	n := 0
	for i, c := range move {
		keep[i] = !math.IsNaN(c)
		if keep[i] {
			n++
		}
	}
	if n == 0 {
		return nil, m.errorf(m.path(s.Movement), "is NaN at every sample: no movement samples")
	}
	return &ingest.Recording{
		Activity: x, BinWidth: dt / 1000, Behaviour: z, Mask: keep,
		Description: fmt.Sprintf("%s preset: %s, %d of %d samples in movement, %g ms apart", p.Name, strings.TrimSuffix(m.root, "."), n, t, dt),
	}, nil
}

// golub reads the Golub et al. 2018 exampleData.mat: clouds of samples
// stored as cells of variables × samples matrices, one cell per cloud
// (movement condition). Sample r of cloud c becomes row r·C + c (repeat
// major, as the NPY conversions beside the bundled file are stacked).
func (m *matReader) golub(p *Preset) (*ingest.Recording, error) {
	s := p.MAT
	x, cond, per, err := m.clouds(s.Activity, -1, -1)
	if err != nil {
		return nil, err
	}
	k := len(s.Channels)
	if k == 0 {
		k = -1
	}
	z, _, _, err := m.clouds(s.Behaviour, k, per)
	if err != nil {
		return nil, err
	}
	rec := &ingest.Recording{Activity: x, BinWidth: p.Bins.WidthMS / 1000, Behaviour: z, Conditions: cond}
	if s.Direction != "" {
		dir, _, _, err := m.clouds(s.Direction, 2, per)
		if err != nil {
			return nil, err
		}
		rec.Mask = angleMask(dir, s.ExcludeAnglesDeg)
	}
	if s.Decoder != "" {
		_, kz := z.Dims()
		_, n := x.Dims()
		if rec.Decoder, err = m.matrix(s.Decoder, kz, n); err != nil {
			return nil, err
		}
		if s.Offset != "" {
			if rec.Offset, err = m.vector(s.Offset, kz, "one per output"); err != nil {
				return nil, err
			}
		}
	}
	_, n := x.Dims()
	rec.Description = fmt.Sprintf("%s preset: %d clouds of %d samples, %d neurons", p.Name, cond[len(cond)-1]+1, per, n)
	return rec, nil
}

// clouds reads a cell array of rows×per matrices (rows, per < 0: any, the
// same for all) and stacks their columns repeat-major: column r of cell c
// is row r·C + c. It returns the stack, each row's cell and the samples
// per cell.
func (m *matReader) clouds(p string, rows, per int) (*mat.Dense, []int, int, error) {
	full := m.path(p)
	v, err := m.f.Lookup(full)
	if err != nil {
		return nil, nil, 0, err
	}
	cell, ok := v.(*matfile.Cell)
	if !ok || len(cell.Elems) == 0 {
		return nil, nil, 0, m.errorf(full, "is a %s %s, want a cell array of variables × samples matrices", dims(v), v.Class())
	}
	parts := make([]*mat.Dense, len(cell.Elems))
	for c := range cell.Elems {
		ep := fmt.Sprintf("%s{%d}", full, c+1)
		d, err := m.f.Dense(ep)
		if err != nil {
			return nil, nil, 0, err
		}
		r, s := d.Dims()
		if rows < 0 {
			rows = r
		}
		if per < 0 {
			per = s
		}
		if r != rows || s != per {
			return nil, nil, 0, m.errorf(ep, "is %d×%d, want %d×%d (variables × samples, as %s{1})", r, s, rows, per, full)
		}
		parts[c] = d
	}
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
	return out, cond, per, nil
}

// angleMask keeps the samples whose direction (x, y) does not point at one
// of the excluded angles: atan2 in degrees mod 360, compared as
// numpy.isclose(a, b) does (|a − b| ≤ 1e-8 + 1e-5·|b|), as the paper
// selected the Golub samples (and as manifests' [mask] angle_of does).
func angleMask(dir *mat.Dense, exclude []float64) []bool {
	t, _ := dir.Dims()
	keep := make([]bool, t)
	for i := range keep {
		keep[i] = true
		a := math.Atan2(dir.At(i, 1), dir.At(i, 0)) * 180 / math.Pi
		a = math.Mod(a, 360)
		if a < 0 {
			a += 360
		}
		for _, b := range exclude {
			if math.Abs(a-b) <= 1e-8+1e-5*math.Abs(b) {
				keep[i] = false
			}
		}
	}
	return keep
}

// hennig reads a block of a file laid out as Hennig et al. 2018's: spike
// counts per 45 ms bin (T×N), the cursor velocity before (vel) and after
// (velNext) each update (T×K), the freeze periods, and the block's decoder
// nDecoder (M0, M1, M2) with the mean counts D.dec.spikeCountMean. The
// output is what the decoder adds from the spikes,
//
//	z = velNext − vel·M1ᵀ − (M2·spikeCountMeanᵀ + M0)ᵀ,
//
// on the samples outside freeze periods; the given decoder is M2 with
// offset −M2·spikeCountMeanᵀ.
func (m *matReader) hennig(p *Preset) (*ingest.Recording, error) {
	s := p.MAT
	if err := m.setRoot(s.Root); err != nil {
		return nil, err
	}
	x, err := m.dense(s.Activity)
	if err != nil {
		return nil, err
	}
	t, n := x.Dims()
	k := len(s.Channels)
	if k == 0 {
		k = -1
	}
	next, err := m.matrix(s.Behaviour, t, k)
	if err != nil {
		return nil, err
	}
	_, k = next.Dims()
	prev, err := m.matrix(s.Previous, t, k)
	if err != nil {
		return nil, err
	}
	freeze, err := m.vector(s.Freeze, t, "one per sample of "+m.path(s.Activity))
	if err != nil {
		return nil, err
	}
	m0, err := m.vector(s.Decoder+".M0", k, "one per output")
	if err != nil {
		return nil, err
	}
	m1, err := m.matrix(s.Decoder+".M1", k, k)
	if err != nil {
		return nil, err
	}
	m2, err := m.matrix(s.Decoder+".M2", k, n)
	if err != nil {
		return nil, err
	}
	root := m.root
	m.root = ""
	mean, err := m.vector(s.SpikeCountMean, n, "one per neuron")
	m.root = root
	if err != nil {
		return nil, err
	}
	// offset = M2·mean + M0, as numpy's M2 @ mean.T + M0; the decoder
	// on the counts alone has offset −M2·mean.
	offset := make([]float64, k)
	given := make([]float64, k)
	for o := range offset {
		var acc float64
		for j, w := range m2.RawRowView(o) {
			acc += w * mean[j]
		}
		offset[o] = acc + m0[o]
		given[o] = -acc
	}
	z := mat.NewDense(t, k, nil)
	z.Mul(prev, m1.T())
	for i := 0; i < t; i++ {
		row, nx := z.RawRowView(i), next.RawRowView(i)
		for o := range row {
			row[o] = nx[o] - row[o] - offset[o]
		}
	}
	keep := make([]bool, t)
	used := 0
	for i, f := range freeze {
		keep[i] = f == 0
		if keep[i] {
			used++
		}
	}
	return &ingest.Recording{
		Activity: x, BinWidth: p.Bins.WidthMS / 1000, Behaviour: z, Mask: keep,
		Decoder: mat.DenseCopyOf(m2), Offset: given,
		Description: fmt.Sprintf("%s preset: %s, %d of %d samples outside freeze periods, %d neurons",
			p.Name, strings.TrimSuffix(m.root, "."), used, t, n),
	}, nil
}
