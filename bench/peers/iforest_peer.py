#!/usr/bin/python3
"""scikit-learn's IsolationForest on the same matrix bench_iforest times: fit on the normal
rows (label 0), score every row (score_samples), n_jobs=1, the defaults tundish's
isolation_forest shares (n_estimators 100, max_samples min(256, n), max_features 1.0).

    /usr/bin/python3 bench/peers/iforest_peer.py --csv FILE [--reps 5]

One line per repetition, as bench_iforest prints:  threads=1 n=N features=P fit_score_s=...
"""
import argparse
import time

import numpy as np
from sklearn.ensemble import IsolationForest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    data = np.loadtxt(a.csv, delimiter=",", skiprows=1, dtype=np.float64)
    y, x = data[:, 0], data[:, 1:].astype(np.float32)
    normal = x[y < 0.5]
    for r in range(a.reps):
        t0 = time.perf_counter()
        f = IsolationForest(n_estimators=100, random_state=r, n_jobs=1).fit(normal)
        s = -f.score_samples(x)
        t1 = time.perf_counter()
        assert np.all(np.isfinite(s))
        print(f"threads=1 n={len(x)} features={x.shape[1]} fit_score_s={t1 - t0:.6f}", flush=True)


if __name__ == "__main__":
    main()
