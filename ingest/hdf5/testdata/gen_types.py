#!/usr/bin/python3
"""Writes types.h5, the HDF5 file the tests of ingest/hdf5 read.

Run from this folder with Debian's Python and h5py:

    apt-get install python3-h5py
    /usr/bin/python3 gen_types.py

Every value is a small closed form that hdf5_test.go states again; the file
is committed (a few tens of KB), so the tests need neither Python nor h5py.
"""
import h5py
import numpy as np

f = h5py.File("types.h5", "w", track_order=False)

# Numbers: i = 0..9 in every integer width, floats i/4.
g = f.create_group("num")
for dt in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", ">i4", ">f8", "f2", "f4", "f8"]:
    name = dt.replace(">", "be_")
    v = np.arange(10).astype(dt)
    if dt.endswith(("f2", "f4", "f8")):
        v = (np.arange(10) / 4).astype(dt)
    g.create_dataset(name, data=v)
g.create_dataset("u8_big", data=np.array([1, 2**63 + 5], dtype="u8"))
g.create_dataset("bool", data=np.array([True, False, True, True]))
g.create_dataset("enum", data=np.array([0, 2, 1], dtype="i2"),
                 dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="i2"))
g.create_dataset("scalar", data=np.float64(2.5))
g.create_dataset("matrix", data=np.arange(12, dtype="f8").reshape(4, 3))
g.create_dataset("cube", data=np.arange(24, dtype="i4").reshape(2, 3, 4))
# 1000 rows in chunks of 64, gzip: a range read crosses chunk boundaries.
g.create_dataset("chunked", data=np.arange(1000, dtype="f8") * 0.5, chunks=(64,), compression="gzip")
g.create_dataset("empty", shape=(0,), dtype="f8")
g.create_dataset("null", data=h5py.Empty("f8"))

# Strings.
s = f.create_group("str")
s.create_dataset("vlen_utf8", data=np.array(["alpha", "", "β-gamma"], dtype=object), dtype=h5py.string_dtype("utf-8"))
s.create_dataset("vlen_ascii", data=np.array([b"x", b"yz"], dtype=object), dtype=h5py.string_dtype("ascii"))
s.create_dataset("fixed", data=np.array([b"ab", b"abcd", b""], dtype="S4"))
s.create_dataset("scalar", data="hello", dtype=h5py.string_dtype("utf-8"))
s.create_dataset("matrix", data=np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object), dtype=h5py.string_dtype())

# References, links.
r = f.create_group("ref")
r.create_dataset("objects", data=[f["num/i4"].ref, f["str"].ref, h5py.Reference()], dtype=h5py.ref_dtype)
r.create_dataset("regions", data=[f["num/f8"].regionref[2:5]], dtype=h5py.regionref_dtype)
r["soft"] = h5py.SoftLink("/num/f8")
r["dangling"] = h5py.SoftLink("/nowhere")
r["external"] = h5py.ExternalLink("other.h5", "/x")
r["hard"] = f["num/u2"]

# Dtypes described but not read.
c = f.create_group("other")
c.create_dataset("compound", data=np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]))
c.create_dataset("vlen_int", data=np.array([np.arange(3), np.arange(2)], dtype=object), dtype=h5py.vlen_dtype("i4"))
c.create_dataset("opaque", data=np.void(b"\x01\x02"))

# Attributes.
a = f["num/f8"].attrs
a["str"] = "scalar utf-8"
a["ascii"] = np.bytes_(b"fixed ascii")
a["strs"] = np.array(["a", "bc"], dtype=h5py.string_dtype())
a["f"] = 0.5
a["f32s"] = np.array([1.5, 2.5], dtype="f4")
a["i"] = np.int32(-3)
a["u"] = np.uint64(2**63 + 5)
a["b"] = np.bool_(True)
a["ref"] = f["str"].ref
a["refs"] = np.array([f["num"].ref, f["num/i1"].ref], dtype=h5py.ref_dtype)
a["empty"] = h5py.Empty("f8")
a["compound"] = np.array((1, 2.0), dtype=[("a", "i4"), ("b", "f8")])
f["str"].attrs["neurodata_type"] = "Thing"
f.close()
