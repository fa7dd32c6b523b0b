package linalg

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// The unit roundoffs: the largest relative error of one rounding.
const (
	u64 = 0x1p-53
	u32 = 0x1p-24
)

// gamma is γ_n = n·u/(1 − n·u), the bound on the relative error of a sum
// of n products in any order, with or without fused multiply-adds
// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1):
// |fl(Σ a_p b_p) − Σ a_p b_p| ≤ γ_n Σ |a_p b_p|. Two computations of the
// same sum in different orders differ by at most twice that.
func gamma(n int, u float64) float64 { return float64(n) * u / (1 - float64(n)*u) }

func unit[T Float]() float64 {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return u32
	}
	return u64
}

// asmPaths returns the assembly paths this CPU runs, slowest first.
func asmPaths() []*kernelPath {
	var out []*kernelPath
	for _, p := range paths {
		if p.asm && p.supported() {
			out = append(out, p)
		}
	}
	return out
}

// onPath runs f with path p active.
func onPath(p *kernelPath, f func()) {
	defer func(old *kernelPath) { cur = old }(cur)
	cur = p
	f()
}

// forAsmPaths runs f as a subtest on every assembly path of this CPU.
func forAsmPaths(t *testing.T, f func(t *testing.T, p *kernelPath)) {
	t.Helper()
	ps := asmPaths()
	if len(ps) == 0 {
		t.Skip("this CPU or build has no assembly kernels")
	}
	for _, p := range ps {
		t.Run(p.name, func(t *testing.T) { onPath(p, func() { f(t, p) }) })
	}
}

// TestKernelEnv checks that OBLIQUE_KERNEL, when set, named a path this CPU
// runs and that it is the active one: `make test` runs the kernel tests
// once per path with it set, and a path that silently fell back would test
// the wrong kernels.
func TestKernelEnv(t *testing.T) {
	if err := KernelEnvError(); err != nil {
		t.Fatal(err)
	}
	if v := os.Getenv("OBLIQUE_KERNEL"); v != "" && v != "auto" && KernelPath() != v {
		t.Fatalf("OBLIQUE_KERNEL=%s but the active path is %s", v, KernelPath())
	}
	t.Logf("active kernel path %s of %v", KernelPath(), KernelPaths())
}

// TestKernelSwitch checks the requests the switch refuses and that every
// listed path can be made active.
func TestKernelSwitch(t *testing.T) {
	defer func(old *kernelPath) { cur = old }(cur)
	for _, bad := range []string{"sse", "AVX-512", "gpu"} {
		if _, err := fromEnv(bad); err == nil {
			t.Errorf("OBLIQUE_KERNEL=%s accepted", bad)
		}
	}
	for _, p := range paths {
		_, err := fromEnv(p.name)
		if p.supported() != (err == nil) {
			t.Errorf("%s: supported %v, request error %v", p.name, p.supported(), err)
		}
	}
	for _, name := range []string{"avx2", "avx512", "neon"} {
		if !slices.Contains(KernelPaths(), name) {
			if err := SetKernelPath(name); err == nil {
				t.Errorf("%s is not listed but SetKernelPath accepts it", name)
			} else {
				t.Logf("%s refused: %v", name, err)
			}
		}
	}
	names := KernelPaths()
	if names[0] != "generic" {
		t.Errorf("paths %v do not start with generic", names)
	}
	for _, name := range names {
		if err := SetKernelPath(name); err != nil || KernelPath() != name {
			t.Errorf("SetKernelPath(%s): %v, active %s", name, err, KernelPath())
		}
	}
	if p, err := fromEnv("auto"); err != nil || p.name != names[len(names)-1] {
		t.Errorf("auto chose %s (%v), want the fastest, %s", p.name, err, names[len(names)-1])
	}
}

// TestGeneratedFilesCurrent runs the generator (./gen) into a temporary
// folder and compares its output with the committed assembly.
func TestGeneratedFilesCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to run the generator")
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(gobin, "run", "./gen", "-o", dir)
	// The generator runs on the host: a cross-compiled test (GOARCH=arm64
	// under qemu) must not build it for its own target.
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, out)
	}
	written, err := filepath.Glob(filepath.Join(dir, "*.s"))
	if err != nil || len(written) == 0 {
		t.Fatalf("the generator wrote no .s files (%v)", err)
	}
	for _, w := range written {
		name := filepath.Base(w)
		want, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what ./gen writes: run go generate ./internal/linalg", name)
		}
	}
}

// bound returns, for each element of C = op(A)·op(B) + beta·C0, twice γ_{k+2}
// times Σ_p |op(A)[i,p]·op(B)[p,j]| + |beta·C0[i,j]|: the largest
// difference between two correct computations in any order (gamma).
func bound[T Float](tA, tB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta float64, c0 []T, ldc int) []float64 {
	abs := func(s []T) []float64 {
		out := make([]float64, len(s))
		for i, v := range s {
			out[i] = math.Abs(float64(v))
		}
		return out
	}
	s := make([]float64, m*ldc)
	for i := range s {
		s[i] = math.Abs(beta * float64(c0[i]))
	}
	onPath(generic, func() {
		Gemm(tA, tB, m, n, k, abs(a), lda, abs(b), ldb, 1, s, ldc)
	})
	// The |terms| themselves are computed in float64: inflate them by
	// (1 + γ_{k+1}(u64)) so that the bound stays a bound.
	g := 2*gamma(k+2, unit[T]()) + gamma(k+1, u64)
	for i := range s {
		s[i] *= g
	}
	return s
}

// TestAsmPathsSameBits checks the design property stated in kernel.go: on
// the same inputs, every assembly path gives the same bits (products,
// element-wise kernels, normal values), so that a result made with AVX-512
// is reproduced exactly with AVX2. It needs two assembly paths (an AVX-512
// CPU runs avx2 and avx512).
func TestAsmPathsSameBits(t *testing.T) {
	ps := asmPaths()
	if len(ps) < 2 {
		t.Skipf("this CPU runs %d assembly path(s)", len(ps))
	}
	results := make([][]any, len(ps))
	for i, p := range ps {
		onPath(p, func() { results[i] = sameBitsWork() })
	}
	for i := 1; i < len(ps); i++ {
		for j := range results[0] {
			if !reflect.DeepEqual(results[0][j], results[i][j]) {
				t.Errorf("result %d: %s and %s differ", j, ps[0].name, ps[i].name)
			}
		}
	}
}

// sameBitsWork runs every kernel of the active path on fixed inputs.
func sameBitsWork() []any {
	rng := rand.New(rand.NewPCG(21, 22))
	var out []any
	gemmBoth := func(tA, tB bool, m, n, k int) {
		out = append(out, gemmOnce[float64](rng, tA, tB, m, n, k), gemmOnce[float32](rng, tA, tB, m, n, k))
	}
	gemmBoth(false, false, 37, 53, 300)
	gemmBoth(true, false, 130, 25, 513)
	gemmBoth(false, true, 9, 200, 70)
	gemmBoth(true, true, 600, 49, 17)
	x := randSlice[float64](rng, 700*61)
	mu := randSlice[float64](rng, 61)
	g := make([]float64, 61*61)
	Syrk(61, 700, x, 61, mu, g, 61)
	out = append(out, g)
	for _, n := range []int{4, 8, 12, 16, 20, 40, 256} {
		out = append(out, packedOnce[float32](rng, 17, n, 256), packedOnce[float64](rng, 17, n, 256))
	}
	a, b := randSlice[float32](rng, 400*72), randSlice[float32](rng, 400*264)
	c := make([]float32, 70*260)
	GemmTN(70, 260, 400, a, 72, b, 264, c, 260, false, 2)
	out = append(out, c)
	v := make([][]float32, 5)
	for i := range v {
		v[i] = randSlice[float32](rng, 300)
		for j := range v[i] {
			v[i][j] *= 6
		}
	}
	th := make([]float32, 300)
	Tanh(th, v[0])
	EulerStep(v[1], v[2], v[3], 0.9, 0.1, 0.3)
	TanhBackward(v[4], v[2], v[3], th, 0.9, 0.1)
	Axpy(0.7, v[0], v[2])
	var s NormalStream
	s.Seed(9)
	z := make([]float32, 4096+5)
	s.Fill(z)
	return append(out, th, v[1], v[4], v[2], Dot(v[0], v[3]), z, s)
}

func gemmOnce[T Float](rng *rand.Rand, tA, tB bool, m, n, k int) []T {
	a, b := randSlice[T](rng, m*k), randSlice[T](rng, k*n)
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	c := randSlice[T](rng, m*n)
	Gemm(tA, tB, m, n, k, a, lda, b, ldb, 0.5, c, n)
	return c
}

func packedOnce[T Float](rng *rand.Rand, m, n, k int) []T {
	w := randSlice[T](rng, n*k)
	var p PackedB[T]
	p.Pack(true, k, n, w, k)
	a := randSlice[T](rng, m*k)
	c := make([]T, m*p.Stride())
	p.Mul(m, a, k, c, p.Stride(), false)
	// Compare the n columns only: the stride depends on the tile width.
	out := make([]T, 0, m*n)
	for i := 0; i < m; i++ {
		out = append(out, c[i*p.Stride():i*p.Stride()+n]...)
	}
	return out
}
