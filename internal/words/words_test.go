package words

import (
	"math"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Count(1, "unit"), "1 unit"}, {Count(0, "unit"), "0 units"}, {Count(2, "bin"), "2 bins"},
		{CountOf(1, "index", "indices"), "1 index"}, {CountOf(3, "index", "indices"), "3 indices"},
		{List([]int64{6, 191}), "[6, 191]"}, {List([]float64{1000, -500}), "[1000, -500]"}, {List([]string{"good"}), "[good]"}, {List([]int(nil)), "[]"},
		{Seconds(1460.7240679999995), "1460.724068"}, {Seconds(9.99853125), "9.99853125"}, {Seconds(0), "0"}, {Seconds(math.Copysign(0, -1)), "0"},
		{Seconds(10), "10"}, {Seconds(-1.5e9), "-1500000000"}, {Seconds(2e-7), "2e-07"}, {Seconds(math.NaN()), "NaN"}, {Seconds(math.Inf(1)), "+Inf"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestQuoted(t *testing.T) {
	if got, want := Quoted([]string{"early lick", "a,b"}), `["early lick", "a,b"]`; got != want {
		t.Errorf("Quoted = %s, want %s", got, want)
	}
}
