#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and run the steel casting
# baseline experiment. Ends with the run folder and its report.html.
#   scripts/demo.sh               (from anywhere; works in the repository root)
# Takes under two minutes on two cores, build included (package install aside).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TD_ROOT"

SECONDS=0
td_ensure_packages
td_configure build "${TD_BUILD_OPTS[@]}"
mapfile -t targets < <(td_run_targets build)
# Without plugin targets (a listing that failed) build everything instead.
((${#targets[@]} > 1)) || targets=()
td_build build "${targets[@]}"

experiment=experiments/steel-casting-baseline.yaml
td_log "running $experiment"
out="$(mktemp)"
stamp="$(mktemp)"
trap 'rm -f "$out" "$stamp"' EXIT
rc=0
build/core/tundish run "$experiment" 2>&1 | tee "$out" || rc=$?

if ! run_dir="$(td_find_run_dir "$out" "$stamp")"; then
  td_log "tundish run exited $rc and no run folder was found"
  exit $((rc != 0 ? rc : 1))
fi
run_dir="$(realpath "$run_dir")"
if ((rc != 0)); then
  td_log "tundish run exited $rc (3 = some trials failed; see the report)"
fi
if [[ ! -f $run_dir/report.html ]]; then
  td_log "no report.html in $run_dir"
  rc=$((rc != 0 ? rc : 1))
fi
td_log "done in ${SECONDS}s"
printf 'Run folder: %s\n' "$run_dir"
printf 'Report:     %s\n' "$run_dir/report.html"
exit "$rc"
