// Command largegen writes the synthetic recordings of benchmarks/large.sh
// (internal/synth) and checks oblique's results on them against the
// NumPy/scikit-learn peer (benchmarks/large_peer.py).
//
//	go run ./benchmarks/largegen gen -samples T -neurons N [-seed S] [-aligned] [-dtype f8|i2|u1] DIR
//	go run ./benchmarks/largegen check RESULTS.arrow PEER.json
//	go run ./benchmarks/largegen diff A.arrow B.arrow
//
// check compares every number of an `oblique analyze` table with the peer's
// JSON (tolerances in check.go) and exits 1 if one differs; diff prints the
// largest relative difference per column of two analyze tables (two
// versions of oblique, or two kernel paths).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/oblique-neuro/oblique/internal/synth"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "diff":
		err = diff(os.Args[2:])
	case "check":
		err = check(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "largegen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: largegen gen [flags] DIR | largegen check RESULTS.arrow PEER.json | largegen diff A.arrow B.arrow")
	os.Exit(2)
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	var o synth.Options
	fs.IntVar(&o.Samples, "samples", 10000, "samples T")
	fs.IntVar(&o.Neurons, "neurons", 100, "neurons N")
	fs.IntVar(&o.Outputs, "outputs", 2, "behaviour channels K")
	fs.IntVar(&o.Latents, "latents", 8, "latent signals")
	fs.Float64Var(&o.BinMS, "bin-ms", 20, "bin width (ms)")
	fs.BoolVar(&o.Aligned, "aligned", false, "read the behaviour from the strongest latents (default: the weakest)")
	fs.StringVar(&o.DType, "dtype", "f8", "NPY type of the counts: f8, i2 or u1")
	fs.Uint64Var(&o.Seed, "seed", 0, "seed")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("gen: want one output folder, got %d arguments", fs.NArg())
	}
	path, err := synth.Write(fs.Arg(0), o)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
