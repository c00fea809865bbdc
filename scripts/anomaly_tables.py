#!/usr/bin/python3
"""Print the tables of docs/results-anomaly.md from an anomaly run folder.

Usage: anomaly_tables.py RUN_DIR...

For each run folder of `tundish run` with the `anomaly` evaluator (e.g.
reports/steel-casting-anomaly/<run>): the threshold-free ranking (ROC-AUC,
PR-AUC mean ± sd from summary.csv), the t-test rows of comparisons.csv for
those two, and the alarm-threshold table (per pipeline and method: test FPR
mean and worst repeat, recall mean ± sd, precision mean), means and sds from
summary.csv, the worst repeat from results.csv. Bold marks an FPR not under the plan's
5 % (>= 0.05). Then the checks the doc's prose quotes: per pipeline and
method the repeats at FPR >= 0.05, and how often mean + k·sd sits above the
percentile threshold. The method constants are read from manifest.yaml.

A helper for writing the doc, not part of tundish: standard library only.
"""
import csv
import math
import re
import sys
from pathlib import Path

ORDER = ["isolation_forest", "lstm_autoencoder", "vae", "gbdt_supervised"]
METHODS = ["percentile", "mad", "sigma", "pot"]
BUDGET = 0.05


def method_labels(run):
    text = (run / "manifest.yaml").read_text()
    m = re.search(r"plugin: anomaly, params: \{([^}]*)\}", text)
    p = dict(kv.split(": ") for kv in m.group(1).split(", "))
    num = lambda k: ("%g" % float(p[k]))
    return {
        "percentile": "%sth percentile" % num("percentile"),
        "mad": "median + %s·MAD" % num("mad_k"),
        "sigma": "mean + %s·sd" % num("sigma_k"),
        "pot": "POT, risk %s" % num("pot_risk"),
    }


def read(run):
    summary = {}
    with open(run / "summary.csv") as f:
        for r in csv.DictReader(f):
            summary[(r["pipeline"], r["metric"])] = r
    trials = {}
    with open(run / "results.csv") as f:
        for r in csv.DictReader(f):
            trials.setdefault((r["pipeline"], r["metric"]), []).append(float(r["value"]))
    return summary, trials


def f3(x):
    return "nan" if math.isnan(x) else "%.3f" % x


def over(x):
    return not (x < BUDGET)  # NaN counts as not under


def table(run):
    summary, trials = read(run)
    labels = method_labels(run)
    pipes = [p for p in ORDER if (p, "roc_auc") in summary]
    print("## %s\n" % run)
    print("| pipeline | ROC-AUC | PR-AUC |\n|---|---|---|")
    for p in pipes:
        cells = []
        for m in ("roc_auc", "pr_auc"):
            s = summary[(p, m)]
            mean = float(s["mean"])
            cell = "%s ± %s" % (f3(mean), f3(float(s["sd"])))
            if f3(mean) == "1.000":  # the doc shows what rounding hides
                cell += " (%.4f)" % mean
            cells.append(cell)
        print("| %s | %s | %s |" % (p, cells[0], cells[1]))
    comp = run / "comparisons.csv"
    if comp.exists():
        print("\ncomparisons (t-test):")
        with open(comp) as f:
            for r in csv.DictReader(f):
                if r["test"] == "ttest" and r["metric"] in ("roc_auc", "pr_auc"):
                    print("  %s - %s %s: %+.3f p = %.3g, %s %.3g" % (
                        r["pipeline_a"], r["pipeline_b"], r["metric"], float(r["estimate"]),
                        float(r["p_value"]), r["correction"], float(r["p_adjusted"])))
    print("\n| pipeline | method | FPR mean | FPR worst | recall | precision |")
    print("|---|---|---|---|---|---|")
    checks = []
    for p in pipes:
        for k in METHODS:
            fm = float(summary[(p, "fpr_" + k)]["mean"])
            # NaN (a method the validation normals cannot support) is the worst
            fw = max(trials[(p, "fpr_" + k)], key=lambda x: (math.isnan(x), x))
            rs = summary[(p, "recall_" + k)]
            ps = summary[(p, "precision_" + k)]
            bold = lambda x: "**%s**" % f3(x) if over(x) else f3(x)
            prec = float(ps["mean"])
            prec_s = "nan" if math.isnan(prec) else "%.2f" % prec
            if int(ps["n"]) < int(rs["n"]):
                prec_s += " (%s of %s repeats alarm)" % (ps["n"], rs["n"])
            print("| %s | %s | %s | %s | %s ± %s | %s |" % (
                p, labels[k], bold(fm), bold(fw), f3(float(rs["mean"])), f3(float(rs["sd"])),
                prec_s))
            n_over = sum(over(x) for x in trials[(p, "fpr_" + k)])
            checks.append((p, k, n_over, len(trials[(p, "fpr_" + k)])))
    print("\nrepeats at FPR >= 0.05 (pipeline, method, count / repeats):")
    for p, k, n_over, n in checks:
        print("  %-17s %-10s %d / %d" % (p, k, n_over, n))
    print("\nmean + k·sd above the percentile threshold (trials):")
    for p in pipes:
        s = trials[(p, "threshold_sigma")]
        q = trials[(p, "threshold_percentile")]
        print("  %-17s %d / %d" % (p, sum(a > b for a, b in zip(s, q)), len(s)))
    ties(run, trials)
    print()


def scores(path):
    with open(path) as f:
        return [(float(r["label"]), float(r["score"])) for r in csv.DictReader(f)]


def ties(run, trials):
    """Tied scores: per trial, how many validation normals share the lowest
    score, and how many test normals score exactly at or below each threshold
    (an alarm is a score strictly above it)."""
    print("\nties (per trial: validation normals at their lowest score; test normals at "
          "or below the MAD threshold; MAD and POT thresholds; FPR and recall at them):")
    for p in ORDER:
        folder = run / "trials" / p
        if not folder.is_dir():
            continue
        # results.csv lists trials by repeat, then fold: the same order, numerically
        key = lambda t: tuple(int(x) for x in re.findall(r"\d+", t.name))
        for i, t in enumerate(sorted(folder.iterdir(), key=key)):
            valid = [s for y, s in scores(t / "valid_predictions.csv") if y == 0]
            test = [s for y, s in scores(t / "predictions.csv") if y == 0]
            lo = min(valid)
            thr_mad = trials[(p, "threshold_mad")][i]
            n_tied = sum(s == lo for s in valid)
            if n_tied < 2:
                continue
            print("  %-17s %s: %d of %d at %.6g; test %d of %d <= MAD threshold %.6g, %d of "
                  "them at it; fpr_mad %.3f recall_mad %.3f; POT threshold %.4g, fpr_pot %.3f "
                  "recall_pot %.3f" % (
                      p, t.name, n_tied, len(valid), lo, sum(s <= thr_mad for s in test),
                      len(test), thr_mad, sum(s == thr_mad for s in test),
                      trials[(p, "fpr_mad")][i], trials[(p, "recall_mad")][i],
                      trials[(p, "threshold_pot")][i], trials[(p, "fpr_pot")][i],
                      trials[(p, "recall_pot")][i]))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    for d in argv[1:]:
        table(Path(d))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
