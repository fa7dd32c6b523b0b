package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
)

const sweepAbout = `Trains every run of a sweep file (default: the sweep behind the bundled
networks, models/bundled/sweep.toml): each task × regime × seed, into
DIR/TASK-REGIME-sSEED. Finished runs are skipped and unfinished ones resume
from their last checkpoint, so a sweep can be stopped (Ctrl-C) and started
again, also in a later session. A finished run with fewer steps than the
sweep file now asks for is extended from its checkpoint. A run that diverges
is reported and the others still train; the exit status is then 1.`

func runSweep(env *Env, args []string) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	out := fs.String("o", "", "`DIR` of the run directories (required)")
	quiet := fs.Bool("quiet", false, "no progress line")
	list := fs.Bool("list", false, "list the runs and their state; train nothing")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stderr, fs, "sweep [SWEEP.toml] -o DIR", sweepAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: want at most one sweep file, got %d", errUsage, len(pos))
	}
	raw, name := bundled.Sweep(), "bundled sweep.toml"
	if len(pos) == 1 {
		name = pos[0]
		if raw, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	sw, err := models.ParseSweep(raw, name)
	if err != nil {
		return err
	}
	runs, _ := sw.Runs()
	if *out == "" {
		return fmt.Errorf("%w: -o DIR is required", errUsage)
	}
	var failed []string
	for i, sr := range runs {
		dir := filepath.Join(*out, sr.Name)
		state, run, err := openForSweep(dir, sr.Settings, !*list)
		if *list {
			if err != nil {
				state = "error: " + err.Error()
			}
			fmt.Fprintf(env.Stdout, "%-28s %s\n", sr.Name, state)
			continue
		}
		if err != nil {
			return err
		}
		if run == nil {
			fmt.Fprintf(env.Stdout, "[%d/%d] %s: done\n", i+1, len(runs), dir)
			continue
		}
		fmt.Fprintf(env.Stdout, "[%d/%d] %s: %s\n", i+1, len(runs), dir, state)
		if err := trainRun(env, run, dir, *quiet); err != nil {
			var ee exitError
			if errors.As(err, &ee) {
				return err // interrupted: stop the sweep
			}
			fmt.Fprintf(env.Stderr, "oblique sweep: %s: %v\n", dir, err)
			failed = append(failed, sr.Name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d runs failed: %s", len(failed), len(runs), strings.Join(failed, ", "))
	}
	return nil
}

// openForSweep returns the state of a sweep run's directory and the run to
// train: nil when it is done (or create is false), resumed from its
// checkpoint, or created.
func openForSweep(dir string, want models.Settings, create bool) (string, *models.Run, error) {
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
		return fmt.Sprintf("resuming at step %d of %d", run.Trainer.Step, want.Steps), run, nil
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
