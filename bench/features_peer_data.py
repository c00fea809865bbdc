#!/usr/bin/python3
"""Export the peer data for bench_features: /tmp/steel.npz (X float32 [N, 7200, 5],
made by bench/peers/gen_steel.py) to a raw little-endian float32 file, and,
when present, the peer's features /tmp/steel_features.npz (F float64 [N, 56],
made by bench/peers/features_pandas.py) to a raw float64 file, so that
bench_features times and checks the very same numbers.

  /usr/bin/python3 bench/features_peer_data.py [--npz /tmp/steel.npz]
      [--features /tmp/steel_features.npz] [--out-x /tmp/steel_X.f32]
      [--out-f /tmp/steel_F.f64]
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", default="/tmp/steel.npz")
    ap.add_argument("--features", default="/tmp/steel_features.npz")
    ap.add_argument("--out-x", default="/tmp/steel_X.f32")
    ap.add_argument("--out-f", default="/tmp/steel_F.f64")
    a = ap.parse_args()
    X = np.load(a.npz)["X"]
    assert X.dtype == np.float32 and X.shape[1:] == (7200, 5), X.shape
    np.ascontiguousarray(X).astype("<f4").tofile(a.out_x)
    print(f"{a.out_x}: {X.shape}")
    if os.path.exists(a.features):
        F = np.load(a.features)["F"]
        assert F.shape == (X.shape[0], 56), F.shape
        np.ascontiguousarray(F).astype("<f8").tofile(a.out_f)
        print(f"{a.out_f}: {F.shape}")


if __name__ == "__main__":
    main()
