package ingest_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/oblique-neuro/oblique/ingest"
)

// The numbers these examples print are numpy's on the same files:
// testdata/examples/reference.py prints them.

// Read one array of the bundled Golub recording: the spike counts of 86
// neurons in 552 bins of 45 ms.
func ExampleReadArray() {
	a, digest, err := ingest.ReadArray("../data/golub2018_bci/npy/before_spikes.npy", "")
	if err != nil {
		log.Fatal(err)
	}
	var spikes float64
	for _, v := range a.Data {
		spikes += v // whole counts: the sum is exact
	}
	fmt.Println(a.Shape, a.DType, "→", a.Rows(), "samples ×", a.Cols(), "neurons")
	fmt.Println(spikes, "spikes, sha256", digest[:16])
	// Output:
	// [552 86] <f8 → 552 samples × 86 neurons
	// 95835 spikes, sha256 fce65b1fbed0d65e
}

// A file cut short (an interrupted copy) gives an error that names it and
// matches ErrTruncated, and so ErrFormat.
func ExampleErrTruncated() {
	raw, err := os.ReadFile("../data/golub2018_bci/npy/before_spikes.npy")
	if err != nil {
		log.Fatal(err)
	}
	_, err = ingest.DecodeNPY(raw[:1000], "cut.npy")
	fmt.Println(errors.Is(err, ingest.ErrTruncated), errors.Is(err, ingest.ErrFormat))
	fmt.Println(err)
	// Output:
	// true true
	// cut.npy: data section has 872 bytes, shape [552 86] of <f8 needs 379776 (truncated or corrupt file)
}
