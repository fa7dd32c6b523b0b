#!/usr/bin/python3
"""Writes two small NWB 2.x files laid out like the Neural Latents Benchmark
(DANDI 000128 MC_Maze and 000129 MC_RTT), with a planted linear readout, for
the tests of the nlb-maze and nlb-rtt presets:

    /usr/bin/python3 presets/testdata/make_nlb.py      (Debian python3-h5py)
    /usr/bin/python3 presets/testdata/make_nlb.py --large FILE [--mb 50]

maze_like.nwb  16 units (4 held out), 30 trials of 1.8 s (train/val/test, some
               with delay < 448 ms), /processing/behavior/hand_vel at 1 kHz as
               int16 with a `conversion`, timed by `timestamps` that skip the
               test trials (test trials have no behaviour).
rtt_like.nwb   16 units (4 held out), 30 s of continuous 600 ms trials, target_pos
               changing every 0.6-1.4 s, finger_vel as float32 timed by
               `starting_time` + `rate`, NaN during test trials.

--large writes one large MC_Maze-like file for the benchmark instead
(maze_large; benchmarks/nwb_bench.sh, never committed).

    /usr/bin/python3 presets/testdata/make_nlb.py --variants DIR --count K

writes K more files into DIR, maze-like and rtt-like in turn, each from its
own seed (maze_v1.nwb, rtt_v2.nwb, …; never committed): many distinct
recordings for the batch tests of oblique-beam.

Firing rates follow smooth latent signals (shared and private). The hand
velocity is a fixed linear readout (planted(), saved as *_w.npy) of the
units' spike trains smoothed with a Gaussian of sd 45 ms, in Hz, 100 ms
earlier: what the presets decode from, so the planted decoder is what they
should recover (up to binning and filtering). Seeds are fixed: the files are
reproducible.
"""
import os
import uuid

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STR = h5py.string_dtype("utf-8")
REF = h5py.ref_dtype


def attrs(obj, ndtype, descr="", namespace="core"):
    obj.attrs.create("neurodata_type", ndtype, dtype=STR)
    obj.attrs.create("namespace", namespace, dtype=STR)
    obj.attrs.create("object_id", str(uuid.uuid5(uuid.NAMESPACE_URL, obj.file.filename + obj.name)), dtype=STR)
    if descr is not None:
        obj.attrs.create("description", descr, dtype=STR)


def column(group, name, data, descr, ndtype="VectorData", **kw):
    d = group.create_dataset(name, data=data, **kw)
    attrs(d, ndtype, descr)
    return d


def index(group, name, ends, target, dtype):
    d = group.create_dataset(name, data=np.asarray(ends, dtype=dtype))
    attrs(d, "VectorIndex", "Index for VectorData '%s'" % target.name.split("/")[-1])
    d.attrs.create("target", target.ref, dtype=REF)
    return d


def table(group, colnames, ndtype, descr):
    attrs(group, ndtype, descr)
    group.attrs.create("colnames", np.array(colnames, dtype=object), dtype=STR)


def units(f, trains, heldout, obs_end, idx_dtype, compress=True):
    u = f.create_group("units")
    table(u, ["spike_times", "obs_intervals", "heldout"], "Units", "sorted units")
    kw = {"compression": "gzip", "shuffle": True} if compress else {}
    st = column(u, "spike_times", np.concatenate(trains), "spike times (s)", **kw)
    index(u, "spike_times_index", np.cumsum([len(t) for t in trains]), st, idx_dtype)
    oi = column(u, "obs_intervals", np.array([[0.0, obs_end]] * len(trains)), "observation intervals")
    index(u, "obs_intervals_index", np.arange(1, len(trains) + 1), oi, np.uint8)
    column(u, "heldout", np.array(heldout, dtype=bool), "held-out units")
    ids = u.create_dataset("id", data=np.arange(len(trains), dtype=np.int64))
    attrs(ids, "ElementIdentifiers", None)


def timeseries(group, name, data, unit, conversion=1.0, timestamps=None, rate=None, start=0.0):
    g = group.create_group(name)
    attrs(g, "TimeSeries", name)
    g.attrs.create("comments", "columns=[x,y]", dtype=STR)
    d = g.create_dataset("data", data=data, compression="gzip", shuffle=True)
    d.attrs["conversion"] = np.float32(conversion)
    d.attrs["resolution"] = np.float32(-1.0)
    d.attrs.create("unit", unit, dtype=STR)
    if timestamps is not None:
        t = g.create_dataset("timestamps", data=timestamps, compression="gzip", shuffle=True)
        t.attrs["interval"] = np.int32(1)
        t.attrs.create("unit", "seconds", dtype=STR)
    else:
        s = g.create_dataset("starting_time", data=np.float64(start))
        s.attrs["rate"] = np.float32(rate)
        s.attrs.create("unit", "seconds", dtype=STR)


def nwb_root(f, ident):
    attrs(f, "NWBFile", None)
    f.attrs.create("nwb_version", "2.4.0", dtype=STR)
    for k, v in [("identifier", ident), ("session_description", "oblique test file: NLB-like layout, planted readout"),
                 ("session_start_time", "2026-01-01T00:00:00+00:00"), ("timestamps_reference_time", "2026-01-01T00:00:00+00:00")]:
        f.create_dataset(k, data=v, dtype=STR)
    return f


def readout(trains, w, dur_ms, lag_ms=100, sd_ms=45):
    """Velocity at 1 ms: w applied to the spike trains smoothed by a
    Gaussian (sd_ms) in Hz, lag_ms earlier."""
    counts = np.zeros((dur_ms, len(trains)))
    for j, t in enumerate(trains):
        idx = np.minimum((t * 1000).astype(int), dur_ms - 1)
        np.add.at(counts[:, j], idx, 1)
    k = np.arange(-4 * sd_ms, 4 * sd_ms + 1)
    g = np.exp(-k ** 2 / (2 * sd_ms ** 2))
    g *= 1000 / g.sum()
    sm = np.stack([np.convolve(counts[:, j], g, "same") for j in range(counts.shape[1])], axis=1)
    vel = np.zeros((dur_ms, w.shape[0]))
    vel[lag_ms:] = (sm[:-lag_ms] - sm.mean(0)) @ w.T
    return vel


def poisson_trains(rng, rates_hz):
    """Spike times (s) from 1 ms rates, T × N: at most one spike per ms, at a
    uniformly random time inside the millisecond."""
    trains = []
    for j in range(rates_hz.shape[1]):
        spikes = np.nonzero(rng.random(rates_hz.shape[0]) < rates_hz[:, j] * 1e-3)[0]
        trains.append(np.round((spikes + rng.random(len(spikes))) * 1e-3, 6))
    return trains


def rates_from_latents(rng, lat, private):
    """Rates (Hz): a shared low-dimensional part plus a private smooth signal
    per neuron, so that the population is high-dimensional and a readout of
    it is identifiable."""
    n = private.shape[1]
    load = rng.standard_normal((lat.shape[1], n))
    base = rng.uniform(25, 40, n)
    return np.clip(base + 6 * lat @ load + 15 * private, 1, None)


def smooth_latents(rng, t_ms, k, scale_ms):
    """Sum of random sinusoids: smooth latent signals on a 1 ms grid."""
    lat = np.zeros((t_ms, k))
    tt = np.arange(t_ms)
    for j in range(k):
        for _ in range(4):
            f = rng.uniform(0.5, 1.5) / scale_ms
            lat[:, j] += np.sin(2 * np.pi * f * tt + rng.uniform(0, 2 * np.pi))
    return lat / 2


W_PLANTED_SEED = 7


def planted(n):
    return np.random.default_rng(W_PLANTED_SEED).standard_normal((2, n))


def maze(seed=11, path=None):
    rng = np.random.default_rng(seed)
    n_in, n_out, n_trials = 12, 4, 30
    n = n_in + n_out
    dur_ms = 1000 + n_trials * 2000
    lat = smooth_latents(rng, dur_ms, 3, 500)
    rates = rates_from_latents(rng, lat, smooth_latents(rng, dur_ms, n, 500))
    trains = poisson_trains(rng, rates)
    w = planted(n)
    vel = readout(trains, w, dur_ms) + rng.standard_normal((dur_ms, 2))
    starts = 1.0 + 2.0 * np.arange(n_trials)
    stops = starts + 1.8
    onset = np.round(starts + 0.8 + rng.uniform(0, 0.3, n_trials), 3)
    delay = np.round(rng.uniform(250, 900, n_trials))
    split = np.array(["train"] * 20 + ["val"] * 6 + ["test"] * 4, dtype=object)
    rng.shuffle(split)
    # Behaviour exists outside test trials only.
    t_ms = np.arange(dur_ms)
    keep = np.ones(dur_ms, bool)
    for s, e, sp in zip(starts, stops, split):
        if sp == "test":
            keep[int(round(s * 1000)):int(round(e * 1000))] = False
    conv = 0.05  # int16 counts of 0.05 mm/s
    with h5py.File(path or os.path.join(HERE, "maze_like.nwb"), "w") as f:
        nwb_root(f, "maze-like")
        units(f, trains, [False] * n_in + [True] * n_out, dur_ms / 1000, np.uint16)
        iv = f.create_group("intervals")
        tr = iv.create_group("trials")
        cols = ["start_time", "stop_time", "split", "move_onset_time", "delay", "trial_type"]
        table(tr, cols, "TimeIntervals", "trials")
        column(tr, "start_time", starts, "start")
        column(tr, "stop_time", stops, "stop")
        column(tr, "split", split, "data split", dtype=STR)
        column(tr, "move_onset_time", onset, "movement onset")
        column(tr, "delay", delay, "delay period (ms)")
        column(tr, "trial_type", rng.integers(1, 4, n_trials), "condition")
        ids = tr.create_dataset("id", data=np.arange(n_trials, dtype=np.int64))
        attrs(ids, "ElementIdentifiers", None)
        beh = f.create_group("processing/behavior")
        attrs(beh, "ProcessingModule", "behaviour")
        assert np.abs(vel).max() / conv < 32767, "velocity overflows int16"
        timeseries(beh, "hand_vel", np.round(vel[keep] / conv).astype(np.int16), "mm/s", conversion=conv,
                   timestamps=t_ms[keep] / 1000.0)
    if path is None:
        np.save(os.path.join(HERE, "maze_like_w.npy"), w)


def rtt(seed=12, path=None):
    rng = np.random.default_rng(seed)
    n_in, n_out = 12, 4
    n = n_in + n_out
    dur_ms = 30000
    lat = smooth_latents(rng, dur_ms, 3, 500)
    rates = rates_from_latents(rng, lat, smooth_latents(rng, dur_ms, n, 500))
    trains = poisson_trains(rng, rates)
    w = planted(n)
    vel = readout(trains, w, dur_ms) + rng.standard_normal((dur_ms, 2))
    starts = np.arange(0.0, dur_ms / 1000 - 0.6 + 1e-9, 0.6)
    stops = starts + 0.6
    split = rng.choice(np.array(["train", "val", "test"], dtype=object), len(starts), p=[0.6, 0.2, 0.2])
    # Target changes every 0.6-1.4 s (on the 1 ms grid).
    target = np.zeros((dur_ms, 2))
    t = 0
    pos = rng.uniform(-100, 100, 2)
    while t < dur_ms:
        step = int(rng.uniform(600, 1400))
        target[t:t + step] = pos
        pos = rng.uniform(-100, 100, 2)
        t += step
    for s, e, sp in zip(starts, stops, split):
        if sp == "test":
            vel[int(round(s * 1000)):int(round(e * 1000))] = np.nan
    with h5py.File(path or os.path.join(HERE, "rtt_like.nwb"), "w") as f:
        nwb_root(f, "rtt-like")
        units(f, trains, [False] * n_in + [True] * n_out, dur_ms / 1000, np.uint32)
        tr = f.create_group("intervals/trials")
        table(tr, ["start_time", "stop_time", "split"], "TimeIntervals", "trials")
        column(tr, "start_time", starts, "start")
        column(tr, "stop_time", stops, "stop")
        column(tr, "split", split, "data split", dtype=STR)
        ids = tr.create_dataset("id", data=np.arange(len(starts), dtype=np.int64))
        attrs(ids, "ElementIdentifiers", None)
        beh = f.create_group("processing/behavior")
        attrs(beh, "ProcessingModule", "behaviour")
        timeseries(beh, "finger_vel", vel.astype(np.float32), "mm/s", rate=1000.0, start=0.0)
        timeseries(beh, "target_pos", target.astype(np.float32), "mm", rate=1000.0, start=0.0)
    if path is None:
        np.save(os.path.join(HERE, "rtt_like_w.npy"), w)


def maze_large(path, mb, seed=13):
    """A large MC_Maze-like file for the benchmark (never committed): 182
    units (45 held out), trials of 1.8 s every 2 s, and hand_vel, hand_pos,
    cursor_pos and eye_pos at 1 kHz as float64 with timestamps (none during
    test trials), all written uncompressed, so that, as in the DANDI NLB
    files, the 1 kHz behaviour makes most of the size. The number of trials
    is chosen to make about mb megabytes. Rates follow smooth latents as in
    maze(); hand velocity is a readout of the latents plus noise (no planted
    spike readout: the file is for timing). Generated in blocks of 100 s, so
    memory stays small whatever the size."""
    rng = np.random.default_rng(seed)
    n_in, n_out = 137, 45
    n = n_in + n_out
    # Bytes per 2 s trial: 4 series x (2 float64 + 1 timestamp) for the ~87 %
    # of time outside test trials, and spike times at ~33 Hz.
    per_trial = 2000 * 0.87 * 4 * 24 + n * 33 * 2 * 8
    n_trials = max(10, int(round(mb * 1e6 / per_trial)))
    dur_ms = 1000 + n_trials * 2000
    starts = 1.0 + 2.0 * np.arange(n_trials)
    stops = starts + 1.8
    onset = np.round(starts + 0.8 + rng.uniform(0, 0.3, n_trials), 3)
    delay = np.round(rng.uniform(250, 900, n_trials))
    split = rng.choice(np.array(["train", "val", "test"], dtype=object), n_trials, p=[0.67, 0.2, 0.13])
    keep = np.ones(dur_ms, bool)
    for a, b, sp in zip(starts, stops, split):
        if sp == "test":
            keep[int(round(a * 1000)):int(round(b * 1000))] = False
    # Latent sinusoids: fixed frequencies and phases, so blocks join up.
    k_lat = 3
    f_lat = rng.uniform(0.5, 1.5, (k_lat, 4)) / 500
    p_lat = rng.uniform(0, 2 * np.pi, (k_lat, 4))
    f_pri = rng.uniform(0.5, 1.5, (n, 4)) / 500
    p_pri = rng.uniform(0, 2 * np.pi, (n, 4))
    load = rng.standard_normal((k_lat, n))
    base = rng.uniform(25, 40, n)
    mix = rng.standard_normal((k_lat, 2)) * 60

    def sines(tt, f, p):
        return np.sin(2 * np.pi * f[None, :, :] * tt[:, None, None] + p[None]).sum(axis=2) / 2

    n_beh = int(keep.sum())
    names = ["hand_vel", "hand_pos", "cursor_pos", "eye_pos"]
    trains = [[] for _ in range(n)]
    with h5py.File(path, "w") as f:
        nwb_root(f, "maze-large")
        beh = f.create_group("processing/behavior")
        attrs(beh, "ProcessingModule", "behaviour")
        series = {}
        for name in names:
            g = beh.create_group(name)
            attrs(g, "SpatialSeries", name)
            d = g.create_dataset("data", (n_beh, 2), dtype=np.float64)
            d.attrs["conversion"] = np.float32(1.0)
            d.attrs["resolution"] = np.float32(-1.0)
            d.attrs.create("unit", "mm/s" if name == "hand_vel" else "mm", dtype=STR)
            t = g.create_dataset("timestamps", (n_beh,), dtype=np.float64)
            t.attrs["interval"] = np.int32(1)
            t.attrs.create("unit", "seconds", dtype=STR)
            series[name] = (d, t)
        pos = np.zeros(2)
        at = 0
        block = 100_000
        for t0 in range(0, dur_ms, block):
            tt = np.arange(t0, min(t0 + block, dur_ms))
            lat = sines(tt, f_lat, p_lat)
            rates = np.clip(base + 6 * lat @ load + 15 * sines(tt, f_pri, p_pri), 1, None)
            for j in range(n):
                sp = np.nonzero(rng.random(len(tt)) < rates[:, j] * 1e-3)[0]
                trains[j].append(np.round((tt[sp] + rng.random(len(sp))) * 1e-3, 6))
            vel = lat @ mix + rng.standard_normal((len(tt), 2))
            hand = pos + np.cumsum(vel, axis=0) * 1e-3
            pos = hand[-1]
            k = keep[tt]
            m = int(k.sum())
            values = {"hand_vel": vel, "hand_pos": hand, "cursor_pos": hand + 0.5 * rng.standard_normal((len(tt), 2)),
                      "eye_pos": 20 * lat[:, :2] + rng.standard_normal((len(tt), 2))}
            for name in names:
                d, t = series[name]
                d[at:at + m] = values[name][k]
                t[at:at + m] = tt[k] / 1000.0
            at += m
        units(f, [np.concatenate(t) for t in trains], [False] * n_in + [True] * n_out, dur_ms / 1000, np.uint32,
              compress=False)
        tr = f.create_group("intervals/trials")
        cols = ["start_time", "stop_time", "split", "move_onset_time", "delay", "trial_type"]
        table(tr, cols, "TimeIntervals", "trials")
        column(tr, "start_time", starts, "start")
        column(tr, "stop_time", stops, "stop")
        column(tr, "split", split, "data split", dtype=STR)
        column(tr, "move_onset_time", onset, "movement onset")
        column(tr, "delay", delay, "delay period (ms)")
        column(tr, "trial_type", rng.integers(1, 4, n_trials), "condition")
        ids = tr.create_dataset("id", data=np.arange(n_trials, dtype=np.int64))
        attrs(ids, "ElementIdentifiers", None)
    return n_trials


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Writes the NLB-like test files (default) or a large one for the benchmark.")
    ap.add_argument("--large", metavar="FILE", help="write a large MC_Maze-like file to FILE instead (never commit it)")
    ap.add_argument("--mb", type=float, default=50, help="approximate size of the large file in MB (default 50)")
    ap.add_argument("--variants", metavar="DIR", help="write --count seeded variants into DIR instead (never commit them)")
    ap.add_argument("--count", type=int, default=8, help="number of variants (default 8)")
    args = ap.parse_args()
    if args.variants:
        os.makedirs(args.variants, exist_ok=True)
        for i in range(1, args.count + 1):
            kind, make = ("maze", maze) if i % 2 else ("rtt", rtt)
            path = os.path.join(args.variants, "%s_v%d.nwb" % (kind, i))
            make(seed=100 + i, path=path)
            print(path, os.path.getsize(path), "bytes")
    elif args.large:
        trials = maze_large(args.large, args.mb)
        print(args.large, os.path.getsize(args.large), "bytes,", trials, "trials")
    else:
        maze()
        rtt()
        for name in ["maze_like.nwb", "rtt_like.nwb"]:
            print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")
