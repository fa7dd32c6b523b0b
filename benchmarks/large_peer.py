#!/usr/bin/python3
"""The NumPy/scikit-learn peer of `oblique analyze` (default flags) on a
recording manifest, for benchmarks/large.sh.

    /usr/bin/python3 benchmarks/large_peer.py draws MANIFEST DRAWS.npz [SEED]
    /usr/bin/python3 benchmarks/large_peer.py analyze MANIFEST DRAWS.npz OUT.json [LABEL]

`draws` writes the random draws of oblique's analysis with seed SEED (0):
the neuron subsets, the halves of the samples and the bootstrap indices,
from a Python copy of Go's math/rand/v2 (PCG-DXSM, Perm, IntN) with the
streams of regimes/analyze.go (1 neurons, 2 samples, 3 bootstrap). They are
oblique's choices of random numbers, not part of the analysis: large.sh
makes them before the timed run, and `analyze` reads them, so that both
sides fit the same subsets and every ρ can be compared draw by draw.

`analyze` does what METHODS.md §3-4 says `oblique analyze` does, with the
tools a NumPy user would reach for, and writes every number to OUT.json:

- the design: the manifest's counts (Hz unless keep_counts), centred;
- the decoder: scikit-learn's RidgeCV(alphas=logspace(-3, 6, 20)) with its
  efficient leave-one-out (generalised) cross-validation; R² its score;
  ρ = ‖Xc·Wᵀ‖/(‖Xc‖‖W‖) with W its coef_;
- PCA by the SVD of the centred activity (numpy.linalg.svd, as
  sklearn.decomposition.PCA): D_var, the fewest components whose cumulative
  variance share exceeds 0.9;
- the fitting-dimension curve: RidgeCV on the first k principal-component
  scores for k = 1, 2, …, its leave-one-out errors accumulated over k
  (the score columns are orthogonal, so RidgeCV's generalised CV on the
  first k of them is a cumulative sum over components) in NumPy, a block of
  components at a time; three points are refitted with RidgeCV itself as a
  check. D_fit is the fewest k with R²_k > 0.9·R². The curve is complete for
  the whole recording and stops at D_fit for the halves of the samples;
- ρ on 20 random halves of the samples (each re-centred and analysed the
  same way): mean and standard deviation;
- the neuron scaling: for f = 0.1 … 1, int(N·f) neurons drawn 20 times,
  RidgeCV refitted and ρ recomputed (the 20 draws of all neurons are one
  fit); the least-squares slope of log(ρ·√n) against log n and its 95 %
  percentile-bootstrap interval (1000 resamples within each size).

It prints on stderr the BLAS it runs on (peerinfo.describe, LABEL naming
this configuration) and the time of each stage.
"""
import json
import os
import sys
import time
import tomllib

import numpy as np
from sklearn.linear_model import RidgeCV

import peerinfo

ALPHAS = np.logspace(-3, 6, 20)
FRACTIONS = np.linspace(0.1, 1, 10)
NEURON_DRAWS, TIME_DRAWS, TIME_FRACTION, BOOTSTRAP = 20, 20, 0.5, 1000
VAR_THRESHOLD = FIT_THRESHOLD = 0.9
M64 = (1 << 64) - 1


class GoRand:
    """Go's math/rand/v2 Rand over NewPCG(seed1, seed2): the same sequence of
    Uint64, IntN and Perm on any machine (pcg.go, rand.go)."""

    MUL = (2549297995355413924 << 64) | 4865540595714422341
    INC = (6364136223846793005 << 64) | 1442695040888963407

    def __init__(self, seed1, seed2):
        self.state = (seed1 << 64) | seed2

    def uint64(self):
        self.state = (self.state * self.MUL + self.INC) & ((1 << 128) - 1)
        hi, lo = self.state >> 64, self.state & M64
        hi ^= hi >> 32
        hi = (hi * 0xDA942042E4DD58B5) & M64
        hi ^= hi >> 48
        return (hi * (lo | 1)) & M64

    def uint64n(self, n):
        if n & (n - 1) == 0:
            return self.uint64() & (n - 1)
        p = self.uint64() * n
        if p & M64 < n:
            thresh = (-n) % n
            while p & M64 < thresh:
                p = self.uint64() * n
        return p >> 64

    def intn(self, n):
        return self.uint64n(n)

    def perm(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.uint64n(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def choose(rng, n, k):
    """k distinct indices from [0, n) in increasing order (regimes.choose)."""
    return np.sort(np.array(rng.perm(n)[:k], dtype=np.int64))


def read_manifest(path):
    with open(path, "rb") as f:
        m = tomllib.load(f)
    extra = set(m.get("preprocess", {})) - {"keep_counts"}
    if extra or set(m) - {"name", "description", "licence", "activity", "behaviour", "preprocess"}:
        sys.exit(f"large_peer: {path}: only activity, behaviour and preprocess.keep_counts are supported")
    here = os.path.dirname(path)
    x = np.load(os.path.join(here, m["activity"]["array"])).astype(np.float64, copy=False)
    z = np.load(os.path.join(here, m["behaviour"]["array"])).astype(np.float64, copy=False)
    if m["activity"].get("kind", "counts") == "counts" and not m.get("preprocess", {}).get("keep_counts", False):
        x = x / (m["activity"]["bin_ms"] / 1000)
    return x, z


def make_draws(manifest, out, seed):
    x, _ = read_manifest(manifest)
    t, n = x.shape
    sizes = [int(n * f) for f in FRACTIONS if int(n * f) >= 1]
    rng = GoRand(seed, 1)
    neurons = [[None] * len(sizes) for _ in range(NEURON_DRAWS)]
    for d in range(NEURON_DRAWS):
        for l, k in enumerate(sizes):
            neurons[d][l] = choose(rng, n, k)
    rng = GoRand(seed, 2)
    m = int(t * TIME_FRACTION)
    halves = np.stack([choose(rng, t, m) for _ in range(TIME_DRAWS)])
    # The bootstrap draws IntN(number of positive ρ of the size) for each
    # draw of each size; ρ is positive in every fit of these recordings,
    # which analyze checks.
    rng = GoRand(seed, 3)
    boot = np.array([[rng.intn(NEURON_DRAWS) for _ in range(len(sizes) * NEURON_DRAWS)] for _ in range(BOOTSTRAP)],
                    dtype=np.int64)
    arrays = {"sizes": np.array(sizes), "halves": halves, "bootstrap": boot}
    for l in range(len(sizes)):
        arrays[f"neurons{l}"] = np.stack([neurons[d][l] for d in range(NEURON_DRAWS)])
    np.savez(out, **arrays)


def rho(xc, w):
    """ρ = ‖Xc·Wᵀ‖_F / (‖Xc‖_F·‖W‖_F)."""
    nx, nw = np.linalg.norm(xc), np.linalg.norm(w)
    return 0.0 if nx == 0 or nw == 0 else float(np.linalg.norm(xc @ w.T) / (nx * nw))


def decoder(xc, z):
    """RidgeCV with efficient leave-one-out: α, R², ρ."""
    m = RidgeCV(alphas=ALPHAS).fit(xc, z)
    return float(m.alpha_), float(m.score(xc, z)), rho(xc, m.coef_)


def path(scores, lam, zc, r2_full, stop):
    """R²_k and α_k of RidgeCV on scores[:, :k] for k = 1, 2, …: RidgeCV's
    generalised CV (intercept, all α) on orthogonal centred columns, where
    the hat diagonal and the predictions add one term per component. Stops
    at D_fit when asked. Returns the curve and D_fit (0: none)."""
    t, r = scores.shape
    k = zc.shape[1]
    c = scores.T @ zc  # r × K
    tot = (zc ** 2).sum(axis=0)
    na = len(ALPHAS)
    h = np.full((na, t), 1.0 / t)  # hat diagonal, with the intercept's 1/T
    zh = np.zeros((na, t, k))
    r2s, alphas, dfit = [], [], 0
    block = 16
    for k0 in range(0, r, block):
        s = scores[:, k0:k0 + block]  # t × b
        f = 1.0 / (lam[k0:k0 + block][None, :] + ALPHAS[:, None])  # na × b
        loo = np.empty((na, s.shape[1]))
        res = np.empty((na, s.shape[1], k))
        for a in range(na):
            hk = h[a][:, None] + np.cumsum(s * s * f[a], axis=1)  # t × b
            zk = zh[a][:, None, :] + np.cumsum(s[:, :, None] * (f[a][:, None] * c[k0:k0 + block])[None], axis=1)
            e = zc[:, None, :] - zk  # t × b × K
            loo[a] = ((e / (1 - hk)[:, :, None]) ** 2).sum(axis=(0, 2))
            res[a] = (e ** 2).sum(axis=0)
            h[a], zh[a] = hk[:, -1], zk[:, -1]
        for j in range(s.shape[1]):
            best = int(np.argmax(-loo[:, j]))  # the first of the best, as RidgeCV
            r2 = float(np.mean(1 - res[best, j] / tot))
            r2s.append(r2)
            alphas.append(float(ALPHAS[best]))
            if dfit == 0 and r2 > FIT_THRESHOLD * r2_full:
                dfit = len(r2s)
                if stop:
                    return r2s, alphas, dfit
    return r2s, alphas, dfit


def analyse(x, z, full_curve, check=False):
    """Everything of one design (rows × neurons, not yet centred)."""
    xc = x - x.mean(axis=0)
    zc = z - z.mean(axis=0)
    alpha, r2, rh = decoder(xc, zc)
    u, sv, vt = np.linalg.svd(xc, full_matrices=False)
    lam = sv ** 2
    # Components at rounding level carry nothing (the LAPACK rank rule).
    rank = int((sv > sv[0] * max(xc.shape) * np.finfo(float).eps).sum())
    cum = np.cumsum(lam) / lam.sum()
    dvar = int(np.argmax(cum > VAR_THRESHOLD)) + 1
    scores = u[:, :rank] * sv[:rank]
    del u
    r2k, ak, dfit = path(scores, lam[:rank], zc, r2, stop=not full_curve)
    if check:
        # Three points of the curve refitted by RidgeCV itself.
        for kk in sorted({1, max(dfit, 1), len(r2k)}):
            m = RidgeCV(alphas=ALPHAS).fit(scores[:, :kk], zc)
            got = float(m.score(scores[:, :kk], zc))
            if m.alpha_ != ak[kk - 1] or abs(got - r2k[kk - 1]) > 1e-8:
                sys.exit(f"large_peer: curve point k={kk}: cumulative α {ak[kk - 1]} R² {r2k[kk - 1]}, "
                         f"RidgeCV α {m.alpha_} R² {got}")
    out = {"r2": r2, "alpha": alpha, "rho": rh, "d_var": dvar, "d_fit": dfit,
           "fit_ratio": dfit / dvar if dfit else None}
    if full_curve:
        out.update({"r2_k": r2k, "alpha_k": ak, "cum_var": cum[:rank].tolist()})
    return out


def slope(logn, logy):
    x = np.concatenate([np.full(len(v), logn[l]) for l, v in enumerate(logy)])
    y = np.concatenate(logy)
    mx, my = x.mean(), y.mean()
    return float(((x - mx) * (y - my)).sum() / ((x - mx) ** 2).sum())


def run(manifest, draws_path, out_path, label):
    peerinfo.describe(label)
    stages = {}
    t0 = time.perf_counter()
    x, z = read_manifest(manifest)
    x -= x.mean(axis=0)
    z = z - z.mean(axis=0)
    draws = np.load(draws_path)
    stages["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    res = analyse(x, z, full_curve=True, check=True)
    stages["decoder, PCA, curve"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    halves = [analyse(x[rows], z[rows], full_curve=False) for rows in draws["halves"]]
    time_rho = [h["rho"] for h in halves]
    stages["halves of the samples"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    sizes = [int(k) for k in draws["sizes"]]
    n = x.shape[1]
    rhos = []
    for l, k in enumerate(sizes):
        if k == n:
            # Every draw of all the neurons is the same set: one fit.
            rhos.append([res["rho"]] * NEURON_DRAWS)
            continue
        rhos.append([decoder(x[:, idx], z)[2] for idx in draws[f"neurons{l}"]])
    stages["neuron subsets"] = time.perf_counter() - t0

    rhos = np.array(rhos)
    if (rhos <= 0).any():
        sys.exit("large_peer: a subset has ρ ≤ 0: the bootstrap draws assume every ρ positive")
    logn = np.log(np.array(sizes, dtype=float))
    ys = rhos * np.sqrt(np.array(sizes, dtype=float))[:, None]
    logy = [np.log(v) for v in ys]
    boot = draws["bootstrap"].reshape(BOOTSTRAP, len(sizes), NEURON_DRAWS)
    slopes = [slope(logn, [logy[l][boot[b, l]] for l in range(len(sizes))]) for b in range(BOOTSTRAP)]
    res.update({
        "rho_time_mean": float(np.mean(time_rho)), "rho_time_sd": float(np.std(time_rho)), "time_rho": time_rho,
        "scaling_n": sizes, "scaling_rho": rhos.tolist(),
        "rho_sqrt_n_mean": ys.mean(axis=1).tolist(),
        "rho_sqrt_n_lo": np.percentile(ys, 2.5, axis=1).tolist(),
        "rho_sqrt_n_hi": np.percentile(ys, 97.5, axis=1).tolist(),
        "slope": slope(logn, logy),
        "slope_lo": float(np.percentile(slopes, 2.5)), "slope_hi": float(np.percentile(slopes, 97.5)),
        "samples": int(x.shape[0]), "neurons": int(n),
    })
    with open(out_path, "w") as f:
        json.dump(res, f)
    print(f"peer {label}: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()), file=sys.stderr, flush=True)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "draws":
        make_draws(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    elif len(sys.argv) >= 5 and sys.argv[1] == "analyze":
        run(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "NumPy+scikit-learn")
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main()
