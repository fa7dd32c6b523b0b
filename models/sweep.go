package models

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/models/rnn"
)

// Sweep is a set of training runs: every task × regime × seed, with the
// other settings shared (zero means the paper's, as in Settings). Its file
// format is TOML with the fields' names (see models/bundled/sweep.toml).
type Sweep struct {
	Tasks   []string `toml:"tasks"`
	Regimes []string `toml:"regimes"`
	Seeds   []int64  `toml:"seeds"`
	N       int      `toml:"n"`
	G       float64  `toml:"g"`
	Steps   int      `toml:"steps"`
	// LR0 overrides the paper's lr0: regime (aligned, oblique) → task →
	// lr0, as the paper's own values differ by regime.
	LR0 map[string]map[string]float64 `toml:"lr0"`
	// TaskSteps overrides Steps (or the paper's steps) for single tasks:
	// task → training steps.
	TaskSteps map[string]int `toml:"task_steps"`
	Precision string         `toml:"precision"`
}

// SweepRun is one run of a sweep: its directory name and settings.
type SweepRun struct {
	Name     string
	Settings Settings
}

// ParseSweep reads a sweep file's contents; name is used in errors.
func ParseSweep(b []byte, name string) (*Sweep, error) {
	var s Sweep
	md, err := tomlsafe.Decode(b, &s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if und := tomlsafe.UnknownKeys(md); und != "" {
		return nil, fmt.Errorf("%s: unknown key %s", name, und)
	}
	if len(s.Tasks) == 0 || len(s.Regimes) == 0 || len(s.Seeds) == 0 {
		return nil, fmt.Errorf("%s: tasks, regimes and seeds must each list at least one value", name)
	}
	// Zero means the paper's N only when n is left out (as train -n).
	if md.IsDefined("n") && s.N < 2 {
		return nil, fmt.Errorf("%s: n = %d: a network needs at least 2 units (leave n out for the paper's 512)", name, s.N)
	}
	if _, err := s.Runs(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// Runs lists the runs in training order: seed by seed, then task, then
// regime, so that a partly done sweep has every setting at its first seeds.
func (s *Sweep) Runs() ([]SweepRun, error) {
	var out []SweepRun
	var errs []error
	seen := map[string]bool{}
	// report adds an error once: a setting that fails fails for every seed.
	report := func(err error) {
		if !seen[err.Error()] {
			seen[err.Error()] = true
			errs = append(errs, err)
		}
	}
	for _, seed := range s.Seeds {
		if seed < 0 {
			errs = append(errs, fmt.Errorf("seeds: %d: want seeds ≥ 0 (as train -seed)", seed))
			continue
		}
		for _, task := range s.Tasks {
			for _, regime := range s.Regimes {
				scale, err := rnn.ParseOutScale(regime)
				if err != nil {
					report(err)
					continue
				}
				steps := s.Steps
				if st, ok := s.TaskSteps[task]; ok {
					steps = st
				}
				set := Settings{Task: task, OutScale: scale, N: s.N, G: s.G, Steps: steps, LR0: s.LR0[scale.Regime()][task], Seed: uint64(seed), Precision: s.Precision}
				if err := set.Validate(); err != nil {
					report(fmt.Errorf("%s, %s: %w", task, regime, err))
					continue
				}
				set = set.Resolved()
				out = append(out, SweepRun{
					Name:     fmt.Sprintf("%s-%s-s%d", set.Task, set.OutScale.Regime(), seed),
					Settings: set,
				})
			}
		}
	}
	for regime, byTask := range s.LR0 {
		if regime != "aligned" && regime != "oblique" {
			errs = append(errs, fmt.Errorf("lr0.%s: want lr0.aligned or lr0.oblique", regime))
		}
		for task, lr := range byTask {
			if !slices.Contains(s.Tasks, task) {
				errs = append(errs, fmt.Errorf("lr0.%s for %q, which is not among the tasks", regime, task))
			}
			if !(lr > 0) || math.IsInf(lr, 0) {
				errs = append(errs, fmt.Errorf("lr0.%s for %s = %v: want a positive learning rate", regime, task, lr))
			}
		}
	}
	for task, steps := range s.TaskSteps {
		if !slices.Contains(s.Tasks, task) {
			errs = append(errs, fmt.Errorf("task_steps for %q, which is not among the tasks", task))
		}
		if steps <= 0 {
			errs = append(errs, fmt.Errorf("task_steps for %s = %d: want a positive number of steps", task, steps))
		}
	}
	return out, errors.Join(errs...)
}
