#!/usr/bin/python3
"""An independent h5py/NumPy/SciPy/scikit-learn implementation of the example
presets in this folder (issue 16: layouts nwb-continuous, nwb-aligned and
nwb-per-trial), written from the issue's specification and METHODS.md §2–4,
without looking at the Go code. Run with Debian's /usr/bin/python3 (3.11:
tomllib; NumPy 1.24, SciPy 1.10, scikit-learn 1.2, h5py) from the repository
root or anywhere:

    /usr/bin/python3 presets/examples/reference.py [DATA_DIR]

DATA_DIR defaults to ../shared/data beside the repository. It reads each
presets/examples/NAME.toml, runs it on its real file and writes
presets/examples/reference.json, and for the variants below (VARIANTS: an
example's TOML with a line or two changed, to reach semantics the examples
do not) their TOML and golden in presets/testdata/example_variants/: the
design's shape, the decoder (α,
coefficients, R²), ρ, D_var, D_fit, D_fit/D_var, and the counts behind each
note (trials dropped by reason, spike and event times dropped by reason, units
kept, samples without behaviour). The Go test compares the presets with these.

Steps common to all layouts:
 1. units: the units table's trains (`spike_times` cut by `spike_times_index`)
    in file order; kept if they pass every [units] filter: `ids` (the `id`
    column), `where` (string column value in the list), `min`/`max` (numeric
    column >= / <= value; NaN fails), `electrodes` (any of the unit's
    electrodes, through the `electrodes` DynamicTableRegion, has a listed
    value); then `min_spikes` (spikes inside the analysed bins, or windows for
    nwb-per-trial, summed over the kept trials or segments). kind = "units"
    behaviour selects its units from the same table the same way.
 2. session end: [nwb] stop_s if given; else the latest of the units'
    obs_intervals end, the last finite spike time (all units of the table),
    the last finite event/behaviour timestamp of the series the preset reads,
    and the largest finite stop_time of the trials/intervals table. Spike and
    event times are dropped when NaN, ±Inf, negative or > the session end
    (counted per reason, over the units and event series the preset reads).
 3. trials (intervals): [trials] exclude (string value in list), min, max
    (numeric; NaN fails) → "excluded by [trials] values"; then alignment time
    (align column, + start_time when relative = true) not finite; then the
    window, margins included, outside [0, session end]. Each dropped trial is
    counted once, under the first of these reasons.
 4. binning: Δ = width_ms / 1000.0 s; bin k of a segment/trial starting at t0
    counts the times with np.floor((t - t0) / Δ) == k; a trailing partial bin
    is dropped. Rates in Hz = counts / Δ. Smoothing: s = int(round(σ/width)),
    kernel scipy.signal.windows.gaussian(6*s, s, sym=True) / its sum,
    np.convolve(column, kernel, 'same') per channel, within a segment or
    trial window (margins included), on the counts, then / Δ.
 5. activity series ([nwb] activity): like a behaviour series, then smoothed
    by [smooth] sigma_ms (reading j). behaviour: kind = "series": data × conversion (+ offset), the mean of the
    samples (NaN ignored) whose timestamp falls in the bin, per column, NaN in
    a bin with none; smoothed only when smooth = true. kind = "events": every
    timestamp is one event, binned and smoothed like a spike train (Hz).
    kind = "units": the units' rates as the activity. kind = "column"
    (per-trial): the trials table's numeric column.
 6. lag: L = int(lag_ms / width_ms) bins; the sample at bin i is paired with
    activity row i - L of the same segment/trial; samples with i - L < 0 are
    dropped. Fit window [fit] window_ms (not [0, 0]): bins whose start, in ms
    from the segment start (continuous) or the alignment time (aligned), lies
    in [lo, hi).
 7. samples with a NaN in X or z are dropped (counted: "without behaviour").
 8. X and z centred over samples; RidgeCV(logspace(-3, 6, 20)), efficient
    LOO, fit_intercept; Ridge(alpha, solver='svd') for the coefficients and
    R² (uniform average over outputs); D_var = fewest PCs with cumulative
    explained variance > 0.90; D_fit = fewest k with R²_k > 0.9 R² (ridge
    with its own RidgeCV α on the first k PCs); ρ = ‖X Wᵀ‖ / (‖X‖ ‖W‖).

Layouts:
 - nwb-continuous: segments = the rows of [nwb] trials (start_time..stop_time)
   after [trials] selection, or the whole session [start_s or 0, session end];
   a segment of length L has floor(L/Δ) bins from its start.
 - nwb-aligned: t0 = align + (window_ms[0] - margin_ms) / 1000.0; the trial has
   (window_ms[1] - window_ms[0] + 2 margin_ms) / width_ms bins (a whole
   number, else an error); smoothed over all of them; the margin bins
   (margin_ms / width_ms each side) dropped; row j of the window starts at
   window_ms[0] + j·width_ms ms from the alignment time.
 - nwb-per-trial: activity = spikes with align + w0/1000 <= t < align +
   w1/1000, / ((w1 - w0)/1000) Hz; behaviour = trial columns; no smoothing,
   no lag, no centring beyond step 8.

Readings chosen where the specification is silent or ambiguous (the lead
aligns one side or the other):
 a. Event series timestamps need not be non-decreasing: each timestamp is one
    event and order does not change a count. (The real DANDI ALM file's
    lick_left_times/lick_right_times go back in time 54 and 95 times, its
    spike train 21 times; the spec's "timestamps not non-decreasing: an
    error" would make the dandi-alm-licks example unrunnable.) kind =
    "series" timestamps must be non-decreasing (an error, as the spec says).
    The out-of-order counts are reported under "checks".
 b. The session end includes the intervals table's largest finite stop_time
    (the A8604 wake epoch ends at 1087.5289 s, its last spike at 1087.35 s:
    the epoch is one segment of 10875 bins, not "outside the recording").
 c. "Window outside the recording" (aligned, per-trial) uses the window with
    its smoothing margins: align + (w0 - margin)/1000 < 0 or align +
    (w1 + margin)/1000 > session end. For the examples here the window with
    and without margins gives the same trials (checked, "checks").
 d. Lagged activity must come from the trial's window (after the margins are
    dropped), not from the margins; the examples' fit windows leave room for
    the lag, so no sample is lost to it.
 e. Fit-window membership uses the bin's start time (a bin centre gives the
    same bins here: all times are multiples of the bin width).
 f. min_spikes counts the spikes that fall in the analysed bins (continuous:
    the segments' whole bins; aligned: the trial windows without margins;
    per-trial: the windows, a spike in two overlapping windows counted twice).
 g. Spike-time drop counts are over all units the preset reads (activity and
    kind = "units" behaviour), each unit once.
 h. Unit ids: the A8604 file's `id` column holds phy cluster ids 6, 191, 206
    (not 0, 1, 2), so its preset selects ids [6, 191] and behaviour [206].
 j. Activity series ([nwb] activity) are smoothed by [smooth] sigma_ms like
    spike rates (after the bin means): a σ the user sets is applied. The Go
    layouts first left them unsmoothed, silently; the lead chose smoothing
    (with an error for a bin without a sample), checked by variant dlc-smooth
    (width 2000 ms, σ 4000 ms, smooth = true on the snout).
 i. "checks.edge_times" counts binned times within 1e-9 bin of a bin edge
    (but not on it), where another order of float operations (t0 = align +
    w0/1000 - margin/1000, say) could move them; when non-zero, the Go side
    must use the expressions above. "checks.times_exactly_on_an_edge" counts
    those exactly on one (the dlc frames at whole seconds with t0 = 0, Δ =
    1: the same in any order). For nwb-per-trial, edge_times counts the
    (trial, unit) counts that change when the window is tested as t - align
    against w/1000 instead of t against align + w/1000.
"""
import json
import os
import re
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    sys.exit("reference.py needs Python >= 3.11 (tomllib); Debian's /usr/bin/python3 is 3.11")

import h5py
import numpy as np
from scipy import signal
from sklearn.linear_model import Ridge, RidgeCV

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ALPHAS = np.logspace(-3, 6, 20)

# example preset → its file under the shared data folder
# variants of the examples, probing semantics the examples do not reach:
# (example, [(regex on a line of its TOML, replacement)]); written with their
# goldens to presets/testdata/example_variants/ (VARIANTS.toml, reference.json)
VARIANTS = {
    # whole session ends at the last behaviour timestamp (2329): the last frame is a partial bin
    "dlc-nostop": ("dlc-pose", [(r"^start_s = 0\n", ""), (r"^stop_s = 2330\n", "")]),
    # fit window = the whole trial window with a 100 ms lag: the first 2 rows of each trial have no activity
    "alm-fitall-lag": ("dandi-alm-licks", [(r"^window_ms = \[-500, 1500\].*$", "window_ms = [0, 0]")]),
    # no smoothing margins
    "alm-nomargin": ("dandi-alm-licks", [(r"^margin_ms = 200 .*$", "margin_ms = 0")]),
    # lag and fit window within a continuous session
    "phy-lag-window": ("phy-good-units", [(r"^lag_ms = 0 .*$", "lag_ms = 100\nwindow_ms = [1000, 9000]")]),
    # 50 ms bins: spike times 2 ulps from a bin edge (the floor expression decides)
    "units-50ms": ("pynapple-units", [(r"^width_ms = 100 .*$", "width_ms = 50")]),
    # activity series smoothed ([smooth] sigma_ms > 0), behaviour smoothed too (smooth = true)
    "dlc-smooth": ("dlc-pose", [(r"^width_ms = 1000 .*$", "width_ms = 2000"),
                                (r"^sigma_ms = 0 .*$", "sigma_ms = 4000"),
                                (r'^channels = \["snout x", "snout y"\]$', 'channels = ["snout x", "snout y"]\nsmooth = true')]),
    # overlapping 3 s windows and min_spikes counted over them
    "human-overlap-minspikes": ("pynapple-human-recognition", [
        (r"^window_ms = \[200, 1500\]$", "window_ms = [0, 3000]"),
        (r"^lag_ms = 0 .*$", "lag_ms = 0\n\n[units]\nmin_spikes = 300")]),
}

EXAMPLES = {
    "pynapple-human-recognition": "nwb/pynapple_sub-4_ses-4_ecephys+image.nwb",
    "dandi-alm-licks": "nwb_external/dandicli_sub-anm369963_ses-20170228.nwb",
    "phy-good-units": "nwb_external/nct_example_converter_spec_3.nwb",
    "pynapple-units": "nwb/pynapple_A8604-211122.nwb",
    "dlc-pose": "nwb_external/dlc2nwb_m3v1mp4_openfield.nwb",
}


def text(a):
    return np.array([v.decode() if isinstance(v, bytes) else str(v) for v in a])


def column(g, name):
    d = g[name][()]
    return text(d) if d.dtype.kind in "OSU" else d


# ---------------------------------------------------------------- units


def read_units(f, path):
    g = f[path]
    st = g["spike_times"][()].astype(np.float64)
    ends = g["spike_times_index"][()].astype(np.int64)
    starts = np.concatenate([[0], ends[:-1]])
    trains = [st[a:b] for a, b in zip(starts, ends)]
    return g, g["id"][()].astype(np.int64), trains


def electrode_values(f, g, name):
    """Per unit, the values of electrodes-table column NAME over its electrodes."""
    region = g["electrodes"]
    rows = region[()].astype(np.int64)
    if "electrodes_index" in g:
        ends = g["electrodes_index"][()].astype(np.int64)
        per_unit = np.split(rows, ends[:-1])
    else:
        per_unit = [rows[i:i + 1] for i in range(len(rows))]
    table = f[region.attrs["table"]]
    vals = column(table, name)
    return [vals[r] for r in per_unit]


def select_units(f, g, ids, sel):
    """Mask of the units passing every filter of SEL (a [units] table), and
    the words of the note."""
    keep = np.ones(len(ids), bool)
    words = []
    if sel.get("ids"):
        keep &= np.isin(ids, sel["ids"])
        words.append("id in %s" % sel["ids"])
    for col, vals in sel.get("where", {}).items():
        keep &= np.isin(column(g, col), [str(v) for v in vals])
        words.append("%s in %s" % (col, vals))
    for col, v in sel.get("min", {}).items():
        c = column(g, col).astype(np.float64)
        keep &= ~np.isnan(c) & (c >= v)
        words.append("%s >= %g" % (col, v))
    for col, v in sel.get("max", {}).items():
        c = column(g, col).astype(np.float64)
        keep &= ~np.isnan(c) & (c <= v)
        words.append("%s <= %g" % (col, v))
    for col, vals in sel.get("electrodes", {}).items():
        per = electrode_values(f, g, col)
        want = [str(v) for v in vals]
        keep &= np.array([any(str(x) in want for x in e) for e in per])
        words.append("electrodes' %s in %s" % (col, vals))
    return keep, words


# ---------------------------------------------------------------- times


def clean(times, end, counts):
    """Times kept (finite, >= 0, <= end); adds the dropped ones to COUNTS by reason."""
    nan = np.isnan(times)
    inf = np.isinf(times)
    fin = ~nan & ~inf
    neg = fin & (times < 0)
    beyond = fin & (times > end)
    counts["nan"] += int(nan.sum())
    counts["infinite"] += int(inf.sum())
    counts["negative"] += int(neg.sum())
    counts["beyond_end"] += int(beyond.sum())
    return times[fin & ~neg & ~beyond]


def new_counts():
    return {"nan": 0, "infinite": 0, "negative": 0, "beyond_end": 0}


EDGE = {"n": 0, "exact": 0}


def bin_index(t, t0, d, n):
    q = (t - t0) / d
    inside = (q > -0.5) & (q < n + 0.5)
    off = np.abs(q - np.round(q))
    EDGE["n"] += int(np.sum(inside & (off > 0) & (off < 1e-9)))
    EDGE["exact"] += int(np.sum(inside & (off == 0)))
    return np.floor(q).astype(np.int64)


def bin_counts(t, t0, d, n):
    k = bin_index(t, t0, d, n)
    k = k[(k >= 0) & (k < n)]
    return np.bincount(k, minlength=n)[:n].astype(np.float64)


def kernel(sigma_ms, width_ms):
    if not sigma_ms:
        return None
    s = int(round(sigma_ms / width_ms))
    if s == 0:
        return None
    w = signal.windows.gaussian(6 * s, s, sym=True)
    return w / w.sum()


def smooth(x, k):
    if k is None:
        return x
    if x.shape[0] < len(k):
        raise ValueError("a segment of %d bins is shorter than the %d-bin kernel" % (x.shape[0], len(k)))
    return np.stack([np.convolve(x[:, j], k, "same") for j in range(x.shape[1])], axis=1)


# ---------------------------------------------------------------- series


def read_series(f, path, ordered):
    g = f[path]
    d = g["data"]
    data = d[()].astype(np.float64)
    if data.ndim == 1:
        data = data[:, None]
    data = data * float(d.attrs.get("conversion", 1.0)) + float(d.attrs.get("offset", 0.0))
    if "timestamps" in g:
        t = g["timestamps"][()].astype(np.float64)
    else:
        st = g["starting_time"]
        t = float(st[()]) + np.arange(data.shape[0]) / float(st.attrs["rate"])
    if len(t) != data.shape[0]:
        raise ValueError("%s: %d data rows, %d timestamps" % (path, data.shape[0], len(t)))
    back = np.nonzero(np.diff(t) < 0)[0]
    if ordered and len(back):
        raise ValueError("%s: timestamps decrease at index %d" % (path, back[0] + 1))
    return t, data, int(len(back))


def series_on_bins(t, data, t0, d, n):
    """Mean of the samples (NaN ignored) whose time falls in each bin."""
    k = bin_index(t, t0, d, n)
    ok = (k >= 0) & (k < n)
    out = np.full((n, data.shape[1]), np.nan)
    for j in range(data.shape[1]):
        v = data[ok, j]
        kk = k[ok][~np.isnan(v)]
        v = v[~np.isnan(v)]
        s = np.bincount(kk, weights=v, minlength=n)[:n]
        c = np.bincount(kk, minlength=n)[:n]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(c > 0, s / np.maximum(c, 1), np.nan)
    return out


# ---------------------------------------------------------------- reading a preset


class Source:
    """What a preset reads from one file: activity and behaviour sources,
    cleaned, with the counts for the notes."""

    def __init__(self, f, p):
        self.f, self.p = f, p
        nwb = p.get("nwb", {})
        self.notes = {"spike_times_dropped": new_counts(), "event_times_dropped": new_counts()}
        self.checks = {}
        self.units_path = nwb.get("units") if not nwb.get("activity") else None
        self.trials_path = nwb.get("trials") or None
        self.width = p.get("bins", {}).get("width_ms")
        self.d = self.width / 1000.0 if self.width else None
        self.k = kernel(p.get("smooth", {}).get("sigma_ms", 0), self.width) if self.width else None

        # units
        self.unit_table = None
        if self.units_path or any(b.get("kind") == "units" for b in p.get("behaviour", [])):
            self.unit_table = read_units(f, self.units_path or "/units")
        # behaviour sources (raw)
        self.beh = []
        for b in p.get("behaviour", []):
            kind = b.get("kind", "series")
            if kind in ("series", "events"):
                t, data, back = read_series(f, b["series"], ordered=(kind == "series"))
                self.checks["out_of_order:" + b["series"]] = back
                if kind == "series" and b.get("columns") is not None:
                    data = data[:, b["columns"]]
                self.beh.append((kind, b, t, data))
            else:
                self.beh.append((kind, b, None, None))
        # activity series
        self.act_series = []
        for path in nwb.get("activity", []):
            t, data, _ = read_series(f, path, ordered=True)
            self.act_series.append((path, t, data))
        # trials table
        self.trials = f[self.trials_path] if self.trials_path else None

    def session_end(self):
        nwb = self.p.get("nwb", {})
        if nwb.get("stop_s"):
            return float(nwb["stop_s"]), "stop_s"
        cands = []
        if self.unit_table is not None:
            g, _, trains = self.unit_table
            if "obs_intervals" in g:
                cands.append((float(np.nanmax(g["obs_intervals"][()][:, 1])), "obs_intervals"))
            allt = np.concatenate(trains)
            allt = allt[np.isfinite(allt)]
            if len(allt):
                cands.append((float(allt.max()), "last spike"))
        for kind, b, t, _ in self.beh:
            if t is not None:
                ft = t[np.isfinite(t)]
                if len(ft):
                    cands.append((float(ft.max()), "last event" if kind == "events" else "last behaviour sample"))
        for path, t, _ in self.act_series:
            ft = t[np.isfinite(t)]
            if len(ft):
                cands.append((float(ft.max()), "last activity sample"))
        if self.trials is not None:
            stop = self.trials["stop_time"][()]
            fs = stop[np.isfinite(stop)]
            if len(fs):
                cands.append((float(fs.max()), "last stop_time of " + self.trials_path))
        return max(cands, key=lambda c: c[0])

    def units(self, sel, end):
        """The selected units' cleaned trains, their ids and the note's counts."""
        g, ids, trains = self.unit_table
        keep, words = select_units(self.f, g, ids, sel)
        out = []
        for i in np.nonzero(keep)[0]:
            out.append(clean(trains[i], end, self.notes["spike_times_dropped"]))
        return ids[keep], out, words, len(ids)

    def trial_rows(self, end, margin_s, w_ms, aligned):
        """Kept trial indices and their alignment times (or segment bounds)."""
        g = self.trials
        tp = self.p.get("trials", {})
        n = len(g["start_time"])
        ok = np.ones(n, bool)
        each = {}  # trials failing each criterion (they may overlap)
        for col, vals in tp.get("exclude", {}).items():
            c = column(g, col)
            bad = np.isin(c, [str(v) for v in vals]) if c.dtype.kind == "U" else np.isin(c, vals)
            each["exclude " + col] = int(bad.sum())
            ok &= ~bad
        for key, keep in (("min", np.greater_equal), ("max", np.less_equal)):
            for col, v in tp.get(key, {}).items():
                c = column(g, col).astype(np.float64)
                good = ~np.isnan(c) & keep(c, v)
                each[key + " " + col] = int((~good).sum())
                ok &= good
        reasons = {"excluded_by_values": int((~ok).sum()), "align_not_finite": 0,
                   "window_outside": 0, "shorter_than_a_bin": 0}
        self.notes["trials_failing_each_criterion"] = each
        stop = g["stop_time"][()]
        self.notes["stop_time_nan"] = int(np.isnan(stop).sum())
        self.notes["trials_total"] = int(n)
        start = g["start_time"][()].astype(np.float64)
        rows = []
        nomargin_diff = 0
        for i in np.nonzero(ok)[0]:
            if aligned:
                a = float(g[tp["align"]][i])
                if tp.get("relative"):
                    a = start[i] + a
                if not np.isfinite(a):
                    reasons["align_not_finite"] += 1
                    continue
                lo = a + (w_ms[0] - margin_s * 1000) / 1000.0
                hi = a + (w_ms[1] + margin_s * 1000) / 1000.0
                out = lo < 0 or hi > end
                out0 = a + w_ms[0] / 1000.0 < 0 or a + w_ms[1] / 1000.0 > end
                nomargin_diff += int(out != out0)
                if out:
                    reasons["window_outside"] += 1
                    continue
                rows.append((i, a))
            else:
                s0, s1 = start[i], float(stop[i])
                if not (np.isfinite(s0) and np.isfinite(s1)):
                    reasons["align_not_finite"] += 1
                    continue
                if s0 < 0 or s1 > end:
                    reasons["window_outside"] += 1
                    continue
                if np.floor((s1 - s0) / self.d) < 1:
                    reasons["shorter_than_a_bin"] += 1
                    continue
                rows.append((i, s0, s1))
        self.notes["trials_dropped"] = reasons
        self.notes["trials_kept"] = len(rows)
        self.checks["trials_outside_with_vs_without_margins_differ"] = nomargin_diff
        return rows


# ---------------------------------------------------------------- layouts


def behaviour_units(src, end):
    """Per kind = "units" entry, its cleaned trains and ids (in preset order)."""
    out = {}
    for j, (kind, b, _, _) in enumerate(src.beh):
        if kind == "units":
            ids, trains, words, total = src.units(b.get("units", {}), end)
            out[j] = (ids, trains)
            src.notes.setdefault("behaviour_units", []).append(
                {"kept": len(ids), "of": total, "ids": ids.tolist(), "selection": words})
    return out


def binned_segment(src, t0, n, act_trains, beh_units, end):
    """Activity (n × N, Hz, smoothed) and behaviour (n × K) of one segment or
    trial window of n bins from t0, and the spikes counted per unit."""
    d, k = src.d, src.k
    if act_trains is not None:
        c = np.stack([bin_counts(t, t0, d, n) for t in act_trains], axis=1)
        x = smooth(c, k) / d
    else:
        x = np.concatenate([series_on_bins(t, data, t0, d, n) for _, t, data in src.act_series], axis=1)
        x = smooth(x, k) if k is not None else x
        c = None
    cols = []
    for j, (kind, b, t, data) in enumerate(src.beh):
        if kind == "series":
            z = series_on_bins(t, data, t0, d, n)
            cols.append(smooth(z, k) if b.get("smooth") else z)
        elif kind == "events":
            ev = src.events[j]
            cols.append(smooth(bin_counts(ev, t0, d, n)[:, None], k) / d)
        elif kind == "units":
            cu = np.stack([bin_counts(t, t0, d, n) for t in beh_units[j][1]], axis=1)
            cols.append(smooth(cu, k) / d)
    return x, np.concatenate(cols, axis=1), c


def clean_events(src, end):
    src.events = {}
    for j, (kind, b, t, _) in enumerate(src.beh):
        if kind == "events":
            src.events[j] = clean(t, end, src.notes["event_times_dropped"])


def fit_rows(n, start_ms, width, lag, fw):
    """Rows of n (row j starts start_ms + j·width ms from the segment start or
    alignment time) in the fit window fw ([0, 0]: all) whose lagged row j -
    lag exists."""
    j = np.arange(n)
    sel = j - lag >= 0
    if fw != [0, 0]:
        tms = start_ms + j * width
        sel &= (tms >= fw[0]) & (tms < fw[1])
    return j[sel]


def continuous(src):
    p = src.p
    fit = p.get("fit", {})
    lag = int(fit.get("lag_ms", 0) / src.width)
    fw = fit.get("window_ms", [0, 0])
    end, why = src.session_end()
    src.notes["session_end_s"] = end
    src.notes["session_end_from"] = why
    clean_events(src, end)
    if src.units_path:
        ids, trains, words, total = src.units(p.get("units", {}), end)
    else:
        ids, trains, words, total = None, None, [], 0
    bu = behaviour_units(src, end)
    if src.trials is not None:
        segs = [(s0, s1) for _, s0, s1 in src.trial_rows(end, 0, None, aligned=False)]
    else:
        s0 = float(p.get("nwb", {}).get("start_s", 0.0))
        segs = [(s0, end)]
    xs, zs, spikes = [], [], 0
    for s0, s1 in segs:
        n = int(np.floor((s1 - s0) / src.d))
        x, z, c = binned_segment(src, s0, n, trains, bu, end)
        if c is not None:
            spikes = spikes + c.sum(axis=0)
        rows = fit_rows(n, 0, src.width, lag, fw)
        xs.append(x[rows - lag])
        zs.append(z[rows])
    return finish(src, xs, zs, ids, trains, spikes, words, total)


def aligned(src):
    p = src.p
    tp, fit, sm = p["trials"], p.get("fit", {}), p.get("smooth", {})
    w = tp["window_ms"]
    margin = sm.get("margin_ms", 0)
    width = src.width
    nb = (w[1] - w[0] + 2 * margin) / width
    if nb != int(nb) or margin / width != int(margin / width):
        raise ValueError("trial window %s with %g ms margins is not a whole number of %g ms bins" % (w, margin, width))
    nb, m = int(nb), int(margin / width)
    lag = int(fit.get("lag_ms", 0) / width)
    fw = fit.get("window_ms", [0, 0])
    end, why = src.session_end()
    src.notes["session_end_s"] = end
    src.notes["session_end_from"] = why
    clean_events(src, end)
    ids, trains, words, total = src.units(p.get("units", {}), end)
    bu = behaviour_units(src, end)
    xs, zs, spikes = [], [], 0
    for i, a in src.trial_rows(end, margin / 1000.0, w, aligned=True):
        t0 = a + (w[0] - margin) / 1000.0
        x, z, c = binned_segment(src, t0, nb, trains, bu, end)
        spikes = spikes + c[m:nb - m].sum(axis=0)
        x, z = x[m:nb - m], z[m:nb - m]
        rows = fit_rows(nb - 2 * m, w[0], width, lag, fw)
        xs.append(x[rows - lag])
        zs.append(z[rows])
    return finish(src, xs, zs, ids, trains, spikes, words, total)


def per_trial(src):
    p = src.p
    tp = p["trials"]
    w = tp["window_ms"]
    if p.get("smooth", {}).get("sigma_ms", 0) or p.get("fit", {}).get("lag_ms", 0):
        raise ValueError("nwb-per-trial takes no smoothing and no lag")
    end, why = src.session_end()
    src.notes["session_end_s"] = end
    src.notes["session_end_from"] = why
    clean_events(src, end)
    ids, trains, words, total = src.units(p.get("units", {}), end)
    length = (w[1] - w[0]) / 1000.0
    xs, zs = [], []
    spikes = np.zeros(len(trains))
    edge = 0
    for i, a in src.trial_rows(end, 0.0, w, aligned=True):
        lo, hi = a + w[0] / 1000.0, a + w[1] / 1000.0
        c = np.array([np.sum((t >= lo) & (t < hi)) for t in trains], dtype=np.float64)
        # the same window measured from the alignment time
        c2 = np.array([np.sum((t - a >= w[0] / 1000.0) & (t - a < w[1] / 1000.0)) for t in trains])
        edge += int(np.sum(c != c2))
        spikes += c
        xs.append((c / length)[None, :])
        row = []
        for kind, b, t, data in src.beh:
            if kind == "column":
                row.append(float(src.trials[b["column"]][i]))
            elif kind == "series":
                inw = (t >= lo) & (t < hi)
                with np.errstate(invalid="ignore"):
                    row.extend(np.nanmean(data[inw], axis=0) if inw.any() else [np.nan] * data.shape[1])
            else:
                raise ValueError("kind %r in nwb-per-trial" % kind)
        zs.append(np.array(row)[None, :])
    EDGE["n"] += edge
    return finish(src, xs, zs, ids, trains, spikes, words, total)


def finish(src, xs, zs, ids, trains, spikes, words, total):
    x, z = np.concatenate(xs), np.concatenate(zs)
    ms = src.p.get("units", {}).get("min_spikes", 0)
    if ids is not None:
        keep = np.asarray(spikes) >= ms if ms else np.ones(len(ids), bool)
        src.notes["units"] = {"kept": int(keep.sum()), "of": int(total), "ids": ids[keep].tolist(),
                              "selected_before_min_spikes": len(ids),
                              "spikes_in_analysed_time": np.asarray(spikes).astype(int).tolist(),
                              "selection": words + (["≥ %d spikes" % ms] if ms else [])}
        x = x[:, keep]
    bad = np.isnan(z).any(axis=1) | np.isnan(x).any(axis=1)
    src.notes["samples_before_nan_drop"] = int(len(z))
    src.notes["samples_without_behaviour"] = int(bad.sum())
    return x[~bad], z[~bad]


# ---------------------------------------------------------------- analysis


def analyse(x, z):
    x = x - x.mean(0)
    z = z - z.mean(0)
    rcv = RidgeCV(alphas=ALPHAS).fit(x, z)
    r = Ridge(alpha=rcv.alpha_, solver="svd").fit(x, z)
    w = np.atleast_2d(r.coef_)
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
    return {
        "samples": int(x.shape[0]), "neurons": int(x.shape[1]), "outputs": int(z.shape[1]),
        "alpha": float(rcv.alpha_), "r2": float(r2), "coef": w.tolist(),
        "rho": float(np.linalg.norm(x @ w.T) / (np.linalg.norm(x) * np.linalg.norm(w))),
        "d_var": d_var, "d_fit": d_fit, "ratio": d_fit / d_var,
    }


LAYOUTS = {"nwb-continuous": continuous, "nwb-aligned": aligned, "nwb-per-trial": per_trial}


def variant_text(name):
    base, edits = VARIANTS[name]
    with open(os.path.join(HERE, base + ".toml")) as fh:
        s = fh.read()
    for pat, rep in edits:
        s2 = re.sub(pat, rep, s, flags=re.M)
        if s2 == s:
            raise ValueError("variant %s: %r matches no line of %s.toml" % (name, pat, base))
        s = s2
    head = "# A test variant of presets/examples/%s.toml, written by presets/examples/reference.py\n" % base
    head += "".join("# edit: %s -> %s\n" % (pat, rep.replace("\n", "\\n")) for pat, rep in edits)
    return base, head + s


def run(name, data_dir, text=None, base=None):
    if text is None:
        with open(os.path.join(HERE, name + ".toml")) as fh:
            text = fh.read()
    p = tomllib.loads(text)
    base = base or name
    EDGE["n"] = EDGE["exact"] = 0
    with h5py.File(os.path.join(data_dir, EXAMPLES[base]), "r") as f:
        src = Source(f, p)
        x, z = LAYOUTS[p["layout"]](src)
    res = analyse(x, z)
    res["file"] = EXAMPLES[base]
    res["layout"] = p["layout"]
    res["x_sum"] = float(x.sum())
    res["z_sum"] = float(z.sum())
    res["x_first_row"] = x[0].tolist()
    res["z_first_row"] = z[0].tolist()
    res["notes"] = src.notes
    src.checks["edge_times"] = EDGE["n"]
    src.checks["times_exactly_on_an_edge"] = EDGE["exact"]
    res["checks"] = src.checks
    return res


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
    out = {}
    for name in EXAMPLES:
        res = run(name, data_dir)
        out[name] = res
        show(name, res)
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    vdir = os.path.join(ROOT, "presets", "testdata", "example_variants")
    os.makedirs(vdir, exist_ok=True)
    out = {}
    for name in VARIANTS:
        base, text = variant_text(name)
        with open(os.path.join(vdir, name + ".toml"), "w") as fh:
            fh.write(text)
        res = run(name, data_dir, text, base)
        out[name] = res
        show(name, res)
    with open(os.path.join(vdir, "reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


def show(name, res):
    print("%-28s %5d×%-3d K=%d alpha %-10.4g R2 %.4f rho %.4f D_var %d D_fit %d edge %d exact %d" % (
        name, res["samples"], res["neurons"], res["outputs"], res["alpha"], res["r2"], res["rho"],
        res["d_var"], res["d_fit"], res["checks"]["edge_times"], res["checks"]["times_exactly_on_an_edge"]))


if __name__ == "__main__":
    main()
