package preprocess

import (
	"math"
	"testing"
)

// TestPow10 checks that the table of roundDecimals holds exactly what
// math.Pow gives, so that the table changes no result.
func TestPow10(t *testing.T) {
	for d, p := range pow10 {
		if q := math.Pow(10, float64(d)); q != p {
			t.Errorf("10^%d: table %v, math.Pow %v", d, p, q)
		}
	}
}
