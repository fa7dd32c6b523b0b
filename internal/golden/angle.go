package golden

import "math"

// cardinal reports whether the direction (x, y) points at one of 0, 45, …,
// 315 degrees, compared as numpy.isclose.
func cardinal(x, y float64) bool {
	a := math.Mod(math.Atan2(y, x)*180/math.Pi, 360)
	if a < 0 {
		a += 360
	}
	for b := 0.0; b < 360; b += 45 {
		if math.Abs(a-b) <= 1e-8+1e-5*b {
			return true
		}
	}
	return false
}
