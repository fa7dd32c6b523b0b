package regimes_test

import (
	"fmt"
	"testing"

	"github.com/oblique-neuro/oblique/internal/synth"
	"github.com/oblique-neuro/oblique/regimes"
)

// BenchmarkAnalyze is `oblique analyze` with default settings on synthetic
// recordings (internal/synth, seed 0) of T samples × N neurons, the design
// as preprocess leaves it (centred counts).
func BenchmarkAnalyze(b *testing.B) {
	for _, shape := range [][2]int{{20000, 100}, {20000, 300}} {
		x, z, err := synth.Generate(synth.Options{Samples: shape[0], Neurons: shape[1]})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dx%d", shape[0], shape[1]), func(b *testing.B) {
			for range b.N {
				if _, err := regimes.Analyze(x, z, nil, regimes.Settings{}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
