package linalg

import (
	"math"
	"unsafe"
)

// NormalStream draws standard normal float32 values for the RNN engine's
// state noise: millions per training step, which a scalar generator (5 ns
// a value for Go's ziggurat) would make a quarter of the step's time.
//
// The bits come from 16 independent xoshiro128++ generators (Blackman &
// Vigna 2018), one per 32-bit lane of a 512-bit register, and the values
// from the Box–Muller transform: from two 32-bit draws r1, r2 of a lane,
//
//	u = (⌊r1/2⁸⌋ + 1)·2⁻²⁴ ∈ (0, 1],  f = ⌊r2/2⁹⌋·2⁻²³ ∈ [0, 1),
//	ρ = √(−2 ln u),  z₁ = ±ρ·cos(πf/2),  z₂ = ±ρ·sin(πf/2),
//
// with the two signs from bits 0 and 1 of r2: a uniform angle in the first
// quadrant with independent sign flips is a uniform angle on the circle.
// ln and sin/cos are polynomials (least-squares fits, within 5·10⁻⁹ and
// 6·10⁻⁸ of the functions: float32 accuracy); the largest value is
// √(2·24·ln 2) ≈ 5.77, beyond which the normal has mass 8·10⁻⁹. Each
// call to the assembly produces 32 values: 16 cosine values, then 16 sine
// values.
//
// The assembly paths give the same bits; on the generic path a Go loop
// computes the same values up to the rounding of fused multiply-adds.
type NormalStream struct {
	s [4][16]uint32
}

// normalCoef holds the constants of normals32body; offsets in bytes are
// 4× the indices.
var normalCoef = [26]float32{
	1, 0x1p-24, math.Sqrt2, 0.5, math.Ln2, -2, negZero,
	// ln(1+f) = f·Σ l_i f^i on [√½−1, √2−1], l0…l8
	0.9999998711834044, -0.4999999024302662, 0.3333507809502104, -0.25002249128078924,
	0.1993663110737673, -0.16551153407928426, 0.1510268080559096, -0.14477612363415576, 0.08490402128023879,
	// sin(πf/2) = f·Σ s_i f^{2i} on [0, 1], s0…s4
	1.5707962972834102, -0.6459634394604453, 0.07968873784309982, -0.004672547982976116, 0.0001509560257889897,
	// cos(πf/2) = Σ c_i f^{2i}, c0…c4
	0.9999999788633008, -1.2336986787445436, 0.253652649747919, -0.020813362715079664, 0.0008594659183212006,
}

var negZero = float32(math.Copysign(0, -1))

// Seed sets the state from seed (SplitMix64, as the xoshiro authors
// recommend); every seed gives a valid state.
func (s *NormalStream) Seed(seed uint64) {
	x := seed
	for w := range s.s {
		for l := 0; l < 16; l += 2 {
			x += 0x9e3779b97f4a7c15
			z := x
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
			z = (z ^ (z >> 27)) * 0x94d049bb133111eb
			z ^= z >> 31
			s.s[w][l], s.s[w][l+1] = uint32(z), uint32(z>>32)
		}
	}
	for l := 0; l < 16; l++ {
		if s.s[0][l]|s.s[1][l]|s.s[2][l]|s.s[3][l] == 0 {
			s.s[0][l] = 1 // xoshiro's only invalid state
		}
	}
}

// Fill sets dst to standard normal values. Values are drawn 32 at a time;
// when len(dst) is not a multiple of 32 the rest of the last block is
// discarded, so the stream depends on the lengths asked for.
func (s *NormalStream) Fill(dst []float32) {
	bulk := len(dst) &^ 31
	if bulk > 0 {
		s.fill(dst[:bulk])
	}
	if bulk < len(dst) {
		var tmp [32]float32
		s.fill(tmp[:])
		copy(dst[bulk:], tmp[:])
	}
}

func (s *NormalStream) fill(dst []float32) {
	if v := cur.vec; v.normals != nil {
		v.normals(unsafe.SliceData(dst), len(dst), &s.s[0][0], &normalCoef[0])
		return
	}
	c := &normalCoef
	for o := 0; o < len(dst); o += 32 {
		for l := 0; l < 16; l++ {
			r1, r2 := s.next(l), s.next(l)
			u := (float32(r1>>8) + 1) * c[1]
			fr, e := math.Frexp(float64(u)) // u = fr·2^e, fr ∈ [½, 1)
			m, ef := float32(2*fr), float32(e-1)
			if m > c[2] {
				m *= c[3]
				ef++
			}
			f := m - 1
			p := c[15]
			for i := 14; i >= 7; i-- {
				p = p*f + c[i]
			}
			ln := ef*c[4] + p*f
			rho := float32(math.Sqrt(float64(ln * c[5])))
			a := math.Float32frombits(r2>>9|0x3f800000) - 1
			a2 := a * a
			sn, cs := c[20], c[25]
			for i := 19; i >= 16; i-- {
				sn = sn*a2 + c[i]
			}
			for i := 24; i >= 21; i-- {
				cs = cs*a2 + c[i]
			}
			z1, z2 := rho*cs, rho*(sn*a)
			dst[o+l] = math.Float32frombits(math.Float32bits(z1) ^ r2<<31)
			dst[o+16+l] = math.Float32frombits(math.Float32bits(z2) ^ (r2<<30)&0x80000000)
		}
	}
}

// next advances lane l of xoshiro128++.
func (s *NormalStream) next(l int) uint32 {
	s0, s1, s2, s3 := s.s[0][l], s.s[1][l], s.s[2][l], s.s[3][l]
	r := rotl32(s0+s3, 7) + s0
	t := s1 << 9
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = rotl32(s3, 11)
	s.s[0][l], s.s[1][l], s.s[2][l], s.s[3][l] = s0, s1, s2, s3
	return r
}

func rotl32(x uint32, k uint) uint32 { return x<<k | x>>(32-k) }
