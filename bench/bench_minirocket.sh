#!/usr/bin/env bash
# MiniRocket transform: tundish's minirocket plugin beside the reference
# (numba) on the same raw files and the same two threads, back to back.
#
#   bench/bench_minirocket.sh BUILD_DIR REF_DIR [REPS]
#
# BUILD_DIR: a configured build (bench_minirocket is built here);
# REF_DIR: a folder with the reference's minirocket.py and
# minirocket_multivariate.py (see bench/peers/minirocket_peer.py).
# Shapes: UCR-like univariate random walks (1000 × 152, Wafer's length;
# 1000 × 275, Trace's) and the caster's 1200 × 7200 × 5 (bench/peers/
# gen_steel.py's data, fitted on the first 960 series as a training split
# would be). Prints each run's lines, then the medians and the ratio.
set -euo pipefail
build=${1:?BUILD_DIR}
ref=${2:?REF_DIR}
reps=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
tmp=${TMPDIR:-/tmp}
ninja -C "$build" bench/bench_minirocket >/dev/null
export NUMBA_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1

[[ -f $tmp/mr_152.f32 ]] || "$py" "$here/peers/minirocket_data.py" --shape 1000,152,1 --out "$tmp/mr_152.f32"
[[ -f $tmp/mr_275.f32 ]] || "$py" "$here/peers/minirocket_data.py" --shape 1000,275,1 --out "$tmp/mr_275.f32"
if [[ ! -f $tmp/steel_X.f32 ]]; then
  [[ -f $tmp/steel.npz ]] || "$py" "$here/peers/gen_steel.py" --out "$tmp/steel.npz" --reps 1
  "$py" "$here/features_peer_data.py" --npz "$tmp/steel.npz" --out-x "$tmp/steel_X.f32"
fi

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

run_case() {
  local name=$1 file=$2 shape=$3 fitn=$4
  local ours=() theirs=()
  for ((r = 0; r < reps; r++)); do
    # alternate who goes first, so neither always gets the cooler machine
    if ((r % 2 == 0)); then
      ours+=("$("$build/bench/bench_minirocket" --raw "$file" --shape "$shape" --fit-n "$fitn" --threads 2 --reps 1 2>/dev/null)")
      theirs+=("$("$py" "$here/peers/minirocket_peer.py" --ref "$ref" --raw "$file" --shape "$shape" --fit-n "$fitn" --reps 1)")
    else
      theirs+=("$("$py" "$here/peers/minirocket_peer.py" --ref "$ref" --raw "$file" --shape "$shape" --fit-n "$fitn" --reps 1)")
      ours+=("$("$build/bench/bench_minirocket" --raw "$file" --shape "$shape" --fit-n "$fitn" --threads 2 --reps 1 2>/dev/null)")
    fi
  done
  printf 'tundish   %s\n' "${ours[@]}"
  printf 'reference %s\n' "${theirs[@]}"
  local ot rt
  ot=$(printf '%s\n' "${ours[@]}" | field transform_s | median)
  rt=$(printf '%s\n' "${theirs[@]}" | field transform_s | median)
  printf '%-22s transform median: tundish %ss, reference %ss, reference/tundish %.2f\n' \
    "$name" "$ot" "$rt" "$(echo "$rt / $ot" | bc -l)"
}

run_case "1000x152 (Wafer len)" "$tmp/mr_152.f32" 1000,152,1 800
run_case "1000x275 (Trace len)" "$tmp/mr_275.f32" 1000,275,1 800
run_case "1200x7200x5 (caster)" "$tmp/steel_X.f32" 1200,7200,5 960
