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

// BenchmarkOpen times opening and closing a file: in process; with a
// reader from the pool (every Open but a program's first); and with a new
// reader each time (StopReaders first), which starts the test binary again.
func BenchmarkOpen(b *testing.B) {
	for _, c := range []struct{ name, mode string }{
		{"inprocess", "inprocess"}, {"isolated-pooled", "isolated"}, {"isolated-started", "isolated"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.Setenv(ModeEnv, c.mode)
			for b.Loop() {
				if c.name == "isolated-started" {
					b.StopTimer()
					StopReaders()
					b.StartTimer()
				}
				f, err := Open("testdata/types.h5")
				if err != nil {
					b.Skip(err)
				}
				f.Close()
			}
		})
	}
}
