#!/usr/bin/python3
"""The reference MiniRocket (angus924/minirocket, code/minirocket.py and
code/minirocket_multivariate.py, numba, parallel transform) timed on a raw
float32 file, for bench/bench_minirocket.sh.

The reference's code is not part of this repository (its licence is its own):
put the two files in a folder and pass it with --ref, e.g. from a clone of
https://github.com/angus924/minirocket (the golden files in
tests/golden/minirocket came from commit 0b1c245d9c9dbc50886f28bc7b32d5d45b5663d6).

  NUMBA_NUM_THREADS=2 /usr/bin/python3 bench/peers/minirocket_peer.py \
      --ref DIR --raw FILE --shape N,L,C [--fit-n N] [--reps 3] [--features 10000]

The raw file is little-endian float32 in tundish's layout [N][L][C]; it is
transposed to the reference's [N][C][L] (or [N][L] for one channel) before
timing. The numba functions are compiled on a small input first, so the
times are of the work only. Prints one line per repetition:
  fit_s=... transform_s=... series=N length=L channels=C features=F
"""
import argparse
import sys
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--shape", required=True)
    ap.add_argument("--fit-n", type=int, default=0, help="fit on the first N series (0: all)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--features", type=int, default=10000)
    a = ap.parse_args()
    sys.path.insert(0, a.ref)
    n, L, C = (int(v) for v in a.shape.split(","))
    X = np.fromfile(a.raw, dtype="<f4").reshape(n, L, C)
    X = np.ascontiguousarray(X.transpose(0, 2, 1))
    if C == 1:
        import minirocket as mr
        X = np.ascontiguousarray(X[:, 0, :])
    else:
        import minirocket_multivariate as mr
    fit_n = a.fit_n or n
    np.random.seed(0)
    warm = X[: min(4, n)]
    mr.transform(warm, mr.fit(warm, num_features=a.features))
    for _ in range(a.reps):
        t0 = time.perf_counter()
        params = mr.fit(X[:fit_n], num_features=a.features)
        t1 = time.perf_counter()
        F = mr.transform(X, params)
        t2 = time.perf_counter()
        print(f"fit_s={t1 - t0:.4f} transform_s={t2 - t1:.4f} series={n} length={L} "
              f"channels={C} features={F.shape[1]}", flush=True)


if __name__ == "__main__":
    main()
