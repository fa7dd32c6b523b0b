#!/usr/bin/python3
"""An independent NumPy/SciPy implementation of oblique's nlb-maze and nlb-rtt
presets, following the paper's notebook (frschu/aligned_oblique_in_rnns,
notebooks/data_loaders.py: load_nlb_maze, load_nlb_rtt) and nlb_tools'
conventions step by step, written without looking at the Go code. Run with
Debian's /usr/bin/python3 (NumPy 1.24, SciPy 1.10, scikit-learn 1.2, h5py):

    /usr/bin/python3 presets/testdata/reference_nlb.py

It reads maze_like.nwb and rtt_like.nwb (make_nlb.py) and writes
nlb_reference.json: the design's shape, the decoder (α, coefficients, R²),
ρ, D_var, D_fit, D_fit/D_var, and how well the fitted decoder recovers the
planted one. The Go tests compare the presets with these numbers.

Steps (METHODS.md §2):
 1. all units, held-out ones included, in file order; spikes binned at 1 ms
    from t = 0 as nlb_tools does (index = int(round((t - 0) * 1000, 6))) up
    to round(1000 * max obs_intervals end) ms (or the last trial's end);
 2. re-binned to 45 ms by summing, a trailing partial bin dropped;
 3. behaviour placed on the 1 ms grid by its timestamps (or starting_time +
    i / rate), times `conversion`; gaps filled by linear interpolation
    (numpy.interp, as pandas interpolate(limit_direction='both')), decimated
    with scipy.signal.decimate(x, 45, n=500, ftype='fir'), and set back to NaN
    where the 1 ms value at the kept sample was missing;
 4. maze: trials with split != 'test' and delay >= 448 ms; each aligned to
    move_onset_time, -700...785 ms, with 90 ms (2 sigma) margins; smoothed per
    trial (Gaussian sigma 45 ms: windows.gaussian(6, 1) normalised,
    numpy.convolve 'same'); margins dropped; trial time from the onset rounded
    up to the 45 ms grid; fit window 0 <= t < 300 ms; activity 2 bins (100 ms)
    earlier in the same trial;
    rtt: trials with split != 'test', each from start to stop - 1 us,
    concatenated; smoothed over the whole concatenation; re-cut where
    target_pos (sampled every 45 ms) changes; fit window 300 <= t < 600 ms
    from each re-cut start; activity 2 rows earlier;
 5. X in Hz (counts / 0.045 s), both centred; RidgeCV(logspace(-3, 6, 20)).
"""
import json
import os

import h5py
import numpy as np
from scipy import signal
from sklearn.linear_model import Ridge, RidgeCV

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = 45
ALPHAS = np.logspace(-3, 6, 20)


def spikes_1ms(f):
    st = f["units/spike_times"][()]
    ends = f["units/spike_times_index"][()].astype(np.int64)
    starts = np.concatenate([[0], ends[:-1]])
    obs = f["units/obs_intervals"][()]
    end_ms = int(round(obs[:, 1].max() * 1000))
    last = f["intervals/trials/stop_time"][()][-1]
    if end_ms < last * 1000:
        end_ms = int(round(last * 1000))
    counts = np.zeros((end_ms, len(ends)))
    for u, (a, b) in enumerate(zip(starts, ends)):
        idx, cnt = np.unique(((st[a:b] - 0.0) * 1000).round(6).astype(int), return_counts=True)
        ok = (idx >= 0) & (idx < end_ms)
        counts[idx[ok], u] = cnt[ok]
    return counts


def rebin(c, q):
    n = c.shape[0] // q
    return c[: n * q].reshape(n, q, -1).sum(axis=1)


def behaviour_1ms(f, path, n_ms):
    g = f[path]
    d = g["data"]
    data = d[()].astype(np.float64) * float(d.attrs.get("conversion", 1.0))
    if "timestamps" in g:
        t = g["timestamps"][()]
    else:
        t = float(g["starting_time"][()]) + np.arange(data.shape[0]) / float(g["starting_time"].attrs["rate"])
    out = np.full((n_ms, data.shape[1]), np.nan)
    idx = np.round(t * 1000).astype(int)
    ok = (idx >= 0) & (idx < n_ms)
    out[idx[ok]] = data[ok]
    return out


def decimate_filled(x, q):
    filled = x.copy()
    for j in range(x.shape[1]):
        bad = np.isnan(x[:, j])
        if bad.any():
            good = np.nonzero(~bad)[0]
            filled[bad, j] = np.interp(np.nonzero(bad)[0], good, x[good, j])
    y = signal.decimate(filled, q, n=500, ftype="fir", axis=0)
    y[np.isnan(x[::q])] = np.nan
    return y[: x.shape[0] // q]


def kernel():
    s = int(round(45 / BIN))
    w = signal.windows.gaussian(6 * s, s, sym=True)
    return w / w.sum()


def smooth(block):
    w = kernel()
    return np.stack([np.convolve(block[:, j], w, "same") for j in range(block.shape[1])], axis=1)


def ns(x):
    return int(round(x * 1e9))


def rows_between(lo_ns, hi_ns, n_rows):
    """Grid rows k (start 45k ms) with lo <= start <= hi."""
    step = BIN * 1_000_000
    first = -(-lo_ns // step)
    last = hi_ns // step
    return max(first, 0), min(last + 1, n_rows)


def maze_design(path):
    with h5py.File(path, "r") as f:
        c45 = rebin(spikes_1ms(f), BIN)
        n1 = c45.shape[0] * BIN
        vel = decimate_filled(behaviour_1ms(f, "processing/behavior/hand_vel", spikes_1ms(f).shape[0]), BIN)
        tr = {k: f["intervals/trials/" + k][()] for k in ["split", "delay", "move_onset_time"]}
    split = np.array([s.decode() if isinstance(s, bytes) else s for s in tr["split"]])
    keep = (split != "test") & (tr["delay"] >= 448)
    xs, zs, trials = [], [], []
    step = BIN * 1_000_000
    for i in np.nonzero(keep)[0]:
        a = ns(tr["move_onset_time"][i])
        lo, hi = a - ns(0.7), a + ns(0.785) - 1000
        m0, m1 = rows_between(lo - ns(0.09), hi + ns(0.09), c45.shape[0])
        i0, i1 = rows_between(lo, hi, c45.shape[0])
        rates = smooth(c45[m0:m1]) / (BIN * 1e-3)
        align0 = -(-a // step) * step
        t_ms = np.array([(k * step - align0) / 1e6 for k in range(i0, i1)])
        inner = rates[i0 - m0: i1 - m0]
        beh = vel[i0:i1]
        fit = np.nonzero((t_ms >= 0) & (t_ms < 300))[0]
        lag = int(100 / BIN)
        xs.append(inner[fit - lag])
        zs.append(beh[fit])
        trials += [i] * len(fit)
    return np.concatenate(xs), np.concatenate(zs), trials


def rtt_design(path):
    with h5py.File(path, "r") as f:
        s1 = spikes_1ms(f)
        c45 = rebin(s1, BIN)
        vel = decimate_filled(behaviour_1ms(f, "processing/behavior/finger_vel", s1.shape[0]), BIN)
        target = behaviour_1ms(f, "processing/behavior/target_pos", s1.shape[0])[::BIN][: c45.shape[0]]
        split = [s.decode() if isinstance(s, bytes) else s for s in f["intervals/trials/split"][()]]
        starts, stops = f["intervals/trials/start_time"][()], f["intervals/trials/stop_time"][()]
    rows = []
    for i in range(len(split)):
        if split[i] == "test":
            continue
        r0, r1 = rows_between(ns(starts[i]), ns(stops[i]) - 1000, c45.shape[0])
        rows += list(range(r0, r1))
    rows = np.array(rows)
    rates = smooth(c45[rows]) / (BIN * 1e-3)
    tgt = target[rows]
    cuts = np.nonzero(np.any(tgt[1:] != tgt[:-1], axis=1))[0] + 1
    xs, zs, segs = [], [], []
    lag = int(100 / BIN)
    for k in range(len(cuts) - 1):
        a, b = cuts[k], cuts[k + 1]
        t_ms = (np.arange(a, b) - a) * BIN
        fit = np.arange(a, b)[(t_ms >= 300) & (t_ms < 600)]
        xs.append(rates[fit - lag])
        zs.append(vel[rows[fit]])
        segs += [k] * len(fit)
    return np.concatenate(xs), np.concatenate(zs), segs


def analyse(x, z, w_planted):
    x = x - x.mean(0)
    z = z - z.mean(0)
    rcv = RidgeCV(alphas=ALPHAS).fit(x, z)
    r = Ridge(alpha=rcv.alpha_, solver="svd").fit(x, z)
    w = r.coef_
    r2 = r.score(x, z)
    u, s, _ = np.linalg.svd(x.T, full_matrices=False)
    cev = np.cumsum(s ** 2) / np.sum(s ** 2)
    d_var = int(np.nonzero(cev > 0.9)[0][0] + 1)
    d_fit = 0
    for k in range(1, x.shape[1] + 1):
        xp = x @ u[:, :k]
        a = RidgeCV(alphas=ALPHAS).fit(xp, z).alpha_
        if Ridge(alpha=a, solver="svd").fit(xp, z).score(xp, z) > 0.9 * r2:
            d_fit = k
            break
    # Planted decoder: rates in Hz, readout per Hz of rate.
    cos = [float(np.dot(w[o], w_planted[o]) / np.linalg.norm(w[o]) / np.linalg.norm(w_planted[o])) for o in range(2)]
    return {
        "samples": int(x.shape[0]), "neurons": int(x.shape[1]),
        "alpha": float(rcv.alpha_), "r2": float(r2), "coef": w.tolist(),
        "rho": float(np.linalg.norm(x @ w.T) / (np.linalg.norm(x) * np.linalg.norm(w))),
        "d_var": d_var, "d_fit": d_fit, "ratio": d_fit / d_var,
        "cos_planted": cos,
    }


def main():
    out = {}
    for name, fn in [("maze", maze_design), ("rtt", rtt_design)]:
        x, z, tr = fn(os.path.join(HERE, name + "_like.nwb"))
        res = analyse(x, z, np.load(os.path.join(HERE, name + "_like_w.npy")))
        res["x_first_row"] = x[0].tolist()
        res["z_first_row"] = z[0].tolist()
        res["x_sum"] = float(x.sum())
        res["z_sum"] = float(z.sum())
        res["trials"] = [int(t) for t in tr]
        out[name] = res
        print(name, x.shape, "alpha", res["alpha"], "R2 %.4f rho %.4f D_var %d D_fit %d cos %s" % (
            res["r2"], res["rho"], res["d_var"], res["d_fit"], np.round(res["cos_planted"], 3)))
    with open(os.path.join(HERE, "nlb_reference.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
