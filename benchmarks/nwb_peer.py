#!/usr/bin/python3
"""The h5py + NumPy peer of oblique's NWB benchmark (BenchmarkNLBMaze in
presets/nwbsource/bench_test.go), run by benchmarks/nwb_bench.sh:

    /usr/bin/python3 benchmarks/nwb_peer.py FILE [REPEATS] [LABEL]

Times, on an MC_Maze-like NWB file, what the nlb-maze preset does
(METHODS.md §2, nlb_tools conventions), written as a NumPy user would write
it, vectorised:
  open the file with h5py, read the units (spike_times, its index, heldout,
  obs_intervals), the trials table and hand_vel (data, conversion,
  timestamps);
  bin every spike at 1 ms (nlb_tools: int(round(t * 1000, 6))) and sum the
  1 ms bins to 45 ms (a trailing partial bin dropped), with bincount on
  the spikes' bin indices (the dense 1 ms matrix would take 0.5 GB here);
  put hand_vel on the 1 ms grid by its timestamps, fill gaps by linear
  interpolation, decimate with scipy.signal.decimate(x, 45, n=500,
  ftype='fir') and restore the gaps;
  keep trials with split != 'test' and delay >= 448 ms, cut each around
  move_onset_time (-700...785 ms with 90 ms margins), smooth it (Gaussian,
  sigma 45 ms: windows.gaussian(6, 1) normalised, numpy.convolve 'same' as
  shifted sums), drop the margins, keep 0...300 ms after onset with activity
  100 ms (2 bins) earlier;
  build the decoding matrix: X in Hz and z, both centred.
Prints one line per repeat in Go's benchmark format, after one warm-up run,
and on stderr the BLAS it runs on (peerinfo.describe, LABEL naming the
configuration; a line "peer LABEL: ...") and the design's shape and sums (a
line "design ...").
"""
import sys
import time

import h5py
import numpy as np
from scipy import signal

import peerinfo

BIN = 45


def ns(x):
    return np.round(np.asarray(x) * 1e9).astype(np.int64)


def design(path):
    with h5py.File(path, "r") as f:
        u = f["units"]
        st = u["spike_times"][()]
        ends = u["spike_times_index"][()].astype(np.int64)
        u["heldout"][()]  # held-out units are merged: read, not used
        obs_end = u["obs_intervals"][()][:, 1].max()
        tr = f["intervals/trials"]
        stop = tr["stop_time"][()]
        split = tr["split"][()]
        delay = tr["delay"][()]
        onset = tr["move_onset_time"][()]
        g = f["processing/behavior/hand_vel"]
        d = g["data"]
        vel = d[()] * float(d.attrs.get("conversion", 1.0))
        stamps = g["timestamps"][()]
    n_units = len(ends)
    end_ms = int(np.round(max(obs_end, stop[-1]) * 1000))
    n45 = end_ms // BIN
    # Spikes: 1 ms bin of each spike, then 45 ms counts.
    unit = np.repeat(np.arange(n_units), np.diff(np.concatenate([[0], ends])))
    idx = np.round(st * 1000, 6).astype(np.int64)
    ok = (idx >= 0) & (idx < n45 * BIN)
    counts = np.bincount((idx[ok] // BIN) * n_units + unit[ok], minlength=n45 * n_units)
    counts = counts.reshape(n45, n_units).astype(np.float64)
    # Behaviour: 1 ms grid, fill, decimate, restore gaps.
    grid = np.full((end_ms, vel.shape[1]), np.nan)
    at = np.round(stamps * 1000).astype(np.int64)
    ok = (at >= 0) & (at < end_ms)
    grid[at[ok]] = vel[ok]
    missing = np.isnan(grid[:, 0])
    have = np.nonzero(~missing)[0]
    filled = grid.copy()
    gaps = np.nonzero(missing)[0]
    for j in range(grid.shape[1]):
        filled[gaps, j] = np.interp(gaps, have, grid[have, j])
    beh = signal.decimate(filled, BIN, n=500, ftype="fir", axis=0)[:n45]
    beh[missing[::BIN][:n45]] = np.nan
    # Trials.
    split = np.array([s.decode() if isinstance(s, bytes) else s for s in split])
    keep = np.nonzero((split != "test") & (delay >= 448))[0]
    w = signal.windows.gaussian(6, 1, sym=True)
    w /= w.sum()
    shift = (len(w) - 1) // 2
    step = BIN * 1_000_000
    lag = int(100 / BIN)
    a = ns(onset[keep])
    lo, hi = a - ns(0.7), a + ns(0.785) - 1000
    m0 = np.maximum(-(-(lo - ns(0.09)) // step), 0)
    m1 = np.minimum((hi + ns(0.09)) // step + 1, n45)
    i0 = np.maximum(-(-lo // step), 0)
    i1 = np.minimum(hi // step + 1, n45)
    align0 = -(-a // step) * step
    xs, zs = [], []
    for k in range(len(keep)):
        block = counts[m0[k]:m1[k]]
        padded = np.zeros((len(block) + 2 * len(w), n_units))
        padded[len(w):len(w) + len(block)] = block
        sm = np.zeros_like(block)
        for t, wt in enumerate(w):
            s0 = len(w) + shift - t
            sm += wt * padded[s0:s0 + len(block)]
        rows = np.arange(i0[k], i1[k])
        t_ms = (rows * step - align0[k]) / 1e6
        fit = rows[(t_ms >= 0) & (t_ms < 300)]
        xs.append(sm[fit - lag - m0[k]])
        zs.append(beh[fit])
    x = np.concatenate(xs) / (BIN * 1e-3)
    z = np.concatenate(zs)
    sums = (x.sum(), z.sum())
    return x - x.mean(0), z - z.mean(0), sums


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    peerinfo.describe(sys.argv[3] if len(sys.argv) > 3 else "h5py+NumPy")
    x, z, (sx, sz) = design(path)  # warm-up
    print("design %d×%d sum(X) %.6e sum(z) %.6e" % (x.shape[0], x.shape[1], sx, sz), file=sys.stderr)
    peerinfo.header("presets/nwbsource")
    for _ in range(reps):
        t = time.perf_counter()
        design(path)
        print(f"BenchmarkNLBMaze-{peerinfo.cpus()}\t1\t{(time.perf_counter() - t) * 1e9:.0f} ns/op", flush=True)


if __name__ == "__main__":
    main()
