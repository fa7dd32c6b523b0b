package bufpool

import "testing"

func TestPool(t *testing.T) {
	var p Pool
	b := p.Get(10)
	if len(b) != 10 {
		t.Fatalf("Get(10): %d values", len(b))
	}
	b[3] = 7
	p.Put(b)
	// sync.Pool may drop what it was given (it does so at random under the
	// race detector): a buffer comes back, reused or new, of the length
	// asked.
	if c := p.Get(5); len(c) != 5 {
		t.Fatalf("Get(5): %d values", len(c))
	}
	if d := p.Get(1000); len(d) != 1000 || d[999] != 0 {
		t.Fatalf("Get(1000): %d values", len(d))
	}
}
