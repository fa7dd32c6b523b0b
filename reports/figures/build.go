package figures

// Build makes every figure the tables of s allow, in the report's order.
func Build(s *Set) []*Figure {
	var out []*Figure
	for _, make := range []func(*Set) *Figure{Fig7B, Fig8, Fig3B} {
		if f := make(s); f != nil {
			out = append(out, f)
		}
	}
	return out
}
