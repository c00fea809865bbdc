#!/usr/bin/python3
"""Raw float32 inputs for bench/bench_minirocket.sh, layout [N][L][C]:
random walks of UCR-like shape (seeded), written to --out.

  /usr/bin/python3 bench/peers/minirocket_data.py --shape 1000,152,1 --out /tmp/mr_152.f32
"""
import argparse

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--shape", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--seed", type=int, default=0)
a = ap.parse_args()
n, L, C = (int(v) for v in a.shape.split(","))
rng = np.random.default_rng(a.seed)
X = np.cumsum(rng.normal(size=(n, L, C)), axis=1).astype("<f4")
X.tofile(a.out)
print(f"{a.out}: {X.shape}")
