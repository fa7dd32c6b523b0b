package decode

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"

	"github.com/oblique-neuro/oblique/internal/linalg"
)

// The symmetric eigensolver behind every decomposition. gonum's EigenSym
// (LAPACK's dsyev: tridiagonal QL iterations whose rotations are applied to
// the eigenvectors one pair of columns at a time) spends most of its time
// in those rotations: 44 ms for a 300×300 Gram matrix and 3.5 s for a
// 1000×1000 one on this project's machine, which made the neuron
// subsampling of large recordings grow as the cube of the neurons. Here,
// as in LAPACK's dsyevd:
//
//  1. Householder reduction to tridiagonal form, in panels of nbTrid
//     columns (LAPACK's dsytrd and dlatrd, on contiguous rows), the
//     trailing update A −= V·Wᵀ + W·Vᵀ as two products of internal/linalg;
//  2. the eigenproblem of the tridiagonal matrix by divide and conquer
//     (Cuppen; eigenvectors by the Gu–Eisenstat formula), whose work is
//     products of eigenvector blocks;
//  3. the eigenvectors of the matrix as Q·Z, Q the orthogonal factor of the
//     reduction, Z those of the tridiagonal matrix: Q's reflectors applied
//     to Z in blocks (compact WY form), each block two products.

const (
	nbTrid = 32 // panel width of the tridiagonal reduction
	dcBase = 32 // sub-problems up to this size use QL iterations (Dsteqr)
)

var lapackImpl gonum.Implementation

// symEigen returns the eigenvalues of the symmetric n×n matrix a
// (row-major, both triangles; a is overwritten) in ascending order and its
// eigenvectors as the columns of w (n×n, row-major). ok is false when a is
// not finite or an iteration does not converge.
func symEigen(n int, a []float64) (vals, w []float64, ok bool) {
	for _, v := range a[:n*n] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, false
		}
	}
	vals = make([]float64, n)
	if n == 1 {
		vals[0] = a[0]
		return vals, []float64{1}, true
	}
	e := make([]float64, n-1)
	tau := make([]float64, n-1)
	refl := make([]float64, n*n)
	tridiagonalize(n, a, vals, e, tau, refl)
	w = a // a is spent: it holds the eigenvectors from here on
	if !tridiagEigen(vals, e, w) {
		return nil, nil, false
	}
	applyQ(n, refl, tau, w)
	return vals, w, true
}

// tridiagonalize reduces the symmetric matrix a (n×n, both triangles;
// overwritten) to tridiagonal form Qᵀ·A·Q with diagonal d and off-diagonal
// e. Q = H₀·H₁⋯H_{n−2}, Hᵢ = I − τᵢ·uᵢ·uᵢᵀ, as LAPACK's dsytrd (uplo = 'L'):
// row i of refl (n×n, zero on entry) receives uᵢ (zero before i+1, 1 at
// i+1) and tau[i] its τᵢ.
//
// It is dsytrd's blocked algorithm (dlatrd for a panel of nbTrid columns,
// then the trailing update A −= V·Wᵀ + W·Vᵀ as two products), arranged for
// row-major storage: a column of the symmetric matrix is read as its row,
// and the panel's reflectors V and the matching W are kept as rows, so
// that every vector operation runs on contiguous memory.
func tridiagonalize(n int, a, d, e, tau, refl []float64) {
	w := make([]float64, nbTrid*n)
	col := make([]float64, n)
	wv := make([]float64, nbTrid)
	vv := make([]float64, nbTrid)
	for p := 0; p < n; p += nbTrid {
		nb := min(nbTrid, n-p)
		v := refl[p*n:] // row t: the reflector of column p+t
		clear(w[:nb*n])
		for t := 0; t < nb; t++ {
			i := p + t
			// Column i of the partly reduced matrix: row i of A (the
			// trailing block is symmetric and not yet updated for this
			// panel) minus the panel's pending update V·Wᵀ + W·Vᵀ.
			c := col[i:n]
			copy(c, a[i*n+i:(i+1)*n])
			for s := 0; s < t; s++ {
				floats.AddScaled(c, -w[s*n+i], v[s*n+i:(s+1)*n])
				floats.AddScaled(c, -v[s*n+i], w[s*n+i:(s+1)*n])
			}
			d[i] = c[0]
			if i == n-1 {
				break
			}
			// The reflector H = I − τ·u·uᵀ, u = (1, x), that maps c[1:]
			// to (β, 0, …).
			beta, ti := lapackImpl.Dlarfg(n-i-1, c[1], c[2:], 1)
			e[i], tau[i] = beta, ti
			u := v[t*n+i+1 : (t+1)*n]
			u[0] = 1
			copy(u[1:], c[2:])
			// y = τ·(A₂₂ − pending update)·u, then y += −½τ(yᵀu)·u.
			y := w[t*n+i+1 : (t+1)*n]
			for k := range y {
				y[k] = floats.Dot(a[(i+1+k)*n+i+1:(i+2+k)*n], u)
			}
			for s := 0; s < t; s++ {
				wv[s] = floats.Dot(w[s*n+i+1:(s+1)*n], u)
				vv[s] = floats.Dot(v[s*n+i+1:(s+1)*n], u)
			}
			for s := 0; s < t; s++ {
				floats.AddScaled(y, -wv[s], v[s*n+i+1:(s+1)*n])
				floats.AddScaled(y, -vv[s], w[s*n+i+1:(s+1)*n])
			}
			floats.Scale(ti, y)
			floats.AddScaled(y, -0.5*ti*floats.Dot(y, u), u)
		}
		// Trailing update A₂₂ −= Vᵀ·W + Wᵀ·V over the rows and columns
		// after the panel (both triangles), W negated so that the
		// products add.
		q := p + nb
		if m := n - q; m > 0 {
			for s := 0; s < nb; s++ {
				floats.Scale(-1, w[s*n+q:(s+1)*n])
			}
			a22 := a[q*n+q:]
			linalg.Gemm(true, false, m, m, nb, v[q:], n, w[q:], n, 1, a22, n)
			linalg.Gemm(true, false, m, m, nb, w[q:], n, v[q:], n, 1, a22, n)
		}
	}
}

// applyQ overwrites z (n×n) with Q·z for Q = H₀·H₁⋯H_{n−2}, the reflectors
// of tridiagonalize, a block of nbTrid reflectors at a time from the last:
// Hⱼ⋯Hⱼ₊ᵦ₋₁ = I − V·T·Vᵀ with T upper triangular (LAPACK's dlarft, forward,
// columnwise), so z −= V·(T·(Vᵀ·z)).
func applyQ(n int, refl, tau, z []float64) {
	vv := make([]float64, nbTrid*nbTrid)
	t := make([]float64, nbTrid*nbTrid)
	y := make([]float64, nbTrid*n)
	ty := make([]float64, nbTrid*n)
	for jb := (n - 2) / nbTrid * nbTrid; jb >= 0; jb -= nbTrid {
		b := min(nbTrid, n-1-jb)
		r0 := jb + 1 // the block's reflectors are zero before row r0
		m := n - r0
		v := refl[jb*n+r0:]
		// T from the reflectors' inner products: T[s][s] = τ_s and
		// T[0:s, s] = −τ_s·T[0:s, 0:s]·(V[:, 0:s]ᵀ·v_s).
		linalg.Gemm(false, true, b, b, m, v, n, v, n, 0, vv, b)
		clear(t)
		for c := 0; c < b; c++ {
			tc := tau[jb+c]
			for r := 0; r < c; r++ {
				var s float64
				for q := r; q < c; q++ {
					s += t[r*b+q] * vv[q*b+c]
				}
				t[r*b+c] = -tc * s
			}
			t[c*b+c] = tc
		}
		linalg.Gemm(false, false, b, n, m, v, n, z[r0*n:], n, 0, y, n)
		linalg.Gemm(false, false, b, n, b, t, b, y, n, 0, ty, n)
		for i := range ty[:b*n] {
			ty[i] = -ty[i]
		}
		linalg.Gemm(true, false, m, n, b, v, n, ty, n, 1, z[r0*n:], n)
	}
}

// tridiagEigen computes the eigenvalues (into d, ascending) and the
// eigenvectors (columns of z, n×n row-major) of the symmetric tridiagonal
// matrix with diagonal d and off-diagonal e (e is overwritten).
func tridiagEigen(d, e, z []float64) bool {
	n := len(d)
	clear(z[:n*n])
	var scale float64
	for _, v := range d {
		scale = max(scale, math.Abs(v))
	}
	for _, v := range e {
		scale = max(scale, math.Abs(v))
	}
	if scale == 0 {
		for i := 0; i < n; i++ {
			z[i*n+i] = 1
		}
		return true
	}
	// Work on a matrix of norm about 1, as LAPACK's dstedc.
	for i := range d {
		d[i] /= scale
	}
	for i := range e {
		e[i] /= scale
	}
	ok := divide(d, e, z, n, 0, n)
	for i := range d {
		d[i] *= scale
	}
	return ok
}

// divide solves the sub-problem of rows and columns [off, off+m): d[off:]
// and e[off:] hold its diagonal and off-diagonal; on return d[off:off+m]
// holds its eigenvalues in ascending order and the block of z at (off, off)
// (stride ld) its eigenvectors.
func divide(d, e, z []float64, ld, off, m int) bool {
	if m <= dcBase {
		work := make([]float64, max(1, 2*m-2))
		return lapackImpl.Dsteqr(lapack.EVTridiag, m, d[off:off+m], e[off:off+m-1], z[off*ld+off:], ld, work)
	}
	h := m / 2
	// T = diag(T₁, T₂) + |ρ|·v·vᵀ with v = e_{h−1} + sign(ρ)·e_h: the
	// coupling comes out of the two corner entries.
	rho := e[off+h-1]
	d[off+h-1] -= math.Abs(rho)
	d[off+h] -= math.Abs(rho)
	if !divide(d, e, z, ld, off, h) || !divide(d, e, z, ld, off+h, m-h) {
		return false
	}
	return merge(d, z, ld, off, h, m, rho)
}

// merge finds the eigenpairs of diag(D₁, D₂) + |ρ|·u·uᵀ, where D₁ and D₂
// are the eigenvalues of the two halves and u = Qᵀv joins the last row of
// the first half's eigenvectors to sign(ρ) times the first row of the
// second's, and turns the block of eigenvectors Q into those of the merged
// problem.
func merge(d, z []float64, ld, off, h, m int, rho float64) bool {
	vals := d[off : off+m]
	u := make([]float64, m)
	for j := 0; j < h; j++ {
		u[j] = z[(off+h-1)*ld+off+j]
	}
	sign := 1.0
	if rho < 0 {
		sign = -1
	}
	for j := h; j < m; j++ {
		u[j] = sign * z[(off+h)*ld+off+j]
	}
	var norm float64
	for _, v := range u {
		norm += v * v
	}
	r := math.Abs(rho) * norm
	norm = math.Sqrt(norm)
	for j := range u {
		u[j] /= norm
	}
	// The poles in ascending order (the halves are each sorted).
	order := make([]int, m)
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] < vals[order[b]] })
	ds := make([]float64, m)
	us := make([]float64, m)
	for k, j := range order {
		ds[k], us[k] = vals[j], u[j]
	}
	col := func(k int) int { return off + order[k] } // column of z of pole k

	// Deflation: a pole whose weight is negligible keeps its eigenpair;
	// of two poles too close to matter, a rotation of their eigenvectors
	// zeroes one weight, which then keeps its eigenpair.
	var dmax float64
	for _, v := range ds {
		dmax = max(dmax, math.Abs(v))
	}
	tol := 8 * eps * max(dmax, r)
	type pair struct {
		val float64
		col int
	}
	var kept []int
	var deflated []pair
	for k := 0; k < m; k++ {
		if r*math.Abs(us[k]) <= tol {
			deflated = append(deflated, pair{ds[k], col(k)})
			continue
		}
		if n := len(kept); n > 0 {
			p := kept[n-1]
			tau := math.Hypot(us[k], us[p])
			c, s := us[k]/tau, -us[p]/tau
			if math.Abs((ds[k]-ds[p])*c*s) <= tol {
				cp, ck := col(p), col(k)
				for i := off; i < off+m; i++ {
					x, y := z[i*ld+cp], z[i*ld+ck]
					z[i*ld+cp], z[i*ld+ck] = c*x+s*y, c*y-s*x
				}
				dp := ds[p]*c*c + ds[k]*s*s
				ds[k] = ds[p]*s*s + ds[k]*c*c
				us[k], us[p] = tau, 0
				deflated = append(deflated, pair{dp, cp})
				kept[n-1] = k
				continue
			}
		}
		kept = append(kept, k)
	}

	// The secular equation of the remaining poles, then their
	// eigenvectors by the Gu–Eisenstat formula.
	nk := len(kept)
	delta := make([]float64, nk)
	w := make([]float64, nk)
	for i, k := range kept {
		delta[i], w[i] = ds[k], us[k]
	}
	lam := make([]float64, nk)
	diff := make([]float64, nk*nk) // row i: δⱼ − λᵢ
	for i := range lam {
		var ok bool
		if lam[i], ok = secular(delta, w, r, i, diff[i*nk:(i+1)*nk]); !ok {
			return false
		}
	}
	// ŵⱼ² = −(δⱼ−λⱼ)/ρ · Πᵢ≠ⱼ (δⱼ−λᵢ)/(δⱼ−δᵢ): the weights for which the
	// computed λ are the exact eigenvalues (a row of diff at a time).
	what := make([]float64, nk)
	for j := range what {
		what[j] = -diff[j*nk+j] / r
	}
	for i := 0; i < nk; i++ {
		row, di := diff[i*nk:(i+1)*nk], delta[i]
		for j, dj := range delta {
			if j != i {
				what[j] *= row[j] / (dj - di)
			}
		}
	}
	for j := range what {
		what[j] = math.Copysign(math.Sqrt(max(what[j], 0)), w[j])
	}
	// Eigenvector i has components ŵⱼ/(δⱼ−λᵢ): row i of ut, normalised.
	ut := diff // each row of diff is read once more, then overwritten
	for i := 0; i < nk; i++ {
		row := ut[i*nk : (i+1)*nk]
		var s float64
		for j, dj := range row {
			x := what[j] / dj
			row[j] = x
			s += x * x
		}
		floats.Scale(1/math.Sqrt(s), row)
	}
	// New eigenvectors: the kept columns of Q times U = utᵀ, one product.
	qk := make([]float64, m*nk)
	for i := 0; i < m; i++ {
		row := z[(off+i)*ld:]
		for j, k := range kept {
			qk[i*nk+j] = row[col(k)]
		}
	}
	qu := make([]float64, m*nk)
	if nk > 0 {
		linalg.Gemm(false, true, m, nk, nk, qk, nk, ut, nk, 0, qu, nk)
	}
	// All eigenvalues in ascending order: the roots (ascending) merged
	// with the deflated ones; src[t] says where column t comes from (a
	// root ≥ 0, or −1−c for the deflated column c of z).
	sort.SliceStable(deflated, func(a, b int) bool { return deflated[a].val < deflated[b].val })
	newVals := make([]float64, 0, m)
	src := make([]int, 0, m)
	for a, b := 0, 0; a < nk || b < len(deflated); {
		if b == len(deflated) || (a < nk && lam[a] <= deflated[b].val) {
			newVals = append(newVals, lam[a])
			src = append(src, a)
			a++
			continue
		}
		newVals = append(newVals, deflated[b].val)
		src = append(src, -1-deflated[b].col)
		b++
	}
	out := make([]float64, m)
	for i := 0; i < m; i++ {
		row := z[(off+i)*ld:]
		for t, c := range src {
			if c >= 0 {
				out[t] = qu[i*nk+c]
			} else {
				out[t] = row[-1-c]
			}
		}
		copy(row[off:off+m], out)
	}
	copy(vals, newVals)
	return true
}

const eps = 0x1p-53

// secular finds the i-th smallest root λ of the secular equation
//
//	f(λ) = 1 + ρ·Σⱼ wⱼ²/(δⱼ − λ) = 0
//
// for increasing poles δ, nonzero weights w and ρ > 0: λ lies in
// (δᵢ, δᵢ₊₁), or in (δ_last, δ_last + ρ‖w‖²] for the last. It writes δⱼ − λ
// for every j into diff, computed without cancellation: the unknown is the
// distance τ from the nearer pole (the origin), and δⱼ − λ = (δⱼ − origin) − τ.
//
// Each step models the sums over the poles left of the root (ψ) and right of
// it (φ) by c + s/(pole − x), matching value and slope at the current τ
// (the "fixed weight" method of Bunch, Nielsen and Sorensen), and solves the
// model's quadratic; a step that leaves the bracket of the root is
// replaced by bisection. It stops when |f| is within its rounding error.
func secular(delta, w []float64, rho float64, i int, diff []float64) (float64, bool) {
	k := len(delta)
	var origin, lo, hi float64
	if i == k-1 {
		var w2 float64
		for _, v := range w {
			w2 += v * v
		}
		origin, lo, hi = delta[k-1], 0, rho*w2
	} else {
		half := (delta[i+1] - delta[i]) / 2
		f := 1.0
		for j := range delta {
			f += rho * w[j] * w[j] / ((delta[j] - delta[i]) - half)
		}
		if f > 0 {
			origin, lo, hi = delta[i], 0, half
		} else {
			origin, lo, hi = delta[i+1], -half, 0
		}
	}
	for j := range delta {
		diff[j] = delta[j] - origin
	}
	p0 := diff[i] // left pole
	p1 := 0.0     // right pole (none for the last root)
	if i < k-1 {
		p1 = diff[i+1]
	}
	tau := (lo + hi) / 2
	for iter := 0; ; iter++ {
		if iter == 200 {
			return 0, false
		}
		var psi, dpsi, phi, dphi float64
		for j := 0; j <= i; j++ {
			t := w[j] / (diff[j] - tau)
			psi += w[j] * t
			dpsi += t * t
		}
		for j := i + 1; j < k; j++ {
			t := w[j] / (diff[j] - tau)
			phi += w[j] * t
			dphi += t * t
		}
		f := 1 + rho*(psi+phi)
		if math.IsNaN(f) {
			return 0, false
		}
		if math.Abs(f) <= 8*eps*float64(k+2)*(1+rho*(phi-psi)) {
			break
		}
		if f < 0 {
			lo = tau
		} else {
			hi = tau
		}
		if hi-lo <= 4*eps*max(math.Abs(lo), math.Abs(hi)) {
			break
		}
		// ψ(x) ≈ a + q/(p0 − x), φ(x) ≈ b + s/(p1 − x).
		q := dpsi * (p0 - tau) * (p0 - tau)
		c := 1 + rho*(psi-q/(p0-tau))
		next := math.NaN()
		if i == k-1 {
			// c + ρq/(p0 − x) = 0.
			if c > 0 {
				next = p0 + rho*q/c
			}
		} else {
			s := dphi * (p1 - tau) * (p1 - tau)
			c += rho * (phi - s/(p1-tau))
			// c·(p0−x)(p1−x) + ρq·(p1−x) + ρs·(p0−x) = 0, i.e.
			// c·x² − b·x + g = 0.
			b := c*(p0+p1) + rho*(q+s)
			g := c*p0*p1 + rho*(q*p1+s*p0)
			next = quadraticRootIn(c, b, g, lo, hi)
		}
		if !(next > lo && next < hi) {
			next = (lo + hi) / 2
		}
		tau = next
	}
	for j := range diff {
		diff[j] -= tau
	}
	return origin + tau, true
}

// quadraticRootIn returns a root of a·x² − b·x + c = 0 inside (lo, hi), or
// NaN: both roots computed without cancellation.
func quadraticRootIn(a, b, c, lo, hi float64) float64 {
	if a == 0 {
		return c / b
	}
	disc := math.Sqrt(max(b*b-4*a*c, 0))
	t := (b + math.Copysign(disc, b)) / 2
	for _, x := range []float64{t / a, c / t} {
		if x > lo && x < hi {
			return x
		}
	}
	return math.NaN()
}
