#!/usr/bin/python3
"""Reference values for oblique's decoder, PCA and regime measures.

Run with Debian's Python (python3-sklearn 1.2, python3-numpy, python3-scipy):

    /usr/bin/python3 testdata/sklearn/make_goldens.py

from the repository root. It writes, next to itself, one JSON file per
problem (golub.json, tall.json, wide.json) and the generated inputs of the
synthetic problems (tall_x.npy, …). The Go tests read these files; they never
run Python.

What is computed, for X (samples × neurons) and z (samples × outputs), both
centred over samples as the paper's code does:
  * RidgeCV(alphas=logspace(-3, 6, 20)) (efficient leave-one-out): alpha_,
    and the mean squared LOO error per alpha (from cv_values_);
  * the decoder at that alpha, Ridge(alpha_, solver="svd"): coef_,
    intercept_, R^2 = score(X, z).  RidgeCV's own coef_ is not used: its GCV
    form recovers the dual coefficients as (y - yhat)/alpha from terms of
    size y/alpha, which on near-exact fits (the Golub data: R^2 = 1 - 8e-12)
    loses about six digits. "ridgecv_coef_rel_diff" records how far RidgeCV's
    coef_ is from Ridge's; Ridge's svd, cholesky and lsqr solvers agree with
    each other to ~1e-15 on the same data.
  * PCA: cumulative explained variance ratio (sklearn PCA) and D_var, the
    first k with ratio > 0.9 (the paper's code uses the SVD of X.T);
  * the fitting-dimension path: for k = 1..rank, RidgeCV on X @ U[:, :k]
    (U from numpy.linalg.svd(X.T)), alpha_k, and R^2_k of Ridge(alpha_k)
    in-sample; D_fit = first k with R^2_k > 0.9 * R^2_full; D_fit / D_var;
  * rho = ||X W^T|| / (||X|| ||W||);
  * the same decoder and path with RidgeCV(cv=5) (K-fold, no shuffling).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.linear_model import Ridge, RidgeCV

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ALPHAS = np.logspace(-3, 6, 20)
THR = 0.9


def golub():
    d = os.path.join(ROOT, "data", "golub2018_bci", "npy")
    spikes = np.load(os.path.join(d, "before_spikes.npy"))
    z = np.load(os.path.join(d, "before_vraw_intuitive.npy"))
    c = np.load(os.path.join(d, "before_cursor_to_target_dir.npy"))
    ang = np.degrees(np.arctan2(c[:, 1], c[:, 0])) % 360
    bad = np.zeros(len(ang), bool)
    for a in range(0, 360, 45):
        bad |= np.isclose(ang, a)
    return spikes[~bad] / 0.045, z[~bad]


def generated(name, t, n, k, latent, seed):
    """Low-dimensional latent dynamics seen through noisy neurons, with an
    output that is partly aligned with the latents and partly not."""
    rng = np.random.default_rng(seed)
    tt = np.arange(t)[:, None]
    freqs = rng.uniform(0.01, 0.1, latent)
    lat = np.sin(2 * np.pi * freqs * tt + rng.uniform(0, 2 * np.pi, latent))
    lat *= np.linspace(3, 0.5, latent)
    load = rng.standard_normal((latent, n))
    x = 5 + lat @ load + 0.7 * rng.standard_normal((t, n))
    w = rng.standard_normal((k, n)) / np.sqrt(n)
    z = x @ w.T + 0.3 * lat[:, :k] + 0.1 * rng.standard_normal((t, k))
    np.save(os.path.join(HERE, name + "_x.npy"), x)
    np.save(os.path.join(HERE, name + "_z.npy"), z)
    return x, z


def ridge_at(alpha, x, y):
    return Ridge(alpha=alpha, solver="svd").fit(x, y)


def analyse(x, y, cv=None):
    x = x - x.mean(0)
    y = y - y.mean(0)
    out = {}
    rcv = RidgeCV(alphas=ALPHAS, cv=cv, store_cv_values=cv is None).fit(x, y)
    if cv is None:
        out["loo_mse"] = rcv.cv_values_.mean(axis=(0, 1)).tolist()
    r = ridge_at(rcv.alpha_, x, y)
    w = r.coef_
    out["alpha"] = float(rcv.alpha_)
    out["coef"] = w.tolist()
    out["intercept"] = r.intercept_.tolist()
    out["r2"] = float(r.score(x, y))
    out["ridgecv_coef_rel_diff"] = float(np.linalg.norm(rcv.coef_ - w) / np.linalg.norm(w))
    out["rho"] = float(np.linalg.norm(x @ w.T) / (np.linalg.norm(x) * np.linalg.norm(w)))

    pca = PCA().fit(x)
    cevr = np.cumsum(pca.explained_variance_ratio_)
    out["cum_var"] = cevr.tolist()
    out["d_var"] = int(np.where(cevr > THR)[0][0] + 1)

    u, s, _ = np.linalg.svd(x.T, full_matrices=False)
    rank = int(np.sum(s > s[0] * max(x.shape) * np.finfo(float).eps))
    alphas_k, r2_k = [], []
    for k in range(1, rank + 1):
        xp = x @ u[:, :k]
        rk = RidgeCV(alphas=ALPHAS, cv=cv).fit(xp, y)
        alphas_k.append(float(rk.alpha_))
        r2_k.append(float(ridge_at(rk.alpha_, xp, y).score(xp, y)))
    out["path_alpha"] = alphas_k
    out["path_r2"] = r2_k
    above = [k + 1 for k, v in enumerate(r2_k) if v > THR * out["r2"]]
    out["d_fit"] = above[0] if above else 0
    out["ratio"] = out["d_fit"] / out["d_var"]
    return out


def main():
    problems = {
        "golub": golub(),
        "tall": generated("tall", 300, 40, 2, 6, 1),
        "wide": generated("wide", 60, 150, 2, 4, 2),
    }
    for name, (x, z) in problems.items():
        res = {
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "samples": x.shape[0],
            "neurons": x.shape[1],
            "loo": analyse(x, z),
            "kfold5": analyse(x, z, cv=5),
        }
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(res, f, indent=1)
        loo = res["loo"]
        print(name, x.shape, "alpha", loo["alpha"], "R2", loo["r2"], "rho", loo["rho"],
              "D_var", loo["d_var"], "D_fit", loo["d_fit"], "ratio", loo["ratio"],
              "RidgeCV coef diff", loo["ridgecv_coef_rel_diff"])


if __name__ == "__main__":
    main()
