// Package cpuclock estimates the clock at which this goroutine's core runs,
// for benchmarks that report work per cycle (FLOP/cycle against the peak of
// a vector unit). Virtual machines often report only the nominal clock in
// /proc/cpuinfo while the core runs faster; the time of a chain of
// dependent one-cycle integer additions measures the real one.
package cpuclock

import "time"

// GHz returns the clock in GHz measured over about d, or 0 where no
// measurement exists (architectures without the assembly chain). It is a
// lower bound when the goroutine is descheduled meanwhile: the best of
// several short runs is taken.
func GHz(d time.Duration) float64 {
	if !supported {
		return 0
	}
	const n = 1 << 20 // iterations of 8 additions: about 2.5 ms at 3 GHz
	best := 0.0
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) || best == 0 {
		t := time.Now()
		addChain(n)
		if s := time.Since(t).Seconds(); s > 0 {
			best = max(best, 8*n/s/1e9)
		}
	}
	return best
}
