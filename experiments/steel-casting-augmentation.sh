#!/bin/sh
# The augmentation ablation of experiments/steel-casting-augmentation.yaml:
# one run per arm (the arm's stages set with --set), then a table per metric
# of mean ± sd over the repeats and the paired difference from "none"
# (same data, splits and model seed in every arm, so repeat r of one arm is
# paired with repeat r of "none"), with the paired t statistic and the
# Nadeau-Bengio corrected one, which allows for the overlap of the training
# sets of different repeats: t_c = mean / sqrt((1/k + n_test/n_train) sd^2).
#
#   experiments/steel-casting-augmentation.sh [OUT_DIR]    (default runs/augmentation)
#
# TUNDISH names the binary (default build/core/tundish); JOBS the -j (default 2);
# REPEATS, when set, overrides the file's 5 repeats (--set repeats=N).
# Existing arm folders are reused (delete OUT_DIR to rerun).
set -eu
cd "$(dirname "$0")/.."
TUNDISH=${TUNDISH:-build/core/tundish}
JOBS=${JOBS:-2}
OUT=${1:-runs/augmentation}
EXP=experiments/steel-casting-augmentation.yaml
mkdir -p "$OUT"

arms="none jitter scaling time_warp window_slice mixup oversample smote time_warp+jitter"
stages () {
  case $1 in
    none)             echo '[]' ;;
    jitter)           echo '[{plugin: jitter, apply_to: minority, ratio: 2, sigma: 0.1}]' ;;
    scaling)          echo '[{plugin: scaling, apply_to: minority, ratio: 2, sigma: 0.1}]' ;;
    time_warp)        echo '[{plugin: time_warp, apply_to: minority, ratio: 2, sigma: 0.2, knots: 4}]' ;;
    window_slice)     echo '[{plugin: window_slice, apply_to: minority, ratio: 2, crop: 0.9}]' ;;
    mixup)            echo '[{plugin: mixup, apply_to: minority, ratio: 2, alpha: 0.2}]' ;;
    oversample)       echo '[{plugin: oversample, method: random, apply_to: minority, ratio: 2}]' ;;
    smote)            echo '[{plugin: oversample, method: smote, apply_to: minority, ratio: 2, k: 5}]' ;;
    time_warp+jitter) echo '[{plugin: time_warp, apply_to: minority, ratio: 1, sigma: 0.2}, {plugin: jitter, apply_to: minority, ratio: 0.5, sigma: 0.05}]' ;;
  esac
}

for arm in $arms; do
  dir="$OUT/$arm"
  if [ ! -f "$dir/results.csv" ]; then
    start=$(date +%s)
    "$TUNDISH" run "$EXP" -q -j "$JOBS" -o "$dir" --set "augment=$(stages "$arm")" \
      ${REPEATS:+--set "repeats=$REPEATS"}
    echo "$arm: $(( $(date +%s) - start )) s" >&2
  fi
done

# results.csv: experiment,pipeline,variant,repeat,fold,metric,value
for metric in pr_auc roc_auc; do
  echo
  echo "### $metric"
  echo
  echo "| arm | added per trial (mean) | $metric mean ± sd | Δ vs none mean ± sd | paired t | corrected t | repeats better |"
  echo "|---|---|---|---|---|---|---|"
  # split sizes of the first trial: "- { repeat: 0, fold: 0, train: N, valid: N, test: N }"
  ratio=$(grep -m1 -o 'train: [0-9]*, valid: [0-9]*, test: [0-9]*' "$OUT/none/manifest.yaml" \
          | awk -F'[:,]' '{ print $6 / $2 }')
  for arm in $arms; do
    trials=$(grep -c 'model_seed:' "$OUT/$arm/manifest.yaml")
    added=$(grep -o 'added: [0-9]*' "$OUT/$arm/manifest.yaml" | awk -v n="$trials" '{ s += $2 } END { printf "%.0f", s / n }')
    awk -F, -v m="$metric" -v arm="$arm" -v added="$added" -v ratio="$ratio" '
      FNR == 1 { file++; next }
      $6 == m { v[file, $4] = $7; n[file]++ }
      END {
        k = n[2]
        for (r = 0; r < k; r++) { s += v[2, r]; d = v[2, r] - v[1, r]; sd_ += d; better += d > 0 }
        mean = s / k; md = sd_ / k
        for (r = 0; r < k; r++) { ss += (v[2, r] - mean) ^ 2; d = v[2, r] - v[1, r]; dd += (d - md) ^ 2 }
        sdd = sqrt(dd / (k - 1))
        t = sdd > 0 ? sprintf("%+.2f", md / (sdd / sqrt(k))) : "—"
        tc = sdd > 0 ? sprintf("%+.2f", md / (sdd * sqrt(1 / k + ratio))) : "—"
        printf "| %s | %s | %.4f ± %.4f | %+.4f ± %.4f | %s | %s | %d / %d |\n", arm, added, mean,
               sqrt(ss / (k - 1)), md, sdd, t, tc, better, k
      }' "$OUT/none/results.csv" "$OUT/$arm/results.csv"
  done
done
