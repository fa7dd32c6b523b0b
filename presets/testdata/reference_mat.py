#!/usr/bin/python3
"""An independent NumPy/SciPy implementation of oblique's cycling and
bci-hennig presets, following the paper's notebook
(frschu/aligned_oblique_in_rnns, notebooks/data_loaders.py: load_russo_2018
with subs_step=5 and hand velocity, load_hennig_2018 with use_raw_output)
and the issue's definition of the Hennig output, without looking at the Go
code. Run with /usr/bin/python3 (SciPy 1.10, scikit-learn 1.2):

    /usr/bin/python3 presets/testdata/reference_mat.py

writes mat_reference.json (design shape, α, R², coefficients, ρ, D_var,
D_fit, D_fit/D_var) for cycling_like.mat and hennig_like.mat.

cycling: samples with mask.cycleNum not NaN; hand velocity = mean of the 4
copies in vA (reshape -1 x 4 x 2); rates xA_raw 100 ms earlier
(int(-100 / dt) samples, dt from mask.time); every 5th sample.
bci-hennig: block 1 ("hennig") and block 2 ("hennig2", its own decoder
nDecoder of D.blocks(2)); X = spikes / 0.045 s;
z = velNext - vel M1ᵀ - (M2 spikeCountMeanᵀ + M0)ᵀ on rows with
isFreezePeriod == 0.
"""
import json
import os

import numpy as np
from scipy.io import loadmat
from sklearn.linear_model import Ridge, RidgeCV

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHAS = np.logspace(-3, 6, 20)


def field(s, name):
    return s[name][0, 0]


def cycling(path):
    pc = loadmat(path)["Pc"][0, 0]
    mask = pc["mask"][0, 0]
    mask_m = ~np.isnan(mask["cycleNum"][:, 0])
    t = mask["time"][:, 0] * 1e3
    dt = int(t[1] - t[0])
    ids_mov = np.where(mask_m)[0]
    out = pc["vA"].reshape(-1, 4, 2)[ids_mov].mean(1)
    hids = pc["xA_raw"][ids_mov + int(-100 / dt)]
    return hids[::5], out[::5]


def hennig(path, block=1):
    d = loadmat(path)["D"][0, 0]
    b = d["blocks"][0, block - 1]  # D.blocks(block)
    nd = b["nDecoder"][0, 0]
    mean = d["dec"][0, 0]["spikeCountMean"]
    m0 = nd["M2"] @ mean.T + nd["M0"]
    z = b["velNext"] - b["vel"] @ nd["M1"].T - m0.T
    keep = b["isFreezePeriod"][:, 0] == 0
    return b["spikes"][keep].astype(float) / 0.045, z[keep]


def analyse(x, z):
    x = x - x.mean(0)
    z = z - z.mean(0)
    a = RidgeCV(alphas=ALPHAS).fit(x, z).alpha_
    r = Ridge(alpha=a, solver="svd").fit(x, z)
    w, r2 = r.coef_, r.score(x, z)
    u, s, _ = np.linalg.svd(x.T, full_matrices=False)
    cev = np.cumsum(s ** 2) / np.sum(s ** 2)
    d_var = int(np.nonzero(cev > 0.9)[0][0] + 1)
    d_fit = 0
    for k in range(1, x.shape[1] + 1):
        xp = x @ u[:, :k]
        ak = RidgeCV(alphas=ALPHAS).fit(xp, z).alpha_
        if Ridge(alpha=ak, solver="svd").fit(xp, z).score(xp, z) > 0.9 * r2:
            d_fit = k
            break
    return {"samples": int(x.shape[0]), "neurons": int(x.shape[1]), "alpha": float(a), "r2": float(r2),
            "coef": w.tolist(), "rho": float(np.linalg.norm(x @ w.T) / (np.linalg.norm(x) * np.linalg.norm(w))),
            "d_var": d_var, "d_fit": d_fit, "ratio": d_fit / d_var}


def main():
    out = {}
    for name, fn in [("cycling", cycling), ("hennig", hennig), ("hennig2", lambda p: hennig(p, 2))]:
        x, z = fn(os.path.join(HERE, name.rstrip("2") + "_like.mat"))
        out[name] = analyse(x, z)
        r = out[name]
        print(name, x.shape, "alpha", r["alpha"], "R2 %.6f rho %.4f D_var %d D_fit %d" % (r["r2"], r["rho"], r["d_var"], r["d_fit"]))
    with open(os.path.join(HERE, "mat_reference.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
