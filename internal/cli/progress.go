package cli

import (
	"fmt"

	"github.com/oblique-neuro/oblique/internal/progress"
	"github.com/oblique-neuro/oblique/pipeline"
)

// progressBars shows the pipeline's events as progress lines on stderr,
// one per item (none when quiet). done ends the last line.
func progressBars(env *Env, quiet bool) (p pipeline.Progress, done func()) {
	if quiet {
		return nil, func() {}
	}
	var (
		bar   *progress.Bar
		label string
	)
	p = func(e pipeline.Event) {
		l := e.Label
		if e.Items > 1 {
			l = fmt.Sprintf("%s (%d/%d)", e.Label, e.Item, e.Items)
		}
		if bar == nil || l != label {
			bar.Done()
			bar, label = progress.New(env.Stderr, l), l
		}
		if e.Stage != "" {
			bar.Update(e.Stage, e.Done, e.Total)
		}
	}
	return p, func() { bar.Done() }
}
