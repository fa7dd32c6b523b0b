package decode_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/decode"
	"github.com/oblique-neuro/oblique/ingest"
)

// benchData returns the benchmark design of the issue: X 20000×200, z
// 20000×2. With OBLIQUE_BENCH_DATA set to a folder holding bench_x.npy and
// bench_z.npy (benchmarks/run.sh writes them) it reads those, so that Go
// and scikit-learn time the same numbers; otherwise it draws its own.
func benchData(b *testing.B) (x, z *mat.Dense) {
	if dir := os.Getenv("OBLIQUE_BENCH_DATA"); dir != "" {
		read := func(name string) *mat.Dense {
			a, _, err := ingest.ReadArray(filepath.Join(dir, name), "")
			if err != nil {
				b.Fatal(err)
			}
			return mat.NewDense(a.Rows(), a.Cols(), a.Data)
		}
		return read("bench_x.npy"), read("bench_z.npy")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x = mat.NewDense(20000, 200, nil)
	z = mat.NewDense(20000, 2, nil)
	for i := 0; i < 20000; i++ {
		for j := 0; j < 200; j++ {
			x.Set(i, j, rng.NormFloat64())
		}
		z.Set(i, 0, rng.NormFloat64())
		z.Set(i, 1, rng.NormFloat64())
	}
	return x, z
}

// BenchmarkRidgeCV is RidgeCV(alphas=logspace(-3, 6, 20)).fit(X, z).
func BenchmarkRidgeCV(b *testing.B) {
	x, z := benchData(b)
	b.ResetTimer()
	for range b.N {
		if _, err := (decode.CV{}).Fit(x, z); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPCA is PCA().fit(X): all components and their variances.
func BenchmarkPCA(b *testing.B) {
	x, _ := benchData(b)
	b.ResetTimer()
	for range b.N {
		if _, err := decode.Decompose(x); err != nil {
			b.Fatal(err)
		}
	}
}
