#!/usr/bin/python3
"""Writes small MATLAB v5 files laid out like the data sets of the cycling and
BCI presets, with planted readouts (Debian /usr/bin/python3, SciPy 1.10):

    /usr/bin/python3 presets/testdata/make_mat.py

cycling_like.mat   like Russo et al. 2018's Cousteau_tt.mat: struct Pc with
                   xA_raw (T×N rates, 1 ms samples), vA (T×8: four copies of
                   hand velocity x, y), pA, zA (EMG), mask.cycleNum (NaN
                   outside movement), mask.time (s). The velocity is a
                   readout of the rates 100 ms earlier, the four copies with
                   independent noise.
hennig_like.mat    like Hennig et al. 2018: struct D with blocks(1..2) holding
                   spikes (uint8 T×N counts per 45 ms), vel, velNext (T×2),
                   isFreezePeriod (T×1), nDecoder.M0/M1/M2, and
                   dec.spikeCountMean; velNext = vel·M1ᵀ + spikes·M2ᵀ + M0ᵀ.
golub_like.mat     like Golub et al. 2018's exampleData.mat, small: 3 clouds
                   (1×3 cells) of spikes (10×12 counts), vraw_intuitive and
                   cursorToTargetDirection (2×12), expParams.intuitiveMapping
                   M2 and m0 (vraw = M2·spikes + m0); for the error tests,
                   bigSpikes (spikes × 1e300) and expParams.badMapping.m0
                   (Inf).
"""
import os

import numpy as np
from scipy.io import savemat

HERE = os.path.dirname(os.path.abspath(__file__))


def cycling():
    rng = np.random.default_rng(21)
    t_len, n = 1500, 12
    tt = np.arange(t_len)
    lat = np.stack([np.sin(2 * np.pi * tt / 500 + p) for p in rng.uniform(0, 2 * np.pi, 6)], axis=1)
    rates = np.clip(20 + 8 * lat @ rng.standard_normal((6, n)) + 2 * rng.standard_normal((t_len, n)), 0, None)
    w = rng.standard_normal((2, n))
    vel = np.zeros((t_len, 2))
    vel[100:] = (rates[:-100] - rates.mean(0)) @ w.T
    va = np.concatenate([vel + 0.5 * rng.standard_normal((t_len, 2)) for _ in range(4)], axis=1)
    cycle = np.full((t_len, 1), np.nan)
    cycle[300:1400, 0] = np.floor((np.arange(300, 1400) - 300) / 500) + 1
    pc = {
        "xA_raw": rates, "vA": va, "pA": np.cumsum(va[:, :2], axis=0) * 1e-3,
        "zA": np.abs(rates[:, :5] @ rng.standard_normal((5, 2))),
        "mask": {"cycleNum": cycle, "time": (tt[:, None] + 1) * 1e-3},
    }
    savemat(os.path.join(HERE, "cycling_like.mat"), {"Pc": pc}, do_compression=True, format="5")
    np.save(os.path.join(HERE, "cycling_like_w.npy"), w)


def hennig():
    rng = np.random.default_rng(22)
    t_len, n = 900, 20
    m1 = np.array([[0.8, 0.05], [-0.05, 0.8]])
    m2 = rng.standard_normal((2, n)) * 0.3
    m0 = rng.standard_normal((2, 1))
    blocks = []
    for b in range(2):
        spikes = rng.poisson(rng.uniform(0.5, 4, n), (t_len, n)).astype(np.uint8)
        vel = np.zeros((t_len, 2))
        vnext = np.zeros((t_len, 2))
        for t in range(t_len):
            if t > 0:
                vel[t] = vnext[t - 1]
            vnext[t] = vel[t] @ m1.T + spikes[t] @ m2.T + m0[:, 0]
        freeze = np.zeros((t_len, 1), np.uint8)
        freeze[rng.random(t_len) < 0.15] = 1
        blocks.append({"spikes": spikes, "vel": vel, "velNext": vnext, "isFreezePeriod": freeze,
                       "nDecoder": {"M0": m0, "M1": m1, "M2": m2 if b == 0 else m2[::-1]}})
    # A 1×2 struct array (numpy record array), as D.blocks(b) in MATLAB.
    names = list(blocks[0].keys())
    arr = np.empty((1, 2), dtype=[(k, object) for k in names])
    for b, blk in enumerate(blocks):
        for k in names:
            arr[0, b][k] = blk[k]
    d = {"blocks": arr, "dec": {"spikeCountMean": rng.uniform(0.5, 4, (1, n)), "spikeCountStd": np.ones((1, n))}}
    savemat(os.path.join(HERE, "hennig_like.mat"), {"D": d}, do_compression=True, format="5")


def golub():
    rng = np.random.default_rng(23)
    n, per, clouds = 10, 12, 3
    m2 = rng.standard_normal((2, n)) * 0.2
    m0 = rng.standard_normal((2, 1))
    spikes = np.empty((1, clouds), dtype=object)
    vraw = np.empty((1, clouds), dtype=object)
    direction = np.empty((1, clouds), dtype=object)
    big = np.empty((1, clouds), dtype=object)
    for c in range(clouds):
        s = rng.poisson(3.0, (n, per)).astype(float)
        spikes[0, c], big[0, c] = s, s * 1e300
        vraw[0, c] = m2 @ s + m0
        angle = np.radians(rng.choice([0.0, 45.0, 17.0, 100.0], per))
        direction[0, c] = np.stack([np.cos(angle), np.sin(angle)])
    before = {"clouds": {"spikes": spikes, "vraw_intuitive": vraw, "cursorToTargetDirection": direction, "bigSpikes": big}}
    params = {"intuitiveMapping": {"M2": m2, "m0": m0}, "badMapping": {"M2": m2, "m0": np.array([[np.inf], [0.0]])}}
    savemat(os.path.join(HERE, "golub_like.mat"), {"beforeLearning": before, "expParams": params}, do_compression=True, format="5")


if __name__ == "__main__":
    cycling()
    hennig()
    golub()
    for f in ["cycling_like.mat", "hennig_like.mat", "golub_like.mat"]:
        print(f, os.path.getsize(os.path.join(HERE, f)), "bytes")
