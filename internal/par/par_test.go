package par

import (
	"sync/atomic"
	"testing"
)

// TestFor checks that every job runs exactly once and done counts 1 … n,
// for worker counts below, at and above n.
func TestFor(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 64} {
		const n = 50
		var runs [n]atomic.Int32
		var last, calls int
		For(n, workers, func(i int) { runs[i].Add(1) }, func(f int) {
			calls++
			if f != last+1 {
				t.Errorf("workers %d: done(%d) after done(%d)", workers, f, last)
			}
			last = f
		})
		for i := range runs {
			if r := runs[i].Load(); r != 1 {
				t.Errorf("workers %d: job %d ran %d times", workers, i, r)
			}
		}
		if calls != n || last != n {
			t.Errorf("workers %d: done called %d times, last %d; want %d", workers, calls, last, n)
		}
	}
	For(0, 4, func(int) { t.Error("a job ran for n = 0") }, nil)
}
