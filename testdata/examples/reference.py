#!/usr/bin/python3
"""Independent reference for the numbers the Example functions print.

Run with Debian's Python (python3-numpy, python3-sklearn 1.2) from the
repository root:

    /usr/bin/python3 testdata/examples/reference.py

It prints, per example, what numpy or scikit-learn computes from the same
files and data, in the examples' rounding, for comparison with their
`// Output:` blocks. The Go tests never run it. The Golub decoder and regime
measures (decode.ExampleCV_FitDesign, regimes.ExampleAnalyze) come from
testdata/sklearn/golub.json, which testdata/sklearn/make_goldens.py computes
with scikit-learn; models.ExampleTrainer_Run has no reference outside Go
(see its comment for how its digits were checked).
"""
import hashlib
import json
import os

import numpy as np
from sklearn.linear_model import Ridge, RidgeCV

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLUB = os.path.join(ROOT, "data", "golub2018_bci")


def npy(name):
    return np.load(os.path.join(GOLUB, "npy", name + ".npy"))


def f4(v):
    return "[" + " ".join("%.4f" % x for x in v) + "]"


# ingest.ExampleReadArray
spikes = npy("before_spikes")
with open(os.path.join(GOLUB, "npy", "before_spikes.npy"), "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
print("ingest.ExampleReadArray:", list(spikes.shape), spikes.dtype.str, "spikes", int(spikes.sum()), "sha256", digest[:16])

# manifest.ExampleLoad: the mask drops samples whose cursor-to-target
# angle is a multiple of 45° (numpy.isclose, as the paper's code).
c = npy("before_cursor_to_target_dir")
ang = np.degrees(np.arctan2(c[:, 1], c[:, 0])) % 360
bad = np.zeros(len(ang), bool)
for a in range(0, 360, 45):
    bad |= np.isclose(ang, a)
print("manifest.ExampleLoad:", len(spikes), "samples,", int((~bad).sum()), "used;", spikes.shape[1], "neurons; decoder",
      "%d×%d" % npy("map_intuitive_M2").shape)

# preprocess.ExampleBuild: rates in Hz, centred over the used samples.
x = spikes[~bad] / 0.045
z = npy("before_vraw_intuitive")[~bad]
xc, w = x - x.mean(0), npy("map_intuitive_M2")
rho_given = np.linalg.norm(xc @ w.T) / (np.linalg.norm(xc) * np.linalg.norm(w))
print("preprocess.ExampleBuild: X %d×%d; neuron 0 mean %.4f, first sample %.4f; behaviour means %s"
      % (x.shape[0], x.shape[1], x.mean(0)[0], x[0, 0] - x.mean(0)[0], f4(z.mean(0))))

# decode.ExampleCV_Fit
x = np.array([1, 0, 2, 1, 3, 1, 4, 3, 5, 2, 6, 5, 7, 4, 8, 6.]).reshape(8, 2)
z = np.array([1.1, 2.3, 2.8, 4.9, 4.6, 7.2, 6.8, 8.9])
cv = RidgeCV(alphas=[0.1, 1, 10], store_cv_values=True).fit(x, z)
r = Ridge(alpha=cv.alpha_, solver="svd").fit(x, z)
print("decode.ExampleCV_Fit: α = %g; scores %s; coef %s + %.4f, R² = %.4f"
      % (cv.alpha_, f4(-cv.cv_values_.mean(0)), f4(r.coef_), r.intercept_, r.score(x, z)))

# decode.ExampleCV_FitDesign and regimes.ExampleAnalyze
with open(os.path.join(ROOT, "testdata", "sklearn", "golub.json")) as f:
    g = json.load(f)["loo"]
print("decode.ExampleCV_FitDesign: α = %g, R² = %.4f, ρ = %.4f (experimenter's decoder: %.4f), vx weights %s"
      % (g["alpha"], g["r2"], g["rho"], rho_given, f4(g["coef"][0][:3])))
print("regimes.ExampleAnalyze: ρ = %.4f, D_var = %d, D_fit = %d, D_fit/D_var = %.4f"
      % (g["rho"], g["d_var"], g["d_fit"], g["ratio"]))
