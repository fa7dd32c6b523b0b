package matfile_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/ingest/matfile"
)

// The Golub et al. 2018 file and its scipy NPY conversions, both bundled
// with the repository (data/golub2018_bci).
const (
	golubMat = "../../data/golub2018_bci/exampleData.mat"
	golubNPY = "../../data/golub2018_bci/npy"
)

// TestGolubMatchesNPY is the acceptance test of the reader: the arrays read
// from exampleData.mat are bit for bit those that scipy wrote to the NPY
// files. In the NPY files the 8 clouds of 69 samples are stacked
// repeat-major: row r*8+c is sample (column) r of cloud c.
func TestGolubMatchesNPY(t *testing.T) {
	f, err := matfile.Open(golubMat)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	const clouds, samples = 8, 69
	stacked := []struct{ npy, field string }{
		{"spikes", "spikes"},
		{"vraw_intuitive", "vraw_intuitive"},
		{"vraw_perturbed", "vraw_perturbed"},
		{"cursor_to_target_dir", "cursorToTargetDirection"},
	}
	for _, phase := range []string{"before", "after"} {
		for _, s := range stacked {
			want := readNPY(t, phase+"_"+s.npy+".npy")
			for c := range clouds {
				path := fmt.Sprintf("%sLearning.clouds.%s{%d}", phase, s.field, c+1)
				m, err := f.Dense(path)
				if err != nil {
					t.Fatal(err)
				}
				rows, cols := m.Dims() // variables × samples
				if cols != samples || want.Rows() != clouds*samples || want.Cols() != rows {
					t.Fatalf("%s is %d×%d; %s.npy is %v", path, rows, cols, s.npy, want.Shape)
				}
				for r := range samples {
					for j := range rows {
						got, w := m.At(j, r), want.Data[(r*clouds+c)*rows+j]
						if math.Float64bits(got) != math.Float64bits(w) {
							t.Fatalf("%s(%d,%d) = %v; %s_%s.npy row %d col %d = %v",
								path, j+1, r+1, got, phase, s.npy, r*clouds+c, j, w)
						}
					}
				}
			}
		}
		idx := readNPY(t, phase+"_cloud_index.npy")
		for i, c := range idx.Data {
			if int(c) != i%clouds {
				t.Fatalf("%s_cloud_index.npy[%d] = %v, want %d", phase, i, c, i%clouds)
			}
		}
	}

	for _, mapping := range []string{"intuitive", "perturbed"} {
		for _, name := range []string{"M2", "m0"} {
			want := readNPY(t, "map_"+mapping+"_"+name+".npy")
			path := "expParams." + mapping + "Mapping." + name
			m, err := f.Dense(path)
			if err != nil {
				t.Fatal(err)
			}
			r, c := m.Dims()
			if r*c != len(want.Data) || (len(want.Shape) == 2 && (r != want.Shape[0] || c != want.Shape[1])) {
				t.Fatalf("%s is %d×%d; NPY shape %v", path, r, c, want.Shape)
			}
			for i, w := range want.Data {
				if got := m.At(i/c, i%c); math.Float64bits(got) != math.Float64bits(w) {
					t.Fatalf("%s element %d = %v, NPY %v", path, i, got, w)
				}
			}
		}
	}
}

func readNPY(t *testing.T, name string) *ingest.Array {
	t.Helper()
	a, _, err := ingest.ReadArray(filepath.Join(golubNPY, name), "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestGolubDirectory checks the variable directory and a few known shapes
// and values of the Golub file.
func TestGolubDirectory(t *testing.T) {
	f, err := matfile.Open(golubMat)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	for _, v := range f.Vars() {
		got = append(got, fmt.Sprintf("%s %s %v", v.Name, v.Class, v.Size))
	}
	want := []string{"expParams struct [1 1]", "beforeLearning struct [1 1]", "afterLearning struct [1 1]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Vars: got %q, want %q", got, want)
	}
	// dt is 45 ms (data/README.md); the spike counts are MATLAB doubles
	// that MATLAB stored as uint8.
	dt, err := f.Lookup("expParams.intuitiveMapping.dt")
	if err != nil {
		t.Fatal(err)
	}
	if x, err := dt.(*matfile.Numeric).Scalar(); err != nil || x != 0.045 {
		t.Errorf("dt = %v, %v; want 0.045", x, err)
	}
	sp, err := f.Lookup("beforeLearning.clouds.spikes{3}")
	if err != nil {
		t.Fatal(err)
	}
	if sp.Class() != matfile.ClassDouble || fmt.Sprint(sp.Dims()) != "[86 69]" {
		t.Errorf("spikes{3}: %v %v, want double [86 69]", sp.Class(), sp.Dims())
	}
	// Monkey J, 2012-03-05 (data/README.md).
	date, err := f.Lookup("expParams.expDate")
	if err != nil {
		t.Fatal(err)
	}
	if s := date.(*matfile.Char).String(); s != "20120305" {
		t.Errorf("expParams.expDate = %q, want 20120305", s)
	}
}
