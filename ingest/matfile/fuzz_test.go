package matfile

import (
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/testcost"
)

// FuzzOpen decodes arbitrary bytes as a MAT-file: it must return errors,
// never panic, hang or allocate without bound: with the input limit at
// 16 MiB, at most 64 MiB in all (the limit covers the decompressed
// variable and, apart, what it decodes to; a compressed stream's buffer
// may double). Seeds are the small fixtures, the hand-made files and a
// real recording (velime_example_data.mat, 92 KB). Run it with
//
//	go test -run='^$' -fuzz=FuzzOpen -fuzztime=2m ./ingest/matfile/
func FuzzOpen(f *testing.F) {
	for _, name := range []string{
		"numeric.mat", "numeric_z.mat", "text.mat", "text_z.mat",
		"containers.mat", "containers_z.mat", "level4.mat", "velime_example_data.mat",
	} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(synthFile(binary.LittleEndian))
	f.Add(synthFile(binary.BigEndian))
	f.Add(unsupportedFile(binary.LittleEndian))
	noRecover(f)
	f.Setenv(inputfile.LimitEnv, "16MiB")
	f.Fuzz(func(t *testing.T, b []byte) {
		defer testcost.Watchdog(10 * time.Second)()
		var err error
		alloc := testcost.Allocated(func() { err = readAll(b) })
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			if e := checkErr(err); e != err {
				t.Error(e)
			}
		}
		if alloc > 64<<20+uint64(16*len(b)) {
			t.Errorf("%d MB allocated for %d bytes", alloc>>20, len(b))
		}
	})
}
