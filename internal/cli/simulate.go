package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"

	"github.com/oblique-neuro/oblique/pipeline"
)

const simulateAbout = `Runs the network trained in the run directory RUN on fresh trials of its
task and writes them as a recording (NPY arrays and recording.toml) that
'oblique analyze' reads like any other: the states x (samples × N, trials
stacked, the first 10 time units of each trial dropped) as activity, the
network's own outputs z = x·W_outᵀ as behaviour, trial ids, and W_out as the
experimenter's decoder. Targets, inputs and times are written beside them.
Without noise (the default) there is no state noise and the trials start
from random initial states x₀ ~ N(0, init_noise²) drawn from the seed, as in
training (-x0 zero starts them at x = 0 exactly); with -noise on they also
get the training state noise.`

func runSimulate(env *Env, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	var (
		out, noise, x0 string
		s              pipeline.SimSettings
	)
	fs.StringVar(&out, "o", "", "output `DIR` (default RUN/sim-noise-NOISE-sSEED)")
	fs.IntVar(&s.Trials, "trials", 32, "number of fresh trials")
	fs.StringVar(&noise, "noise", "off", "on (the training noise) or off")
	fs.StringVar(&x0, "x0", "random", "initial states: random (x₀ ~ N(0, init_noise²), as in training) or zero")
	fs.Uint64Var(&s.Seed, "seed", 0, "seed of the trials and the noise")
	fs.Float64Var(&s.Drop, "drop", 10, "time units dropped at the start of each trial (0 keeps all)")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "simulate RUN [flags]", simulateAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one run directory, got %d arguments", errUsage, len(pos))
	}
	switch noise {
	case "on":
		s.Noise = true
	case "off":
	default:
		return fmt.Errorf("%w: -noise %q: want on or off", errUsage, noise)
	}
	switch x0 {
	case "random":
	case "zero":
		s.ZeroStart = true
	default:
		return fmt.Errorf("%w: -x0 %q: want random or zero", errUsage, x0)
	}
	if s.Noise && s.ZeroStart {
		return fmt.Errorf("%w: -x0 zero goes with -noise off (the training noise includes random initial states)", errUsage)
	}
	if s.Trials < 1 {
		return fmt.Errorf("%w: -trials %d: want at least 1", errUsage, s.Trials)
	}
	switch {
	case !(s.Drop >= 0) || math.IsInf(s.Drop, 0):
		return fmt.Errorf("%w: -drop %g: want a time ≥ 0 (τ units)", errUsage, s.Drop)
	case s.Drop == 0:
		s.Drop = -1 // keep every step
	}
	if out == "" {
		out = filepath.Join(pos[0], fmt.Sprintf("sim-noise-%s-s%d", noise, s.Seed))
	}
	sim, err := pipeline.Simulate(pos[0], s, out)
	if errors.Is(err, pipeline.ErrSettings) {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if err != nil {
		return err
	}
	if sim.Partial {
		fmt.Fprintf(env.Stderr, "oblique simulate: %s is not done; using its checkpoint at step %d\n", pos[0], sim.Step)
	}
	if sim.Recovered != "" {
		fmt.Fprintf(env.Stderr, "oblique simulate: %s\n", sim.Recovered)
	}
	ratio := 0.0
	if sim.ZeroLoss > 0 {
		ratio = sim.Loss / sim.ZeroLoss
	}
	fmt.Fprintf(env.Stdout, "%s: %d samples × %d neurons (%d trials, first %d steps of each dropped), noise %s; task loss %.4g = %.1f %% of the zero-output loss\n",
		sim.Manifest, sim.Samples, sim.Neurons, sim.Trials, sim.Dropped, noise, sim.Loss, 100*ratio)
	fmt.Fprintf(env.Stdout, "analyse with: oblique analyze %s\n", sim.Manifest)
	return nil
}
