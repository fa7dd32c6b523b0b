#!/usr/bin/python3
"""Writes what `oblique inspect -values` must find in NWB files, read with
h5py alone (not from oblique's code), as JSON goldens in inspect/.

Run from the repository root with Debian's Python and h5py:

    /usr/bin/python3 ingest/nwb/testdata/inspect_reference.py \
        ../shared/data/nwb/*.nwb ../shared/data/nwb_external/*.nwb \
        ingest/nwb/testdata/nlb_uint8.nwb ingest/nwb/testdata/bad_inspect.nwb

For FILE.nwb it writes inspect/FILE.json (the path as given, relative to
the repository root, is kept in it) with
  nwb1:   the version of an NWB 1.x file (a root nwb_version dataset and no
          nwb_version attribute); nothing else then;
  units:  units and spikes of /units (from spike_times_index);
  tables: every group with a colnames attribute outside /specifications,
          sorted by path: neurodata_type, rows (len(id)), and per column
          (colnames order, then the group's other datasets that are neither
          id nor an index of a dataset, in name order, marked
          not_in_colnames) the dtype, the rows it holds (len of its index,
          or of its index's index, when ragged), and its values: for
          strings and object references (as the referenced object's path)
          each distinct value with its count, most frequent first, ties in
          value order; for numbers and bools the count, min and max of the
          finite values, and the NaN and infinite counts;
  series: every group with a data dataset and timestamps or starting_time,
          sorted by path: neurodata_type, data shape, timestamp count, the
          first and last (min and max finite) times, and the checks: NaN or
          infinite timestamps, negative ones, ones earlier than the one
          before (count, first index, NaNs skipped), data rows != timestamps;
  warnings: the sorted paths of the objects those checks flag, and of a
          column whose rows differ from the table's, a colnames entry
          without a dataset, an index past its data or without its column,
          a DynamicTableRegion value that is not a row of its table.
Floats are written with repr (exact); NaN as "NaN".
"""
import json
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_goldens import dtype_name  # noqa: E402  (the dtype names package hdf5 uses)


def num(x):
    x = float(x)
    return "NaN" if math.isnan(x) else x


def text(f, x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, h5py.Reference):
        return f[x].name if x else ""
    return str(x)


def values(f, ds):
    data = ds[()]
    flat = np.asarray(data).reshape(-1)
    if h5py.check_string_dtype(ds.dtype) is not None or h5py.check_ref_dtype(ds.dtype) is not None:
        counts = {}
        for x in flat:
            s = text(f, x)
            counts[s] = counts.get(s, 0) + 1
        return {"count": len(flat), "distinct": sorted(([v, n] for v, n in counts.items()), key=lambda p: (-p[1], p[0]))}
    x = flat.astype(np.float64)
    fin = x[np.isfinite(x)]
    return {"count": len(x), "min": num(fin.min()) if len(fin) else "NaN", "max": num(fin.max()) if len(fin) else "NaN",
            "nan": int(np.isnan(x).sum()), "inf": int(np.isinf(x).sum())}


def index_ok(ends, n):
    ends = ends.astype(np.int64)
    return bool(np.all(ends >= 0) and np.all(np.diff(ends) >= 0) and (len(ends) == 0 or ends[-1] <= n))


def table(f, g, warnings):
    names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["colnames"]]
    dsets = sorted(k for k in g.keys() if isinstance(g.get(k, getclass=True), type) and g.get(k, getclass=True) is h5py.Dataset)
    rows = len(g["id"]) if "id" in dsets else -1
    extra = []
    for k in dsets:
        if k in names or k == "id":
            continue
        if k.endswith("_index") and k[:-len("_index")] in dsets:
            continue
        if k.endswith("_index"):
            warnings.append(g.name + "/" + k)
            continue
        extra.append(k)
    t = {"path": g.name, "type": g.attrs.get("neurodata_type", ""), "rows": rows, "columns": []}
    for i, name in enumerate(names + extra):
        c = {"name": name, "not_in_colnames": i >= len(names), "dtype": "missing", "rows": -1, "ragged": False}
        t["columns"].append(c)
        if name not in dsets:
            warnings.append(g.name + "/" + name)
            continue
        ds = g[name]
        c["dtype"] = dtype_name(ds)
        c["rows"] = ds.shape[0] if ds.shape else 1
        if name + "_index" in dsets:
            c["ragged"] = True
            ends = g[name + "_index"][()]
            if not index_ok(ends, c["rows"]):
                c["rows"] = -1
                warnings.append(g.name + "/" + name + "_index")
                continue
            c["rows"] = len(ends)
            if name + "_index_index" in dsets:
                ends2 = g[name + "_index_index"][()]
                if not index_ok(ends2, len(ends)):
                    c["rows"] = -1
                    warnings.append(g.name + "/" + name + "_index_index")
                    continue
                c["rows"] = len(ends2)
        if t["rows"] < 0:
            t["rows"] = c["rows"]
        elif c["rows"] != t["rows"]:
            warnings.append(ds.name)
        target = ds.attrs.get("table")
        if isinstance(target, h5py.Reference):
            v = ds[()].reshape(-1)
            n = len(f[target]["id"])
            if np.any((v < 0) | (v >= n)):
                warnings.append(ds.name)
        c["values"] = values(f, ds)
    return t


def series(f, g, warnings):
    d = g["data"]
    s = {"path": g.name, "type": g.attrs.get("neurodata_type", ""), "shape": list(d.shape), "timestamps": 0}
    if "starting_time" in g:
        st, rate = float(g["starting_time"][()]), float(g["starting_time"].attrs["rate"])
        s["first"], s["last"] = (st, st + (d.shape[0] - 1) / rate) if d.shape[0] else ("NaN", "NaN")
        return s
    ts = g["timestamps"][()].astype(np.float64)
    s["timestamps"] = len(ts)
    if len(ts) != d.shape[0]:
        warnings.append(g.name)
    fin = np.isfinite(ts)
    s["first"], s["last"] = (num(ts[fin].min()), num(ts[fin].max())) if fin.any() else ("NaN", "NaN")
    s["nonfinite"] = int((~fin).sum())
    s["negative"] = int((ts[fin] < 0).sum())
    t = ts[~np.isnan(ts)]
    back = np.nonzero(np.diff(t) < 0)[0]
    s["back"] = len(back)
    s["back_first"] = int(np.nonzero(~np.isnan(ts))[0][back[0] + 1]) if len(back) else -1
    if s["nonfinite"] or s["negative"] or s["back"]:
        warnings.append(g.name + "/timestamps")
    return s


def reference(name):
    f = h5py.File(name, "r")
    if "nwb_version" not in f.attrs and isinstance(f.get("nwb_version"), h5py.Dataset):
        return {"file": name, "nwb1": text(f, f["nwb_version"][()])}
    out = {"file": name, "tables": [], "series": [], "warnings": []}
    if "units" in f and "spike_times_index" in f["units"]:
        idx = f["units/spike_times_index"][()]
        out["units"] = {"units": len(idx), "spikes": int(idx[-1]) if len(idx) else 0}

    def visit(path, obj):
        if path.startswith("specifications") or not isinstance(obj, h5py.Group):
            return
        if "colnames" in obj.attrs:
            out["tables"].append(table(f, obj, out["warnings"]))
        elif isinstance(obj.get("data", getclass=True), type) and obj.get("data", getclass=True) is h5py.Dataset and (
                "timestamps" in obj or "starting_time" in obj):
            out["series"].append(series(f, obj, out["warnings"]))

    f.visititems(visit)
    out["tables"].sort(key=lambda t: t["path"])
    out["series"].sort(key=lambda s: s["path"])
    out["warnings"] = sorted(set(out["warnings"]))
    return out


here = os.path.dirname(os.path.abspath(__file__))
for name in sys.argv[1:]:
    r = reference(name)
    dst = os.path.join(here, "inspect", os.path.basename(name)[:-len(".nwb")] + ".json")
    with open(dst, "w") as w:
        json.dump(r, w, indent=1, allow_nan=False, ensure_ascii=False)
        w.write("\n")
    print("wrote", dst)
