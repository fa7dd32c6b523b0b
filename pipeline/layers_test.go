package pipeline_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/oblique-neuro/oblique"

// pkgInfo is what go list says of a package.
type pkgInfo struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs go list over the module (non-test imports).
func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"/...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkgInfo
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

func rel(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }

// under tells whether package p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// TestLayers checks the layering the README's Layout section states, from
// the bottom: the computing packages (ingest, preprocess, decode, regimes,
// models, …) and the leaf arrowtable; then pipeline; then reports, which
// only renders; then internal/cli, which only parses flags, calls pipeline
// and reports, and prints; then cmd. A package may import only packages of
// its own layer or below.
func TestLayers(t *testing.T) {
	pkgs := listPackages(t)
	layer := func(p string) int {
		switch r := rel(p); {
		case under(r, "cmd"), under(r, "examples"), under(r, "benchmarks"):
			return 4
		case under(r, "internal/cli"):
			return 3
		case under(r, "reports"):
			return 2
		case under(r, "pipeline"):
			return 1
		}
		return 0
	}
	names := []string{"computing", "pipeline", "reports", "internal/cli", "commands"}
	for _, p := range pkgs {
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, module) {
				continue
			}
			if layer(d) > layer(p.ImportPath) {
				t.Errorf("%s (%s layer) depends on %s (%s layer, above it)", rel(p.ImportPath), names[layer(p.ImportPath)], rel(d), names[layer(d)])
			}
		}
		if r := rel(p.ImportPath); r != "cmd/oblique" && slices.Contains(p.Deps, module+"/internal/cli") {
			t.Errorf("%s imports internal/cli: only cmd/oblique may", r)
		}
	}
}

// TestCLIImports checks that internal/cli imports, of this module, only
// the pipeline, the reports and the progress line; and that arrowtable
// (which models uses to write loss curves) is a leaf.
func TestCLIImports(t *testing.T) {
	allowed := map[string][]string{
		"internal/cli": {"pipeline", "reports", "internal/progress"},
		"arrowtable":   {"internal/atomicfile"},
	}
	for _, p := range listPackages(t) {
		ok, checked := allowed[rel(p.ImportPath)]
		if !checked {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) && !slices.Contains(ok, rel(imp)) {
				t.Errorf("%s imports %s; it may import only %v of this module", rel(p.ImportPath), rel(imp), ok)
			}
		}
	}
}
