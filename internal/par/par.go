// Package par runs independent jobs on a few goroutines: the one worker
// pool of the packages whose results do not depend on the order the jobs
// run in (each job writes only its own outputs).
package par

import (
	"runtime"
	"sync"
)

// For calls job(i) for i = 0 … n−1 from up to workers goroutines
// (GOMAXPROCS when workers ≤ 0), handing out indices in increasing order,
// and returns when all are done. With one worker, or n ≤ 1, the jobs run on
// the calling goroutine, in order. done, when not nil, is called after each
// job with the number finished so far, one call at a time.
func For(n, workers int, job func(i int), done func(finished int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			job(i)
			if done != nil {
				done(i + 1)
			}
		}
		return
	}
	var (
		wg             sync.WaitGroup
		mu             sync.Mutex
		next, finished int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				job(i)
				if done != nil {
					mu.Lock()
					finished++
					done(finished)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
}
