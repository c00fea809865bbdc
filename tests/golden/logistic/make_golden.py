#!/usr/bin/python3
"""Reference values for plugins/models/logistic/test_logistic.c.

Run with Debian's /usr/bin/python3 (python3-sklearn 1.2.1, numpy 1.24.2):

    cd tests/golden/logistic && /usr/bin/python3 make_golden.py

It writes a small fixed dataset (train.csv, test.csv) and, per case, the
scikit-learn LogisticRegression fit on the standardised training features
(expected_<case>.txt). The tundish plugin minimises
    mean weighted log loss + l2/2 ||w||^2,  l2 = 1 / (C n),
which is scikit-learn's  C * sum weighted log loss + 1/2 ||w||^2  divided by
C n, so the same C gives the same coefficients.

The features are written with 9 significant digits and both sides read them
as double, then round to float32 (tundish stores features as float32).
"""
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(20240611)


def make(n, intercept):
    x0 = rng.normal(0.0, 1.0, n)
    x1 = rng.normal(10.0, 5.0, n)                   # off-centre, wide: tests standardisation
    x2 = 0.6 * x0 + 0.8 * rng.normal(0.0, 1.0, n)   # correlated with x0
    x3 = rng.uniform(-2.0, 2.0, n)                  # no signal
    X = np.column_stack([x0, x1, x2, x3]).astype(np.float32)
    eta = intercept + 1.5 * X[:, 0] - 0.3 * (X[:, 1] - 10.0) / 5.0 + 0.8 * X[:, 2]
    y = (rng.uniform(0.0, 1.0, n) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    return X, y


def write_csv(path, X, y):
    with open(path, "w") as f:
        f.write("x0,x1,x2,x3,y\n")
        for row, label in zip(X, y):
            f.write(",".join("%.9g" % v for v in row) + ",%d\n" % label)


def read_csv(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1].astype(np.float32).astype(np.float64), data[:, -1]


X_train, y_train = make(80, -0.7)
X_test, y_test = make(30, -0.7)
write_csv("train.csv", X_train, y_train)
write_csv("test.csv", X_test, y_test)

X, y = read_csv("train.csv")
Xt, _ = read_csv("test.csv")
mean = X.mean(axis=0)
scale = X.std(axis=0)          # population (ddof = 0), as the plugin
Z = (X - mean) / scale
Zt = (Xt - mean) / scale

cases = {"c1_none": (1.0, None), "c0.05_balanced": (0.05, "balanced")}
for name, (C, cw) in cases.items():
    fits = []
    for solver in ("newton-cholesky", "newton-cg"):
        # newton-cg cannot reach 1e-14 (its line search stalls first).
        tol = 1e-14 if solver == "newton-cholesky" else 1e-8
        m = LogisticRegression(C=C, class_weight=cw, solver=solver, tol=tol,
                               max_iter=10000)
        with warnings.catch_warnings():
            # newton-cg only cross-checks; its line search warns once it is
            # at the limit of double precision, which is where we want it.
            warnings.simplefilter("ignore")
            m.fit(Z, y)
        fits.append(m)
    a, b = fits
    # Two solvers agreeing shows the reference itself is converged.
    assert np.max(np.abs(a.coef_ - b.coef_)) < 1e-8, (a.coef_, b.coef_)
    assert abs(a.intercept_[0] - b.intercept_[0]) < 1e-8
    with open("expected_%s.txt" % name, "w") as f:
        f.write("# sklearn %s LogisticRegression(C=%r, class_weight=%r, "
                "solver='newton-cholesky', tol=1e-14) on standardised train.csv\n"
                % (__import__("sklearn").__version__, C, cw))
        f.write("C %.17g\n" % C)
        f.write("class_weight %s\n" % (cw or "none"))
        f.write("mean " + " ".join("%.17g" % v for v in mean) + "\n")
        f.write("scale " + " ".join("%.17g" % v for v in scale) + "\n")
        f.write("intercept %.17g\n" % a.intercept_[0])
        f.write("coef " + " ".join("%.17g" % v for v in a.coef_[0]) + "\n")
        f.write("proba_train " + " ".join("%.17g" % v for v in a.predict_proba(Z)[:, 1]) + "\n")
        f.write("proba_test " + " ".join("%.17g" % v for v in a.predict_proba(Zt)[:, 1]) + "\n")
print("wrote train.csv test.csv", " ".join("expected_%s.txt" % c for c in cases))


# ---------------------------------------------------------------- multinomial
# Three classes, softmax of three linear scores; a separate generator so the
# binary files above stay as they were. scikit-learn's multinomial fit (lbfgs
# and newton-cg from zero, cross-checked) keeps sum_k intercept_k = 0, the
# representative the plugin's objective picks (logistic_softmax.h).
rng_mc = np.random.default_rng(20261207)


def make_multiclass(n):
    x0 = rng_mc.normal(0.0, 1.0, n)
    x1 = rng_mc.normal(10.0, 5.0, n)
    x2 = 0.6 * x0 + 0.8 * rng_mc.normal(0.0, 1.0, n)
    x3 = rng_mc.uniform(-2.0, 2.0, n)
    X = np.column_stack([x0, x1, x2, x3]).astype(np.float32)
    s = np.column_stack([1.5 * X[:, 0], 0.3 + 0.4 * (X[:, 1] - 10.0) / 5.0 - 0.8 * X[:, 2],
                         -0.5 - 1.0 * X[:, 0] + 0.5 * X[:, 2]])
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    y = np.array([rng_mc.choice(3, p=pi) for pi in p])
    return X, y


X_train, y_train = make_multiclass(90)
X_test, y_test = make_multiclass(30)
write_csv("train_multiclass.csv", X_train, y_train)
write_csv("test_multiclass.csv", X_test, y_test)
X, y = read_csv("train_multiclass.csv")
Xt, _ = read_csv("test_multiclass.csv")
mean = X.mean(axis=0)
scale = X.std(axis=0)
Z = (X - mean) / scale
Zt = (Xt - mean) / scale
mc_cases = {"multinomial_c1_none": (1.0, None), "multinomial_c0.1_balanced": (0.1, "balanced")}
for name, (C, cw) in mc_cases.items():
    fits = []
    for solver in ("lbfgs", "newton-cg"):
        m = LogisticRegression(C=C, class_weight=cw, solver=solver, tol=1e-12,
                               max_iter=100000, multi_class="multinomial")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(Z, y)
        fits.append(m)
    a, b = fits
    assert np.max(np.abs(a.coef_ - b.coef_)) < 2e-5, (a.coef_, b.coef_)
    assert np.max(np.abs(a.intercept_ - b.intercept_)) < 2e-5
    assert abs(a.intercept_.sum()) < 1e-8, a.intercept_
    with open("expected_%s.txt" % name, "w") as f:
        f.write("# sklearn %s LogisticRegression(C=%r, class_weight=%r, solver='lbfgs', "
                "multi_class='multinomial', tol=1e-12) on standardised train_multiclass.csv; "
                "newton-cg (which stops earlier) agrees within 2e-5\n" % (__import__("sklearn").__version__, C, cw))
        f.write("C %.17g\n" % C)
        f.write("class_weight %s\n" % (cw or "none"))
        f.write("mean " + " ".join("%.17g" % v for v in mean) + "\n")
        f.write("scale " + " ".join("%.17g" % v for v in scale) + "\n")
        f.write("intercept " + " ".join("%.17g" % v for v in a.intercept_) + "\n")
        f.write("coef " + " ".join("%.17g" % v for v in a.coef_.ravel()) + "\n")
        f.write("proba_train " + " ".join("%.17g" % v for v in a.predict_proba(Z).ravel()) + "\n")
        f.write("proba_test " + " ".join("%.17g" % v for v in a.predict_proba(Zt).ravel()) + "\n")
print("wrote train_multiclass.csv test_multiclass.csv",
      " ".join("expected_%s.txt" % c for c in mc_cases))
