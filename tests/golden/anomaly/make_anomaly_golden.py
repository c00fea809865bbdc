#!/usr/bin/python3
"""Golden cases for the anomaly evaluator's thresholds (plugins/evaluators/anomaly/thresholds.c),
from numpy and scipy (Debian's python3-numpy, python3-scipy).

Run with Debian's interpreter from this folder:  /usr/bin/python3 make_anomaly_golden.py
Writes thresholds.json: per case the scores, the percentile (numpy's linear), median +
k * 1.4826 * MAD, mean + k * sd (ddof 1) thresholds, and the peaks-over-threshold step:
t = numpy.quantile(scores, level), the excesses over t, scipy.stats.genpareto.fit
(excesses, floc=0) (maximum likelihood: shape xi, scale sigma) with its log-likelihood,
and the threshold z_q = t + sigma / xi ((q n / n_t)^(-xi) - 1) at risk q.

iforest_valid_normals.txt holds the validation normals' scores of one trial of
experiments/steel-casting-anomaly.yaml (isolation_forest, repeat 2: valid_predictions.csv,
label 0), whose flat likelihood once stopped the fit short of its convergence test.
"""
import json

import numpy as np
import scipy
from scipy.stats import genpareto

P, K_MAD, K_SIGMA, LEVEL, RISK = 99.0, 3.0, 3.0, 0.9, 0.01


def case(name, s):
    s = np.asarray(s, dtype=float)
    med = np.median(s)
    mad = np.median(np.abs(s - med))
    t = float(np.quantile(s, LEVEL))
    y = s[s > t] - t
    xi, _, sigma = genpareto.fit(y, floc=0)
    ll = float(genpareto.logpdf(y, xi, 0, sigma).sum())
    r = RISK * len(s) / len(y)
    z = t - sigma * np.log(r) if abs(xi) < 1e-12 else t + sigma / xi * (r ** (-xi) - 1)
    return {"name": name, "scores": s.tolist(),
            "percentile": float(np.percentile(s, P)),
            "mad": float(med + K_MAD * 1.4826 * mad),
            "sigma": float(s.mean() + K_SIGMA * s.std(ddof=1)),
            "pot_t": t, "excesses": y.tolist(), "xi": float(xi), "gpd_sigma": float(sigma),
            "loglik": ll, "pot": float(z)}


def main():
    rng = np.random.default_rng(15)
    cases = [
        case("exponential", rng.exponential(2.0, size=800)),          # xi near 0
        case("pareto_tail", rng.pareto(3.0, size=1000) + 1.0),       # xi near 1/3
        case("bounded_beta", rng.beta(2.0, 5.0, size=700)),          # xi < 0
        case("iforest_like", 0.35 + 0.1 * rng.beta(2.0, 6.0, size=900)),
        case("iforest_caster_valid", np.loadtxt("iforest_valid_normals.txt")),
    ]
    golden = {"numpy": np.__version__, "scipy": scipy.__version__,
              "params": {"percentile": P, "mad_k": K_MAD, "sigma_k": K_SIGMA,
                         "pot_level": LEVEL, "pot_risk": RISK},
              "cases": cases}
    with open("thresholds.json", "w") as fh:
        json.dump(golden, fh)
    for c in cases:
        print(c["name"], len(c["excesses"]), c["xi"], c["gpd_sigma"], c["loglik"], c["pot"])


if __name__ == "__main__":
    main()
