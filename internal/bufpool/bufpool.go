// Package bufpool recycles float64 buffers, so that work repeated over many
// inputs (fits, files) does not take fresh memory for each.
package bufpool

import "sync"

// A Pool holds buffers of float64 for reuse; its zero value is ready.
type Pool struct{ p sync.Pool }

// Get returns a buffer of n values, from the pool when one there is large
// enough (its values are then those it held), else a new, zeroed one.
func (p *Pool) Get(n int) []float64 {
	if v, ok := p.p.Get().(*[]float64); ok && cap(*v) >= n {
		return (*v)[:n]
	}
	return make([]float64, n)
}

// Put gives b back to the pool; b must not be used afterwards.
func (p *Pool) Put(b []float64) { p.p.Put(&b) }
