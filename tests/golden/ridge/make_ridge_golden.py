#!/usr/bin/python3
"""Golden cases for the ridge model plugin (plugins/models/ridge): scikit-learn's
RidgeClassifierCV / RidgeCV (efficient leave-one-out over alphas) on small
data sets in both of its GCV modes (n <= p: eigen of the Gram matrix; n > p:
SVD of the design), with and without a StandardScaler in front.

Run with Debian's interpreter from this folder:  /usr/bin/python3 make_ridge_golden.py
Writes one <case>.json per case: x_train [n][p], y_train [n], x_test, the
fitted alpha_, and decision_function / predict on x_test.
"""
import json

import numpy as np
import sklearn
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ALPHAS = np.logspace(-3, 3, 10)


def data(rng, n, p, kind, n_classes=2, signal=1.0):
    x = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p) * 2
    w = rng.normal(size=(p, max(n_classes, 1)))
    z = signal * (x - x.mean(0)) @ w / np.sqrt(p) + rng.normal(scale=0.8, size=(n, max(n_classes, 1)))
    if kind == "regression":
        return x, z[:, 0] * 3 + 10
    if n_classes == 2:
        return x, (z[:, 0] > 0.3).astype(float)
    return x, z.argmax(1).astype(float)


def case(name, seed, n, p, kind, n_classes=2, standardize=False, signal=1.0):
    rng = np.random.default_rng(seed)
    x, y = data(rng, n + 25, p, kind, n_classes, signal)
    # tundish stores features as float32: fit sklearn on the same values
    x = x.astype(np.float32).astype(np.float64)
    xtr, ytr, xte = x[:n], y[:n], x[n:]
    est = RidgeCV(alphas=ALPHAS) if kind == "regression" else RidgeClassifierCV(alphas=ALPHAS)
    model = make_pipeline(StandardScaler(), est) if standardize else est
    model.fit(xtr, ytr)
    out = {
        "name": name, "sklearn": sklearn.__version__, "kind": kind, "n_classes": n_classes,
        "standardize": standardize, "alphas": ALPHAS.tolist(),
        "x_train": xtr.tolist(), "y_train": ytr.tolist(), "x_test": xte.tolist(),
        "alpha": float(est.alpha_),
    }
    if kind == "regression":
        out["prediction"] = model.predict(xte).tolist()
    else:
        d = model.decision_function(xte)
        out["decision"] = (d if d.ndim == 2 else d[:, None]).tolist()
        out["predicted_class"] = model.predict(xte).tolist()
    with open(name + ".json", "w") as f:
        json.dump(out, f)
    print(name, "alpha", est.alpha_)


case("binary_wide", 1, 40, 120, "binary", signal=6.0)
case("binary_tall_standardized", 2, 200, 15, "binary", standardize=True)
case("multiclass_tall", 3, 150, 20, "multiclass", n_classes=3)
case("multiclass_wide_standardized", 4, 60, 300, "multiclass", n_classes=4, standardize=True,
     signal=8.0)
case("regression_tall", 5, 100, 8, "regression")
case("regression_wide_standardized", 6, 30, 60, "regression", standardize=True)
