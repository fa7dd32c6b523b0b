#!/usr/bin/python3
"""The Python peer of oblique's decoder benchmarks (decode/bench_test.go).

    /usr/bin/python3 benchmarks/sklearn_peer.py DIR [REPEATS] [LABEL]

writes DIR/bench_x.npy (20000 × 200) and DIR/bench_z.npy (20000 × 2) if they
are missing, then times, on those arrays and on this machine:
  RidgeCV(alphas=np.logspace(-3, 6, 20)).fit(X, z)   (efficient leave-one-out)
  PCA().fit(X)                                        (all 200 components)
and prints one line per benchmark in Go's benchmark format
("BenchmarkName  1  <ns>  ns/op"), one per repeat, so that benchstat reads
Go's and scikit-learn's timings side by side. Before timing it prints on
stderr the BLAS it runs on, as threadpoolctl reports it (peerinfo.describe,
LABEL naming this configuration), and stops if OPENBLAS_CORETYPE asked for
another kernel: benchmarks/run.sh runs it once per OpenBLAS kernel.
"""
import os
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import RidgeCV

import peerinfo


def main():
    d = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    peerinfo.describe(sys.argv[3] if len(sys.argv) > 3 else "scikit-learn")
    procs = peerinfo.cpus()
    xp, zp = os.path.join(d, "bench_x.npy"), os.path.join(d, "bench_z.npy")
    if not os.path.exists(xp):
        rng = np.random.default_rng(1)
        # Spike-count-like activity with shared structure, and a readout.
        lat = rng.standard_normal((20000, 10))
        rates = np.exp(0.3 * lat @ rng.standard_normal((10, 200)) / np.sqrt(10) + 1)
        x = rng.poisson(rates).astype(float) / 0.045
        z = x @ rng.standard_normal((200, 2)) / 200 + rng.standard_normal((20000, 2))
        np.save(xp, x)
        np.save(zp, z)
    x, z = np.load(xp), np.load(zp)
    benches = [
        (f"BenchmarkRidgeCV-{procs}", lambda: RidgeCV(alphas=np.logspace(-3, 6, 20)).fit(x, z)),
        (f"BenchmarkPCA-{procs}", lambda: PCA().fit(x)),
    ]
    # The header benchstat uses to line these up with Go's results.
    peerinfo.header("decode")
    for name, f in benches:
        f()  # warm-up
        for _ in range(reps):
            t = time.perf_counter()
            f()
            print(f"{name}\t1\t{(time.perf_counter() - t) * 1e9:.0f} ns/op", flush=True)


if __name__ == "__main__":
    main()
