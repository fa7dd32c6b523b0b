package cli

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/pipeline"
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
		helpFor(env.Stdout, fs, "sweep [SWEEP.toml] -o DIR", sweepAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: want at most one sweep file, got %d", errUsage, len(pos))
	}
	path := ""
	if len(pos) == 1 {
		path = pos[0]
	}
	runs, err := pipeline.Sweep(path)
	if err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: -o DIR is required", errUsage)
	}
	var failed []string
	for i, sr := range runs {
		dir := filepath.Join(*out, sr.Name)
		state, run, err := pipeline.SweepState(dir, sr.Settings, !*list)
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
