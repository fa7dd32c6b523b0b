// Package golden loads the scikit-learn reference values in testdata/sklearn
// (made by testdata/sklearn/make_goldens.py) for the tests of several
// packages.
package golden

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/linalg"
)

// Fit is one analysis of a problem by scikit-learn.
type Fit struct {
	LOOMSE     []float64   `json:"loo_mse"`
	Alpha      float64     `json:"alpha"`
	Coef       [][]float64 `json:"coef"`
	Intercept  []float64   `json:"intercept"`
	R2         float64     `json:"r2"`
	Rho        float64     `json:"rho"`
	CumVar     []float64   `json:"cum_var"`
	DVar       int         `json:"d_var"`
	PathAlpha  []float64   `json:"path_alpha"`
	PathR2     []float64   `json:"path_r2"`
	DFit       int         `json:"d_fit"`
	Ratio      float64     `json:"ratio"`
	CVCoefDiff float64     `json:"ridgecv_coef_rel_diff"`
}

// Problem is a design with its reference results.
type Problem struct {
	Name    string
	Samples int `json:"samples"`
	Neurons int `json:"neurons"`
	LOO     Fit `json:"loo"`
	KFold5  Fit `json:"kfold5"`
	// X and Z are centred over samples, as the reference script does.
	X, Z *mat.Dense
}

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Names lists the problems.
var Names = []string{"golub", "tall", "wide"}

// Load reads one problem: its JSON, and its inputs (the bundled Golub arrays
// with the paper's mask, or the generated NPY files).
func Load(name string) (*Problem, error) {
	dir := filepath.Join(Root(), "testdata", "sklearn")
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		return nil, err
	}
	p := &Problem{Name: name}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("%s.json: %w", name, err)
	}
	if name == "golub" {
		p.X, p.Z, err = golub()
	} else {
		p.X, err = load(filepath.Join(dir, name+"_x.npy"))
		if err == nil {
			p.Z, err = load(filepath.Join(dir, name+"_z.npy"))
		}
	}
	if err != nil {
		return nil, err
	}
	linalg.Centre(p.X)
	linalg.Centre(p.Z)
	return p, nil
}

func load(path string) (*mat.Dense, error) {
	a, _, err := ingest.ReadArray(path, "")
	if err != nil {
		return nil, err
	}
	return mat.NewDense(a.Rows(), a.Cols(), a.Data), nil
}

// golub selects the samples as make_goldens.py does, independently of the
// manifest code that the end-to-end tests check.
func golub() (x, z *mat.Dense, err error) {
	dir := filepath.Join(Root(), "data", "golub2018_bci", "npy")
	s, err := load(filepath.Join(dir, "before_spikes.npy"))
	if err != nil {
		return nil, nil, err
	}
	v, err := load(filepath.Join(dir, "before_vraw_intuitive.npy"))
	if err != nil {
		return nil, nil, err
	}
	c, err := load(filepath.Join(dir, "before_cursor_to_target_dir.npy"))
	if err != nil {
		return nil, nil, err
	}
	var rows []int
	for i := 0; i < c.RawMatrix().Rows; i++ {
		if !cardinal(c.At(i, 0), c.At(i, 1)) {
			rows = append(rows, i)
		}
	}
	_, n := s.Dims()
	x = mat.NewDense(len(rows), n, nil)
	z = mat.NewDense(len(rows), 2, nil)
	for r, i := range rows {
		for j := 0; j < n; j++ {
			x.Set(r, j, s.At(i, j)/0.045)
		}
		z.SetRow(r, v.RawRowView(i))
	}
	return x, z, nil
}
