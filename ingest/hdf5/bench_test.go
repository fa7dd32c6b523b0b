package hdf5

import "testing"

// BenchmarkCall times one call into the library that the cache does not
// answer (an attribute's names) in each mode: in a reader process it is a
// round trip through the pipes, its cost over the call in process.
func BenchmarkCall(b *testing.B) {
	for _, mode := range []string{"inprocess", "isolated"} {
		b.Run("mode="+mode, func(b *testing.B) {
			b.Setenv(ModeEnv, mode)
			f, err := Open("testdata/types.h5")
			if err != nil {
				b.Skip(err)
			}
			defer f.Close()
			for b.Loop() {
				if _, err := f.AttrNames("/str"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
