#!/usr/bin/python3
"""Writes the JSON goldens the tests of ingest/nwb compare with: what h5py
reads from each NWB file here.

Run from this folder with Debian's Python and h5py:

    apt-get install python3-h5py
    /usr/bin/python3 make_goldens.py

For FILE.nwb it writes FILE.golden.json with
  units:  count, id, index dtype, spikes per unit, first and last spike time
          of each unit (null for a unit without spikes), heldout,
          obs_intervals and electrodes per unit (when present);
  tables: every DynamicTable (a group with colnames) outside /specifications:
          path, neurodata_type, rows, and per column (in colnames order) the
          dtype as package hdf5 names it, shape, ragged lengths per row, and
          the first three and last values, flattened;
  series: every TimeSeries (data + timestamps or starting_time): path, type,
          shape, dtype, unit, conversion, offset, rate and starting_time or
          the timestamp count, and the first and last rows of
          data * conversion + offset with their times.
Floats are written with repr, which round-trips float64 exactly; NaN is
written as the string "NaN" (JSON has no NaN). Integers are exact.
"""
import glob
import json
import math

import h5py
import numpy as np


def dtype_name(ds):
    dt = ds.dtype
    if h5py.check_string_dtype(dt) is not None:
        info = h5py.check_string_dtype(dt)
        return "vlen string" if info.length is None else "string[%d]" % info.length
    if h5py.check_ref_dtype(dt) is not None:
        return "object reference" if h5py.check_ref_dtype(dt) is h5py.Reference else "region reference"
    if dt.kind == "b":
        return "bool"
    if dt.kind in "iuf":
        return {"i": "int", "u": "uint", "f": "float"}[dt.kind] + str(8 * dt.itemsize)
    return str(dt)


def val(f, x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, str):
        return x
    if isinstance(x, h5py.Reference):
        return f[x].name if x else ""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (np.integer, int)):
        return int(x)
    x = float(x)
    return "NaN" if math.isnan(x) else x


def sample(f, arr):
    flat = arr.reshape(-1) if arr.ndim else arr.reshape(1)
    if len(flat) == 0:
        return {"first": [], "last": None}
    return {"first": [val(f, x) for x in flat[:3]], "last": val(f, flat[-1])}


def attr_str(obj, name):
    v = obj.attrs.get(name)
    if v is None:
        return ""
    return v.decode() if isinstance(v, bytes) else str(v)


def units(f):
    if "units" not in f or "spike_times_index" not in f["units"]:
        return None
    u = f["units"]
    idx = u["spike_times_index"][:].astype(np.int64)
    st = u["spike_times"][:]
    lo = np.concatenate([[0], idx[:-1]])
    out = {
        "count": len(idx),
        "id": [int(x) for x in u["id"][:]],
        "index_dtype": dtype_name(u["spike_times_index"]),
        "spikes": [int(h - l) for l, h in zip(lo, idx)],
        "first": [float(st[l]) if h > l else None for l, h in zip(lo, idx)],
        "last": [float(st[h - 1]) if h > l else None for l, h in zip(lo, idx)],
    }
    if "heldout" in u:
        out["heldout"] = [bool(x) for x in u["heldout"][:]]
    for name in ["obs_intervals", "electrodes"]:
        if name not in u:
            continue
        data = u[name][:]
        if name + "_index" in u:
            ends = u[name + "_index"][:].astype(np.int64)
            starts = np.concatenate([[0], ends[:-1]])
            out[name] = [data[s:e].tolist() for s, e in zip(starts, ends)]
        else:
            out[name] = [[x] for x in data.tolist()]
    return out


def table(f, g):
    t = {"path": g.name, "type": attr_str(g, "neurodata_type"), "rows": len(g["id"]), "columns": []}
    for name in g.attrs["colnames"]:
        name = name.decode() if isinstance(name, bytes) else name
        ds = g[name]
        data = ds[:]
        c = {"name": name, "dtype": dtype_name(ds), "shape": list(ds.shape), "ragged": name + "_index" in g}
        if c["ragged"]:
            ends = g[name + "_index"][:].astype(np.int64)
            c["lengths"] = np.diff(np.concatenate([[0], ends])).tolist()
        c.update(sample(f, data))
        t["columns"].append(c)
    return t


def series(f, g):
    d = g["data"]
    conv = float(d.attrs.get("conversion", 1.0))
    off = float(d.attrs.get("offset", 0.0))
    s = {"path": g.name, "type": attr_str(g, "neurodata_type"), "shape": list(d.shape), "dtype": dtype_name(d),
         "unit": attr_str(d, "unit"), "conversion": conv, "offset": off}
    data = d[:].astype(np.float64) * conv + off
    s["first_row"] = [val(f, x) for x in np.atleast_1d(data[0]).reshape(-1)]
    s["last_row"] = [val(f, x) for x in np.atleast_1d(data[-1]).reshape(-1)]
    if "starting_time" in g:
        s["starting_time"] = float(g["starting_time"][()])
        s["rate"] = float(g["starting_time"].attrs["rate"])
        s["timestamps"] = 0
        s["first_time"] = s["starting_time"]
        s["last_time"] = s["starting_time"] + (d.shape[0] - 1) / s["rate"]
    else:
        ts = g["timestamps"]
        s["rate"] = 0.0
        s["starting_time"] = 0.0
        s["timestamps"] = ts.shape[0]
        s["first_time"] = float(ts[0])
        s["last_time"] = float(ts[-1])
    return s


def golden(name):
    f = h5py.File(name, "r")
    out = {"file": name, "nwb_version": attr_str(f, "nwb_version"), "units": units(f), "tables": [], "series": []}

    def visit(path, obj):
        if path.startswith("specifications") or not isinstance(obj, h5py.Group):
            return
        if "colnames" in obj.attrs:
            out["tables"].append(table(f, obj))
        elif "data" in obj and ("timestamps" in obj or "starting_time" in obj):
            out["series"].append(series(f, obj))

    f.visititems(visit)
    out["tables"].sort(key=lambda t: t["path"])
    out["series"].sort(key=lambda s: s["path"])
    return out


for name in sorted(glob.glob("*.nwb")):
    if name.startswith("bad_"):
        continue
    g = golden(name)
    with open(name[:-len(".nwb")] + ".golden.json", "w") as w:
        json.dump(g, w, indent=1, allow_nan=False)
        w.write("\n")
    print("wrote", name[:-len(".nwb")] + ".golden.json")
