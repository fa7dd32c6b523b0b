package pipeline

import (
	"context"

	"github.com/oblique-neuro/oblique/regimes"
)

// Event is one report of progress on long work.
type Event struct {
	// Label names the item being worked on: a file, a run, "recording vs
	// network". Item is its 1-based index among Items.
	Label       string
	Item, Items int
	// Stage is what is being done to the item (decoder, dimensions, neuron
	// scaling, …), Done of Total its steps; Total is 0 when unknown.
	Stage       string
	Done, Total int
}

// Progress receives events from the functions of this package, from the
// goroutine that runs them or from their workers (one at a time). A nil
// Progress receives nothing. Long work calls it often; it must be quick.
type Progress func(Event)

// stage returns the per-stage callback the measuring packages take, which
// turns their reports into events of item label.
func (p Progress) stage(label string, item, items int) regimes.Progress {
	if p == nil {
		return nil
	}
	p(Event{Label: label, Item: item, Items: items})
	return func(stage string, done, total int) {
		p(Event{Label: label, Item: item, Items: items, Stage: stage, Done: done, Total: total})
	}
}

// cancelled returns ctx's error once it is done, else nil; a nil ctx is
// never done.
func cancelled(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return context.Cause(ctx)
}
