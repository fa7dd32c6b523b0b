package cpuclock

import (
	"testing"
	"time"
)

// TestGHz checks that the measured clock is a plausible one for a CPU that
// runs Go (0.5 to 7 GHz), where it is measured.
func TestGHz(t *testing.T) {
	g := GHz(20 * time.Millisecond)
	if !supported {
		if g != 0 {
			t.Fatalf("GHz = %v without a measurement", g)
		}
		return
	}
	if g < 0.5 || g > 7 {
		t.Fatalf("GHz = %v", g)
	}
	t.Logf("%.2f GHz", g)
}
