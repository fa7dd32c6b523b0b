package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/stats"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/atomicfile"
	"github.com/oblique-neuro/oblique/internal/linalg"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// Files of a run directory.
const (
	CheckpointFile = "checkpoint.gob"
	InfoFile       = "run.json"
	LossFile       = "loss.arrow"
	WeightsW       = "weights_W.npy"
	WeightsWIn     = "weights_W_in.npy"
	WeightsWOut    = "weights_W_out.npy"
)

// Status of a run, as run.json records it.
const (
	StatusRunning     = "running"     // checkpointed, more steps to go
	StatusInterrupted = "interrupted" // stopped by a signal, resumable
	StatusDone        = "done"        // every step done, weights written
	StatusDiverged    = "diverged"    // stopped: loss or weights not finite
)

// Info is run.json: how a run was made and how it went.
type Info struct {
	Format   int      `json:"format"`
	Status   string   `json:"status"`
	Message  string   `json:"message,omitempty"`
	Regime   string   `json:"regime"`
	Settings Settings `json:"settings"`
	// StepsDone is the number of training steps done.
	StepsDone int `json:"steps_done"`
	// TrainLoss is the mean training loss over the last 100 steps (noisy
	// batches); EvalLoss the loss on the evaluation batch without state
	// noise, from random initial states (Trainer.Evaluate),
	// ZeroLoss that of an output that is always zero on it, and EvalRatio
	// their ratio (the acceptance measure: < 0.1 is trained).
	TrainLoss float64 `json:"train_loss"`
	EvalLoss  float64 `json:"eval_loss"`
	ZeroLoss  float64 `json:"zero_loss"`
	EvalRatio float64 `json:"eval_ratio"`
	// ZeroStartLoss is the evaluation loss from x₀ = 0 exactly (no noise
	// at all), and ZeroStartRatio its ratio to ZeroLoss (see
	// Trainer.EvaluateZeroStart); reported, not the acceptance measure.
	ZeroStartLoss  float64 `json:"eval_loss_zero_x0"`
	ZeroStartRatio float64 `json:"eval_ratio_zero_x0"`
	// WallSeconds is the training time over all sessions; StepMS the mean
	// time of a step.
	WallSeconds float64   `json:"wall_seconds"`
	StepMS      float64   `json:"step_ms"`
	Version     string    `json:"version"`
	Platform    string    `json:"platform"`
	Started     time.Time `json:"started"`
	Updated     time.Time `json:"updated"`
	Files       []string  `json:"files"`
}

// InfoFormat is the format of run.json that this oblique writes and reads.
const InfoFormat = 1

// ErrInfo marks a run.json that this oblique cannot use: another format,
// an unknown status, settings that do not validate.
var ErrInfo = errors.New("unusable run.json")

// Validate reports what makes info unusable, wrapping ErrInfo: a format
// other than InfoFormat, a status that is not one of the Status constants,
// a negative step count, or settings that Settings.Validate refuses.
func (info *Info) Validate() error {
	switch {
	case info.Format != InfoFormat:
		return fmt.Errorf("format %d: this oblique reads run.json format %d (a run written by another version of oblique: use that version, or train the run again): %w", info.Format, InfoFormat, ErrInfo)
	case info.StepsDone < 0:
		return fmt.Errorf("steps_done = %d: %w", info.StepsDone, ErrInfo)
	}
	switch info.Status {
	case StatusRunning, StatusInterrupted, StatusDone, StatusDiverged:
	default:
		return fmt.Errorf("status %q: want one of %s, %s, %s, %s: %w", clip(info.Status, 60), StatusRunning, StatusInterrupted, StatusDone, StatusDiverged, ErrInfo)
	}
	if err := info.Settings.Validate(); err != nil {
		return fmt.Errorf("%w: %w", err, ErrInfo)
	}
	return nil
}

// Run is a run directory being written by a trainer.
type Run struct {
	Dir     string
	Trainer *Trainer
	Started time.Time

	// Recovered is set when Resume found the last checkpoint unusable
	// and resumed from the previous one: it says why, for the user.
	Recovered string

	saved int // step of the checkpoint in Dir; -1 when there is none
	// keep is set when the checkpoint in Dir is good, to be kept as the
	// previous one by the next Save (not when Resume fell back).
	keep bool
}

// Create starts a new run in dir, which must not hold a checkpoint.
func Create(dir string, s Settings) (*Run, error) {
	if HasCheckpoint(dir) {
		return nil, fmt.Errorf("%s already holds a run (resume it, or choose another directory)", dir)
	}
	t, err := NewTrainer(s)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Run{Dir: dir, Trainer: t, Started: time.Now().UTC(), saved: -1}, nil
}

// HasCheckpoint reports whether dir holds a run's checkpoint (the last one,
// or the previous one).
func HasCheckpoint(dir string) bool {
	for _, f := range []string{CheckpointFile, PreviousCheckpointFile} {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// Resume loads the run in dir from its checkpoint. The trainer continues
// exactly where the checkpoint was written. When the checkpoint is
// damaged (a checksum that does not match: ErrCorruptCheckpoint), missing
// or otherwise unusable, and the previous checkpoint is good, it resumes
// from that one and says so in Run.Recovered; when neither can be used,
// the error names the checkpoint and says what is wrong with it.
func Resume(dir string) (*Run, error) {
	path := filepath.Join(dir, CheckpointFile)
	c, err := readCheckpoint(path)
	recovered := ""
	if err != nil {
		prev := filepath.Join(dir, PreviousCheckpointFile)
		pc, perr := readCheckpoint(prev)
		switch {
		case errors.Is(perr, fs.ErrNotExist):
			return nil, err
		case perr != nil:
			return nil, fmt.Errorf("%w; the previous checkpoint cannot be used either: %v", err, perr)
		}
		c = pc
		recovered = fmt.Sprintf("%v; resuming from the previous checkpoint %s (step %d) instead", err, prev, c.Step)
	}
	s := c.Settings.Resolved()
	task, _ := tasks.New(s.Task)
	pcg := new(rand.PCG)
	if err := pcg.UnmarshalBinary(c.RNG); err != nil { // checked by decodeCheckpoint
		return nil, fmt.Errorf("%s: random state: %w", path, err)
	}
	t := &Trainer{
		Settings: s,
		Net:      c.network(),
		Opt:      c.Opt,
		Step:     c.Step,
		Losses:   c.Losses,
		Evals:    c.Evals,
		Elapsed:  c.Elapsed,
		rng:      pcg,
	}
	t.setup(task)
	return &Run{Dir: dir, Trainer: t, Started: c.Started, Recovered: recovered, saved: c.Step, keep: recovered == ""}, nil
}

// network returns the checkpoint's network (sharing its weights).
func (c *checkpoint) network() *rnn.Network {
	return &rnn.Network{
		W:    mat.NewDense(c.N, c.N, c.W),
		WIn:  mat.NewDense(c.N, c.In, c.WIn),
		WOut: mat.NewDense(c.Out, c.N, c.WOut),
	}
}

// Checkpointed returns the step of the checkpoint that the run directory
// holds, or -1 when it holds none yet.
func (r *Run) Checkpointed() int { return r.saved }

// Save writes the checkpoint, run.json and the loss table, each
// atomically; when every step is done it also writes the weights, which
// makes the run "done". The checkpoint it replaces, if good, becomes the
// previous checkpoint (PreviousCheckpointFile) until the next Save.
func (r *Run) Save(t *Trainer) error {
	pcgState, err := t.rng.MarshalBinary()
	if err != nil {
		return err
	}
	c := checkpoint{
		Format: checkpointFormat, Version: version.String(), Settings: t.Settings, Step: t.Step,
		N: t.Net.N(), In: t.Net.Inputs(), Out: t.Net.Outputs(),
		W: raw(t.Net.W), WIn: raw(t.Net.WIn), WOut: raw(t.Net.WOut),
		Opt: t.Opt, RNG: pcgState, Losses: t.Losses, Evals: t.Evals, Elapsed: t.Elapsed, Started: r.Started,
	}
	// The checkpoint replaced becomes the previous one when it is good and
	// of an earlier step (a run interrupted right after a checkpoint saves
	// the same step again; the previous one stays the earlier step's).
	previous := ""
	if r.keep && r.saved != t.Step {
		previous = filepath.Join(r.Dir, PreviousCheckpointFile)
	}
	if err := atomicfile.WriteKeep(filepath.Join(r.Dir, CheckpointFile), previous, func(w io.Writer) error {
		return writeCheckpoint(w, &c)
	}); err != nil {
		return err
	}
	r.saved, r.keep = t.Step, true
	// The weights (when done), the loss table and run.json, the run's
	// entry, replace the earlier ones together (atomicfile.Group): a
	// failure leaves them all as they were, never a run.json beside a mix
	// of old and new weights.
	var g atomicfile.Group
	status := StatusRunning
	if t.Step >= t.Settings.Steps {
		status = StatusDone
		r.addWeights(&g, t.Net, t.Settings.Precision)
	}
	tb := r.lossTable(t)
	defer tb.Release()
	g.Add(filepath.Join(r.Dir, LossFile), tb.Write)
	info, err := r.infoJSON(t, status, "", []string{LossFile})
	if err != nil {
		return err
	}
	g.AddEntry(filepath.Join(r.Dir, InfoFile), info)
	return g.Commit()
}

// raw returns the values of a matrix made by mat.NewDense.
func raw(m *mat.Dense) []float64 { return m.RawMatrix().Data }

// addWeights adds the weight files to g, as NPY: float32 for a float32 run
// (the values its engine computes with, so simulations from the files
// equal those from the checkpoint), float64 otherwise.
func (r *Run) addWeights(g *atomicfile.Group, net *rnn.Network, precision string) {
	names := []string{WeightsW, WeightsWIn, WeightsWOut}
	for i, m := range []*mat.Dense{net.W, net.WIn, net.WOut} {
		write := func(w io.Writer) error { return npyio.Write(w, m) }
		if precision != "float64" {
			write = func(w io.Writer) error {
				rows, cols := m.Dims()
				return ingest.WriteFloat32(w, rows, cols, raw(m))
			}
		}
		g.Add(filepath.Join(r.Dir, names[i]), write)
	}
}

// WriteInfo writes run.json with the given status and message.
func (r *Run) WriteInfo(t *Trainer, status, message string) error {
	info, err := r.infoJSON(t, status, message, nil)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(r.Dir, InfoFile), info)
}

// infoJSON returns the function that writes run.json; written lists the
// files written with it (beside those already on disk).
func (r *Run) infoJSON(t *Trainer, status, message string, written []string) (func(io.Writer) error, error) {
	b, err := json.MarshalIndent(r.info(t, status, message, written), "", "  ")
	if err != nil {
		return nil, err
	}
	return func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}, nil
}

func (r *Run) info(t *Trainer, status, message string, written []string) Info {
	eval, zero, zstart := math.NaN(), math.NaN(), math.NaN()
	if status != StatusDiverged {
		eval, zero = t.Evaluate()
		zstart = t.EvaluateZeroStart()
	}
	info := Info{
		Format: InfoFormat, Status: status, Message: message, Regime: t.Settings.OutScale.Regime(),
		Settings: t.Settings, StepsDone: t.Step,
		TrainLoss: finiteOr0(stats.MeanLast(t.Losses, 100)), EvalLoss: finiteOr0(eval), ZeroLoss: finiteOr0(zero),
		WallSeconds: t.Elapsed.Seconds(),
		Version:     version.String(),
		Platform:    runtime.GOOS + "/" + runtime.GOARCH + ", " + strconv.Itoa(runtime.NumCPU()) + " CPUs, " + t.Settings.Precision + " engine, " + linalg.KernelPath() + " kernels",
		Started:     r.Started, Updated: time.Now().UTC(),
		Files: []string{InfoFile},
	}
	// run.json is written last: list what is on disk or written with it
	// (a run that diverged before its first checkpoint has neither losses
	// nor a checkpoint).
	for _, f := range []string{LossFile, CheckpointFile, PreviousCheckpointFile} {
		if _, err := os.Stat(filepath.Join(r.Dir, f)); err == nil || slices.Contains(written, f) {
			info.Files = append(info.Files, f)
		}
	}
	info.ZeroStartLoss = finiteOr0(zstart)
	if zero > 0 {
		info.EvalRatio = finiteOr0(eval / zero)
		info.ZeroStartRatio = finiteOr0(zstart / zero)
	}
	if t.Step > 0 {
		info.StepMS = t.Elapsed.Seconds() * 1000 / float64(t.Step)
	}
	if status == StatusDone {
		info.Files = append(info.Files, WeightsW, WeightsWIn, WeightsWOut)
	}
	return info
}

func finiteOr0(v float64) float64 {
	if finite(v) {
		return v
	}
	return 0
}

// lossTable returns the loss curve: one row per step, with the evaluation
// loss where it was measured. The caller releases it.
func (r *Run) lossTable(t *Trainer) *arrowtable.Table {
	settings, _ := json.Marshal(t.Settings)
	tb := arrowtable.New([]arrowtable.Field{
		{Name: "step", Type: arrowtable.Int, Unit: "", Doc: "training step (1-based)"},
		{Name: "loss", Type: arrowtable.Float, Unit: "", Doc: "masked MSE of the step's noisy training batch"},
		{Name: "eval_loss", Type: arrowtable.Float, Unit: "", Doc: "masked MSE on the fixed evaluation batch (no state noise, random x₀); null when not evaluated"},
	}, map[string]string{
		"settings": string(settings),
		"seed":     strconv.FormatUint(t.Settings.Seed, 10),
		"task":     t.Settings.Task,
		"regime":   t.Settings.OutScale.Regime(),
		"version":  version.String(),
		"kernels":  linalg.KernelPath(),
	})
	evals := make(map[int]float64, len(t.Evals))
	for _, e := range t.Evals {
		evals[e.Step] = e.Loss
	}
	for i, l := range t.Losses {
		row := tb.Row().Int(i + 1).Float(l)
		if v, ok := evals[i+1]; ok {
			row.Float(v)
		} else {
			row.Null()
		}
		row.End()
	}
	return tb
}

// Trained is a trained (or partly trained) network with its settings, as
// read back from a run directory.
type Trained struct {
	Dir  string
	Info Info
	Net  *rnn.Network
	// Partial is set when the weights come from a checkpoint of an
	// unfinished run; Info.StepsDone is then the checkpoint's step.
	Partial bool
	// Recovered is set when the last checkpoint of an unfinished run was
	// unusable and the weights come from the previous one (Run.Recovered).
	Recovered string
}

// Open reads a run directory: run.json and the weights, or the
// checkpoint's weights when the run is not done.
func Open(dir string) (*Trained, error) {
	fi, err := os.Stat(dir)
	switch {
	case dir == "" || err == nil && !fi.IsDir():
		return nil, notRunDir(dir)
	case err != nil:
		return nil, err
	}
	return openRun(inputfile.DirFS(dir), dir, true)
}

// OpenFinished is Open for a run that must be done, as measures and
// comparisons need: an unfinished run (running, interrupted or diverged) is
// an error that says so, rather than the weights of its checkpoint.
func OpenFinished(dir string) (*Trained, error) {
	tr, err := Open(dir)
	if err == nil && tr.Partial {
		return nil, fmt.Errorf("%s: the run is %s at step %d of %d, not done (%s says so): finish it with oblique train or sweep first (oblique simulate takes an unfinished run's checkpoint)",
			dir, tr.Info.Status, tr.Info.StepsDone, tr.Info.Settings.Steps, filepath.Join(dir, InfoFile))
	}
	return tr, err
}

// OpenFS reads a finished run from the directory dir of fsys (such as the
// runs embedded in the binary).
func OpenFS(fsys fs.FS, dir string) (*Trained, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	return openRun(sub, dir, false)
}

// notRunDir is the error for a path that does not hold a run.
func notRunDir(dir string) error {
	if dir == "" {
		dir = `""`
	}
	return fmt.Errorf("%s: %w (a run directory holds %s)", dir, ErrNotRun, InfoFile)
}

// ErrNotRun reports a directory that holds no run (no run.json): Open and
// OpenFS return an error wrapping it, so that a caller scanning folders can
// skip those that are not runs.
var ErrNotRun = errors.New("not a run directory")

// maxInfoBytes bounds run.json: oblique writes about 1 kB.
const maxInfoBytes = 1 << 20

// tooLong is readFile's error for a file longer than its limit (size −1:
// found so while reading).
type tooLong struct{ size, limit int64 }

func (e *tooLong) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("more than the %d bytes it can hold", e.limit)
	}
	return fmt.Sprintf("%d bytes, more than the %d it can hold", e.size, e.limit)
}

// readFile reads the file name of the run in fsys, which must be a regular
// file of at most limit bytes (a link to a device or a sparse giant is
// refused before anything is read); its errors name the file as dir/name.
func readFile(fsys fs.FS, dir, name string, limit int64) ([]byte, error) {
	path := filepath.Join(dir, name)
	b, err := func() ([]byte, error) {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		fi, err := f.Stat()
		switch {
		case err != nil:
			return nil, err
		case fi.IsDir():
			return nil, errors.New("is a directory")
		case !fi.Mode().IsRegular():
			return nil, errors.New("not a regular file (a device, pipe or socket)")
		case fi.Size() > limit:
			return nil, &tooLong{fi.Size(), limit}
		}
		b, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err == nil && int64(len(b)) > limit {
			err = &tooLong{-1, limit}
		}
		return b, err
	}()
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// openRun reads the run in fsys; dir names it in messages and, when
// partial runs are allowed, is where its checkpoint is resumed from.
func openRun(fsys fs.FS, dir string, partial bool) (*Trained, error) {
	b, err := readFile(fsys, dir, InfoFile, maxInfoBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notRunDir(dir)
	}
	if err != nil {
		return nil, err
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, InfoFile), err)
	}
	if err := info.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, InfoFile), err)
	}
	info.Settings = info.Settings.Resolved()
	tr := &Trained{Dir: dir, Info: info}
	if info.Status != StatusDone {
		if !partial {
			return nil, fmt.Errorf("%s: the run is %s, not done", dir, info.Status)
		}
		if !HasCheckpoint(dir) {
			why := ""
			if info.Message != "" {
				why = ": " + clip(info.Message, 500)
			}
			return nil, fmt.Errorf("%s: the run is %s after %d of %d steps and has neither weights nor a checkpoint to use%s",
				dir, info.Status, info.StepsDone, info.Settings.Steps, why)
		}
		r, err := Resume(dir)
		if err != nil {
			return nil, err
		}
		tr.Net, tr.Partial, tr.Recovered = r.Trainer.Net, true, r.Recovered
		tr.Info.StepsDone = r.Trainer.Step
		return tr, nil
	}
	s := info.Settings
	task, _ := tasks.New(s.Task)
	var ms [3]*mat.Dense
	for i, f := range []struct {
		name       string
		rows, cols int
		why        string
	}{
		{WeightsWIn, s.N, task.Inputs(), fmt.Sprintf("N × inputs: N = %d, and the %s task has %d inputs", s.N, task.Name(), task.Inputs())},
		{WeightsW, s.N, s.N, fmt.Sprintf("N × N: N = %d", s.N)},
		{WeightsWOut, task.Outputs(), s.N, fmt.Sprintf("outputs × N: the %s task has %d outputs, and N = %d", task.Name(), task.Outputs(), s.N)},
	} {
		path := filepath.Join(dir, f.name)
		// float64 values and a header (NPY headers are padded to 64
		// bytes; 64 kB is more than any).
		raw, err := readFile(fsys, dir, f.name, 8*int64(f.rows)*int64(f.cols)+64<<10)
		if err != nil {
			return nil, err
		}
		a, err := ingest.DecodeNPY(raw, path)
		if err != nil {
			return nil, err
		}
		if len(a.Shape) != 2 || a.Shape[0] != f.rows || a.Shape[1] != f.cols {
			return nil, fmt.Errorf("%s: shape %v, want [%d %d] (%s in %s)", path, a.Shape, f.rows, f.cols, f.why, InfoFile)
		}
		if j := nonFinite(a.Data, s.Precision); j >= 0 {
			return nil, fmt.Errorf("%s: the weight at [%d %d] is %v, not a finite %s", path, j/f.cols, j%f.cols, a.Data[j], s.Precision)
		}
		ms[i] = mat.NewDense(f.rows, f.cols, a.Data)
	}
	tr.Net = &rnn.Network{WIn: ms[0], W: ms[1], WOut: ms[2]}
	return tr, nil
}
