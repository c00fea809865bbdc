#!/usr/bin/python3
"""Loads what `tundish export` writes the way its README says, with pandas
and h5py (Debian's python3-pandas, python3-h5py), and checks the tables
agree with each other. Exit 77 (skipped) when either is not installed.

usage: check_export.py TUNDISH SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
    import pandas as pd
except ImportError as e:
    print(f"SKIP: {e.name} is not installed (apt-get install python3-pandas python3-h5py)")
    sys.exit(77)

tundish, src = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory(prefix="tundish-export-py-") as tmp:
    env = dict(os.environ, TUNDISH_CACHE_DIR=os.path.join(tmp, "cache"))
    run = os.path.join(tmp, "run")
    nb = os.path.join(tmp, "nb")
    subprocess.run([tundish, "run", os.path.join(src, "tests/report/tiny.yaml"), "-q", "-o", run],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([tundish, "export", run, "--to", nb, "-q"], check=True, env=env)
    os.chdir(nb)

    # the README's lines, verbatim
    res = pd.read_csv("results.csv", keep_default_na=False, na_values=["nan"])
    pred = pd.read_csv("predictions.csv", keep_default_na=False, na_values=["nan"])
    x = h5py.File("dataset.h5", "r")["x"][...]

    assert list(res.columns) == ["experiment", "pipeline", "variant", "repeat", "fold", "metric", "value"]
    assert set(res.pipeline) == {"gbdt", "logistic"} and (res.variant == "").all()
    assert x.shape == (160, 1200, 5) and x.dtype == np.float32

    # predictions recompute the run's roc_auc, per trial, to 1e-12
    def auc(g):
        pos, neg = g.score[g.label == 1].to_numpy(), g.score[g.label == 0].to_numpy()
        gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
        return gt / (len(pos) * len(neg))
    got = pred.groupby(["pipeline", "repeat", "fold"]).apply(auc)
    want = res[res.metric == "roc_auc"].set_index(["pipeline", "repeat", "fold"]).value
    assert np.allclose(got.sort_index().to_numpy(), want.sort_index().to_numpy(), rtol=0, atol=1e-12), (got, want)

    # predictions join the data: labels agree with series.csv and dataset.h5
    series = pd.read_csv("series.csv", keep_default_na=False, na_values=["nan"])
    with h5py.File("dataset.h5", "r") as f:
        ids = f["series_id"][...]
        y = f["y"][...]
        mech = f["meta/mechanism"].asstr()[...]
    assert (series.series_id.to_numpy() == ids).all() and (series.label.to_numpy() == y).all()
    assert (series.mechanism.to_numpy() == mech).all()
    joined = pred.merge(series, on="series_id", suffixes=("", "_data"))
    assert len(joined) == len(pred) and (joined.label == joined.label_data).all()

    # every predicted series is in the test part of its repeat
    splits = pd.read_csv("splits.csv")
    test = splits[splits.part == "test"]
    keyed = pred.merge(test, on=["repeat", "fold", "series_id"], how="left")
    assert keyed.part.notna().all()

    curves = pd.read_csv("training_curves.csv", keep_default_na=False, na_values=["nan"])
    assert {"pipeline", "variant", "repeat", "fold", "curve", "step", "value"} <= set(curves.columns)
    assert len(curves) > 0

    with h5py.File("predictions.h5", "r") as f:
        n = sum(f[p][t]["series_id"].shape[0] for p in f for t in f[p])
    assert n == len(pred)
print("ok: export loads with pandas and h5py")
