#!/usr/bin/python3
"""Reference values for the bootstrap intervals of summary.csv
(core/src/run/run_summary.c), read by tests/stats/test_summary.c.

    /usr/bin/python3 tests/golden/stats/make_summary_golden.py

writes summary.ini next to itself. The rule, written out independently of
the C code: for each trial (repeat r, fold f) of a pipeline, draw B
resamples of its test predictions with the stratified (by class),
optionally clustered (by group) resampler of stats.h, seeded with
td_seed_derive(seed, r, f, "summary:bootstrap", ""); compute the metric on
each resample with scikit-learn; replicate b is the mean over the trials of
their b-th values; the interval is numpy.quantile(replicates, [0.025,
0.975]) (method "linear"). The t interval is scipy's t.interval of the mean
over the trials' full-test-set values. The resampler and seed derivation are
make_golden.py's, copied below (that script needs statsmodels, which this
one does not); make_golden.py's own golden files pin them to the C code.
"""
import math
import os

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
M64 = (1 << 64) - 1


# ------------------------------------------- copied from make_golden.py

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
        self.path = os.path.join(HERE, name)
        self.lines = ["# " + l for l in header.strip().splitlines()]
        self.lines.append("# versions: numpy %s, scipy %s, scikit-learn %s"
                          % (np.__version__, scipy.__version__, sklearn.__version__))

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


# ------------------------------------------------------------- the golden

SEED = 7
B = 200
REPEATS = 2


def lst(a):
    return ";".join(fmt(v) for v in a)


def case(ini, name, rng, grouped):
    n = 60
    groups = np.arange(n) // 3                 # 20 groups of 3 series
    y = (rng.random(n) < 0.3).astype(np.int64)
    y[:2] = [0, 1]
    ini.group(name, n=n, grouped=grouped, y=lst(y), group=lst(groups), seed=SEED, b=B,
              repeats=REPEATS)
    full = {"roc_auc": [], "brier": []}
    reps = {"roc_auc": np.zeros(B), "brier": np.zeros(B)}
    for r in range(REPEATS):
        while True:
            if grouped:
                gs = np.sort(rng.choice(20, size=8, replace=False))
                test = np.sort(np.concatenate([np.arange(g * 3, g * 3 + 3) for g in gs]))
            else:
                test = np.sort(rng.choice(n, size=24, replace=False))
            if 0 < y[test].sum() < len(test):
                break
        yt = y[test].astype(float)
        s = 1.0 / (1.0 + np.exp(-(1.6 * yt - 0.8 + rng.normal(0, 1.0, len(test)))))
        ini.group(f"{name}.r{r}", test=lst(test), score=lst(s))
        full["roc_auc"].append(skm.roc_auc_score(yt, s))
        full["brier"].append(skm.brier_score_loss(yt, s))
        rs = Resampler(y[test], groups[test] if grouped else None)
        state = seed_derive(SEED, r, 0, "summary:bootstrap", "")
        for b in range(B):
            state, idx = rs.draw(state)
            reps["roc_auc"][b] += skm.roc_auc_score(yt[idx], s[idx]) / REPEATS
            reps["brier"][b] += skm.brier_score_loss(yt[idx], s[idx]) / REPEATS
    for metric in ("roc_auc", "brier"):
        v = np.array(full[metric])
        lo, hi = np.quantile(reps[metric], [0.025, 0.975])
        t_lo, t_hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(),
                                      scale=v.std(ddof=1) / np.sqrt(len(v)))
        ini.group(f"{name}.{metric}", full=lst(v), mean=v.mean(), t_low=t_lo, t_high=t_hi,
                  boot_low=lo, boot_high=hi)


def main():
    ini = Ini("summary.ini", """
The bootstrap and t intervals of summary.csv (core/src/run/run_summary.c) for
one pipeline over two holdout repeats, roc_auc and brier (scikit-learn), B =
200 resamples per trial; [plain] stratified by class, [grouped] also
clustered by group (group_holdout). make_summary_golden.py has the rule.
""")
    rng = np.random.default_rng(20261207)
    case(ini, "plain", rng, False)
    case(ini, "grouped", rng, True)
    ini.write()


if __name__ == "__main__":
    main()
