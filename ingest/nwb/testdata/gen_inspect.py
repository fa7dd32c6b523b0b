#!/usr/bin/python3
"""Writes the small broken NWB files the inspect tests list.

Run from this folder with Debian's Python and h5py (no pynwb):

    /usr/bin/python3 gen_inspect.py

It writes (with gen_nlb.py's helpers, so the layout is pynwb's):
  bad_inspect.nwb  one file with a broken object of each kind, among good
                   ones that must still be listed:
    /units                    3 units (spikes 2, 0, 4); electrodes, a
                              DynamicTableRegion with a row (9) past the
                              4-row electrodes table
    /general/extracellular_ephys/electrodes
                              4 rows; location "CA1" ×3, "CA3" ×1
    /intervals/trials         3 rows; stop_time 2 rows; "ghost" named in
                              colnames without a dataset; "extra" a dataset
                              colnames does not name; "tags_index" an index
                              without its column
    /intervals/trials/nested  a DynamicTable inside the trials table (2 rows)
    /intervals/epochs         2 rows; ragged "tags" whose index (1, 5)
                              points past its 3 values
    /processing/behavior/Position/pos
                              a SpatialSeries, 5 rows, timestamps 0, 1, 3,
                              2, 4 (back in time at index 3)
    /processing/behavior/Position/pos/notes
                              a DynamicTable inside the series (1 row)
    /processing/behavior/short
                              data 2 rows, 5 timestamps
    /processing/behavior/odd_times
                              timestamps -1.5e9, NaN, 1, 2 (one negative,
                              one NaN)
    /processing/behavior/lzf  timestamps compressed with h5py's LZF filter,
                              which the HDF5 library cannot decode: an
                              unreadable dataset
    /acquisition/fine         a good TimeSeries (rate 10 Hz, 3 rows)
  nwb1_like.nwb    an NWB 1.x root: no nwb_version attribute, a root
                   dataset nwb_version = "NWB-1.0.6"
  cyclic.nwb       hard-link cycles: /processing/loop holds "self" (itself)
                   and "up" (/processing), /acquisition holds "root" (/);
                   /processing/loop/t is a 2-row DynamicTable, also linked
                   as /acquisition/t_again
"""
import h5py
import numpy as np

import gen_nlb
from gen_nlb import STR, column, index, root, typed


def table(parent, name, ntype, colnames, rows):
    t = typed(parent.create_group(name), ntype, "hdmf-common" if ntype == "DynamicTable" else "core", name)
    t.attrs["colnames"] = np.array(colnames, dtype=object)
    column(t, "id", np.arange(rows, dtype="i8"), None, ntype="ElementIdentifiers")
    return t


def series(parent, name, ntype, data, timestamps, **kw):
    s = typed(parent.create_group(name), ntype, description=name)
    d = s.create_dataset("data", data=data)
    d.attrs["unit"] = "cm"
    if timestamps is not None:
        s.create_dataset("timestamps", data=timestamps, **kw)
    return s


with h5py.File("bad_inspect.nwb", "w") as f:
    gen_nlb.uid = iter(["id-%d" % i for i in range(1000)])
    root(f)
    el = table(f.create_group("general/extracellular_ephys"), "electrodes", "DynamicTable", ["location"], 4)
    column(el, "location", np.array(["CA1", "CA3", "CA1", "CA1"], dtype=object), "location", dtype=STR)

    u = table(f, "units", "Units", ["spike_times", "electrodes"], 3)
    column(u, "spike_times", np.arange(6) * 0.1, "spike times")
    index(u, "spike_times", [2, 2, 6], "u1")
    d = column(u, "electrodes", np.array([0, 9, 1], dtype="i8"), "electrodes", ntype="DynamicTableRegion")
    d.attrs["table"] = el.ref

    iv = f.create_group("intervals")
    t = table(iv, "trials", "TimeIntervals", ["start_time", "stop_time", "ghost"], 3)
    column(t, "start_time", [0.0, 1.0, 2.0], "start")
    column(t, "stop_time", [0.5, 1.5], "stop")  # one row short
    column(t, "extra", [7.0, 8.0, 9.0], "not in colnames")
    column(t, "tags_index", np.array([1, 2, 3], dtype="u1"), "an index without tags", ntype="VectorIndex")
    n = table(t, "nested", "DynamicTable", ["value"], 2)
    column(n, "value", [0.25, 0.5], "value")

    e = table(iv, "epochs", "TimeIntervals", ["start_time", "stop_time", "tags"], 2)
    column(e, "start_time", [0.0, 1.0], "start")
    column(e, "stop_time", [1.0, 2.0], "stop")
    column(e, "tags", np.array(["a", "b", "c"], dtype=object), "tags", dtype=STR)
    index(e, "tags", [1, 5], "u1")  # 5 > 3 values

    b = typed(f.create_group("processing/behavior"), "ProcessingModule", description="behavior")
    pos = typed(b.create_group("Position"), "Position", description="position")
    s = series(pos, "pos", "SpatialSeries", np.arange(10.0).reshape(5, 2), [0.0, 1.0, 3.0, 2.0, 4.0])
    nt = table(s, "notes", "DynamicTable", ["note"], 1)
    column(nt, "note", np.array(["fine"], dtype=object), "note", dtype=STR)
    series(b, "short", "TimeSeries", np.zeros(2), np.arange(5.0))
    series(b, "odd_times", "TimeSeries", np.zeros(4), [-1.5e9, np.nan, 1.0, 2.0])
    series(b, "lzf", "TimeSeries", np.zeros(50), np.arange(50.0), compression="lzf", chunks=(10,))

    fine = typed(f["acquisition"].create_group("fine"), "TimeSeries", description="fine")
    fine.create_dataset("data", data=np.ones(3))
    st = fine.create_dataset("starting_time", data=0.5)
    st.attrs["rate"] = 10.0

with h5py.File("nwb1_like.nwb", "w") as f:
    f.attrs["neurodata_type"] = "NWBFile"
    f.create_dataset("nwb_version", data="NWB-1.0.6", dtype=STR)
    f.create_dataset("identifier", data="nwb1", dtype=STR)

with h5py.File("cyclic.nwb", "w") as f:
    gen_nlb.uid = iter(["id-%d" % i for i in range(1000)])
    root(f)
    loop = typed(f.create_group("processing/loop"), "ProcessingModule", description="loop")
    t = table(loop, "t", "DynamicTable", ["value"], 2)
    column(t, "value", [0.25, 0.5], "value")
    loop["self"] = loop
    loop["up"] = f["processing"]
    f["acquisition/root"] = f["/"]
    f["acquisition/t_again"] = t
