package modelmeasures

import (
	"fmt"
	"testing"

	"github.com/oblique-neuro/oblique/models/rnn"
)

// The per-run cost of the perturbation and noise analyses at the bundled
// runs' size (N = 256, float32 engine, paper settings): cycling has the
// longest trials (360 steps), Romo the shortest (145). Untrained networks
// cost the same as trained ones.
//
//	go test -run '^$' -bench 'Perturb|Noise' -benchtime 1x ./regimes/modelmeasures/
func benchModel(task string) (Model, *Evaluation, *Result) {
	m := testModel(task, 256, rnn.Large, 1)
	m.Precision = "float32"
	s := Settings{NoPerturb: true, NoNoise: true}
	r, err := Analyze(m, s, nil)
	if err != nil {
		panic(err)
	}
	return m, r.Eval, r
}

func BenchmarkPerturb(b *testing.B) {
	for _, task := range []string{"cycling", "romo"} {
		b.Run(fmt.Sprintf("%s/N=256", task), func(b *testing.B) {
			m, ev, _ := benchModel(task)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Perturb(m, ev, Settings{}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNoise(b *testing.B) {
	for _, task := range []string{"cycling", "romo"} {
		b.Run(fmt.Sprintf("%s/N=256", task), func(b *testing.B) {
			m, ev, _ := benchModel(task)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := CompressNoise(m, ev, Settings{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
