#!/usr/bin/python3
"""Reference values for tundish's statistics (core/src/stats.c, the additions
to core/src/metrics.c, core/src/compare.c and `tundish compare`).

Run with Debian bookworm's python3 (numpy 1.24, scipy 1.10, scikit-learn 1.2,
statsmodels 0.13):

    /usr/bin/python3 tests/golden/stats/make_golden.py

It writes the *.ini files next to itself (GLib key files: lists are ';'
separated, doubles in Python's shortest round-trip repr) and the fixture run
folders under compare_runs/. The C tests in tests/stats/ read them. Inputs
are drawn from numpy's PCG64 with fixed seeds, so rerunning gives the same
files. Every expected value comes from scipy / scikit-learn / statsmodels
where they implement the method; where they do not (the corrected resampled
t-test, the bootstrap with tundish's own resampling indices, the p-value
combination over repeats), the formula is written out here from the papers
and evaluated with scipy's distributions.
"""
import math
import os
import shutil
import warnings

import mpmath
import numpy as np
from scipy import stats
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
# A bootstrap difference within TIE of 0 counts as a tie (on both sides of 0):
# two pipelines with the same AUC / F1 / accuracy in a resample have equal
# rationals that scikit-learn's arithmetic may round 1e-16 apart, while
# tundish computes each as one division of integers. Distinct values of these
# metrics differ by at least 1 / n^2, far above TIE.
TIE = 1e-12


from golden_common import Ini, Resampler, seed_derive  # noqa: E402


def ece(y, s, n_bins, strategy):
    """ECE over scikit-learn's calibration_curve bins (counts recomputed the
    way calibration_curve computes them, then checked against its output)."""
    y = np.asarray(y, dtype=float)
    s = np.asarray(s, dtype=float)
    if strategy == "quantile":
        bins = np.percentile(s, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        bins = np.linspace(0.0, 1.0, n_bins + 1)
    binids = np.searchsorted(bins[1:-1], s)
    bin_sums = np.bincount(binids, weights=s, minlength=len(bins))
    bin_true = np.bincount(binids, weights=y, minlength=len(bins))
    bin_total = np.bincount(binids, minlength=len(bins))
    nz = bin_total != 0
    prob_true = bin_true[nz] / bin_total[nz]
    prob_pred = bin_sums[nz] / bin_total[nz]
    if s.min() >= 0 and s.max() <= 1:
        pt, pp = calibration_curve(y, s, n_bins=n_bins, strategy=strategy)
        assert np.array_equal(pt, prob_true) and np.array_equal(pp, prob_pred)
    return float(np.sum(bin_total[nz] / len(s) * np.abs(prob_true - prob_pred)))


def delong(y, a, b):
    """Fast DeLong (Sun & Xu 2014) with scipy midranks, as golden/metrics."""
    y = np.asarray(y)
    pos, neg = y == 1, y == 0
    m, n = pos.sum(), neg.sum()
    v10, v01, aucs = [], [], []
    for s in (np.asarray(a), np.asarray(b)):
        tx = stats.rankdata(s[pos])
        ty = stats.rankdata(s[neg])
        tz = stats.rankdata(np.concatenate([s[pos], s[neg]]))
        aucs.append(tz[:m].sum() / m / n - (m + 1.0) / 2.0 / n)
        v10.append((tz[:m] - tx) / n)
        v01.append(1.0 - (tz[m:] - ty) / m)
    s10 = np.cov(np.vstack(v10))
    s01 = np.cov(np.vstack(v01))
    cov = s10 / m + s01 / n
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    z = (aucs[0] - aucs[1]) / math.sqrt(var) if var > 0 else 0.0
    return aucs[0], aucs[1], z, 2 * stats.norm.sf(abs(z))


def t_ppf(p, df):
    """Student's t quantile to 40 digits with mpmath: scipy 1.10's t.ppf is
    off by up to ~1e-9 relative (df 6: 2.4469118487916806, true
    2.4469118511449699), GSL's gsl_cdf_tdist_Pinv is not."""
    mpmath.mp.dps = 40
    p = mpmath.mpf(p)

    def cdf(t):
        x = df / (df + t * t)
        tail = mpmath.betainc(df / 2.0, 0.5, 0, x, regularized=True) / 2
        return 1 - tail if t > 0 else tail

    q = mpmath.findroot(lambda t: cdf(t) - p, stats.t.ppf(float(p), df))
    assert abs(float(q) - stats.t.ppf(float(p), df)) < 1e-8 * abs(float(q))
    return float(q)


def corrected_t(d, ratio, level=0.95):
    d = np.asarray(d, dtype=float)
    n = len(d)
    mean, sd = d.mean(), d.std(ddof=1)
    se = sd * math.sqrt(1.0 / n + ratio)
    t = mean / se
    p = 2 * stats.t.sf(abs(t), n - 1)
    q = t_ppf(0.5 * (1 + level), n - 1)
    return dict(mean=mean, sd=sd, se=se, t=t, df=n - 1, p=p,
                ci_low=mean - q * se, ci_high=mean + q * se)


def binary_values(y, s, threshold_per_item):
    """The metrics compare.c recomputes (sklearn), hard predictions per item."""
    y = np.asarray(y)
    s = np.asarray(s)
    hard = (s >= threshold_per_item).astype(int)
    one = len(np.unique(y)) < 2
    # F1 as 2tp / (2tp + fp + fn): equal rationals then give equal doubles,
    # so a tie between two pipelines is a zero difference (sklearn's
    # 2PR / (P + R) agrees to 1e-15 but may leave +-1e-16 on a tie)
    tp = int(np.sum((hard == 1) & (y == 1)))
    wrong = int(np.sum(hard != y))
    f1 = 2 * tp / (2 * tp + wrong) if 2 * tp + wrong else 0.0
    assert abs(f1 - skm.f1_score(y, hard, zero_division=0)) < 1e-15
    return {
        "roc_auc": math.nan if one else skm.roc_auc_score(y, s),
        "pr_auc": math.nan if one else skm.average_precision_score(y, s),
        "brier": skm.brier_score_loss(y, s),
        "f1": f1,
        "accuracy": skm.accuracy_score(y, hard),
        "ece": ece(y, s, 10, "uniform"),
    }


# ---------------------------------------------------------------- the cases

def make_ttest(rng):
    ini = Ini("ttest.ini", """
t-based intervals and the corrected resampled t-test (Nadeau & Bengio 2003;
Bouckaert & Frank 2004): t = mean(d) / (sd(d) sqrt(1/n + ratio)), df = n - 1,
p = 2 scipy.stats.t.sf(|t|, df), CI = mean -/+ q se with q the t quantile
((1+level)/2, df) to 40 digits by mpmath (scipy 1.10's t.ppf is good to only
~1e-9; it is checked to 1e-8 here). ratio 0 is checked against
scipy.stats.ttest_1samp and t.interval here.
""")
    cases = [
        ("paired10", rng.normal(0.01, 0.02, 10), 0.0),
        ("holdout3", rng.normal(0.02, 0.01, 3), 0.2 / 0.8),
        ("kfold5", rng.normal(0.005, 0.01, 5), 1.0 / 4.0),
        ("rep10x10", rng.normal(0.003, 0.02, 100), 1.0 / 9.0),
        ("negative", rng.normal(-0.05, 0.03, 7), 0.5),
    ]
    for name, d, ratio in cases:
        r = corrected_t(d, ratio)
        if ratio == 0.0:
            ref = stats.ttest_1samp(d, 0.0)
            assert abs(ref.pvalue - r["p"]) <= 1e-14 * max(1, r["p"])
            r["p"] = ref.pvalue
            r["t"] = ref.statistic
            lo, hi = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
            assert abs(lo - r["ci_low"]) < 1e-9 and abs(hi - r["ci_high"]) < 1e-9
        ini.group(name, d=d, ratio=ratio, level=0.95, **r)
    ini.write()


def make_mcnemar():
    ini = Ini("mcnemar.ini", """
McNemar's test by statsmodels.stats.contingency_tables.mcnemar on [[., b], [c, .]]:
exact_* with exact=True (binomial), chi2_* with exact=False, correction=True.
auto is what td_mcnemar picks: exact when b + c < 25.
""")
    for b, c in [(3, 10), (5, 5), (0, 7), (12, 12), (24, 0), (11, 13), (12, 13), (30, 45),
                 (100, 130), (1000, 1100), (1, 0), (40, 2)]:
        ex = sm_mcnemar([[0, b], [c, 0]], exact=True)
        ch = sm_mcnemar([[0, b], [c, 0]], exact=False, correction=True)
        ini.group("b%d_c%d" % (b, c), b=b, c=c, exact_statistic=ex.statistic,
                  exact_p=ex.pvalue, chi2_statistic=ch.statistic, chi2_p=ch.pvalue,
                  auto_exact=(b + c) < 25)
    ini.write()


def make_wilcoxon(rng):
    ini = Ini("wilcoxon.ini", """
Wilcoxon signed-rank by scipy.stats.wilcoxon(d) (zero_method "wilcox",
correction False, two-sided, method "auto"). Where d has tied |d| and
len(d) <= 50, scipy 1.10's "auto" would use the exact distribution with the
half-integer rank sum truncated; tundish uses the normal approximation there,
so those cases are computed with method="approx" (noted in `method`).
""")
    cases = {
        "exact10": rng.normal(0.3, 1, 10),
        "exact20": rng.normal(0.0, 1, 20),
        "exact50": rng.normal(0.2, 1, 50),
        "approx51": rng.normal(0.2, 1, 51),
        "tiny3": np.array([0.5, -0.25, 1.5]),
        "zeros15": np.concatenate([rng.normal(0.5, 1, 12), np.zeros(3)]),
        "ties12": np.round(rng.normal(0.3, 1, 12), 1),
        "ties80": np.round(rng.normal(0.1, 1, 80), 1),
        "allpos8": np.abs(rng.normal(0, 1, 8)) + 0.01,
    }
    for name, d in cases.items():
        absd = np.abs(d[d != 0])
        tied = len(np.unique(absd)) < len(absd)
        method = "approx" if (tied and len(d) <= 50) else "auto"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.wilcoxon(d, method=method)
        exact = len(d) <= 50 and not tied and not np.any(d == 0)
        ini.group(name, d=d, statistic=res.statistic, p=res.pvalue, exact=exact, method=method)
    ini.write()


def make_friedman(rng):
    ini = Ini("friedman.ini", """
Friedman's test by scipy.stats.friedmanchisquare over the columns of x
(blocks x k, row-major); Iman & Davenport's F = (N-1) chi2 / (N(k-1) - chi2)
with p = scipy.stats.f.sf(F, k-1, (k-1)(N-1)); mean ranks by
scipy.stats.rankdata per block (ascending, average ties).
""")
    cases = {
        "r10k4": rng.normal(0, 1, (10, 4)) + np.array([0, 0.3, 0.6, 0.2]),
        "ties8k3": np.round(rng.normal(0, 1, (8, 3)), 0),
        "r30k5": rng.normal(0, 1, (30, 5)) + np.linspace(0, 1, 5),
        "r2k3": np.array([[0.8, 0.7, 0.9], [0.6, 0.65, 0.7]]),
    }
    for name, x in cases.items():
        N, k = x.shape
        res = stats.friedmanchisquare(*[x[:, j] for j in range(k)])
        chi2 = res.statistic
        f = (N - 1) * chi2 / (N * (k - 1) - chi2)
        pf = stats.f.sf(f, k - 1, (k - 1) * (N - 1))
        ranks = np.mean([stats.rankdata(row) for row in x], axis=0)
        ini.group(name, x=x, blocks=N, k=k, chi2=chi2, p=res.pvalue, f=f, p_f=pf,
                  mean_ranks=ranks)
    ini.write()


def make_holm(rng):
    ini = Ini("holm.ini", """
Holm's step-down adjustment by statsmodels.stats.multitest.multipletests(p, method="holm").
""")
    cases = {
        "five": [0.01, 0.04, 0.03, 0.005, 0.2],
        "ties": [0.02, 0.02, 0.5, 0.001],
        "one": [0.3],
        "big": list(rng.uniform(0, 0.1, 12)),
        "capped": [0.4, 0.6, 0.3],
    }
    for name, p in cases.items():
        adj = multipletests(p, method="holm")[1]
        ini.group(name, p=p, adjusted=adj)
    ini.write()


def make_tukey():
    ini = Ini("tukey.ini", """
Studentised range with infinite df by scipy.stats.studentized_range(k, np.inf):
q = ppf(p), cdf(q), sf(q); sf_mpmath = k * integral of phi(z) (Phi(z)^(k-1) -
(Phi(z) - Phi(z-q))^(k-1)) dz by mpmath at 30 digits (scipy's sf is good to
~1e-9 relative in the far tail). Nemenyi: q_alpha = ppf(1 - alpha) / sqrt(2),
CD = q_alpha sqrt(k (k+1) / (6 N)), p of a mean-rank difference
sf(|diff| / sqrt(k (k+1) / (6 N)) * sqrt(2)). demsar_q is Demsar (2006),
Table 5(a), alpha 0.05, k = 2..10, for comparison (3 decimals).
""")
    sr = stats.studentized_range
    for k in (2, 3, 4, 5, 7, 10, 15):
        for p in (0.5, 0.9, 0.95, 0.99):
            q = sr.ppf(p, k, np.inf)
            ini.group("ppf_k%d_p%g" % (k, p), k=k, p=p, q=q)
    mpmath.mp.dps = 30
    for k, q in ((2, 1.0), (3, 3.3), (4, 3.5), (5, 6.0), (10, 2.0), (3, 8.0)):
        qm = mpmath.mpf(q)
        sf_mp = mpmath.quad(lambda z: k * mpmath.npdf(z) * (
            mpmath.ncdf(z) ** (k - 1) - (mpmath.ncdf(z) - mpmath.ncdf(z - qm)) ** (k - 1)),
            [-mpmath.inf, 0, qm / 2, qm, mpmath.inf])
        ini.group("cdf_k%d_q%g" % (k, q), k=k, q=q, cdf=sr.cdf(q, k, np.inf),
                  sf=sr.sf(q, k, np.inf), sf_mpmath=float(sf_mp))
    for k, N, alpha in ((4, 10, 0.05), (5, 30, 0.05), (3, 14, 0.1), (8, 20, 0.05)):
        qa = sr.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
        cd = qa * math.sqrt(k * (k + 1) / (6.0 * N))
        diff = 1.3
        p = sr.sf(diff / math.sqrt(k * (k + 1) / (6.0 * N)) * math.sqrt(2), k, np.inf)
        ini.group("nemenyi_k%d_n%d_a%g" % (k, N, alpha), k=k, blocks=N, alpha=alpha,
                  q_alpha=qa, cd=cd, rank_diff=diff, p=p)
    ini.group("demsar", q=[1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164])
    ini.write()


def make_ece(rng):
    ini = Ini("ece.ini", """
Expected calibration error over sklearn.calibration.calibration_curve's bins:
sum over non-empty bins of (count / n) |prob_true - prob_pred|, with the
counts computed as calibration_curve computes its bins (np.searchsorted on
the inner edges; checked against calibration_curve's own output).
uniform = strategy "uniform", quantile = strategy "quantile".
""")
    n = 500
    s = rng.uniform(0, 1, n)
    y = (rng.uniform(0, 1, n) < s ** 1.3).astype(int)
    cases = {"random500": (y, s, 10)}
    s2 = np.round(rng.uniform(0, 1, 300), 1)      # scores on the edges
    y2 = (rng.uniform(0, 1, 300) < s2).astype(int)
    cases["edges300"] = (y2, s2, 10)
    cases["edges300_b5"] = (y2, s2, 5)
    s3 = np.round(rng.beta(2, 5, 200), 2)          # many ties for the quantile edges
    y3 = (rng.uniform(0, 1, 200) < s3).astype(int)
    cases["ties200_b15"] = (y3, s3, 15)
    cases["tiny7"] = (np.array([0, 1, 0, 1, 1, 0, 1]),
                      np.array([0.1, 0.9, 0.35, 0.6, 0.6, 0.2, 1.0]), 10)
    for name, (y, s, b) in cases.items():
        ini.group(name, y=y, s=s, bins=b, uniform=ece(y, s, b, "uniform"),
                  quantile=ece(y, s, b, "quantile"))
    ini.write()


def make_thresholds(rng):
    ini = Ini("thresholds.ini", """
Thresholds chosen on a split, by brute force over its distinct scores (predict
positive when s >= t): best_f1 = argmax F1 (sklearn.metrics.f1_score), the
highest threshold among equal F1s; for_recall = the highest t with recall >=
target, with the precision there; precision_at_recall = the highest
precision over all t with recall >= target.
""")
    cases = {
        "random200": (rng.uniform(0, 1, 200) < 0.3, None),
        "ties100": (rng.uniform(0, 1, 100) < 0.4, 1),
        "tiny8": (np.array([0, 0, 1, 1, 0, 1, 0, 1], dtype=bool),
                  np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.5, 0.5])),
    }
    for name, (yb, s) in cases.items():
        y = yb.astype(int)
        if s is None:
            s = np.clip(rng.normal(0.4 + 0.3 * y, 0.2), 0, 1)
        elif isinstance(s, int):
            s = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1), s)
        ts = np.unique(s)[::-1]
        f1s = [skm.f1_score(y, (s >= t).astype(int), zero_division=0) for t in ts]
        best = int(np.argmax(f1s))      # first = highest threshold among equals
        for target in (0.9, 0.5, 1.0):
            rec = [skm.recall_score(y, (s >= t).astype(int)) for t in ts]
            prec = [skm.precision_score(y, (s >= t).astype(int), zero_division=0) for t in ts]
            j = next(i for i in range(len(ts)) if rec[i] >= target)
            par = max(prec[i] for i in range(len(ts)) if rec[i] >= target)
            ini.group("%s_r%g" % (name, target), y=y, s=s, target=target,
                      best_f1_threshold=ts[best], best_f1=f1s[best],
                      recall_threshold=ts[j], recall_precision=prec[j],
                      precision_at_recall=par)
    ini.write()


def make_multiclass(rng):
    ini = Ini("multiclass.ini", """
Multiclass metrics with scikit-learn: accuracy_score, f1_score(average="macro"
and "micro", zero_division=0) of the arg-max class, confusion_matrix
(labels 0..K-1), and roc_auc_ovr = the mean of roc_auc_score(y == c, s[:, c])
over the classes c present in y (equal to roc_auc_score(y, s,
multi_class="ovr") when every class is present; checked here).
""")

    def case(name, y, s, K):
        pred = np.argmax(s, axis=1)
        present = [c for c in range(K) if np.any(y == c)]
        aucs = [skm.roc_auc_score((y == c).astype(int), s[:, c]) for c in present]
        auc = float(np.mean(aucs)) if len(present) >= 2 else math.nan
        if len(present) == K:
            ref = skm.roc_auc_score(y, s, multi_class="ovr", labels=list(range(K)))
            assert abs(ref - auc) < 1e-15, (ref, auc)
        ini.group(name, y=y, s=s, k=K, accuracy=skm.accuracy_score(y, pred),
                  macro_f1=skm.f1_score(y, pred, average="macro", zero_division=0),
                  micro_f1=skm.f1_score(y, pred, average="micro", zero_division=0),
                  roc_auc_ovr=auc,
                  confusion=skm.confusion_matrix(y, pred, labels=list(range(K))))

    n, K = 300, 4
    y = rng.integers(0, K, n)
    logits = rng.normal(0, 1, (n, K))
    logits[np.arange(n), y] += 1.0
    s = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    case("random300k4", y, s, K)
    # class 3 absent from y and class 2 never predicted
    y2 = rng.integers(0, 3, 60)
    l2 = rng.normal(0, 1, (60, 4))
    l2[:, 2] -= 10
    l2[np.arange(60), y2] += 0.5
    s2 = np.exp(l2) / np.exp(l2).sum(axis=1, keepdims=True)
    case("absent60k4", y2, s2, 4)
    # ties in the scores: argmax takes the first
    case("ties6k3", np.array([0, 1, 2, 1, 0, 2]),
         np.array([[0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.2, 0.4, 0.4],
                   [0.1, 0.8, 0.1], [0.5, 0.25, 0.25], [0.3, 0.3, 0.4]]), 3)
    ini.write()


def make_bootstrap(rng):
    ini = Ini("bootstrap.ini", """
The resampler of stats.h written out in Python (SplitMix64; per stratum in
ascending order, as many units as it has, unit = floor(u m)), its first
draws, and a paired bootstrap of roc_auc (sklearn.metrics.roc_auc_score),
pr_auc (average_precision_score) and f1 at 0.5 (f1_score) differences a - b
over B draws with those very indices: the estimate, the sd of the
replicates (ddof 1), p = min(1, 2 min(1 + #{d <= 0}, 1 + #{d >= 0}) / (B + 1))
(|d| < 1e-12 counting as 0: see TIE in make_golden.py)
and numpy.quantile(d, [0.025, 0.975]).
""")
    strata = np.array([0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0])
    clusters = np.array([7, 7, 3, 3, 9, 5, 5, 1, 1, 2, 8, 8])
    for name, cl in (("plain", None), ("clustered", clusters)):
        r = Resampler(strata, cl)
        state = 12345
        draws = []
        for _ in range(3):
            state, idx = r.draw(state)
            draws.append(idx)
        kv = dict(strata=strata, seed=12345)
        if cl is not None:
            kv["clusters"] = cl
        for i, d in enumerate(draws):
            kv["draw%d" % i] = d
        ini.group("resample_" + name, **kv)
    # a stream from a derived seed, as compare.c seeds it
    seed = seed_derive(42, 1, 0, "compare:bootstrap", "")
    ini.group("seed_derive", master=42, repeat=1, fold=0, stage="compare:bootstrap",
              pipeline="", seed=str(seed))

    n = 150
    y = (rng.uniform(0, 1, n) < 0.3).astype(int)
    a = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + 1.2 * y)))
    b = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + 0.8 * y)))
    groups = rng.integers(0, 40, n)
    B = 300
    for name, cl in (("paired", None), ("paired_clustered", groups)):
        r = Resampler(y, cl)
        state = 777
        deltas = {"roc_auc": [], "pr_auc": [], "f1": []}
        for _ in range(B):
            state, idx = r.draw(state)
            yy, aa, bb = y[idx], a[idx], b[idx]
            deltas["roc_auc"].append(skm.roc_auc_score(yy, aa) - skm.roc_auc_score(yy, bb))
            deltas["pr_auc"].append(skm.average_precision_score(yy, aa)
                                    - skm.average_precision_score(yy, bb))
            deltas["f1"].append(skm.f1_score(yy, (aa >= 0.5).astype(int), zero_division=0)
                                - skm.f1_score(yy, (bb >= 0.5).astype(int), zero_division=0))
        kv = dict(y=y, a=a, b=b, seed=777, samples=B)
        if cl is not None:
            kv["clusters"] = cl
        est = {"roc_auc": skm.roc_auc_score(y, a) - skm.roc_auc_score(y, b),
               "pr_auc": skm.average_precision_score(y, a) - skm.average_precision_score(y, b),
               "f1": skm.f1_score(y, (a >= 0.5).astype(int))
               - skm.f1_score(y, (b >= 0.5).astype(int))}
        for m, d in deltas.items():
            d = np.array(d)
            le, ge = np.sum(d <= TIE), np.sum(d >= -TIE)
            kv[m + "_estimate"] = est[m]
            kv[m + "_sd"] = d.std(ddof=1)
            kv[m + "_p"] = min(1.0, 2.0 * (min(le, ge) + 1) / (B + 1))
            kv[m + "_ci"] = np.quantile(d, [0.025, 0.975])
        ini.group(name, **kv)
    ini.write()


# ------------------------------------------------------- compare.c end to end

def make_compare(rng):
    """Synthetic runs for td_compare_pipelines: predictions per trial, the
    per-trial results, and the rows it must produce."""
    ini = Ini("compare.ini", """
End-to-end references for td_compare_pipelines (core/src/compare.c): per-trial
predictions and results of a synthetic run, and the expected rows. DeLong:
fast DeLong with scipy midranks; bootstrap: 2000 draws of the resampler
(Python copy above) seeded with td_seed_derive(seed, repeat, 0,
"compare:bootstrap", ""), metrics by scikit-learn, ece by the ECE of
ece.ini; McNemar by statsmodels (p exact when b + c < 25, statistic always the
corrected chi-square); ttest by the
corrected resampled t formula with ratio n_test / (n_train + n_valid). Several
repeats: mean estimate, mean statistic, p = min(1, 2 mean p). Holm by
statsmodels multipletests over the pipelines of one (test, metric).
""")
    B = 2000

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def run_case(cname, N, seed, repeats, folds, method, labels, baseline_name, tests,
                 metrics, strength, thresholds, sizes, grouped):
        y = (rng.uniform(0, 1, N) < 0.3).astype(int)
        ids = 1000 + np.arange(N)
        groups = np.arange(N) // 3 if grouped else ids.copy()
        latent = {lab: sigmoid(rng.normal(0, 1, N) * 1.2 + strength[lab] * (y - 0.3))
                  for lab in labels}
        trials = []          # (repeat, fold, test indices)
        for r in range(repeats):
            if folds == 1:
                pos, neg = np.where(y == 1)[0], np.where(y == 0)[0]
                te = np.concatenate([rng.choice(pos, int(0.2 * len(pos)), replace=False),
                                     rng.choice(neg, int(0.2 * len(neg)), replace=False)])
                trials.append((r, 0, rng.permutation(te)))
            else:
                ug = np.unique(groups)
                perm = rng.permutation(ug)
                for f in range(folds):
                    gs = set(perm[f::folds])
                    te = np.array([i for i in range(N) if groups[i] in gs])
                    trials.append((r, f, rng.permutation(te)))
        ini.group(cname, seed=seed, repeats=repeats, folds=folds, method=method,
                  labels=";".join(labels), baseline=baseline_name, tests=";".join(tests),
                  metrics=";".join(metrics), n=N, ids=ids, groups=groups, y=y,
                  n_train=sizes[0], n_valid=sizes[1], n_test=sizes[2])
        # per-trial predictions (a small per-trial shift so repeats differ) and results
        preds, results = {}, {}
        for lab in labels:
            for (r, f, te) in trials:
                sc = np.clip(latent[lab][te] + rng.normal(0, 0.02, len(te)), 1e-6, 1 - 1e-6)
                th = thresholds[lab][f] if thresholds else 0.5
                preds[(lab, r, f)] = (te, sc, th)
                v = binary_values(y[te], sc, th)
                v["n"] = float(len(te))
                v["threshold"] = th
                results[(lab, r, f)] = v
                ini.group("%s.pred.%d.%d.%d" % (cname, labels.index(lab), r, f), label=lab,
                          ids=ids[te], y=y[te], s=sc, **{m: v[m] for m in metrics})
        base_labels = [l for l in labels if l.split("[")[0] == baseline_name]
        pairs = [(a, b) for a in labels if a.split("[")[0] != baseline_name
                 for b in base_labels]

        def test_set(lab, r):
            parts = [preds[(lab, r, f)] for f in range(folds)]
            te = np.concatenate([p[0] for p in parts])
            sc = np.concatenate([p[1] for p in parts])
            th = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
            order = np.argsort(ids[te], kind="stable")
            return te[order], sc[order], th[order]

        rows = []
        for test in tests:
            fam = {}
            if test == "ttest":
                ratio = sizes[2] / (sizes[0] + sizes[1])
                for m in metrics:
                    if m in ("n", "threshold"):
                        continue
                    for (a, b) in pairs:
                        d = [results[(a, r, f)][m] - results[(b, r, f)][m]
                             for r in range(repeats) for f in range(folds)]
                        if len(d) < 2:
                            continue
                        t = corrected_t(d, ratio)
                        fam.setdefault(m, []).append((a, b, t["mean"], t["t"], t["p"]))
            else:
                for (a, b) in pairs:
                    per = {}
                    for r in range(repeats):
                        te, sa, tha = test_set(a, r)
                        _, sb, thb = test_set(b, r)
                        yy = y[te]
                        if test == "delong":
                            auc_a, auc_b, z, p = delong(yy, sa, sb)
                            per.setdefault("roc_auc", []).append((auc_a - auc_b, z, p))
                        elif test == "mcnemar":
                            ra = (sa >= tha).astype(int) == yy
                            rb = (sb >= thb).astype(int) == yy
                            nb, nc = int(np.sum(ra & ~rb)), int(np.sum(rb & ~ra))
                            res = sm_mcnemar([[0, nb], [nc, 0]], exact=(nb + nc) < 25,
                                             correction=True)
                            chi2 = sm_mcnemar([[0, nb], [nc, 0]], exact=False, correction=True)
                            stat = float(chi2.statistic) if nb + nc else 0.0
                            per.setdefault("accuracy", []).append(
                                ((nb - nc) / len(yy), stat, float(res.pvalue)))
                        else:
                            bm = [m for m in metrics if m in ("roc_auc", "pr_auc", "brier",
                                                               "f1", "accuracy", "ece")]
                            va = binary_values(yy, sa, tha)
                            vb = binary_values(yy, sb, thb)
                            cl = groups[te] if grouped else None
                            rs = Resampler(yy, cl)
                            state = seed_derive(seed, r, 0, "compare:bootstrap", "")
                            d = {m: [] for m in bm}
                            for _ in range(B):
                                state, idx = rs.draw(state)
                                xa = binary_values(yy[idx], sa[idx], tha[idx])
                                xb = binary_values(yy[idx], sb[idx], thb[idx])
                                for m in bm:
                                    d[m].append(xa[m] - xb[m])
                            for m in bm:
                                dd = np.array(d[m])
                                dd = dd[~np.isnan(dd)]
                                est = va[m] - vb[m]
                                sd = dd.std(ddof=1)
                                le, ge = np.sum(dd <= TIE), np.sum(dd >= -TIE)
                                p = min(1.0, 2.0 * (min(le, ge) + 1) / (len(dd) + 1))
                                per.setdefault(m, []).append((est, est / sd, p))
                    for m, vals in per.items():
                        est = np.mean([v[0] for v in vals])
                        st = np.mean([v[1] for v in vals])
                        ps = [v[2] for v in vals]
                        p = ps[0] if len(ps) == 1 else min(1.0, 2 * np.mean(ps))
                        fam.setdefault(m, []).append((a, b, est, st, p))
            order = [m for m in metrics if m in fam]
            if test == "delong":
                order = ["roc_auc"]
            if test == "mcnemar":
                order = ["accuracy"]
            for m in order:
                if m not in fam:
                    continue
                ps = [x[4] for x in fam[m]]
                adj = multipletests(ps, method="holm")[1]
                for x, pa in zip(fam[m], adj):
                    rows.append((x[0], x[1], m, test, x[2], x[3], x[4], pa))
        for i, r in enumerate(rows):
            ini.group("%s.row.%d" % (cname, i), pipeline_a=r[0], pipeline_b=r[1], metric=r[2],
                      test=r[3], estimate=r[4], statistic=r[5], p_value=r[6], p_adjusted=r[7])
        ini.lines.append("")
        ini.lines.append("[%s.rows]" % cname)
        ini.lines.append("count=%d" % len(rows))

    run_case("holdout", N=400, seed=42, repeats=2, folds=1, method="stratified_holdout",
             labels=["base", "good", "meh[v=1]"], baseline_name="base",
             tests=["delong", "bootstrap", "mcnemar", "ttest"],
             metrics=["n", "roc_auc", "pr_auc", "f1", "brier", "accuracy", "ece"],
             strength={"base": 1.5, "good": 4.0, "meh[v=1]": 1.8},
             thresholds=None, sizes=(256, 32, 80), grouped=False)
    run_case("groupkfold", N=180, seed=7, repeats=1, folds=3, method="group_kfold",
             labels=["alt", "base"], baseline_name="base",
             tests=["bootstrap", "delong", "mcnemar", "ttest"],
             metrics=["roc_auc", "f1", "accuracy", "threshold"],
             strength={"base": 1.5, "alt": 2.2},
             thresholds={"alt": [0.4, 0.5, 0.6], "base": [0.45, 0.55, 0.5]},
             sizes=(100, 20, 60), grouped=True)
    ini.write()


# ------------------------------------------------------- `tundish compare` CLI

def make_compare_cli(rng):
    """Fixture run folders (results.csv only) and the ranking `tundish
    compare` must print: Friedman over runs as blocks (mean value per run),
    Wilcoxon signed-rank per pair with Holm, Nemenyi."""
    root = os.path.join(HERE, "compare_runs")
    shutil.rmtree(root, ignore_errors=True)
    labels = [("xgb", ""), ("logistic", ""), ("rocket", "k=100"), ("rocket", "k=1000, fast")]
    quality = np.array([0.86, 0.83, 0.85, 0.845])
    n_runs, repeats = 12, 3
    block_vals = []
    for run in range(n_runs):
        d = os.path.join(root, "run%02d" % run)
        os.makedirs(d)
        shift = rng.normal(0, 0.05)
        lines = ["experiment,pipeline,variant,repeat,fold,metric,value"]
        vals = np.zeros(len(labels))
        for j, (p, v) in enumerate(labels):
            acc = []
            for r in range(repeats):
                val = float(np.round(quality[j] + shift + rng.normal(0, 0.03), 4))
                acc.append(val)
                pv = '"%s"' % v if "," in v else v
                lines.append("exp%02d,%s,%s,%d,0,roc_auc,%s" % (run, p, pv, r, repr(val)))
                lines.append("exp%02d,%s,%s,%d,0,brier,%s"
                             % (run, p, pv, r, repr(round(0.2 - val / 10, 6))))
            vals[j] = np.mean(acc)
        block_vals.append(vals)
        with open(os.path.join(d, "results.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
    x = np.array(block_vals)
    names = ["%s[%s]" % (p, v) if v else p for p, v in labels]
    ini = Ini("compare_cli.ini", """
`tundish compare --metric roc_auc tests/golden/stats/compare_runs/run*`: the
12 runs are the blocks, each pipeline's value in a run is the mean of its
roc_auc over the run's trials. Ranks: rank 1 = best (highest roc_auc), by
scipy.stats.rankdata of -x per block; Friedman by scipy.stats.friedmanchisquare,
Iman-Davenport F by scipy.stats.f; Wilcoxon by scipy.stats.wilcoxon(a - b)
(exact: 12 blocks, no ties or zeros are present in these fixtures, checked);
Holm by statsmodels over the 6 pairs; Nemenyi CD and p from
scipy.stats.studentized_range(k, inf) / sqrt(2), alpha 0.05.
""")
    k, N = x.shape[1], x.shape[0]
    fr = stats.friedmanchisquare(*[x[:, j] for j in range(k)])
    f = (N - 1) * fr.statistic / (N * (k - 1) - fr.statistic)
    ranks = np.mean([stats.rankdata(-row) for row in x], axis=0)
    ini.group("summary", pipelines=";".join(names), blocks=N, chi2=fr.statistic,
              p=fr.pvalue, f=f, p_f=stats.f.sf(f, k - 1, (k - 1) * (N - 1)),
              mean_ranks=ranks, means=x.mean(axis=0),
              cd=stats.studentized_range.ppf(0.95, k, np.inf) / math.sqrt(2)
              * math.sqrt(k * (k + 1) / (6.0 * N)))
    pairs, ps = [], []
    for i in range(k):
        for j in range(i + 1, k):
            dd = x[:, i] - x[:, j]
            assert len(np.unique(np.abs(dd))) == N and np.all(dd != 0)
            w = stats.wilcoxon(x[:, i], x[:, j])
            pairs.append((i, j, w.statistic, w.pvalue))
            ps.append(w.pvalue)
    adj = multipletests(ps, method="holm")[1]
    for (i, j, st, p), pa in zip(pairs, adj):
        se = math.sqrt(k * (k + 1) / (6.0 * N))
        pn = stats.studentized_range.sf(abs(ranks[i] - ranks[j]) / se * math.sqrt(2), k, np.inf)
        ini.group("pair.%d.%d" % (i, j), a=names[i], b=names[j], statistic=st, p=p,
                  p_holm=pa, p_nemenyi=pn)
    ini.write()


def main():
    rng = np.random.default_rng(20240601)
    make_ttest(rng)
    make_mcnemar()
    make_wilcoxon(rng)
    make_friedman(rng)
    make_holm(rng)
    make_tukey()
    make_ece(rng)
    make_thresholds(rng)
    make_multiclass(rng)
    make_bootstrap(rng)
    make_compare(rng)
    make_compare_cli(rng)


if __name__ == "__main__":
    main()
