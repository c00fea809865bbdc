"""What the golden scripts of this folder share: the key-file writer and the
Python copy of tundish's seed derivation and bootstrap resampler (pinned to
the C code by bootstrap.ini, which make_golden.py writes)."""
import math
import os

import numpy as np
import scipy
import sklearn

M64 = (1 << 64) - 1


def fmt(v):
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


class Ini:
    def __init__(self, name, header):
        self.path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
        self.lines = ["# " + l for l in header.strip().splitlines()]
        versions = "numpy %s, scipy %s, scikit-learn %s" % (
            np.__version__, scipy.__version__, sklearn.__version__)
        try:
            import statsmodels
            versions += ", statsmodels %s" % statsmodels.__version__
        except ImportError:     # make_summary_golden.py does without it
            pass
        self.lines.append("# versions: " + versions)

    def group(self, name, **kv):
        self.lines.append("")
        self.lines.append("[%s]" % name)
        for k, v in kv.items():
            if isinstance(v, (list, tuple, np.ndarray)):
                self.lines.append("%s=%s" % (k, ";".join(fmt(x) for x in np.ravel(v))))
            elif isinstance(v, str):
                self.lines.append("%s=%s" % (k, v))
            else:
                self.lines.append("%s=%s" % (k, fmt(v)))

    def write(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


# ------------------------------------------------------------ shared helpers

def splitmix_next(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def splitmix_uniform(state):
    state, z = splitmix_next(state)
    return state, (z >> 11) * 2.0 ** -53


def _mix(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def _fnv(s):
    h = 0xcbf29ce484222325
    for ch in s.encode():
        h ^= ch
        h = (h * 0x100000001b3) & M64
    return h


def seed_derive(master, repeat, fold, stage, pipeline):
    """core/src/seed.c, td_seed_derive."""
    h = _mix(master & M64)
    h = _mix(h ^ (repeat & M64))
    h = _mix(h ^ ((fold << 1) & M64))
    h = _mix(h ^ _fnv(stage))
    h = _mix(h ^ _fnv(pipeline))
    return h


class Resampler:
    """The stratified, optionally clustered resampler of stats.h, written out."""

    def __init__(self, strata, clusters=None):
        n = len(strata)
        unit_of, units, key_to_unit = [], [], {}
        for i in range(n):
            key = ("item", i) if clusters is None else ("c", int(clusters[i]))
            if key not in key_to_unit:
                key_to_unit[key] = len(units)
                units.append([])
            unit_of.append(key_to_unit[key])
            units[key_to_unit[key]].append(i)
        ustr = [max(int(strata[i]) for i in u) for u in units]
        self.strata = []
        for s in sorted(set(ustr)):
            self.strata.append([u for u in range(len(units)) if ustr[u] == s])
        self.units = units

    def draw(self, state):
        idx = []
        for us in self.strata:
            m = len(us)
            for _ in range(m):
                state, u = splitmix_uniform(state)
                pick = min(int(u * m), m - 1)
                idx.extend(self.units[us[pick]])
        return state, np.array(idx, dtype=np.int64)
