package models

import (
	"bytes"
	"encoding/gob"
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
	"strconv"
	"time"

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

// checkpointFormat is the version of the checkpoint layout.
const checkpointFormat = 1

// checkpoint is everything a run needs to continue bit for bit.
type checkpoint struct {
	Format       int
	Version      string
	Settings     Settings
	Step         int
	N, In, Out   int
	W, WIn, WOut []float64
	Opt          rnn.Adam
	RNG          []byte
	Losses       []float64
	Evals        []Eval
	Elapsed      time.Duration
	Started      time.Time
}

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

// Run is a run directory being written by a trainer.
type Run struct {
	Dir     string
	Trainer *Trainer
	Started time.Time

	saved int // step of the checkpoint in Dir; -1 when there is none
}

// Create starts a new run in dir, which must not hold a checkpoint.
func Create(dir string, s Settings) (*Run, error) {
	if _, err := os.Stat(filepath.Join(dir, CheckpointFile)); err == nil {
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

// HasCheckpoint reports whether dir holds a run's checkpoint.
func HasCheckpoint(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, CheckpointFile))
	return err == nil
}

// Resume loads the run in dir from its checkpoint. The trainer continues
// exactly where the checkpoint was written.
func Resume(dir string) (*Run, error) {
	path := filepath.Join(dir, CheckpointFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: not a checkpoint of this version of oblique: %w", path, err)
	}
	if c.Format != checkpointFormat {
		return nil, fmt.Errorf("%s: checkpoint format %d, this oblique reads %d", path, c.Format, checkpointFormat)
	}
	if err := c.Settings.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := c.Settings.Resolved()
	task, _ := tasks.New(s.Task)
	if c.N != s.N || c.In != task.Inputs() || c.Out != task.Outputs() ||
		len(c.W) != c.N*c.N || len(c.WIn) != c.N*c.In || len(c.WOut) != c.Out*c.N || len(c.Losses) != c.Step {
		return nil, fmt.Errorf("%s: inconsistent checkpoint", path)
	}
	for _, w := range [][]float64{c.WIn, c.W, c.WOut} {
		if nonFinite(w, s.Precision) >= 0 {
			return nil, fmt.Errorf("%s: inconsistent checkpoint (weights not finite)", path)
		}
	}
	pcg := new(rand.PCG)
	if err := pcg.UnmarshalBinary(c.RNG); err != nil {
		return nil, fmt.Errorf("%s: random state: %w", path, err)
	}
	t := &Trainer{
		Settings: s,
		Net: &rnn.Network{
			W:    mat.NewDense(c.N, c.N, c.W),
			WIn:  mat.NewDense(c.N, c.In, c.WIn),
			WOut: mat.NewDense(c.Out, c.N, c.WOut),
		},
		Opt:     c.Opt,
		Step:    c.Step,
		Losses:  c.Losses,
		Evals:   c.Evals,
		Elapsed: c.Elapsed,
		rng:     pcg,
	}
	t.setup(task)
	return &Run{Dir: dir, Trainer: t, Started: c.Started, saved: c.Step}, nil
}

// Checkpointed returns the step of the checkpoint that the run directory
// holds, or -1 when it holds none yet.
func (r *Run) Checkpointed() int { return r.saved }

// Save writes the checkpoint, run.json and the loss table, each
// atomically; when every step is done it also writes the weights, which
// makes the run "done".
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
	if err := atomicfile.Write(filepath.Join(r.Dir, CheckpointFile), func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(&c)
	}); err != nil {
		return err
	}
	r.saved = t.Step
	status := StatusRunning
	if t.Step >= t.Settings.Steps {
		status = StatusDone
		if err := r.writeWeights(t.Net, t.Settings.Precision); err != nil {
			return err
		}
	}
	if err := r.writeLosses(t); err != nil {
		return err
	}
	return r.WriteInfo(t, status, "")
}

// raw returns the values of a matrix made by mat.NewDense.
func raw(m *mat.Dense) []float64 { return m.RawMatrix().Data }

// writeWeights writes the weights as NPY: float32 for a float32 run (the
// values its engine computes with, so simulations from the files equal
// those from the checkpoint), float64 otherwise.
func (r *Run) writeWeights(net *rnn.Network, precision string) error {
	for name, m := range map[string]*mat.Dense{WeightsW: net.W, WeightsWIn: net.WIn, WeightsWOut: net.WOut} {
		write := func(w io.Writer) error { return npyio.Write(w, m) }
		if precision != "float64" {
			write = func(w io.Writer) error {
				rows, cols := m.Dims()
				return ingest.WriteFloat32(w, rows, cols, raw(m))
			}
		}
		if err := atomicfile.Write(filepath.Join(r.Dir, name), write); err != nil {
			return err
		}
	}
	return nil
}

// WriteInfo writes run.json with the given status and message.
func (r *Run) WriteInfo(t *Trainer, status, message string) error {
	info := r.info(t, status, message)
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(r.Dir, InfoFile), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

func (r *Run) info(t *Trainer, status, message string) Info {
	eval, zero, zstart := math.NaN(), math.NaN(), math.NaN()
	if status != StatusDiverged {
		eval, zero = t.Evaluate()
		zstart = t.EvaluateZeroStart()
	}
	info := Info{
		Format: 1, Status: status, Message: message, Regime: t.Settings.OutScale.Regime(),
		Settings: t.Settings, StepsDone: t.Step,
		TrainLoss: finiteOr0(stats.MeanLast(t.Losses, 100)), EvalLoss: finiteOr0(eval), ZeroLoss: finiteOr0(zero),
		WallSeconds: t.Elapsed.Seconds(),
		Version:     version.String(),
		Platform:    runtime.GOOS + "/" + runtime.GOARCH + ", " + strconv.Itoa(runtime.NumCPU()) + " CPUs, " + t.Settings.Precision + " engine, " + linalg.KernelPath() + " kernels",
		Started:     r.Started, Updated: time.Now().UTC(),
		Files: []string{InfoFile},
	}
	// run.json is written last: list what is on disk (a run that diverged
	// before its first checkpoint has neither losses nor a checkpoint).
	for _, f := range []string{LossFile, CheckpointFile} {
		if _, err := os.Stat(filepath.Join(r.Dir, f)); err == nil {
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

// writeLosses writes the loss curve: one row per step, with the
// evaluation loss where it was measured.
func (r *Run) writeLosses(t *Trainer) error {
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
	defer tb.Release()
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
	return tb.WriteFile(filepath.Join(r.Dir, LossFile))
}

// Trained is a trained (or partly trained) network with its settings, as
// read back from a run directory.
type Trained struct {
	Dir  string
	Info Info
	Net  *rnn.Network
	// Partial is set when the weights come from a checkpoint of an
	// unfinished run.
	Partial bool
}

// Open reads a run directory: run.json and the weights, or the
// checkpoint's weights when the run is not done. A folder that holds no
// run gives an error wrapping ErrNotRun, a damaged weight file one that
// wraps the ingest package's sentinel (ingest.ErrTruncated for a file cut
// short).
func Open(dir string) (*Trained, error) {
	fi, err := os.Stat(dir)
	switch {
	case dir == "" || err == nil && !fi.IsDir():
		return nil, notRunDir(dir)
	case err != nil:
		return nil, err
	}
	return openRun(os.DirFS(dir), dir, true)
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

// readFile reads the file name of the run in fsys; its errors name the file
// as dir/name.
func readFile(fsys fs.FS, dir, name string) ([]byte, error) {
	b, err := fs.ReadFile(fsys, name)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
	}
	return b, nil
}

// openRun reads the run in fsys; dir names it in messages and, when
// partial runs are allowed, is where its checkpoint is resumed from.
func openRun(fsys fs.FS, dir string, partial bool) (*Trained, error) {
	b, err := readFile(fsys, dir, InfoFile)
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
	if err := info.Settings.Validate(); err != nil {
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
				why = ": " + info.Message
			}
			return nil, fmt.Errorf("%s: the run is %s after %d of %d steps and has neither weights nor a checkpoint to use%s",
				dir, info.Status, info.StepsDone, info.Settings.Steps, why)
		}
		r, err := Resume(dir)
		if err != nil {
			return nil, err
		}
		tr.Net, tr.Partial = r.Trainer.Net, true
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
		raw, err := readFile(fsys, dir, f.name)
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
