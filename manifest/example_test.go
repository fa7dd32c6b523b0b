package manifest_test

import (
	"fmt"
	"log"

	"github.com/oblique-neuro/oblique/manifest"
)

// Load the bundled Golub recording: the arrays its manifest names, the
// mask of the samples the paper uses and the preprocessing settings. The
// counts are those of numpy on the same arrays
// (testdata/examples/reference.py) and of data/README.md.
func ExampleLoad() {
	rec, s, err := manifest.Load("../data/golub2018_bci/before.toml")
	if err != nil {
		log.Fatal(err)
	}
	used := 0
	for _, keep := range rec.Mask {
		if keep {
			used++
		}
	}
	k, n := rec.Decoder.Dims()
	fmt.Println(rec.Name, rec.Kind, rec.BinWidth, "s bins")
	fmt.Println(rec.Samples(), "samples,", used, "used;", rec.Neurons(), "neurons; behaviour", rec.Channels, rec.Unit)
	fmt.Printf("decoder %d×%d; lag %v ms\n", k, n, s.LagMS)
	// Output:
	// golub2018-before counts 0.045 s bins
	// 552 samples, 402 used; 86 neurons; behaviour [vx vy] cursor velocity (a.u.)
	// decoder 2×86; lag 0 ms
}
