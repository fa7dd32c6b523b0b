package figures

// makers are the figures in the report's order, by ID.
var makers = []struct {
	id   string
	make func(*Set, Options) *Figure
}{
	{"fig7b", Fig7B}, {"fig8", Fig8}, {"compare", FigCompare}, {"fig2b", Fig2B}, {"fig3a", Fig3A},
	{"fig3b", Fig3B}, {"fig3c", Fig3C}, {"fig4c", Fig4C}, {"fig5", Fig5}, {"fig6", Fig6},
}

// Build makes every figure the tables of s allow, in the report's order.
// A figure whose making panics is an error that names it.
func Build(s *Set, o Options) ([]*Figure, error) {
	var out []*Figure
	for _, m := range makers {
		var f *Figure
		if err := safely(m.id, func() error { f = m.make(s, o); return nil }); err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}
