package figures

// Build makes every figure the tables of s allow, in the report's order.
func Build(s *Set, o Options) []*Figure {
	var out []*Figure
	for _, make := range []func(*Set, Options) *Figure{Fig7B, Fig8, FigCompare, Fig2B, Fig3A, Fig3B, Fig3C, Fig4C, Fig5, Fig6} {
		if f := make(s, o); f != nil {
			out = append(out, f)
		}
	}
	return out
}
