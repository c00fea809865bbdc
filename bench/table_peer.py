#!/usr/bin/python3
"""The peer of bench_table: pandas.read_csv (C engine) on the same file.

    /usr/bin/python3 bench/table_peer.py FILE.csv[.gz]

Reads the file with the C parser (compression inferred from the name) and
prints the seconds the read took, the rows and columns, and the process's
peak resident memory (ru_maxrss). Only the read is timed, as for tundish.
"""
import resource
import sys
import time

import pandas as pd


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    df = pd.read_csv(path, engine="c")
    sec = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pandas {pd.__version__}: {sec:.2f} s, {len(df)} rows x {df.shape[1]} columns, "
          f"peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
