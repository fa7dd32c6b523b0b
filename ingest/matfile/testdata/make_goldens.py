#!/usr/bin/python3
"""Writes NAME.golden.json for each MAT-file the matfile tests read, from
scipy.io.loadmat (Debian's scipy 1.10, numpy 1.24). Run from this directory:

    /usr/bin/python3 make_goldens.py

A golden lists every array reachable in the file by its MATLAB path
("D_emg(2).A", "U{165}", "s.inner.deep.x"), with its class and shape and:

  numeric, logical, sparse: count, sum, sum of squares, min and max of the
      values as float64 (imaginary parts separately), and the exact values
      of a few elements at fixed column-major linear indices;
  char: the rows as strings;
  struct: the field names in file order; cell: nothing more.

Sums are math.fsum, correctly rounded; the Go test compares them within a
tolerance (summation order differs). Floats are written with Python's repr,
which round-trips exactly; NaN and infinities as the strings "NaN", "Inf",
"-Inf" (JSON has no such numbers). Values of integer classes are written as
JSON integers so that int64 and uint64 compare exactly.

scipy is asked twice: with mat_dtype=True for the MATLAB class (a double
array that MATLAB stored as uint8 is double), and with mat_dtype=False for
the values (mat_dtype=True drops imaginary parts in scipy 1.10).
"""

import json
import math
import os

import numpy as np
import scipy.io as sio
import scipy.sparse as sp

FILES = {
    # golden name: MAT-file path, relative to this directory
    "numeric": "numeric.mat",
    "text": "text.mat",
    "containers": "containers.mat",
    "velime_example_data": "velime_example_data.mat",
    "EMG_sampleData": "EMG_sampleData.mat",
    "kinematic_sampleData": "kinematic_sampleData.mat",
    "exampleData": "../../../data/golub2018_bci/exampleData.mat",
}

# Fixtures written compressed too: scipy must read both the same.
COMPRESSED_TWINS = {"numeric": "numeric_z.mat", "text": "text_z.mat", "containers": "containers_z.mat"}

CLASSES = {
    "float64": "double", "float32": "single", "complex128": "double", "complex64": "single",
    "int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16",
    "int32": "int32", "uint32": "uint32", "int64": "int64", "uint64": "uint64", "bool": "logical",
}


def fnum(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    return x


def picks(n):
    """Fixed column-major linear indices of the elements to record."""
    if n == 0:
        return []
    return sorted({0, n - 1, n // 2} | {(k * 7919 + 13) % n for k in range(1, 6)})


def stats(x):
    """Statistics of a float64 vector."""
    finite = bool(np.all(np.isfinite(x)))
    s = {"n": int(x.size)}
    if x.size == 0:
        return s
    if finite:
        s["sum"] = fnum(math.fsum(x))
        s["sumsq"] = fnum(math.fsum(x * x))
        s["sumabs"] = fnum(math.fsum(np.abs(x)))
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            s["sum"] = fnum(np.sum(x))
    if not np.all(np.isnan(x)):
        s["min"] = fnum(np.nanmin(x))
        s["max"] = fnum(np.nanmax(x))
    return s


def numeric_entry(cls, vals):
    """vals: the array as stored (dtype of the stored data)."""
    flat = vals.ravel(order="F")
    integer = cls not in ("double", "single", "logical")
    e = {"real": stats(np.real(flat).astype(np.float64))}
    if np.iscomplexobj(flat):
        e["imag"] = stats(np.imag(flat).astype(np.float64))
    elems = []
    for i in picks(flat.size):
        x = flat[i]
        if cls == "logical":
            v = bool(x)
        elif integer:
            v = int(x)
        elif np.iscomplexobj(flat):
            v = [fnum(np.real(x)), fnum(np.imag(x))]
        else:
            v = fnum(x)
        elems.append([i, v])
    e["elements"] = elems
    return e


def is_struct(a):
    return isinstance(a, np.ndarray) and a.dtype.names is not None


def walk(path, cls_arr, val_arr, out):
    """cls_arr from mat_dtype=True, val_arr from mat_dtype=False."""
    if sp.issparse(val_arr):
        dense = val_arr.toarray()
        e = {"path": path, "class": "sparse", "shape": list(dense.shape), "nnz": int(val_arr.nnz)}
        e.update(numeric_entry("double", dense))
        out.append(e)
        return
    assert isinstance(val_arr, np.ndarray), (path, type(val_arr))
    shape = list(val_arr.shape)
    n = val_arr.size
    if is_struct(val_arr):
        names = list(val_arr.dtype.names)
        out.append({"path": path, "class": "struct", "shape": shape, "fields": names})
        cf, vf = cls_arr.ravel(order="F"), val_arr.ravel(order="F")
        for i in range(n):
            base = path if n == 1 else "%s(%d)" % (path, i + 1)
            for f in names:
                walk(base + "." + f, cf[i][f], vf[i][f], out)
        return
    if val_arr.dtype == object:
        out.append({"path": path, "class": "cell", "shape": shape})
        cf, vf = cls_arr.ravel(order="F"), val_arr.ravel(order="F")
        for i in range(n):
            walk("%s{%d}" % (path, i + 1), cf[i], vf[i], out)
        return
    if val_arr.dtype.kind == "U":
        rows = shape[0] if shape else 0
        flat = val_arr.ravel(order="F")
        cols = n // rows if rows else 0
        out.append({"path": path, "class": "char", "shape": shape,
                    "rows": ["".join(flat[r + c * rows] for c in range(cols)) for r in range(rows)]})
        return
    cls = CLASSES[cls_arr.dtype.name]
    e = {"path": path, "class": cls, "shape": shape}
    e.update(numeric_entry(cls, val_arr))
    out.append(e)


def load(path, mat_dtype):
    return sio.loadmat(path, mat_dtype=mat_dtype, chars_as_strings=False, squeeze_me=False,
                       struct_as_record=True)


def golden(path):
    by_class, by_value = load(path, True), load(path, False)
    names = [k for k in by_value if not k.startswith("__")]
    out = []
    for k in names:
        walk(k, by_class[k], by_value[k], out)
    return {"source": os.path.basename(path), "vars": names, "entries": out}


def dumps(g):
    """JSON with one entry a line, for readable diffs."""
    enc = lambda x: json.dumps(x, ensure_ascii=False, allow_nan=False)
    return ('{"source": %s,\n"vars": %s,\n"entries": [\n%s\n]}\n'
            % (enc(g["source"]), enc(g["vars"]), ",\n".join(enc(e) for e in g["entries"])))


def main():
    for name, path in FILES.items():
        g = golden(path)
        if name in COMPRESSED_TWINS:
            twin = golden(COMPRESSED_TWINS[name])
            assert twin["entries"] == g["entries"], name
        with open(name + ".golden.json", "w") as f:
            f.write(dumps(g))
        print(name, len(g["entries"]), "entries")


if __name__ == "__main__":
    main()
