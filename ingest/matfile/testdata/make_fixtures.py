#!/usr/bin/python3
"""Writes the small synthetic MAT-files of the matfile tests.

Run from this directory with Debian's Python (scipy 1.10, numpy 1.24,
h5py 3.7):

    /usr/bin/python3 make_fixtures.py && /usr/bin/python3 make_goldens.py

Each level 5 fixture is written twice, uncompressed (NAME.mat) and with
zlib compression (NAME_z.mat). The goldens (NAME.golden.json) come from
make_goldens.py, which reads the files back with scipy.io.loadmat.
Big-endian files and function handles, which scipy cannot write, are built
by the Go tests themselves (synth_test.go).
"""

import numpy as np
import scipy.io as sio
import scipy.sparse as sp


def numeric():
    """Every numeric class, complex, logical, empty and N-D arrays."""
    rng = np.random.default_rng(20260101)
    d = {}
    d["dbl"] = np.array([[1.5, -2.25, 3.0], [np.pi, -0.0, 1e-300]])
    d["dbl_special"] = np.array([[np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308]])
    d["sgl"] = np.array([[1.5, -2.5], [3.25, 1e-7]], dtype=np.float32)
    for t in ["int8", "uint8", "int16", "uint16", "int32", "uint32"]:
        info = np.iinfo(t)
        d[t] = np.array([[info.min, 0, 1], [info.max, 2, info.max - 1]], dtype=t)
    d["int64"] = np.array([[np.iinfo(np.int64).min, -1, 0, 2**53 + 1, np.iinfo(np.int64).max]], dtype=np.int64)
    d["uint64"] = np.array([[0, 1, 2**53 + 1, 2**64 - 1]], dtype=np.uint64)
    d["cplx"] = np.array([[1 + 2j, -3.5 - 0.25j, 0 + 1j], [2 - 1j, 0j, -1e10 + 1e-10j]])
    d["cplx_sgl"] = np.array([[1 + 2j, 3 - 4j]], dtype=np.complex64)
    d["logic"] = np.array([[True, False, True], [False, False, True]])
    d["empty"] = np.zeros((0, 0))
    d["empty_0x5"] = np.zeros((0, 5))
    d["empty_int"] = np.zeros((3, 0), dtype=np.int16)
    d["scalar"] = np.array(42.0)
    d["rowvec"] = np.arange(1, 8, dtype=float).reshape(1, 7)
    d["colvec"] = np.arange(1, 6, dtype=float).reshape(5, 1) / 3
    d["nd3"] = np.arange(24, dtype=float).reshape(2, 3, 4, order="F") + 0.5
    d["nd4_uint8"] = (np.arange(2 * 3 * 2 * 2) % 251).astype(np.uint8).reshape(2, 3, 2, 2)
    d["rand"] = rng.standard_normal((7, 11))
    return d


def text():
    """Char arrays: ASCII, non-ASCII, multi-row, empty."""
    d = {}
    d["hello"] = "hello, world"
    d["accents"] = "Größe µV — naïve café"
    d["greek_cjk"] = "αβγ 日本語"
    d["multirow"] = np.array(["abc", "def", "g i"])
    d["empty_str"] = ""
    d["spaces"] = "  padded  "
    return d


def containers():
    """Structs, struct arrays, nested structs, cells of mixed types."""
    d = {}
    d["s"] = {"a": 1.0, "b": np.array([[1, 2], [3, 4]], dtype=np.int32), "name": "trial",
              "inner": {"deep": {"x": np.array([[1.0, 2.0, 3.0]]), "flag": True}}}
    sa = np.zeros((1, 3), dtype=[("id", "O"), ("data", "O"), ("label", "O")])
    for i in range(3):
        sa[0, i]["id"] = float(i + 1)
        sa[0, i]["data"] = np.arange((i + 1) * 2, dtype=float).reshape(i + 1, 2)
        sa[0, i]["label"] = "cond%d" % (i + 1)
    d["sarr"] = sa
    sa2 = np.zeros((2, 2), dtype=[("v", "O")])
    for i in range(2):
        for j in range(2):
            sa2[i, j]["v"] = float(10 * (i + 1) + (j + 1))
    d["sarr2x2"] = sa2
    c = np.empty((1, 6), dtype=object)
    c[0, 0] = 1.0
    c[0, 1] = "text"
    c[0, 2] = np.array([[1, 2, 3]], dtype=np.uint16)
    inner = np.empty((2, 1), dtype=object)
    inner[0, 0] = np.array([[True, False]])
    inner[1, 0] = -7.5
    c[0, 3] = inner
    c[0, 4] = {"f": 3.0}
    c[0, 5] = np.zeros((0, 0))
    d["c"] = c
    c2 = np.empty((2, 3), dtype=object)
    for i in range(2):
        for j in range(3):
            c2[i, j] = np.full((1, 1), 10.0 * i + j)
    d["c2x3"] = c2
    d["empty_cell"] = np.empty((0, 0), dtype=object)
    d["sp"] = sp.csc_matrix(np.array([[0, 1.5, 0, 0], [2.0, 0, 0, -3.0], [0, 0, 0, 4.25]]))
    d["sp_cplx"] = sp.csc_matrix(np.array([[0, 1 + 1j], [2 - 2j, 0]]))
    return d


def level4():
    sio.savemat("level4.mat", {"x": np.array([[1.0, 2.0], [3.0, 4.0]])}, format="4")


def v73():
    """A MATLAB v7.3 style file: a 512-byte user block holding the MAT-file
    header, then HDF5. Only its detection is tested."""
    import h5py
    with h5py.File("v73.mat", "w", userblock_size=512) as f:
        ds = f.create_dataset("x", data=np.array([[1.0, 2.0, 3.0]]).T)
        ds.attrs["MATLAB_class"] = np.bytes_("double")
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 12:00:00 2026 HDF5 schema 1.00 ."
    hdr = text.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
    with open("v73.mat", "r+b") as f:
        f.write(hdr + b"\x00" * (512 - len(hdr)))


def main():
    for name, make in [("numeric", numeric), ("text", text), ("containers", containers)]:
        d = make()
        sio.savemat(name + ".mat", d, format="5", do_compression=False, oned_as="row")
        sio.savemat(name + "_z.mat", d, format="5", do_compression=True, oned_as="row")
    level4()
    v73()


if __name__ == "__main__":
    main()
