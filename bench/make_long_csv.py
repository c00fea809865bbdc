#!/usr/bin/python3
"""A long-format CSV of the demo's size for the load benchmark (docs/benchmarks.md).

    /usr/bin/python3 bench/make_long_csv.py OUT.csv [--series 1200] [--steps 7200]

One row per second of each cast: cast id, step, five caster sensors at the
precision a plant historian exports, and the cast's defect flag. Values are
a random walk around each sensor's level (numpy, seed 1), so the file has
realistic digits, not repeated strings. About 390 MB for 1200 × 7200.
"""
import argparse
import sys

import numpy as np

SENSORS = [  # name, level, step sd, decimals
    ("casting_speed", 1.2, 0.002, 4),
    ("mold_temperature", 1520.0, 0.3, 2),
    ("mold_level", 150.0, 0.4, 2),
    ("cooling_water_flow", 200.0, 0.5, 2),
    ("superheat", 25.0, 0.05, 2),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--series", type=int, default=1200)
    ap.add_argument("--steps", type=int, default=7200)
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    steps = np.arange(a.steps)
    with open(a.out, "w", newline="\n") as f:
        f.write("cast,t," + ",".join(s[0] for s in SENSORS) + ",defect\n")
        for s in range(a.series):
            cols = []
            for _, level, sd, dec in SENSORS:
                walk = level + np.cumsum(rng.normal(0, sd, a.steps))
                cols.append(np.char.mod(f"%.{dec}f", walk))
            label = "1" if rng.random() < 0.15 else "0"
            head = np.char.add(f"{s},", steps.astype(str))
            body = head
            for c in cols:
                body = np.char.add(np.char.add(body, ","), c)
            f.write("\n".join(np.char.add(body, "," + label)))
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
