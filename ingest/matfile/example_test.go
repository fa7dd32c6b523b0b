package matfile_test

import (
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest/matfile"
)

func Example() {
	f, err := matfile.Open("testdata/containers.mat")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	for _, v := range f.Vars()[:3] {
		fmt.Println(v.Name, v.Class, v.Size)
	}

	// A 2×2 int32 field, row-major as a *mat.Dense.
	b, err := f.Dense("s.b")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("s.b =\n%v\n", mat.Formatted(b))

	// One element of a struct array, then a char field.
	label, err := f.Lookup("sarr(2).label")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(label.(*matfile.Char).String())

	// Errors name the file, the path and what is there instead.
	_, err = f.Lookup("s.inner.deeep")
	fmt.Println(err)

	// Output:
	// s struct [1 1]
	// sarr struct [1 3]
	// sarr2x2 struct [2 2]
	// s.b =
	// ⎡1  2⎤
	// ⎣3  4⎦
	// cond2
	// matfile: testdata/containers.mat: s.inner.deeep: struct s.inner has no field "deeep" (fields: deep); did you mean "deep"?
}

func ExampleLookup() {
	f, err := matfile.Open("testdata/velime_example_data.mat")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	// Decode the cell array once, then pick its elements.
	u, err := f.Get("U")
	if err != nil {
		log.Fatal(err)
	}
	total := 0
	for k := 1; k <= matfile.Numel(u); k++ {
		trial, err := matfile.Lookup(u, fmt.Sprintf("{%d}", k))
		if err != nil {
			log.Fatal(err)
		}
		total += trial.Dims()[1]
	}
	last, _ := matfile.Lookup(u, "{165}")
	fmt.Println(matfile.Numel(u), "trials,", total, "bins; the last is a", last.Dims(), last.Class(), "array")
	// Output:
	// 165 trials, 3750 bins; the last is a [24 24] double array
}
