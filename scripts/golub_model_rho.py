#!/usr/bin/python3
"""The two correlation forms of METHODS.md §4 on the bundled Golub recording
(README, "What `models` computes"): the experimental form with the intuitive
mapping M2 as W, and the model form (rows of W and of Y centred across
neurons), on the 402 samples `analyze` uses and on all 552.

    /usr/bin/python3 scripts/golub_model_rho.py
"""
import numpy as np

d = "data/golub2018_bci/npy/"
x = np.load(d + "before_spikes.npy").astype(float) / 0.045  # counts → Hz
w = np.load(d + "map_intuitive_M2.npy").astype(float)       # 2 × 86
to_target = np.load(d + "before_cursor_to_target_dir.npy").astype(float)


def model_form(w, y):
    w = w - w.mean(1, keepdims=True)
    y = y - y.mean(1, keepdims=True)
    return np.linalg.norm(w @ y.T) / np.sqrt(np.linalg.norm(w @ w.T) * np.linalg.norm(y.T @ y))


def experimental_form(w, x):
    xc = x - x.mean(0)
    return np.linalg.norm(xc @ w.T) / (np.linalg.norm(xc) * np.linalg.norm(w))


# The manifest's mask: drop samples whose cursor-to-target angle is one of
# the eight target directions (numpy.isclose, as the paper selected them).
angle = np.degrees(np.arctan2(to_target[:, 1], to_target[:, 0])) % 360
drop = np.zeros(len(angle), bool)
for a in range(0, 361, 45):
    drop |= np.isclose(angle, a)
for name, rows in [("analysed", ~drop), ("all", np.ones(len(x), bool))]:
    y = x[rows]
    print(f"{name:8s} {rows.sum():3d} samples: experimental ρ {experimental_form(w, y):.3f}, model-form ρ {model_form(w, y):.3f}")
