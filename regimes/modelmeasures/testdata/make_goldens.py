#!/usr/bin/env python3
"""Independent NumPy/scikit-learn reference for package modelmeasures.

Writes golden.npz (inputs and reference arrays) and golden.json (reference
scalars) next to this script. Every number is computed here from the
definitions in METHODS.md sections 4-5 and the paper's reference code
conventions (frschu/aligned_oblique_in_rnns), not from the Go code:

  measures   generalised correlation (model form), magnitudes, shape
             dissimilarity (Williams et al. 2021, alpha = 1)
  fit        D_var and D_fit with the model rule (PCA on all trials after the
             dropped steps, every step projected, RidgeCV on the first trials,
             R^2 pooled over all trials, steps and outputs)
  perturb/*  perturbation windows, losses and AUCs for each task on small
             networks simulated here in float64 (Euler, dt = 0.2)
  noise      residual variances along random / output / PC directions

Random inputs (weights, batches, direction coefficients) are drawn here and
stored, so the Go tests feed the same values in. Run once:

    /usr/bin/python3 regimes/modelmeasures/testdata/make_goldens.py

numpy, scipy and scikit-learn (Debian python3-sklearn) are needed.
"""
import json
import os

import numpy as np
from scipy.linalg import svdvals
from sklearn.decomposition import PCA
from sklearn.linear_model import RidgeCV

HERE = os.path.dirname(os.path.abspath(__file__))
DT = 0.2
ALPHAS = np.logspace(-3, 6, 20)
rng = np.random.default_rng(20240517)
arrays = {}
golden = {}


# ---------------------------------------------------------------- helpers
def gen_corr(w, y):
    """rho = ||W Y^T|| / sqrt(||W W^T|| ||Y Y^T||), rows centred across neurons."""
    w = w - w.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    num = np.linalg.norm(w @ y.T)
    den = np.sqrt(np.linalg.norm(w @ w.T) * np.linalg.norm(y @ y.T))
    return float(num / den)


def magnitude(m):
    return float(np.sqrt(m.shape[1]) * np.sqrt(np.mean(m ** 2)))


def shape_distance(x, y):
    cx = x - x.mean(axis=0)
    cy = y - y.mean(axis=0)
    nuc = svdvals(cx.T @ cy).sum()
    return float(np.arccos(min(1.0, nuc / (np.linalg.norm(cx) * np.linalg.norm(cy)))))


def orient(v):
    """Columns of v signed so that the entry of largest magnitude is positive."""
    v = v.copy()
    for j in range(v.shape[1]):
        i = np.argmax(np.abs(v[:, j]))
        if v[i, j] < 0:
            v[:, j] *= -1
    return v


def gram_schmidt_rows(m):
    """Orthonormal basis (columns) of the row span, QR with positive diag(R)."""
    q, r = np.linalg.qr(m.T)
    s = np.sign(np.diag(r))
    s[s == 0] = 1
    return q * s


def top_pcs(y, k=2):
    pca = PCA(k, svd_solver="full").fit(y)
    return orient(pca.components_.T)


def directions(basis, coefs, first):
    """Unit directions basis @ c; row 0 the first basis vector if first."""
    if basis is None:
        v = coefs.copy()
    else:
        v = coefs @ basis.T
        if first:
            v[0] = basis[:, 0]
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# ---------------------------------------------------------------- measures
n, m, k = 20, 150, 2
y = rng.normal(size=(m, n)) @ np.diag(np.linspace(3, 0.2, n)) + 0.5
w = rng.normal(size=(k, n)) / np.sqrt(n)
y2 = rng.normal(size=(m, 15)) + y[:, :15] @ rng.normal(size=(15, 15)) * 0.3
arrays.update({"measures_w": w, "measures_y": y, "measures_y2": y2})
golden["measures"] = {
    "rho": gen_corr(w, y),
    "w_magnitude": magnitude(w),
    "y_magnitude": magnitude(y),
    "dissimilarity": shape_distance(y, y2),
    "dissimilarity_self": shape_distance(y, y),
}

# ---------------------------------------------------------------- fit
# As the reference code (neuro_compute_results.ipynb): PCA on the states
# after the first `drop` steps of each trial, every step projected on it;
# RidgeCV from the first k projections trained on every step of the first
# `train` trials; R^2 over every step of every trial, pooled over outputs,
# z-bar the mean of each output over all trials and steps.
trials, steps, drop, n, train = 8, 40, 10, 12, 6
kept = steps - drop
latent = rng.normal(size=(trials * steps, n)).cumsum(axis=0) * 0.1
y_all = latent @ np.diag(np.geomspace(4, 0.05, n)) @ np.linalg.qr(rng.normal(size=(n, n)))[0]
wout = rng.normal(size=(2, n))
z_all = y_all @ wout.T + 0.3 * np.sin(np.arange(trials * steps))[:, None]
y = y_all.reshape(trials, steps, n)[:, drop:].reshape(-1, n)
pca = PCA(svd_solver="full").fit(y)
cum = np.cumsum(pca.explained_variance_ratio_)
dvar = int(np.argmax(cum > 0.9) + 1)
proj = pca.transform(y_all)
r2s, alphas = [], []
for c in range(1, n + 1):
    xk = proj[:, :c]
    ridge = RidgeCV(alphas=ALPHAS).fit(xk[: train * steps], z_all[: train * steps])
    zhat = ridge.predict(xk)
    r2s.append(float(1 - ((z_all - zhat) ** 2).sum() / ((z_all - z_all.mean(axis=0)) ** 2).sum()))
    alphas.append(float(ridge.alpha_))
dfit = next((i + 1 for i, r in enumerate(r2s) if r > 0.9), 0)
arrays.update({"fit_y": y_all, "fit_z": z_all})
golden["fit"] = {"trials": trials, "steps": steps, "drop": drop, "kept": kept, "train": train,
                 "cum_var": cum.tolist(), "d_var": dvar, "r2": r2s, "alpha": alphas, "d_fit": dfit}


# ---------------------------------------------------------------- perturbations
def simulate(wrec, win, wout, inputs, x0):
    """States x_t (state before update t) and outputs z_t = x_t W_out^T."""
    b, steps, _ = inputs.shape
    xs = np.zeros((b, steps, wrec.shape[0]))
    x = x0.copy()
    for t in range(steps):
        xs[:, t] = x
        if t < steps - 1:
            x = (1 - DT) * x + DT * (np.tanh(x) @ wrec.T + inputs[:, t] @ win.T)
    return xs, xs @ wout.T


def every5(mask):
    mask[:, np.arange(mask.shape[1]) % 5 != 0] = False
    return mask


def make_batch(task, b):
    """Task-shaped batches (steps, channels, scored periods as METHODS.md)."""
    if task == "cycling":
        steps, nin, nout = 360, 2, 2
        inp = np.zeros((b, steps, nin)); tgt = np.zeros((b, steps, nout)); mask = np.zeros((b, steps, nout), bool)
        t = np.arange(steps) * DT
        for i in range(b):
            s = 1 - 2 * (i % 2)
            inp[i, :5, i % 2] = 1
            tp = (t - 1)[5:]
            tgt[i, 5:, 0] = np.sin(s * 2 * np.pi * 0.1 * tp)
            tgt[i, 5:, 1] = np.cos(2 * np.pi * 0.1 * tp)
            mask[i, 5:] = True
        return inp, tgt, every5(mask)
    if task == "flipflop":
        steps, nch = 125, 3
        inp = rng.choice([-1.0, 0, 1], p=[0.05, 0.9, 0.05], size=(b, steps, nch))
        tgt = rng.choice([-1.0, 1], size=(b, steps, nch))
        mask = rng.random((b, steps, nch)) < 0.7
        return inp, tgt, every5(mask)
    if task == "mante":
        steps = 240
        inp = rng.normal(scale=0.1, size=(b, steps, 4))
        tgt = np.zeros((b, steps, 1)); mask = np.zeros((b, steps, 1), bool)
        mask[:, :115] = True
        for i in range(b):
            tgt[i, 140:] = rng.choice([-1.0, 1])
        mask[:, 140:] = True
        return inp, tgt, every5(mask)
    if task == "romo":
        steps = 145
        inp = np.zeros((b, steps, 1)); tgt = np.zeros((b, steps, 1)); mask = np.zeros((b, steps, 1), bool)
        starts = rng.integers(30, 100, size=b)
        for i, d0 in enumerate(starts):
            inp[i, 5:10] = rng.uniform(0.5, 1.5)
            inp[i, d0 - 25:d0 - 20] = rng.uniform(0.5, 1.5)
            tgt[i, d0:d0 + 40] = rng.choice([-1.0, 1])
            mask[i, d0:d0 + 40] = True
        return inp, tgt, every5(mask)
    if task == "complex-sine":
        steps = 250
        f = rng.uniform(size=b)
        inp = np.repeat((f + 0.25)[:, None, None], steps, axis=1)
        t = np.arange(steps) * DT
        tgt = np.sin(2 * np.pi * (0.04 + 0.16 * f)[:, None] * t)[:, :, None]
        mask = np.ones((b, steps, 1), bool)
        mask[:, np.arange(steps) % 2 != 0] = False
        return inp, tgt, mask
    raise ValueError(task)


def window(task, tgt, mask, gap=5.0):
    """METHODS.md section 5: perturbation range and the scored window."""
    b, steps, _ = tgt.shape
    t = np.arange(steps) * DT
    mask, tgt = mask.copy(), tgt.copy()
    if task in ("cycling", "flipflop", "complex-sine"):
        tmin = 5.0
        tmax = tmin + {"cycling": 10, "flipflop": 5, "complex-sine": 20}[task]
        start = tmax + gap
        mask[:, t < start - 1e-9] = False
    elif task == "mante":
        first = min(np.nonzero((tgt[i] != 0).any(axis=1))[0][0] for i in range(b))
        mask[:, :first] = False
        tmin, start = 10.0, first * DT
        tmax = start - gap
    elif task == "romo":
        firsts = [np.nonzero(mask[i].any(axis=1))[0][0] for i in range(b)]
        last = int(np.argmax(firsts))
        signs = [tgt[i, firsts[i]].copy() for i in range(b)]
        mask = np.repeat(mask[last][None], b, axis=0)
        for i in range(b):
            tgt[i][mask[i]] = np.broadcast_to(signs[i], mask[i].shape)[mask[i]]
        tmin, start = 1.0, firsts[last] * DT
        tmax = start - gap
    return tmin, tmax, start, tgt, mask


N_PERT, TRIALS, N_AMP, N_TIME = 10, 5, 4, 3
golden["perturb"] = {}
for task in ("cycling", "flipflop", "mante", "romo", "complex-sine"):
    inp, tgt, mask = make_batch(task, TRIALS)
    nin, nout = inp.shape[2], tgt.shape[2]
    wrec = rng.normal(scale=1.5 / np.sqrt(N_PERT), size=(N_PERT, N_PERT))
    win = rng.normal(size=(N_PERT, nin))
    wout = rng.normal(scale=1 / np.sqrt(N_PERT), size=(nout, N_PERT))
    x0 = rng.normal(size=(TRIALS, N_PERT))
    xs, zs = simulate(wrec, win, wout, inp, x0)
    tmin, tmax, start, tw, mw = window(task, tgt, mask)
    drop = 50  # 10 time units
    pcs = top_pcs(xs[:, drop:].reshape(-1, N_PERT))
    bases = {"out": gram_schmidt_rows(wout), "pc": pcs, "random": None, "in": gram_schmidt_rows(win.T)}
    amax = 5.0 if task == "romo" else 10.0
    amps = np.linspace(0, amax * np.sqrt(N_PERT), N_AMP)
    pert_steps = np.floor(np.linspace(tmin, tmax, N_TIME) / DT + 0.5).astype(int)  # round half up, as Go
    unpert = float(((zs - tw) ** 2)[mw].mean())
    loss = np.zeros((4, N_AMP, N_TIME))
    for di, kind in enumerate(("out", "pc", "random", "in")):
        dim = N_PERT if bases[kind] is None else bases[kind].shape[1]
        coefs = rng.normal(size=(N_TIME, N_AMP, TRIALS, dim))
        arrays[f"perturb_{task}_coef_{kind}"] = coefs
        for ti, s in enumerate(pert_steps):
            for ai, a in enumerate(amps):
                v = directions(bases[kind], coefs[ti, ai], kind != "random")
                xp, zp = simulate(wrec, win, wout, inp[:, s:], xs[:, s] + a * v)
                z = zs.copy()
                z[:, s:] = zp
                loss[di, ai, ti] = ((z - tw) ** 2)[mw].mean()
    auc = loss.mean(axis=2).sum(axis=1)
    for name, arr in {"input": inp, "target": tgt, "mask": mask.astype(float), "w": wrec, "w_in": win,
                      "w_out": wout, "x0": x0, "window_target": tw, "window_mask": mw.astype(float),
                      "loss": loss}.items():
        arrays[f"perturb_{task}_{name}"] = np.asarray(arrays.get(f"perturb_{task}_{name}", arr), float)
    golden["perturb"][task] = {
        "trials": TRIALS, "steps": int(inp.shape[1]), "inputs": nin, "outputs": nout, "n": N_PERT,
        "t_min": tmin, "t_max": float(tmax), "start": float(start), "steps_pert": pert_steps.tolist(),
        "amplitudes": amps.tolist(), "unperturbed": unpert, "auc": auc.tolist(),
        "relative": float(auc[0] / auc[1]),
    }

# ---------------------------------------------------------------- noise
cond, rep, steps, n = 3, 5, 40, 10
mean_traj = rng.normal(size=(cond, steps, n)).cumsum(axis=1)
states = np.zeros((cond * rep, steps, n))
mix = rng.normal(size=(n, n)) @ np.diag(np.geomspace(2, 0.1, n))
for i in range(cond * rep):  # trial i is condition i mod cond
    states[i] = mean_traj[i % cond] + rng.normal(size=(steps, n)) @ mix.T
wout = rng.normal(size=(2, n))
rand_c = rng.normal(size=(50, n))
out_c = rng.normal(size=(20, 2))
pc_c = rng.normal(size=(20, 2))
tca = np.stack([states[c::cond].mean(axis=0) for c in range(cond)])
dh = np.zeros_like(states)
for c in range(cond):
    dh[c::cond] = states[c::cond] - tca[c]
dh = dh.reshape(-1, n)
pcs = top_pcs(tca.reshape(-1, n))


def var_along(v):
    return (dh @ v.T).var(axis=0, ddof=1)


vr = var_along(directions(None, rand_c, False))
vo = var_along(directions(gram_schmidt_rows(wout), out_c, False))
vp = var_along(directions(pcs, pc_c, False))
arrays.update({"noise_states": states.reshape(-1, n), "noise_w_out": wout, "noise_rand": rand_c,
               "noise_out": out_c, "noise_pc": pc_c, "noise_var_random": vr, "noise_var_out": vo,
               "noise_var_pc": vp})
golden["noise"] = {"conditions": cond, "repeats": rep, "steps": steps, "n": n,
                   "ratio": float(vo.mean() / vr.mean()), "ratio_pc": float(vp.mean() / vr.mean())}

np.savez_compressed(os.path.join(HERE, "golden.npz"), **{k: np.asarray(v, float) for k, v in arrays.items()})
with open(os.path.join(HERE, "golden.json"), "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")
print("wrote golden.npz and golden.json:", len(arrays), "arrays")
