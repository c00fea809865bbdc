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
golden_common.py's, shared with make_golden.py (which needs statsmodels;
this script does not), whose bootstrap.ini pins them to the C code.
"""

import numpy as np
from scipy import stats
from sklearn import metrics as skm


from golden_common import Ini, Resampler, fmt, seed_derive  # noqa: E402


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
