#!/usr/bin/python3
"""Reference values for tundish's drift tests (core/src/eval/drift.c,
tundish/drift.h).

Run with Debian bookworm's python3 (numpy 1.24, scipy 1.10):

    /usr/bin/python3 tests/golden/drift/make_golden.py

It writes drift.ini next to itself (a GLib key file: lists ';' separated,
doubles in Python's shortest round-trip repr); tests/stats/test_drift.c reads
it. KS comes from scipy.stats.ks_2samp(method="auto"), Wasserstein-1 from
scipy.stats.wasserstein_distance. scipy has no MMD, so mmd_reference() below
writes the estimator out in numpy (Gretton et al. 2012, eq. 3; median
heuristic; the permutations drawn with the same SplitMix64 stream as the C
code) and mmd_reference_naive() checks it against the plain definition on the
first case. Inputs come from numpy's PCG64 with fixed seeds.
"""
import os
import sys

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stats"))
from golden_common import Ini, splitmix_uniform  # noqa: E402


def shuffle(v, state):
    for i in range(len(v) - 1, 0, -1):
        state, u = splitmix_uniform(state)
        j = int(np.floor(u * (i + 1)))
        v[i], v[j] = v[j], v[i]
    return state


def mmd2_unbiased(k, na):
    n = k.shape[0]
    nb = n - na
    kaa = k[:na, :na].sum() - np.trace(k[:na, :na])
    kbb = k[na:, na:].sum() - np.trace(k[na:, na:])
    kab = k[:na, na:].sum()
    return kaa / (na * (na - 1)) + kbb / (nb * (nb - 1)) - 2 * kab / (na * nb)


def mmd_reference(a, b, permutations, seed, max_n=2000):
    state = seed
    a = [x for x in a if np.isfinite(x)]
    b = [x for x in b if np.isfinite(x)]
    if max_n and len(a) > max_n:
        state = shuffle(a, state)
        a = a[:max_n]
    if max_n and len(b) > max_n:
        state = shuffle(b, state)
        b = b[:max_n]
    z = np.array(a + b, dtype=float)
    na, n = len(a), len(z)
    d = np.abs(z[:, None] - z[None, :])
    pairs = d[np.triu_indices(n, 1)]
    sigma = np.median(pairs)
    if sigma == 0:
        sigma = pairs.mean()
    if sigma == 0:
        return 0.0, 0.0, 1.0
    k = np.exp(-d ** 2 / (2 * sigma ** 2))
    observed = mmd2_unbiased(k, na)
    perm = list(range(n))
    ge = 0
    for _ in range(permutations):
        state = shuffle(perm, state)
        p = np.array(perm)
        if mmd2_unbiased(k[np.ix_(p, p)], na) >= observed - 1e-12:  # ties, as drift.c
            ge += 1
    return observed, sigma, (1 + ge) / (1 + permutations)


def mmd_reference_naive(a, b, sigma):
    """MMD² by its definition, pair by pair: checks mmd2_unbiased."""
    kern = lambda x, y: np.exp(-(x - y) ** 2 / (2 * sigma ** 2))  # noqa: E731
    m, n = len(a), len(b)
    saa = sum(kern(a[i], a[j]) for i in range(m) for j in range(m) if i != j)
    sbb = sum(kern(b[i], b[j]) for i in range(n) for j in range(n) if i != j)
    sab = sum(kern(x, y) for x in a for y in b)
    return saa / (m * (m - 1)) + sbb / (n * (n - 1)) - 2 * sab / (m * n)


def main():
    rng = np.random.Generator(np.random.PCG64(20261207))
    cases = {
        "equal_n": (rng.normal(0, 1, 40), rng.normal(0.5, 1, 40)),
        "unequal_n": (rng.normal(0, 1, 30), rng.normal(0.3, 1.5, 45)),
        "ties": (rng.integers(0, 5, 50).astype(float), rng.integers(1, 6, 70).astype(float)),
        "same": (rng.normal(0, 1, 120), rng.normal(0, 1, 200)),
        "far": (rng.normal(0, 1, 200), rng.normal(1.0, 1, 300)),
        "tiny": (np.array([0.1, 0.7, 0.3]), np.array([0.2, 0.9, 1.4, 2.0, -0.5])),
        "nan": (np.array([1.0, np.nan, 2.0, 3.5, 0.25]), np.array([2.5, 3.0, np.nan, 4.0])),
        "coprime_big": (rng.normal(0, 1, 997), rng.normal(0.1, 1, 1009)),
        "variance": (rng.normal(0, 1, 300), rng.normal(0, 1.4, 150)),
        # above TD_KS_EXACT_MAX: scipy's kstwo.sf against tundish's Kolmogorov
        # limit with Stephens' correction (compared with a tolerance).
        "asymp": (rng.normal(0, 1, 12000), rng.normal(0.03, 1, 3000)),
    }
    out = Ini("drift.ini", __doc__.splitlines()[0] + "\n(make_golden.py wrote this file.)")
    out.path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drift.ini")
    for name, (a, b) in cases.items():
        fa, fb = a[np.isfinite(a)], b[np.isfinite(b)]
        ks = stats.ks_2samp(fa, fb, method="auto")
        w = stats.wasserstein_distance(fa, fb)
        kv = dict(a=a, b=b, ks=ks.statistic, p_ks=ks.pvalue,
                  exact=max(len(fa), len(fb)) <= 10000, wasserstein=w)
        if len(fa) + len(fb) <= 2100:
            perms = 50 if len(fa) + len(fb) > 600 else 200
            m, sigma, p = mmd_reference(list(a), list(b), perms, 0x5EED + len(a))
            kv.update(mmd2=m, bandwidth=sigma, p_mmd=p, permutations=perms, seed=0x5EED + len(a))
            if name == "equal_n":
                naive = mmd_reference_naive(fa, fb, sigma)
                assert abs(naive - m) < 1e-12, (naive, m)
        out.group(name, **kv)
    # The subsample cap: a sample longer than max_n is cut with the same stream.
    a, b = rng.normal(0, 1, 90), rng.normal(0.4, 1, 60)
    m, sigma, p = mmd_reference(list(a), list(b), 100, 77, max_n=40)
    out.group("capped", a=a, b=b, mmd2=m, bandwidth=sigma, p_mmd=p, permutations=100, seed=77,
              max_n=40)
    out.write()


if __name__ == "__main__":
    main()
