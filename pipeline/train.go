package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/stats"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// TrainSettings are a training run's settings (models.Settings; zero
// fields take the paper's values for the task and regime).
type TrainSettings = models.Settings

// Run is a training run being created or resumed (models.Run).
type Run = models.Run

// RunFiles names the files of a finished run directory.
func RunFiles() []string {
	return []string{models.InfoFile, models.LossFile, models.CheckpointFile, "weights_*.npy"}
}

// Tasks returns the names of the paper's tasks.
func Tasks() []string { return tasks.Names() }

// CheckTask reports a task name that is not one of Tasks.
func CheckTask(name string) error {
	_, err := tasks.New(name)
	return err
}

// ParseOutScale reads an output scale: small or large, or the regime it
// gives, aligned or oblique.
func ParseOutScale(s string) (rnn.OutScale, error) { return rnn.ParseOutScale(s) }

// ParseTrainable reads a list of the weight matrices that learn, from in,
// rec and out ("in,rec,out").
func ParseTrainable(s string) (rnn.Which, error) { return rnn.ParseWhich(s) }

// RunDir is the default directory of a run: runs/TASK-REGIME-nN-gG-sSEED.
func RunDir(s TrainSettings) string {
	r := s.Resolved()
	return filepath.Join("runs", fmt.Sprintf("%s-%s-n%d-g%g-s%d", r.Task, r.OutScale.Regime(), r.N, r.G, r.Seed))
}

// ErrSettings is wrapped by the errors of settings that cannot be used, or
// that contradict the run being resumed.
var ErrSettings = errors.New("settings")

// OpenRun returns the run in dir to train: resumed from its checkpoint
// when it has one, else created with s. On resume, the settings named in
// given (by their train flag names: task, n, g, lr0, batch, noise,
// init-noise, seed, train, precision, eval-trials, regime, out-scale,
// steps, eval-every, checkpoint-every) must agree with the run's where they
// shape the network; steps may extend the run and the evaluation and
// checkpoint intervals may change. The others keep the run's values.
func OpenRun(dir string, s TrainSettings, given map[string]bool) (*models.Run, error) {
	if models.HasCheckpoint(dir) {
		run, err := models.Resume(dir)
		if err != nil {
			return nil, err
		}
		if err := reconcile(run.Trainer, s, given, dir); err != nil {
			return nil, err
		}
		return run, nil
	}
	if s.Task == "" {
		return nil, fmt.Errorf("%w: %s has no run to resume", ErrNoTask, dir)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSettings, err)
	}
	return models.Create(dir, s)
}

// ErrNoTask is wrapped by OpenRun's error when a run is to be created and
// the settings name no task.
var ErrNoTask = errors.New("a task is required")

// reconcile checks the settings given against the run being resumed.
func reconcile(t *models.Trainer, s TrainSettings, set map[string]bool, dir string) error {
	have := t.Settings
	want := s
	// Settings not given take the run's values.
	keep := map[string]func(){
		"task":        func() { want.Task = have.Task },
		"n":           func() { want.N = have.N },
		"g":           func() { want.G = have.G },
		"lr0":         func() { want.LR0 = have.LR0 },
		"batch":       func() { want.Batch = have.Batch },
		"noise":       func() { want.Noise = have.Noise },
		"init-noise":  func() { want.InitNoise = have.InitNoise },
		"seed":        func() { want.Seed = have.Seed },
		"train":       func() { want.Train = have.Train },
		"precision":   func() { want.Precision = have.Precision },
		"eval-trials": func() { want.EvalTrials = have.EvalTrials },
	}
	for name, f := range keep {
		if !set[name] {
			f()
		}
	}
	if !set["regime"] && !set["out-scale"] {
		want.OutScale = have.OutScale
	}
	if !set["steps"] {
		want.Steps = have.Steps
	}
	if !set["eval-every"] {
		want.EvalEvery = have.EvalEvery
	}
	if !set["checkpoint-every"] {
		want.CheckpointEvery = have.CheckpointEvery
	}
	if err := want.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrSettings, err)
	}
	want = want.Resolved()
	if d := models.SameTraining(have, want); d != "" {
		return fmt.Errorf("%s holds a run with other settings (%s differs): resume it with its own settings (see %s) or choose another directory",
			dir, d, filepath.Join(dir, models.InfoFile))
	}
	if want.Steps < t.Step {
		return fmt.Errorf("%w: %d steps, but %s has already done %d steps", ErrSettings, want.Steps, dir, t.Step)
	}
	t.Settings.Steps, t.Settings.EvalEvery, t.Settings.CheckpointEvery = want.Steps, want.EvalEvery, want.CheckpointEvery
	return nil
}

// TrainProgress receives the state of training after each step: the step
// done of steps, its training loss, the evaluation loss (NaN when the step
// was not evaluated) and the time per step so far.
type TrainProgress func(step, steps int, loss, eval float64, perStep time.Duration)

// ErrInterrupted is wrapped by Train's error when ctx stopped the training
// (the checkpoint is written: train again to resume).
var ErrInterrupted = errors.New("interrupted")

// Train trains run to its step count, writing checkpoints (METHODS.md §5).
// When ctx is done it writes a checkpoint, marks the run interrupted and
// returns an error wrapping ErrInterrupted; a run that diverges is marked
// so and the error wraps models.ErrDiverged and says which checkpoint is
// kept. A run already done is only saved again.
func Train(ctx context.Context, run *models.Run, progress TrainProgress) error {
	t := run.Trainer
	r := t.Settings
	if t.Step >= r.Steps {
		return run.Save(t)
	}
	first, start := t.Step, time.Now()
	err := t.Run(ctx, run.Save, func(step, steps int, loss, eval float64) {
		if progress != nil {
			progress(step, steps, loss, eval, time.Since(start)/time.Duration(step-first))
		}
	})
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		if werr := run.WriteInfo(t, models.StatusInterrupted, "interrupted"); werr != nil {
			return werr
		}
		return fmt.Errorf("%s: %w at step %d of %d; checkpoint written: train again to resume", run.Dir, ErrInterrupted, t.Step, r.Steps)
	case errors.Is(err, models.ErrDiverged):
		kept := "no checkpoint had been written"
		if step := run.Checkpointed(); step >= 0 {
			kept = fmt.Sprintf("the last checkpoint (step %d) is kept", step)
		}
		msg := fmt.Sprintf("%v; %s and no weights were written. Try a smaller lr0 (now %g).", err, kept, r.LR0)
		if werr := run.WriteInfo(t, models.StatusDiverged, msg); werr != nil {
			return errors.Join(err, werr)
		}
		return fmt.Errorf("%w; %s and no weights were written. Try a smaller lr0 (now %g)", err, kept, r.LR0)
	}
	return err
}

// TrainSummary is the outcome of a finished run.
type TrainSummary struct {
	Steps   int
	Elapsed time.Duration
	// TrainLoss is the mean training loss of the last 100 steps.
	TrainLoss float64
	// EvalLoss is the loss on fresh evaluation trials (no state noise, x₀
	// random), ZeroLoss that of an output always zero, ZeroStartLoss the
	// evaluation loss from x₀ = 0 exactly.
	EvalLoss, ZeroLoss, ZeroStartLoss float64
	EvalTrials                        int
	InitNoise                         float64
}

// Summary evaluates a run.
func Summary(run *models.Run) TrainSummary {
	t := run.Trainer
	eval, zero := t.Evaluate()
	s := TrainSummary{
		Steps: t.Step, Elapsed: t.Elapsed, TrainLoss: stats.MeanLast(t.Losses, 100),
		EvalLoss: eval, ZeroLoss: zero, ZeroStartLoss: math.NaN(),
		EvalTrials: t.Settings.EvalTrials, InitNoise: *t.Settings.InitNoise,
	}
	if zero > 0 {
		s.ZeroStartLoss = t.EvaluateZeroStart()
	}
	return s
}

// Sweep reads a sweep file (TOML; models.ParseSweep); an empty path is the
// sweep behind the bundled networks. It returns the sweep's runs.
func Sweep(path string) ([]models.SweepRun, error) { return SweepWith(path, 0, 0) }

// SweepWith is Sweep with n units and gain g in place of the file's n and g
// (0 keeps the file's value): one point of a grid over N and g.
func SweepWith(path string, n int, g float64) ([]models.SweepRun, error) {
	raw, name := bundled.Sweep(), "bundled sweep.toml"
	if path != "" {
		var err error
		name = path
		if raw, err = inputfile.ReadFile(path, tomlsafe.MaxBytes); err != nil {
			return nil, err
		}
	}
	sw, err := models.ParseSweep(raw, name)
	if err != nil {
		return nil, err
	}
	if n == 0 && g == 0 {
		runs, _ := sw.Runs() // ParseSweep checked them
		return runs, nil
	}
	if n != 0 {
		sw.N = n
	}
	if g != 0 {
		sw.G = g
	}
	runs, err := sw.Runs()
	if err != nil {
		return nil, fmt.Errorf("%s with n = %d, g = %g: %w", name, sw.N, sw.G, err)
	}
	return runs, nil
}

// SweepState returns the state of a sweep run's directory and the run to
// train: nil when it is done (or create is false), resumed from its
// checkpoint, or created.
func SweepState(dir string, want TrainSettings, create bool) (string, *models.Run, error) {
	if tr, err := models.Open(dir); err == nil && !tr.Partial && tr.Info.Status == models.StatusDone {
		if d := models.SameTraining(tr.Info.Settings, want); d != "" {
			return "", nil, fmt.Errorf("%s holds a finished run with other settings (%s differs) than the sweep's", dir, d)
		}
		switch {
		case tr.Info.StepsDone > want.Steps:
			return "", nil, fmt.Errorf("%s holds a run trained for %d steps, more than the sweep's %d: remove it or choose another -o", dir, tr.Info.StepsDone, want.Steps)
		case tr.Info.StepsDone == want.Steps:
			return "done", nil, nil
		case !models.HasCheckpoint(dir):
			return "", nil, fmt.Errorf("%s holds a run trained for %d steps, fewer than the sweep's %d, and no checkpoint to extend it from", dir, tr.Info.StepsDone, want.Steps)
		}
		if !create {
			return fmt.Sprintf("finished at %d of the sweep's %d steps (will be extended)", tr.Info.StepsDone, want.Steps), nil, nil
		}
		// Finished with fewer steps than the sweep asks: extend it.
	}
	if models.HasCheckpoint(dir) {
		if !create {
			return "unfinished (has a checkpoint)", nil, nil
		}
		run, err := models.Resume(dir)
		if err != nil {
			return "", nil, err
		}
		if d := models.SameTraining(run.Trainer.Settings, want); d != "" {
			return "", nil, fmt.Errorf("%s holds a run with other settings (%s differs) than the sweep's", dir, d)
		}
		run.Trainer.Settings.Steps = want.Steps
		state := fmt.Sprintf("resuming at step %d of %d", run.Trainer.Step, want.Steps)
		if run.Recovered != "" {
			state += " (" + run.Recovered + ")"
		}
		return state, run, nil
	}
	if _, err := os.Stat(dir); err == nil {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			return "", nil, fmt.Errorf("%s exists and is not a run of this sweep (no checkpoint): remove it or choose another -o", dir)
		}
	}
	if !create {
		return "not started", nil, nil
	}
	run, err := models.Create(dir, want)
	if err != nil {
		return "", nil, err
	}
	return "new", run, nil
}
