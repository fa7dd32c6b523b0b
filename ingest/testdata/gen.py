#!/usr/bin/python3
"""Writes the NPY/NPZ test grid for ingest (run from this folder with
Debian's /usr/bin/python3 and python3-numpy):

    data_<dtype>_2x3_<c|f>order.npy  the matrix [[0, 1, 2], [3, 4, 5]] (bool: odd
                                     entries true), in C or Fortran order, of
                                     every type in either byte order
    random_<le|be>f8.npy             the same 50×7 standard normal draws
                                     (seed 1) in either byte order
    grid3_<c|f>order.npy             arange(24).reshape(2, 3, 4) as >i4
    vector_f8.npy                    [0.5, 1.5, 2.5]
    scalar_f8.npy                    a 0-d array, 7.0
    arrays.npz                       spikes (2×3 uint8) and vel (2×2 float32)
"""
import numpy as np

base = np.arange(6).reshape(2, 3)
for dt in ["<f8", "<f4", ">f8", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1",
           ">f4", ">i8", ">i4", ">i2", ">u8", ">u4", ">u2"]:
    a = (base % 2 == 1) if dt == "|b1" else base.astype(dt)
    name = dt.replace("<", "le").replace(">", "be").replace("|", "")
    np.save(f"data_{name}_2x3_corder.npy", np.ascontiguousarray(a))
    np.save(f"data_{name}_2x3_forder.npy", np.asfortranarray(a))
np.save("vector_f8.npy", np.array([0.5, 1.5, 2.5]))
np.save("scalar_f8.npy", np.array(7.0))
np.savez_compressed("arrays.npz", spikes=base.astype(np.uint8), vel=np.array([[1, 2], [3, 4]], np.float32))
r = np.random.default_rng(1).standard_normal((50, 7))
np.save("random_lef8.npy", r.astype("<f8"))
np.save("random_bef8.npy", r.astype(">f8"))
g = np.arange(24).reshape(2, 3, 4).astype(">i4")
np.save("grid3_corder.npy", np.ascontiguousarray(g))
np.save("grid3_forder.npy", np.asfortranarray(g))
