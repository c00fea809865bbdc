#!/usr/bin/python3
"""Reference values for the `ordinal` evaluator (plugins/evaluators/ordinal),
read by its test_ordinal.c.

    /usr/bin/python3 tests/golden/stats/make_ordinal_golden.py

writes ordinal.ini next to itself. The predicted class is the arg-max of the
scores; qwk = sklearn.metrics.cohen_kappa_score(y, pred, weights="quadratic",
labels=range(K)) (every class keeps its ordinal position, even when absent);
mae_class = mean(|y - pred|) in classes.
"""
import numpy as np
from sklearn import metrics as skm

from golden_common import Ini


def main():
    rng = np.random.default_rng(15)
    ini = Ini("ordinal.ini", __doc__.split("\n\n")[2])

    def case(name, y, s, K):
        pred = np.argmax(s, axis=1)
        qwk = skm.cohen_kappa_score(y, pred, weights="quadratic", labels=list(range(K)))
        ini.group(name, y=y, s=s, k=K, qwk=qwk, mae_class=float(np.mean(np.abs(y - pred))))

    n, K = 300, 4
    y = rng.integers(0, K, n)
    logits = rng.normal(0, 1, (n, K))
    logits[np.arange(n), y] += 1.0            # mostly right
    case("random300k4", y, logits, K)
    # off by one class half the time: ordinal errors a kappa weighs lightly
    y2 = rng.integers(0, K, 200)
    p2 = np.clip(y2 + rng.choice([-1, 0, 1], 200), 0, K - 1)
    s2 = rng.uniform(0, 0.5, (200, K))
    s2[np.arange(200), p2] = 1
    case("offbyone200k4", y2, s2, K)
    # class 2 never seen nor predicted: it still sits between 1 and 3
    y3 = rng.choice([0, 1, 3], 80)
    p3 = np.where(rng.uniform(size=80) < 0.7, y3, rng.choice([0, 1, 3], 80))
    s3 = rng.uniform(0, 0.5, (80, K))
    s3[np.arange(80), p3] = 1
    case("gap80k4", y3, s3, K)
    ini.write()


if __name__ == "__main__":
    main()
