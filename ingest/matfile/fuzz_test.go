package matfile

import (
	"encoding/binary"
	"os"
	"testing"
)

// FuzzOpen decodes arbitrary bytes as a MAT-file: it must return errors,
// never panic or allocate without bound. Seeds are the small fixtures and
// the hand-made files. Run it with
//
//	go test -run='^$' -fuzz=FuzzOpen -fuzztime=2m ./ingest/matfile/
func FuzzOpen(f *testing.F) {
	for _, name := range []string{
		"numeric.mat", "numeric_z.mat", "text.mat", "text_z.mat",
		"containers.mat", "containers_z.mat", "level4.mat",
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
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := readAll(b); err != nil {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			if e := checkErr(err); e != err {
				t.Error(e)
			}
		}
	})
}
