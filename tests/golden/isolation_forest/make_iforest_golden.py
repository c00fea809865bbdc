#!/usr/bin/python3
"""Golden cases for the isolation_forest model plugin (plugins/models/isolation_forest),
from Debian's scikit-learn (python3-sklearn).

Run with Debian's interpreter from this folder, after exporting the caster's matrix:
    build/bench/bench_iforest --reps 0 --export /tmp/caster.csv   (from the repository root)
    /usr/bin/python3 make_iforest_golden.py /tmp/caster.csv

Writes
- score_formula.json: sklearn's _average_path_length c(n) for n = 0..20 and some large n;
  and two fitted IsolationForests exported tree by tree (feature, threshold, children,
  n_node_samples) with their score_samples on test rows. The C test rebuilds each
  tree's external-node path lengths (depth + c(size)) and must give -score_samples
  to 1e-12: c(n) and 2^(-E[h]/c(psi)) exactly as sklearn computes them.
- auc_<set>.csv (train/test rows, label: 1 abnormal) and auc_reference.json: sklearn's
  mean test ROC-AUC over random_state 0..9 (n_estimators 100, max_samples "auto",
  max_features 1.0), trained on the normal training rows only. The C test fits
  tundish's forest with seeds 0..9 on the same rows and must come within 0.01.
  Sets: blobs with uniform outliers (sklearn.datasets.make_blobs), breast cancer
  (sklearn.datasets.load_breast_cancer, shipped with the package: benign normal,
  malignant abnormal), and the caster's statistical feature matrix (the demo's data,
  exported by bench_iforest --export; only its split, auc_caster.csv, is kept).
"""
import csv
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, make_blobs
from sklearn.ensemble import IsolationForest
from sklearn.ensemble._iforest import _average_path_length
from sklearn.metrics import roc_auc_score

SEEDS = range(10)


def tree_case(x_train, x_test, **kw):
    f = IsolationForest(random_state=0, **kw).fit(x_train)
    trees = []
    for est, feats in zip(f.estimators_, f.estimators_features_):
        t = est.tree_
        feature = [int(feats[j]) if j >= 0 else -1 for j in t.feature]
        trees.append({"feature": feature, "threshold": [float(v) for v in t.threshold],
                      "left": [int(v) for v in t.children_left],
                      "right": [int(v) for v in t.children_right],
                      "n_node_samples": [int(v) for v in t.n_node_samples]})
    return {"psi": int(f.max_samples_), "n_features": int(x_train.shape[1]), "trees": trees,
            "x": x_test.astype(np.float32).astype(float).tolist(),
            "score": (-f.score_samples(x_test)).tolist()}


def write_set(name, x_train, x_test, y_test):
    with open(f"auc_{name}.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["split", "label"] + [f"f{j}" for j in range(x_train.shape[1])])
        for row in x_train.astype(np.float32):
            w.writerow(["train", 0] + [f"{float(v):.9g}" for v in row])
        for row, lab in zip(x_test.astype(np.float32), y_test):
            w.writerow(["test", int(lab)] + [f"{float(v):.9g}" for v in row])
    aucs = [roc_auc_score(y_test, -IsolationForest(random_state=s).fit(x_train)
                          .score_samples(x_test)) for s in SEEDS]
    return {"mean_roc_auc": float(np.mean(aucs)), "sd": float(np.std(aucs, ddof=1)),
            "n_train": int(len(x_train)), "n_test": int(len(x_test)),
            "n_abnormal_test": int(np.sum(y_test))}


def split_normal(x, y, rng, test_frac=0.3):
    """Train on normal rows only; test on a random share of everything."""
    idx = rng.permutation(len(x))
    n_test = int(round(test_frac * len(x)))
    te, tr = idx[:n_test], idx[n_test:]
    tr = tr[y[tr] == 0]
    return x[tr], x[te], y[te]


def main():
    rng = np.random.default_rng(14)
    ns = list(range(0, 21)) + [50, 100, 255, 256, 257, 1000, 4096, 100000]
    golden = {"sklearn": sklearn.__version__,
              "c": [[n, float(_average_path_length([n])[0])] for n in ns], "cases": []}
    x = rng.normal(size=(300, 4))
    x[:, 2] = np.round(x[:, 2])      # ties and constant nodes
    x_test = np.vstack([rng.normal(size=(20, 4)), rng.uniform(-6, 6, size=(10, 4))])
    golden["cases"].append(tree_case(x, x_test, n_estimators=25))
    golden["cases"].append(tree_case(x[:40], x_test, n_estimators=10, max_samples=17,
                                     max_features=0.5))
    with open("score_formula.json", "w") as fh:
        json.dump(golden, fh)

    ref = {"sklearn": sklearn.__version__, "seeds": list(SEEDS), "sets": {}}
    xb, _ = make_blobs(n_samples=1000, centers=3, n_features=6, random_state=3)
    lo, hi = xb.min(0) - 2, xb.max(0) + 2
    xo = rng.uniform(lo, hi, size=(60, 6))
    xa = np.vstack([xb, xo])
    ya = np.r_[np.zeros(len(xb)), np.ones(len(xo))]
    ref["sets"]["blobs"] = write_set("blobs", *split_normal(xa, ya, rng))
    bc = load_breast_cancer()
    ybc = (bc.target == 0).astype(float)   # target 0 = malignant
    ref["sets"]["breast_cancer"] = write_set("breast_cancer", *split_normal(bc.data, ybc, rng))
    with open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/caster.csv") as fh:
        rows = list(csv.reader(fh))
    xc = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    yc = np.array([float(r[0]) for r in rows[1:]])
    ref["sets"]["caster"] = write_set("caster", *split_normal(xc, yc, rng))
    with open("auc_reference.json", "w") as fh:
        json.dump(ref, fh, indent=1)
    print(json.dumps(ref, indent=1))


if __name__ == "__main__":
    main()
