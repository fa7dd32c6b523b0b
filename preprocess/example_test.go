package preprocess_test

import (
	"fmt"
	"log"

	"github.com/oblique-neuro/oblique/manifest"
	"github.com/oblique-neuro/oblique/preprocess"
)

// Build the design of the bundled Golub recording: the 402 samples its
// mask keeps, counts per 45 ms bin turned into rates in Hz, each neuron
// and each output centred. The numbers are numpy's on the same arrays
// (testdata/examples/reference.py). They come from plain Go sums, products
// and divisions (no kernel, no multiply-add to fuse), so they are the same
// bits on every kernel path and architecture.
func ExampleBuild() {
	rec, s, err := manifest.Load("../data/golub2018_bci/before.toml")
	if err != nil {
		log.Fatal(err)
	}
	d, err := preprocess.Build(rec, s)
	if err != nil {
		log.Fatal(err)
	}
	t, n := d.X.Dims()
	_, k := d.Z.Dims()
	fmt.Printf("X: %d samples × %d neurons in %s; z: %d outputs %v; lag %d bins\n", t, n, d.Unit, k, d.Channels, d.LagBins)
	fmt.Printf("neuron 0: mean %.4f Hz removed, first sample %.4f\n", d.XMean[0], d.X.At(0, 0))
	fmt.Printf("behaviour means %.4f\n", d.ZMean)
	// Output:
	// X: 402 samples × 86 neurons in Hz; z: 2 outputs [vx vy]; lag 0 bins
	// neuron 0: mean 82.9187 Hz removed, first sample -82.9187
	// behaviour means [1.5935 20.7317]
}
