#!/usr/bin/python3
"""Writes convert.h5 and userblock.h5, the files on which the tests of
ingest/hdf5 compare its direct reads of contiguous datasets (direct.go) with
the HDF5 library's reads, value for value.

Run from this folder with Debian's Python and h5py:

    /usr/bin/python3 gen_convert.py

convert.h5 holds every integer width in both byte orders with its extreme
values, floats in both orders with NaN, infinities, subnormals and the
largest values, uint64 values above 2**53 and above the largest int64 (read
as float64 they round; read as int64 they are an error), in both byte orders (the library converts the
other order bit by bit, rounding as the processor does), a 2-D and a 3-D
dataset for row ranges, a chunked copy and a compact one (read by the
library), and an allocated-late dataset never written (no storage: read by
the library). userblock.h5 has a 512-byte user block before the HDF5 data,
so that its offsets do not start at 0.
"""
import h5py
import numpy as np

with h5py.File("convert.h5", "w") as f:
    g = f.create_group("int")
    for dt in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        info = np.iinfo(dt)
        v = np.array([info.min, info.min + 1, -1 if info.min else 1, 0, 1, 2, info.max - 1, info.max], dtype=dt)
        for order in "<>":
            g.create_dataset(dt + ("_le" if order == "<" else "_be"), data=v.astype(order + dt))
    big = np.array([2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1], dtype="u8")
    g.create_dataset("u8_huge", data=big)
    g.create_dataset("u8_fits", data=big[:4])
    i8 = np.array([-(2**63), -(2**53) - 3, -(2**53) - 1, 2**53 + 1, 2**53 + 3, 2**63 - 1], dtype="i8")
    g.create_dataset("i8_huge", data=i8)
    g.create_dataset("i8_huge_be", data=i8.astype(">i8"))
    g.create_dataset("u8_huge_be", data=big.astype(">u8"))
    h = f.create_group("float")
    for dt in ["f4", "f8"]:
        info = np.finfo(dt)
        v = np.array([0.0, -0.0, 1.5, -2.25, info.max, -info.max, info.tiny, info.tiny / 8, np.inf, -np.inf, np.nan], dtype=dt)
        for order in "<>":
            h.create_dataset(dt + ("_le" if order == "<" else "_be"), data=v.astype(order + dt))
    m = f.create_group("shape")
    m.create_dataset("matrix_be", data=np.arange(30, dtype=">i2").reshape(10, 3))
    m.create_dataset("cube", data=np.arange(60, dtype="f4").reshape(5, 3, 4) / 8)
    m.create_dataset("chunked", data=np.arange(100, dtype="f8") / 3, chunks=(16,))
    m.create_dataset("scalar_be", data=np.array(-7, dtype=">i4"))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    sid = h5py.h5s.create_simple((6,))
    h5py.h5d.create(m.id, b"compact", h5py.h5t.STD_I32LE, sid, dcpl=dcpl).write(
        h5py.h5s.ALL, h5py.h5s.ALL, np.arange(6, dtype="<i4"))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_LATE)
    dcpl.set_fill_value(np.array(2.5))
    h5py.h5d.create(m.id, b"unwritten", h5py.h5t.IEEE_F64LE, h5py.h5s.create_simple((4,)), dcpl=dcpl)

with h5py.File("userblock.h5", "w", userblock_size=512) as f:
    f.create_dataset("x", data=np.arange(20, dtype="f8") * 0.25)
    f.create_dataset("n", data=np.arange(20, dtype=">u2"))
with open("userblock.h5", "r+b") as f:
    f.write(b"user block: not HDF5".ljust(512, b"."))
