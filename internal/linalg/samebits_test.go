package linalg

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAsmBitsGolden checks that every assembly path of this CPU, on amd64
// (avx2, avx512) and on arm64 (neon), gives the bits that the avx2 path
// gave on an AMD EPYC (amd64) for the products and element-wise kernels of
// goldenWork: the SHA-256 of each result's bytes is asmGolden's. Run under
// qemu (GOARCH=arm64 … go test -exec qemu-aarch64) it proves that the NEON
// kernels compute every value with the same operations in the same order
// as the AVX ones; on an AVX-512 machine, that avx512 does too. That the
// values are right is the other tests' business (TestGemmMatchesGonum,
// TestVecKernels, … bound them against gonum and math on every path); this
// one pins their bits.
//
// goldenWork is not sameBitsWork: its element-wise inputs are multiples of
// 16 values long, so that no value goes through the Go loops that finish a
// slice. Those loops are plain Go, which the compiler fuses into FMAs on
// arm64 and not on amd64 (x*y + z): on sameBitsWork the arm64 results of
// EulerStep, TanhBackward, Axpy and Dot differ from amd64 in their last
// 300 mod 16 = 12 values (and so the dot product), while the assembly's
// 288 agree. Everything else goldenWork runs in Go (packing, the β·C
// scaling, adding partial tiles) is one rounding per operation and cannot
// be fused.
//
// To record new digests after a deliberate change of the kernels' order
// of operations, run the test on an amd64 avx2 path: it prints the lines
// of asmGolden it computed.
func TestAsmBitsGolden(t *testing.T) {
	forAsmPaths(t, func(t *testing.T, p *kernelPath) {
		got := goldenWork()
		if len(got) != len(asmGolden) {
			t.Errorf("%d results, %d digests", len(got), len(asmGolden))
		}
		var lines string
		for _, r := range got {
			d := digest(r.v)
			lines += fmt.Sprintf("\t%q: %q,\n", r.name, d)
			if want, ok := asmGolden[r.name]; !ok || want != d {
				t.Errorf("%s: SHA-256 %s, recorded on amd64 avx2 %s", r.name, d, want)
			}
		}
		if t.Failed() {
			t.Logf("the digests of this path:\n%s", lines)
		}
	})
}

// asmGolden holds the SHA-256 digests of goldenWork's results, computed on
// the avx2 path (go test -run TestAsmBitsGolden, AMD EPYC with AVX-512,
// Go 1.26; the avx512 path gave the same).
var asmGolden = map[string]string{
	"Gemm tA=false tB=false 37×53×300 β=0.5 float64": "4ed07aa39d662201c82e36fee1d1b472f9abcaa181790279bd85c7193a5feac1",
	"Gemm tA=false tB=false 37×53×300 β=0.5 float32": "5a9a9d2ab1dec6ba2df26f1277e7334544bba939bc52e3f4f4de2b29b482a0a2",
	"Gemm tA=true tB=false 130×25×513 β=0 float64":   "5ceac48f0b500794277a0bb681c947784305dea5c1cacf264009664850e4542a",
	"Gemm tA=true tB=false 130×25×513 β=0 float32":   "dc7c5b41dad490c82302b215478ae0795b5cc60f7b115dbf3a1a0f3d06ca2938",
	"Gemm tA=false tB=true 9×200×70 β=1 float64":     "8e921a06bd86574e3209f0880108724b821c31db657610d843f3bd45e923ab60",
	"Gemm tA=false tB=true 9×200×70 β=1 float32":     "e8cb4ba775e248a7be49f9e6b747266b661c44f771c20c5f633df80a515b2626",
	"Gemm tA=true tB=true 61×49×17 β=0.5 float64":    "d2b4e71730e28b09554cddcc850a79d04be59a3ffb5e71b97670466a7cab1063",
	"Gemm tA=true tB=true 61×49×17 β=0.5 float32":    "07fa5b2df49f862b217ba2396d68772a0edff222e57e5ff13bea23367dde61f2",
	"Syrk 61×700 shifted float64":                    "3499d06227da66db99c43bb788349fd7320a0c1f00f14cefb182c3793c0e6aa5",
	"Syrk 29×300 float32":                            "22f2e1016e4c0367983224c444a2334c12857ae694807f8c00fe233775ad0436",
	"PackedB 19×4×70 float64":                        "9d4d6ffa1edf6fa0123e30471e3e20149c63f739ea9b99efe068ad431cce9f00",
	"PackedB 19×4×70 float32":                        "5eb2bdc56bcfbb25185bcf1fd506593f6bafd527484ff3708ea8999ecc57a198",
	"PackedB 19×8×70 float64":                        "c2e25076262de72b3ee5ad152de4d037e988b67abf7544aa5d2b13cf0ff833e2",
	"PackedB 19×8×70 float32":                        "0d81be6297a9556261eca67d0e70f95b60398227177c1020361ad5315c8f2f0f",
	"PackedB 19×12×70 float64":                       "abdbc0160324f1674216532dd12c271d28ff1b12f70cd2de48211c406866cd76",
	"PackedB 19×12×70 float32":                       "6385c7f221bfd5cf9e6f35ee54857d50cf3ebe6fa3720e8afc7b798711ff2164",
	"PackedB 19×16×70 float64":                       "ab4ed8a819de032bc1ca4646687ee7600dc5478733de4d5078f9e891cac13528",
	"PackedB 19×16×70 float32":                       "429f08c15bc31d8dc7f2592c36d6884c73442609322c7b95fdc00084cb7e7b47",
	"PackedB 19×20×70 float64":                       "f0006e160fcf3e08167d9934aa5c09fc173f2fb013a0d252409b2455dcd8d95f",
	"PackedB 19×20×70 float32":                       "77a7ca0c84fc26d246eb050b1ae40b295a419d7ff1e9acffcbde59184e6a64f4",
	"PackedB 19×40×70 float64":                       "b5856ddf67fd4b0d65099fe7bcae1691e8c59fe5b6041f456ba53a3342e6d8ab",
	"PackedB 19×40×70 float32":                       "649638ad3567be7bc3fa9cd74c5e3f1a77e1d5a014f9036822b7af2cbf1ae452",
	"PackedB 19×100×70 float64":                      "72a4023723f98fdfed50c21cc4a1bc80f57b02a93fc9b505177809d66284fc62",
	"PackedB 19×100×70 float32":                      "e1c3c926372be359f6a20b4245ed4ba6bfd95d2f31f14de7d7f51718fd38ec29",
	"GemmTN 70×260×400 float64":                      "379ed913f8f41445ebfece1032a9a3a6acf10fbee0a4e19a98e913705dcc6bb5",
	"GemmTN 70×260×400 float32":                      "f26063274943f18fa9cbcce91faa8345073c70b68ae3d51d01c6ab55a67623cb",
	"Tanh":                                           "e326c75a10db860fa16d1c55dd9472ff5b713394e7a21eacfc6a74e55dbf8c9a",
	"EulerStep":                                      "25eb6c908474657a2fbd51a5c57b226ee9ebde3a09795d6b5877acbbb12333e5",
	"EulerStep without noise":                        "5ea6885d71ac9577ec59f903594696c8574c21c12deeaf5171cf4510b3d27dc3",
	"TanhBackward":                                   "27c582578dee26761a2d5a48dfd253041e57c86dac48134ecc485c061ff75127",
	"Axpy":                                           "e0143b50afc905a32c4cab8d410fd5ee5d75a6ad098f1a454595abff7574cc71",
	"Dot":                                            "c668ccdd5d11c9edb4ec3aae2d1447154a6bc0f3dd45d8a538e8045b9763687d",
	"NormalStream values":                            "cac93862771185e576d3bdd6c4fb65330682b51fef54adf6b39e01b900625980",
	"NormalStream state":                             "4b7453cd7904164eed91f18752c7224a3f1c92771a45ef4d8d928178be71cca9",
}

// result is one named result of goldenWork.
type result struct {
	name string
	v    any
}

// digest returns the SHA-256 of v's bits, little-endian.
func digest(v any) string {
	var b []byte
	switch x := v.(type) {
	case []float32:
		for _, f := range x {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
	case []float64:
		for _, f := range x {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
	case float32:
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	case *NormalStream:
		for _, w := range x.s {
			for _, u := range w {
				b = binary.LittleEndian.AppendUint32(b, u)
			}
		}
	default:
		panic(fmt.Sprintf("digest: %T", v))
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// goldenWork runs every kernel of the active path on fixed inputs: the
// packed GEMM kernels (adding and storing, k across the kc blocks, partial
// tiles, shifted operands), the "rm" kernels of PackedB (1, 2 and 3 vectors
// wide, rows not a multiple of 8, storing and adding), the "st" kernels of
// GemmTN, in float64 and float32, and the element-wise float32 kernels.
func goldenWork() []result {
	rng := rand.New(rand.NewPCG(31, 32))
	var out []result
	add := func(name string, v any) { out = append(out, result{name, v}) }
	for _, s := range []struct {
		tA, tB  bool
		m, n, k int
		beta    float64
	}{
		{false, false, 37, 53, 300, 0.5},
		{true, false, 130, 25, 513, 0},
		{false, true, 9, 200, 70, 1},
		{true, true, 61, 49, 17, 0.5},
	} {
		name := fmt.Sprintf("Gemm tA=%v tB=%v %d×%d×%d β=%v", s.tA, s.tB, s.m, s.n, s.k, s.beta)
		add(name+" float64", goldenGemm[float64](rng, s.tA, s.tB, s.m, s.n, s.k, s.beta))
		add(name+" float32", goldenGemm[float32](rng, s.tA, s.tB, s.m, s.n, s.k, s.beta))
	}
	x := randSlice[float64](rng, 700*61)
	mu := randSlice[float64](rng, 61)
	g := make([]float64, 61*61)
	Syrk(61, 700, x, 61, mu, g, 61)
	add("Syrk 61×700 shifted float64", g)
	x32 := randSlice[float32](rng, 300*29)
	g32 := make([]float32, 29*29)
	Syrk(29, 300, x32, 29, nil, g32, 29)
	add("Syrk 29×300 float32", g32)
	for _, n := range []int{4, 8, 12, 16, 20, 40, 100} {
		add(fmt.Sprintf("PackedB 19×%d×70 float64", n), goldenPacked[float64](rng, 19, n, 70))
		add(fmt.Sprintf("PackedB 19×%d×70 float32", n), goldenPacked[float32](rng, 19, n, 70))
	}
	add("GemmTN 70×260×400 float64", goldenTN[float64](rng, 70, 260, 400))
	add("GemmTN 70×260×400 float32", goldenTN[float32](rng, 70, 260, 400))

	const n = 320 // a multiple of 16: the assembly takes every value
	v := make([][]float32, 6)
	for i := range v {
		v[i] = randSlice[float32](rng, n)
	}
	for i := range v[0] {
		v[0][i] *= 10 // beyond the clamp (7.9) too
	}
	copy(v[0], []float32{0, negZero, float32(math.Inf(1)), float32(math.Inf(-1)), 1e-30, -1e-30,
		tanhCoef[0], -tanhCoef[0], 1e30, -1e30, math.MaxFloat32, math.SmallestNonzeroFloat32})
	th := make([]float32, n)
	Tanh(th, v[0])
	add("Tanh", th)
	e1 := append([]float32(nil), v[1]...)
	EulerStep(e1, v[2], v[3], 0.9, 0.1, 0.3)
	add("EulerStep", e1)
	e2 := append([]float32(nil), v[1]...)
	EulerStep(e2, v[2], nil, 0.9, 0.1, 0)
	add("EulerStep without noise", e2)
	tb := make([]float32, n)
	TanhBackward(tb, v[4], v[5], th, 0.9, 0.1)
	add("TanhBackward", tb)
	Axpy(-0.7, v[2], v[5])
	add("Axpy", v[5])
	// Many dot products: one float32 would miss many changes of the tree.
	// Not of v[0]: its ±∞ would make NaNs, whose bits differ between ISAs.
	var dots []float32
	for i := 1; i < len(v); i++ {
		for j := 1; j < i; j++ {
			for _, l := range []int{16, 48, n} {
				dots = append(dots, Dot(v[i][:l], v[j][:l]))
			}
		}
	}
	add("Dot", dots)

	var s NormalStream
	s.Seed(11)
	z := make([]float32, 4096+5)
	s.Fill(z)
	add("NormalStream values", z)
	add("NormalStream state", &s)
	return out
}

// leading returns the row stride of a stored rows×cols matrix, or of its
// transpose when trans.
func leading(trans bool, rows, cols int) int {
	if trans {
		return rows
	}
	return cols
}

// goldenGemm returns C = op(A)·op(B) + beta·C on random operands.
func goldenGemm[T Float](rng *rand.Rand, tA, tB bool, m, n, k int, beta float64) []T {
	a := randSlice[T](rng, m*k)
	b := randSlice[T](rng, k*n)
	c := randSlice[T](rng, m*n)
	Gemm(tA, tB, m, n, k, a, leading(tA, m, k), b, leading(tB, k, n), T(beta), c, n)
	return c
}

// goldenPacked returns the n columns of A₁·Wᵀ + A₂·Wᵀ (m×n) computed by
// PackedB.Mul storing, then adding.
func goldenPacked[T Float](rng *rand.Rand, m, n, k int) []T {
	var p PackedB[T]
	p.Pack(true, k, n, randSlice[T](rng, n*k), k)
	ld := p.Stride()
	c := make([]T, m*ld)
	p.Mul(m, randSlice[T](rng, m*k), k, c, ld, false)
	p.Mul(m, randSlice[T](rng, m*k), k, c, ld, true)
	var cols []T
	for i := 0; i < m; i++ {
		cols = append(cols, c[i*ld:i*ld+n]...)
	}
	return cols
}

// goldenTN returns A₁ᵀ·B₁ + A₂ᵀ·B₂ by GemmTN on padded storage (A k×m
// with stride m+2, B k×n with stride n+4), storing then adding.
func goldenTN[T Float](rng *rand.Rand, m, n, k int) []T {
	c := make([]T, m*n)
	for _, add := range []bool{false, true} {
		a, b := randSlice[T](rng, k*(m+2)), randSlice[T](rng, k*(n+4))
		GemmTN(m, n, k, a, m+2, b, n+4, c, n, add, 2)
	}
	return c
}
