package preprocess_test

import (
	"testing"

	"github.com/oblique-neuro/oblique/preprocess"
)

// TestAlignMaze checks the MC_Maze window of the paper: 45 ms bins, aligned
// to movement onset, −700…785 ms with 90 ms margins. 1485 ms is 33 bins
// whatever the onset; trial time is measured from the onset rounded up to
// the grid, so the fit window 0…300 ms holds 7 bins (0, 45, …, 270).
func TestAlignMaze(t *testing.T) {
	g := preprocess.Grid{T0: 0, Width: 0.045, Bins: 1000}
	for _, onset := range []float64{10.0, 10.001, 10.044, 10.045, 12.3456} {
		w, ok := preprocess.Align(g, onset, -0.7, 0.785, 0.09)
		if !ok {
			t.Fatalf("onset %v: window outside the grid", onset)
		}
		if n := w.InnerTo - w.InnerFrom; n != 33 {
			t.Errorf("onset %v: %d inner bins, want 33", onset, n)
		}
		if w.InnerFrom-w.From != 2 || w.To-w.InnerTo != 2 {
			t.Errorf("onset %v: margins of %d and %d bins, want 2 and 2", onset, w.InnerFrom-w.From, w.To-w.InnerTo)
		}
		fit := 0
		for i := w.InnerFrom; i < w.InnerTo; i++ {
			tm := w.TimeMS(g, i)
			if int(tm)%45 != 0 {
				t.Errorf("onset %v: trial time %v ms is not on the 45 ms grid", onset, tm)
			}
			if tm >= 0 && tm < 300 {
				fit++
			}
		}
		if fit != 7 {
			t.Errorf("onset %v: %d bins in 0…300 ms, want 7", onset, fit)
		}
		// The first inner bin starts at or after onset − 700 ms.
		if s := g.Start(w.InnerFrom); s < onset-0.7-1e-9 || s >= onset-0.7+0.045 {
			t.Errorf("onset %v: first inner bin at %v s", onset, s)
		}
	}
	if _, ok := preprocess.Align(g, 0.5, -0.7, 0.785, 0.09); ok {
		t.Error("a window before the start of the grid was accepted")
	}
}

func TestSpanAndChangePoints(t *testing.T) {
	g := preprocess.Grid{T0: 0, Width: 0.045, Bins: 100}
	// A 600 ms trial from 0.9 s: rows with 0.9 ≤ c ≤ 1.5 − 1 µs are
	// 20 (0.900) … 33 (1.485): 14 rows.
	w, ok := preprocess.Span(g, 0.9, 1.5)
	if !ok || w.From != 20 || w.To != 34 || w.InnerFrom != 20 {
		t.Errorf("span %+v ok %v", w, ok)
	}
	cp := preprocess.ChangePoints([][]float64{{1, 1}, {1, 1}, {2, 1}, {2, 1}, {2, 3}})
	if len(cp) != 2 || cp[0] != 2 || cp[1] != 4 {
		t.Errorf("change points %v, want [2 4]", cp)
	}
}
