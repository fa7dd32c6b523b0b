#!/usr/bin/python3
"""Writes a MATLAB v7.3-layout MAT-file with h5py, as MATLAB's `save -v7.3`
lays it out, and its golden values (Debian /usr/bin/python3, h5py 3.7,
NumPy 1.24):

    cd ingest/matfile/mat73/testdata && /usr/bin/python3 make_v73.py

v73_layout.mat   a 512-byte user block with the MAT-file header, then HDF5:
  - every array is a dataset with a MATLAB_class attribute, its dimensions
    reversed (MATLAB is column-major: the h5py array is the MATLAB array
    transposed);
  - char arrays are uint16 UTF-16 code units with MATLAB_int_decode = 2;
  - logical arrays are uint8;
  - empty arrays hold their dimensions (uint64) and have MATLAB_empty = 1;
  - a 1×1 struct is a group (MATLAB_class "struct") with one member per
    field and a MATLAB_fields attribute (variable-length sequences of
    one-character strings) giving the field order;
  - a struct array is a group (MATLAB_class "struct", MATLAB_fields) whose
    fields are datasets of object references (no MATLAB_class), one per
    element, into /#refs#;
  - a cell array is a dataset of object references into /#refs#;
  - a sparse array is a group with MATLAB_sparse = rows and datasets
    data, ir (row indices) and jc (column starts);
  - an object (here a datetime) is a uint32 dataset with MATLAB_class
    "datetime" and MATLAB_object_decode = 3, which readers do not decode.
v73_layout.golden.json  for each MATLAB path: class, dims and the values
  in MATLAB's column-major order (numbers) or the rows (char).
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FILE = os.path.join(HERE, "v73_layout.mat")
CLASS = {np.float64: "double", np.float32: "single", np.int8: "int8", np.uint8: "uint8",
         np.int16: "int16", np.uint16: "uint16", np.int32: "int32", np.uint32: "uint32",
         np.int64: "int64", np.uint64: "uint64"}
golden = {}


def cls_attr(obj, name):
    obj.attrs.create("MATLAB_class", np.bytes_(name))


def fields_attr(g, fields):
    """MATLAB_fields: the field names in order, each a variable-length
    sequence of one-character strings."""
    fa = np.empty(len(fields), dtype=object)
    for i, k in enumerate(fields):
        fa[i] = np.array(list(k), dtype="S1")
    g.attrs.create("MATLAB_fields", fa, dtype=h5py.vlen_dtype(np.dtype("S1")))


class Writer:
    def __init__(self, f):
        self.f = f
        self.refs = f.create_group("#refs#")
        self.n = 0

    def ref_target(self, value, path):
        """Writes value under /#refs# and returns a reference to it."""
        name = "r%d" % self.n
        self.n += 1
        return self.put(self.refs, name, value, path).ref

    def put(self, group, name, value, path):
        """Writes value (a MATLAB array described by Python objects) as
        group/name and records its golden entry under the MATLAB path."""
        kind = value[0]
        if kind == "num":  # ("num", 2-D numpy array)
            a = np.asarray(value[1])
            d = group.create_dataset(name, data=a.T)
            cls_attr(d, CLASS[a.dtype.type])
            golden[path] = {"class": CLASS[a.dtype.type], "dims": list(a.shape),
                            "values": [float(v) for v in a.flatten(order="F")]}
            return d
        if kind == "logical":
            a = np.asarray(value[1], dtype=bool)
            d = group.create_dataset(name, data=a.T.astype(np.uint8))
            cls_attr(d, "logical")
            golden[path] = {"class": "logical", "dims": list(a.shape),
                            "values": [float(v) for v in a.flatten(order="F")]}
            return d
        if kind == "char":  # ("char", [row strings of equal length])
            rows = value[1]
            units = np.array([[ord(c) for c in r] for r in rows], dtype=np.uint16)
            d = group.create_dataset(name, data=units.T)
            cls_attr(d, "char")
            d.attrs.create("MATLAB_int_decode", np.int32(2))
            golden[path] = {"class": "char", "dims": list(units.shape), "rows": rows}
            return d
        if kind == "empty":  # ("empty", class, dims)
            d = group.create_dataset(name, data=np.array(value[2], dtype=np.uint64))
            cls_attr(d, value[1])
            d.attrs.create("MATLAB_empty", np.uint8(1))
            golden[path] = {"class": value[1], "dims": list(value[2]), "values": []}
            return d
        if kind == "cell":  # ("cell", dims, [elements in column-major order])
            dims, elems = value[1], value[2]
            refs = [self.ref_target(e, "%s{%d}" % (path, i + 1)) for i, e in enumerate(elems)]
            arr = np.empty(dims[::-1], dtype=h5py.ref_dtype)
            arr.reshape(-1)[:] = refs  # C order of the reversed dims = column-major
            d = group.create_dataset(name, data=arr)
            cls_attr(d, "cell")
            golden[path] = {"class": "cell", "dims": list(dims)}
            return d
        if kind == "struct":  # ("struct", [(field, value)])
            g = group.create_group(name)
            cls_attr(g, "struct")
            fields = [k for k, _ in value[1]]
            fields_attr(g, fields)
            for k, v in value[1]:
                self.put(g, k, v, path + "." + k)
            golden[path] = {"class": "struct", "dims": [1, 1], "fields": fields}
            return g
        if kind == "structarray":  # ("structarray", dims, fields, [element dicts, column-major])
            dims, fields, elems = value[1], value[2], value[3]
            g = group.create_group(name)
            cls_attr(g, "struct")
            fields_attr(g, fields)
            for k in fields:
                refs = [self.ref_target(e[k], "%s(%d).%s" % (path, i + 1, k)) for i, e in enumerate(elems)]
                arr = np.empty(dims[::-1], dtype=h5py.ref_dtype)
                arr.reshape(-1)[:] = refs
                g.create_dataset(k, data=arr)  # no MATLAB_class: a struct array
            golden[path] = {"class": "struct", "dims": list(dims), "fields": fields}
            return g
        if kind == "sparse":  # ("sparse", dense 2-D array)
            a = np.asarray(value[1], dtype=np.float64)
            g = group.create_group(name)
            cls_attr(g, "double")
            g.attrs.create("MATLAB_sparse", np.uint64(a.shape[0]))
            ir, data, jc = [], [], [0]
            for j in range(a.shape[1]):
                for i in range(a.shape[0]):
                    if a[i, j] != 0:
                        ir.append(i)
                        data.append(a[i, j])
                jc.append(len(ir))
            g.create_dataset("data", data=np.array(data))
            g.create_dataset("ir", data=np.array(ir, dtype=np.uint64))
            g.create_dataset("jc", data=np.array(jc, dtype=np.uint64))
            golden[path] = {"class": "sparse", "dims": list(a.shape),
                            "values": [float(v) for v in a.flatten(order="F")]}
            return g
        if kind == "object":
            d = group.create_dataset(name, data=np.array([[3707764736, 2, 1, 1, 1, 1]], dtype=np.uint32).T)
            cls_attr(d, value[1])
            d.attrs.create("MATLAB_object_decode", np.int32(3))
            golden[path] = {"class": "unsupported", "matlab_class": value[1]}
            return d
        raise ValueError(kind)


def main():
    rng = np.random.default_rng(73)
    x = np.round(rng.standard_normal((3, 4)), 6)
    variables = [
        ("x", ("num", x)),
        ("row", ("num", np.array([[-3, -1, 0, 2, 32767]], dtype=np.int16))),
        ("u8", ("num", np.array([[0, 255], [7, 128]], dtype=np.uint8))),
        ("big", ("num", np.array([[-(2 ** 62)], [2 ** 53 + 1]], dtype=np.int64))),
        ("f32", ("num", np.array([[0.5, -1.25, 3.0e-3]], dtype=np.float32))),
        ("mask", ("logical", [[True, False, True], [False, False, True]])),
        ("name", ("char", ["héllo €"])),
        ("lines", ("char", ["ab", "cd", "ef"])),
        ("e", ("empty", "double", [0, 3])),
        ("s", ("struct", [
            ("zeta", ("num", np.array([[2.5]]))),
            ("alpha", ("char", ["field order is MATLAB_fields"])),
            ("inner", ("struct", [("v", ("num", np.array([[1.0], [2.0]]))),
                                  ("c", ("cell", [1, 2], [("num", np.array([[4.0]])), ("char", ["in"])]))])),
        ])),
        ("c", ("cell", [2, 2], [
            ("num", np.array([[1.0, 2.0], [3.0, 4.0]])),
            ("char", ["abc"]),
            ("cell", [1, 1], [("num", np.array([[7]], dtype=np.int32))]),
            ("logical", [[True]]),
        ])),
        ("sa", ("structarray", [1, 3], ["id", "data"], [
            {"id": ("num", np.array([[float(i + 1)]])),
             "data": ("num", np.arange(2 * (i + 1), dtype=np.float64).reshape(2, i + 1))}
            for i in range(3)])),
        ("sp", ("sparse", np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0], [0.0, -3.0, 4.0]]))),
        ("when", ("object", "datetime")),
    ]
    with h5py.File(FILE, "w", userblock_size=512) as f:
        w = Writer(f)
        for name, value in variables:
            w.put(f, name, value, name)
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Nov 28 12:00:00 2026 HDF5 schema 1.00 ."
    hdr = text.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
    with open(FILE, "r+b") as f:
        f.write(hdr + b"\x00" * (512 - len(hdr)))
    with open(os.path.join(HERE, "v73_layout.golden.json"), "w") as f:
        json.dump({"variables": [n for n, _ in variables], "paths": golden}, f, indent=1, ensure_ascii=False)
    print(FILE, os.path.getsize(FILE), "bytes,", len(golden), "paths")


if __name__ == "__main__":
    main()
