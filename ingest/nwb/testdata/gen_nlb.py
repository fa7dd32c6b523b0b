#!/usr/bin/python3
"""Writes small NWB files shaped like the Neural Latents Benchmark's.

Run from this folder with Debian's Python and h5py (no pynwb):

    apt-get install python3-h5py
    /usr/bin/python3 gen_nlb.py

The layout copies the NLB files on DANDI (000128 MC_Maze and friends): an
NWBFile root with nwb_version, neurodata_type, namespace and object_id as
scalar variable-length UTF-8 strings and a .specloc object reference; /units
with spike_times + spike_times_index (a VectorIndex whose target attribute is
an object reference), id, heldout (bool), obs_intervals + index and
electrodes + index (a DynamicTableRegion whose table attribute is an object
reference), colnames as an array of variable-length strings;
/intervals/trials with start_time, stop_time, split ('train'/'val'/'test'),
move_onset_time (NaN where there was no movement, as in MC_Maze), delay and
ragged target_pos; /processing/behavior/hand_vel (N×2, conversion != 1,
timestamps) and /processing/behavior/cursor_pos (starting_time + rate, int16
data with conversion and offset). Values are made by a seeded generator, so
the files are the same at every run.

It writes:
  nlb_uint8.nwb    indices stored as uint8
  nlb_uint64.nwb   the same data, indices stored as uint64
  bad_float_index.nwb   /units/spike_times_index stored as float32
  bad_layout.nwb   an index past the end of its data, a decreasing ragged
                   index, a column with too few rows, a starting_time
                   without rate, timestamps shorter than data
"""
import uuid

import h5py
import numpy as np

STR = h5py.string_dtype("utf-8")
rng = np.random.default_rng(20240601)
uid = iter(uuid.UUID(int=int(x)) for x in rng.integers(0, 2**62, size=1000))


def typed(obj, ntype, namespace="core", description=None):
    obj.attrs["namespace"] = namespace
    obj.attrs["neurodata_type"] = ntype
    obj.attrs["object_id"] = str(next(uid))
    if description is not None:
        obj.attrs["description"] = description
    return obj


def root(f):
    f.attrs["namespace"] = "core"
    f.attrs["neurodata_type"] = "NWBFile"
    f.attrs["nwb_version"] = "2.4.0"
    f.attrs["object_id"] = str(next(uid))
    spec = f.create_group("specifications/core/2.4.0")
    spec.create_dataset("namespace", data='{"namespaces":[]}', dtype=STR)
    f.attrs[".specloc"] = f["specifications"].ref
    f.create_dataset("identifier", data="nlb-like-test", dtype=STR)
    f.create_dataset("session_description", data="synthetic NLB-shaped session for tests", dtype=STR)
    f.create_dataset("session_start_time", data="2019-01-01T00:00:00+00:00", dtype=STR)
    f.create_dataset("timestamps_reference_time", data="2019-01-01T00:00:00+00:00", dtype=STR)
    f.create_dataset("file_create_date", data=["2024-06-01T00:00:00+00:00"], dtype=STR)
    for g in ["acquisition", "analysis", "stimulus/presentation", "stimulus/templates"]:
        f.create_group(g)


def column(group, name, data, description, dtype=None, ntype="VectorData"):
    d = group.create_dataset(name, data=data, dtype=dtype)
    typed(d, ntype, "hdmf-common", description)
    return d


def index(group, name, ends, dtype):
    d = column(group, name + "_index", np.asarray(ends, dtype=dtype), "Index for VectorData '%s'" % name,
               ntype="VectorIndex")
    d.attrs["target"] = group[name].ref
    return d


def electrodes(f):
    dev = typed(f.create_group("general/devices/array"), "Device", description="Utah array")
    eg = typed(f.create_group("general/extracellular_ephys/ElectrodeArray"), "ElectrodeGroup", description="M1")
    eg.attrs["location"] = "M1"
    eg["device"] = h5py.SoftLink(dev.name)
    t = typed(f.create_group("general/extracellular_ephys/electrodes"), "DynamicTable", "hdmf-common",
              "metadata about extracellular electrodes")
    n = 4
    t.attrs["colnames"] = np.array(["x", "y", "location", "group", "group_name"], dtype=object)
    column(t, "id", np.arange(n, dtype="i8"), None, ntype="ElementIdentifiers")
    column(t, "x", np.arange(n) * 0.4, "x position")
    column(t, "y", np.zeros(n), "y position")
    column(t, "location", np.array(["M1"] * n, dtype=object), "location", dtype=STR)
    column(t, "group", [eg.ref] * n, "group", dtype=h5py.ref_dtype)
    column(t, "group_name", np.array(["ElectrodeArray"] * n, dtype=object), "group name", dtype=STR)
    return t


def units(f, idx_dtype, counts, heldout):
    u = typed(f.create_group("units"), "Units", description="sorted units")
    u.attrs["colnames"] = np.array(["spike_times", "obs_intervals", "electrodes", "heldout"], dtype=object)
    n = len(counts)
    trains = [np.sort(rng.uniform(0, 2.0, size=c)) for c in counts]
    column(u, "id", np.arange(n, dtype="i8"), None, ntype="ElementIdentifiers")
    column(u, "spike_times", np.concatenate(trains), "the spike times for each unit")
    index(u, "spike_times", np.cumsum(counts), idx_dtype)
    obs = [[[0.0, 2.0]] if i % 3 else [[0.0, 0.9], [1.1, 2.0]] for i in range(n)]
    column(u, "obs_intervals", np.concatenate(obs), "the observation intervals for each unit")
    index(u, "obs_intervals", np.cumsum([len(o) for o in obs]), idx_dtype)
    el = [[i % 4] if i % 2 else [i % 4, (i + 1) % 4] for i in range(n)]
    d = column(u, "electrodes", np.concatenate(el).astype("i8"), "the electrodes that each spike unit came from",
               ntype="DynamicTableRegion")
    d.attrs["table"] = f["general/extracellular_ephys/electrodes"].ref
    index(u, "electrodes", np.cumsum([len(e) for e in el]), idx_dtype)
    column(u, "heldout", np.array(heldout, dtype=bool), "held-out units")
    return u


def trials(f, idx_dtype, n=8):
    t = typed(f.create_group("intervals/trials"), "TimeIntervals", description="experimental trials")
    t.attrs["colnames"] = np.array(["start_time", "stop_time", "split", "move_onset_time", "delay", "target_pos"],
                                   dtype=object)
    start = np.round(np.arange(n) * 0.25, 6)
    column(t, "id", np.arange(n, dtype="i8"), None, ntype="ElementIdentifiers")
    column(t, "start_time", start, "Start time of epoch, in seconds")
    column(t, "stop_time", start + 0.2, "Stop time of epoch, in seconds")
    split = np.array(["train", "train", "val", "train", "test", "train", "val", "test"][:n], dtype=object)
    column(t, "split", split, "data split", dtype=STR)
    move = start + rng.uniform(0.05, 0.15, size=n)
    move[3] = np.nan  # no movement on that trial, as in MC_Maze
    column(t, "move_onset_time", move, "movement onset")
    column(t, "delay", rng.integers(0, 1000, size=n).astype("i4"), "delay period (ms)")
    k = [1 + (i % 3) for i in range(n)]
    column(t, "target_pos", np.round(rng.uniform(-100, 100, size=(sum(k), 2)), 3), "target positions (mm)")
    index(t, "target_pos", np.cumsum(k), idx_dtype)
    return t


def behavior(f):
    b = typed(f.create_group("processing/behavior"), "ProcessingModule", description="behavioral data")
    n = 300
    hv = typed(b.create_group("hand_vel"), "TimeSeries", description="hand velocity")
    hv.attrs["comments"] = "no comments"
    d = hv.create_dataset("data", data=np.round(rng.normal(0, 200, size=(n, 2)), 4))
    d.attrs["conversion"] = 0.001  # mm/s stored, m/s meant
    d.attrs["resolution"] = -1.0
    d.attrs["unit"] = "m/s"
    ts = hv.create_dataset("timestamps", data=0.5 + np.arange(n) * 0.001)
    ts.attrs["interval"] = np.int32(1)
    ts.attrs["unit"] = "seconds"
    cp = typed(b.create_group("cursor_pos"), "TimeSeries", description="cursor position")
    d = cp.create_dataset("data", data=rng.integers(-2000, 2000, size=(200, 2)).astype("i2"))
    d.attrs["conversion"] = 0.5
    d.attrs["offset"] = -1.0
    d.attrs["resolution"] = -1.0
    d.attrs["unit"] = "mm"
    st = cp.create_dataset("starting_time", data=0.25)
    st.attrs["rate"] = 1000.0
    st.attrs["unit"] = "seconds"


def nlb(name, idx_dtype):
    with h5py.File(name, "w") as f:
        root(f)
        electrodes(f)
        units(f, idx_dtype, counts=[5, 0, 12, 3, 40, 7], heldout=[False, False, True, False, True, False])
        trials(f, idx_dtype)
        behavior(f)


if __name__ == "__main__":
    for name, dt in [("nlb_uint8.nwb", "u1"), ("nlb_uint64.nwb", "u8")]:
        rng = np.random.default_rng(7)  # the same values in both files
        nlb(name, dt)

    with h5py.File("bad_float_index.nwb", "w") as f:
        root(f)
        u = typed(f.create_group("units"), "Units", description="units")
        u.attrs["colnames"] = np.array(["spike_times"], dtype=object)
        column(u, "spike_times", np.arange(6) * 0.1, "spike times")
        index(u, "spike_times", [2, 6], "f4")

    with h5py.File("bad_layout.nwb", "w") as f:
        root(f)
        u = typed(f.create_group("units"), "Units", description="units")
        u.attrs["colnames"] = np.array(["spike_times"], dtype=object)
        column(u, "spike_times", np.arange(6) * 0.1, "spike times")
        index(u, "spike_times", [2, 7], "u1")  # 7 > 6 spikes
        t = typed(f.create_group("intervals/trials"), "TimeIntervals", description="trials")
        t.attrs["colnames"] = np.array(["start_time", "stop_time", "target_pos"], dtype=object)
        column(t, "id", np.arange(3, dtype="i8"), None, ntype="ElementIdentifiers")
        column(t, "start_time", [0.0, 1.0, 2.0], "start")
        column(t, "stop_time", [0.5, 1.5], "stop")  # one row short
        column(t, "target_pos", np.zeros((4, 2)), "targets")
        index(t, "target_pos", [2, 1, 4], "u1")  # decreasing
        b = typed(f.create_group("processing/behavior"), "ProcessingModule", description="behavior")
        s = typed(b.create_group("no_rate"), "TimeSeries", description="starting_time without rate")
        s.create_dataset("data", data=np.zeros(5))
        s.create_dataset("starting_time", data=0.0)
        s = typed(b.create_group("short_timestamps"), "TimeSeries", description="4 timestamps for 5 rows")
        s.create_dataset("data", data=np.zeros(5))
        s.create_dataset("timestamps", data=np.arange(4.0))
