#!/usr/bin/env bash
# The isolation forest: tundish's isolation_forest plugin beside scikit-learn's
# IsolationForest (n_jobs=1) on the demo's feature matrix (1200 casts × 25
# statistical features; fit on the normal casts, score all), one thread each,
# back to back and alternating who goes first.
#
#   bench/bench_iforest.sh BUILD_DIR [REPS]
#
# Prints each run's lines, then both medians and the ratio.
set -euo pipefail
build=${1:?BUILD_DIR}
reps=${2:-7}
here=$(cd "$(dirname "$0")" && pwd)
tmp=${TMPDIR:-/tmp}
ninja -C "$build" bench/bench_iforest >/dev/null
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
csv=$tmp/iforest_caster.csv
"$build/bench/bench_iforest" --reps 0 --export "$csv"

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
ours=() theirs=()
for ((r = 0; r < reps; r++)); do
  if ((r % 2 == 0)); then
    ours+=("$("$build/bench/bench_iforest" --reps 1)")
    theirs+=("$(/usr/bin/python3 "$here/peers/iforest_peer.py" --csv "$csv" --reps 1)")
  else
    theirs+=("$(/usr/bin/python3 "$here/peers/iforest_peer.py" --csv "$csv" --reps 1)")
    ours+=("$("$build/bench/bench_iforest" --reps 1)")
  fi
  echo "tundish: ${ours[-1]}"
  echo "sklearn: ${theirs[-1]}"
done
mo=$(printf '%s\n' "${ours[@]}" | field fit_score_s | median)
mt=$(printf '%s\n' "${theirs[@]}" | field fit_score_s | median)
echo "median fit+score: tundish ${mo} s, scikit-learn ${mt} s, ratio $(awk -v a="$mt" -v b="$mo" 'BEGIN {printf "%.1f", a / b}')×"
