#!/usr/bin/python3
"""Reference values for preprocess/spikes_test.go, from the exact calls the
paper used (run from the repository root with Debian's /usr/bin/python3,
NumPy 1.24 and SciPy 1.10):

    /usr/bin/python3 preprocess/testdata/make_goldens.py

writes preprocess/testdata/spikes.json with, on generated data:
  * bins: spike times binned at 1 ms as nlb_tools does
    (np.unique(((t - t0) * rate).round(6).astype(int))), then summed to 45 ms;
  * gaussian: scipy.signal.windows.gaussian(6*s, s, sym=True) / sum for
    s = 1, 2, 3 and numpy.convolve(x, w, 'same') of a noisy series;
  * decimate: scipy.signal.decimate(x, q, n=500, ftype='fir') for q = 45, 10, 7
    on signals of several lengths, and firwin(501, 1/45, window='hamming').
"""
import json
import os

import numpy as np
import scipy
from scipy import signal

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(42)
out = {"numpy": np.__version__, "scipy": scipy.__version__}

# Binning: three units over 2.3 s, a spike exactly on a bin edge and one a
# hair before an edge (rounding to 6 decimals puts it in the later bin).
trains = [np.sort(rng.uniform(0, 2.3, 400)), np.sort(rng.uniform(0, 2.3, 50)),
          np.array([0.0, 0.045, 0.0449999999, 0.1, 1.0, 2.2999])]
rate = 1000.0
n_bins = 2300
counts = np.zeros((n_bins, len(trains)))
for u, t in enumerate(trains):
    idx, cnt = np.unique(((t - 0.0) * rate).round(6).astype(int), return_counts=True)
    keep = idx < n_bins
    counts[idx[keep], u] = cnt[keep]
q = 45
c45 = counts[: (n_bins // q) * q].reshape(n_bins // q, q, -1).sum(axis=1)
out["bins"] = {"trains": [t.tolist() for t in trains], "n_bins": n_bins,
               "counts_1ms_sum": counts.sum(axis=0).tolist(),
               "counts_1ms_nonzero": [[int(i), int(j), float(counts[i, j])] for i, j in zip(*np.nonzero(counts))],
               "counts_45ms": c45.tolist()}

# Gaussian kernels and 'same' convolution.
x = rng.poisson(3.0, 200).astype(float)
g = {}
for s in [1, 2, 3]:
    w = signal.windows.gaussian(6 * s, s, sym=True)
    w /= np.sum(w)
    g[str(s)] = {"kernel": w.tolist(), "smoothed": np.convolve(x, w, "same").tolist()}
out["gaussian"] = {"x": x.tolist(), "by_s": g}

# Decimation.
dec = []
for q, n_in in [(45, 4000), (45, 4007), (10, 503), (7, 96)]:
    t = np.arange(n_in)
    xs = np.sin(2 * np.pi * t / 900) + 0.3 * rng.standard_normal(n_in)
    dec.append({"q": q, "x": xs.tolist(), "y": signal.decimate(xs, q, n=500, ftype="fir").tolist()})
out["decimate"] = dec
out["firwin_501_45"] = signal.firwin(501, 1.0 / 45, window="hamming").tolist()

with open(os.path.join(HERE, "spikes.json"), "w") as f:
    json.dump(out, f)
print("wrote spikes.json")
