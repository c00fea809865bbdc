#!/usr/bin/python3
"""Golden values for the feature extractors (tests/golden/features).

Writes, next to this script:
  casts.csv           the input: 20 casts x 600 steps x 5 sensors (float32, %.9g),
                      columns cast,step,<sensor...>
  expected_peer56.csv the 56 baseline features of the peer script
                      bench/peers/features_pandas.py (its vectorised numpy
                      path, mirrored below), one row per cast
  expected_stats.csv  the statistical plugin's extra statistics, by numpy/scipy:
                      std0 (np.std ddof 0), skew (scipy.stats.skew), kurtosis
                      (scipy.stats.kurtosis, excess), rms, peak_to_peak (np.ptp),
                      crest_factor, last, slope (np.polyfit deg 1)

SOURCE: features_numpy_chunk, _max_run and _corr are copied from
bench/peers/features_pandas.py (the peer reference). When that file exists
(bench/peers/ ships it) the script imports it and checks
the copy gives identical numbers.

The data follow the peer generator's model (gen_steel.py: AR(1) noise around
the plan's base levels, per-cast offsets, short spikes, clipping) but are short
(600 s) and made here with a fixed seed, plus hand-placed events so every
feature is exercised: a mold-level excursion, a temperature rise and drop, and
high casting speed with low superheat.

Run: /usr/bin/python3 tests/golden/features/make_features_golden.py
"""
import os
import sys

import numpy as np
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
SENSORS = ["casting_speed", "mold_temperature", "mold_level",
           "cooling_water_flow", "superheat"]
BASE = np.array([1.2, 1520.0, 150.0, 200.0, 25.0])
STD = np.array([0.05, 10.0, 5.0, 15.0, 3.0])
LO = np.array([0.8, 1480.0, 120.0, 150.0, 15.0])
HI = np.array([1.8, 1580.0, 180.0, 250.0, 40.0])
PHI = np.array([0.98, 0.995, 0.90, 0.97, 0.995])
PER = ["mean", "std", "min", "max", "median", "spike_count", "excursion_count",
       "secs_high", "secs_low", "max_run_out"]
INTER = ["speed_x_superheat_mean", "speed_over_superheat_max", "temp_over_flow_mean",
         "leveldev_x_speed_mean", "corr_speed_superheat", "corr_temp_flow"]
NAMES = [f"{s}__{f}" for s in SENSORS for f in PER] + INTER


# ---- copied from bench/peers/features_pandas.py -------------------------
def _max_run(mask):
    c = np.cumsum(mask, axis=1, dtype=np.int32)
    reset = np.maximum.accumulate(np.where(mask, 0, c), axis=1)
    return (c - reset).max(axis=1)


def _corr(a, b):
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


def features_numpy_chunk(Xc):
    X = Xc.astype(np.float64)                # [n,T,5]
    n = X.shape[0]
    F = np.empty((n, len(NAMES)))
    Xs = np.moveaxis(X, 2, 1)                # [n,5,T] view
    Xs = np.ascontiguousarray(Xs).reshape(n * 5, -1)
    mean = Xs.mean(axis=1)
    std = Xs.std(axis=1, ddof=1)
    mn = Xs.min(axis=1)
    mx = Xs.max(axis=1)
    med = np.median(Xs, axis=1)
    d = np.diff(Xs, axis=1)
    spike = (np.abs(d) > 3 * d.std(axis=1, ddof=1)[:, None]).sum(axis=1)
    base = np.tile(BASE, n)[:, None]
    sig = np.tile(STD, n)[:, None]
    hi = Xs > base + 2 * sig
    lo = Xs < base - 2 * sig
    out = np.abs(Xs - base) > 2 * sig
    exc = out[:, 0].astype(np.int64) + (out[:, 1:] & ~out[:, :-1]).sum(axis=1)
    per = np.stack([mean, std, mn, mx, med, spike, exc, hi.sum(axis=1), lo.sum(axis=1),
                    _max_run(out)], axis=1)    # [n*5, 10]
    F[:, :50] = per.reshape(n, 50)
    sp, te, lv, fl, sh = (X[:, :, k] for k in range(5))
    F[:, 50] = (sp * sh).mean(axis=1)
    F[:, 51] = (sp / sh).max(axis=1)
    F[:, 52] = (te / fl).mean(axis=1)
    F[:, 53] = (np.abs(lv - 150.0) * sp).mean(axis=1)
    F[:, 54] = _corr(sp, sh)
    F[:, 55] = _corr(te, fl)
    return F
# -----------------------------------------------------------------------------


def make_data(n=20, T=600, seed=20240601):
    rng = np.random.default_rng(seed)
    X = np.empty((n, T, 5))
    for s in range(5):
        innov = np.sqrt(1 - PHI[s] ** 2) * STD[s]
        e = np.empty((n, T))
        e[:, 0] = STD[s] * rng.standard_normal(n)
        w = rng.standard_normal((n, T))
        for t in range(1, T):
            e[:, t] = PHI[s] * e[:, t - 1] + innov * w[:, t]
        X[:, :, s] = BASE[s] + 0.2 * STD[s] * rng.standard_normal((n, 1)) + e
    # spikes: 1-3 steps of 2-3.5 sd
    for _ in range(n * 6):
        i, s = rng.integers(n), rng.integers(5)
        t, ln = rng.integers(1, T - 4), rng.integers(1, 4)
        X[i, t:t + ln, s] += rng.uniform(2.0, 3.5) * rng.choice([-1, 1]) * STD[s]
    # events
    for i in range(0, n, 4):          # mold level excursion, 40-90 s
        t0, ln = rng.integers(100, 400), rng.integers(40, 90)
        X[i, t0:t0 + ln, 2] += rng.choice([-1, 1]) * rng.uniform(15, 25)
    for i in range(1, n, 5):          # temperature rise then drop
        t0 = rng.integers(100, 300)
        X[i, t0:t0 + 120, 1] += np.linspace(0, 45, 120)
        X[i, t0 + 120:t0 + 180, 1] += np.linspace(45, -20, 60)
    for i in range(2, n, 6):          # high speed with low superheat
        t0, ln = rng.integers(100, 400), rng.integers(30, 120)
        X[i, t0:t0 + ln, 0] += 0.4
        X[i, t0:t0 + ln, 4] -= 8.0
    X[n - 1, :, 3] = 200.0            # one stuck sensor (constant channel)
    np.clip(X, LO, HI, out=X)
    return X.astype(np.float32)


def fmt(v):
    v = float(v)
    return "nan" if np.isnan(v) else repr(v)


def main():
    X = make_data()
    n, T, C = X.shape
    with open(os.path.join(HERE, "casts.csv"), "w") as f:
        f.write("cast,step," + ",".join(SENSORS) + "\n")
        for i in range(n):
            for t in range(T):
                f.write(f"{i},{t}," + ",".join("%.9g" % float(v) for v in X[i, t]) + "\n")
    # the written text must read back to the same float32 values
    back = np.loadtxt(os.path.join(HERE, "casts.csv"), delimiter=",", skiprows=1)
    assert np.array_equal(back[:, 2:].astype(np.float32).reshape(n, T, C), X)

    F = features_numpy_chunk(X)
    peer = os.path.join(HERE, "..", "..", "..", "bench", "peers", "features_pandas.py")
    if os.path.exists(peer):
        sys.path.insert(0, os.path.dirname(peer))
        import features_pandas
        assert features_pandas.NAMES == NAMES
        Fp = features_pandas.features_numpy_chunk(X)
        assert np.array_equal(F, Fp, equal_nan=True), "copy differs from the peer"
        Fpd = features_pandas.features_pandas(X)
        print("peer pandas vs numpy max |diff|:", np.nanmax(np.abs(Fpd - F)))
    with open(os.path.join(HERE, "expected_peer56.csv"), "w") as f:
        f.write("cast," + ",".join(NAMES) + "\n")
        for i in range(n):
            f.write(f"{i}," + ",".join(fmt(v) for v in F[i]) + "\n")

    extra = ["std0", "skew", "kurtosis", "rms", "peak_to_peak", "crest_factor", "last", "slope"]
    with open(os.path.join(HERE, "expected_stats.csv"), "w") as f:
        f.write("cast," + ",".join(f"{s}__{e}" for s in SENSORS for e in extra) + "\n")
        t = np.arange(T, dtype=np.float64)
        for i in range(n):
            row = []
            for c in range(C):
                x = X[i, :, c].astype(np.float64)
                rms = np.sqrt(np.mean(x * x))
                with np.errstate(all="ignore"):
                    sk = scipy.stats.skew(x)
                    ku = scipy.stats.kurtosis(x)
                row += [np.std(x), sk, ku, rms, np.ptp(x),
                        np.max(np.abs(x)) / rms if rms > 0 else np.nan,
                        x[-1], np.polyfit(t, x, 1)[0]]
            f.write(f"{i}," + ",".join(fmt(v) for v in row) + "\n")
    print("wrote casts.csv, expected_peer56.csv, expected_stats.csv:", X.shape)


if __name__ == "__main__":
    main()
