//go:build !noasm

package cpuclock

const supported = true

// addChain runs n iterations of 8 dependent additions (8·n cycles).
//
//go:noescape
func addChain(n int)
