#!/usr/bin/python3
"""Golden values of the regression evaluator (plugins/evaluators/regression):
scikit-learn's mean_squared_error (root), mean_absolute_error,
mean_absolute_percentage_error and r2_score, and the C-MAPSS score
s = sum(exp(-d/13) - 1 for d < 0, exp(d/10) - 1 for d >= 0), d = p - y,
computed with numpy. Run from this folder: /usr/bin/python3 make_regression_golden.py
Writes cases.json: a list of {name, y, p, rmse, mae, mape, r2, cmapss_score}.
"""
import json

import numpy as np
import sklearn
from sklearn.metrics import (mean_absolute_error, mean_absolute_percentage_error,
                             mean_squared_error, r2_score)


def case(name, y, p):
    y = np.asarray(y, float)
    p = np.asarray(p, float)
    d = p - y
    return {
        "name": name, "y": y.tolist(), "p": p.tolist(),
        "rmse": float(np.sqrt(mean_squared_error(y, p))),
        "mae": float(mean_absolute_error(y, p)),
        "mape": float(mean_absolute_percentage_error(y, p)),
        "r2": float(r2_score(y, p)),
        "cmapss_score": float(np.sum(np.where(d < 0, np.exp(-d / 13) - 1, np.exp(d / 10) - 1))),
    }


rng = np.random.default_rng(0)
y = rng.uniform(0, 125, 100)
cases = [
    case("rul_like", y, y + rng.normal(0, 15, 100)),
    case("zeros_in_y", [0, 1, 2, 0, 5], [0.5, 1, 1.5, -0.2, 4]),
    case("constant_y", [3, 3, 3, 3], [2, 3, 4, 3]),
    case("perfect_constant", [7, 7, 7], [7, 7, 7]),
    case("late_vs_early", [50, 50], [80, 20]),
]
with open("cases.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1)
print(len(cases), "cases")
