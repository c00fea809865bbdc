#!/usr/bin/env bash
# Fuzz tundish's input readers with libFuzzer (clang, from Debian).
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
#
# SECONDS: how long each harness runs (default 60). HARNESS: any of
# experiment eval_csv trial_csv dataset_h5 dataset_h5_untrusted table (default: all six).
#
# Builds build-fuzz/ with CC=clang, -Dfuzz=true, AddressSanitizer + UBSan on
# every target and libFuzzer's coverage instrumentation on libtundish too,
# then runs each harness from its seed corpus (tests/fuzz/corpus/<name>/,
# new inputs go to build-fuzz/fuzz-corpus/<name>/, which is kept between
# runs). A crash, leak, UBSan report, timeout (10 s per input) or allocation
# above 2 GB stops that harness; the input is copied to
# build-fuzz/fuzz-crashes/<name>/ and the script exits 1 after running the
# others. To keep a crash as a regression test: fix it, then copy the input
# to tests/fuzz/regressions/<name>/ (replayed by `meson test --suite fuzz`).
#
# Needs: clang, libclang-rt-14-dev (libFuzzer), and the packages of
# scripts/packages.txt.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TD_ROOT" || exit 1

seconds="${1:-60}"
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(experiment eval_csv trial_csv dataset_h5 dataset_h5_untrusted table)

if ! command -v clang >/dev/null 2>&1; then
  td_log "clang not found: apt-get install clang libclang-rt-14-dev"
  exit 1
fi

dir=build-fuzz
opts=(-Dfuzz=true -Dbuildtype=debugoptimized '-Db_sanitize=address,undefined' -Db_lundef=false
  '-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined')
if [[ ! -f $dir/meson-private/coredata.dat ]]; then
  rm -rf "$dir"
  td_log "configuring $dir (clang)"
  if ! CC=clang td_meson_quiet setup "$dir" "$TD_ROOT" "${opts[@]}"; then
    td_log "meson setup failed; see $dir/meson-logs/meson-log.txt"
    exit 1
  fi
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("tests/fuzz/fuzz_$h"); done
td_log "building ${targets[*]}"
if ! ninja -C "$dir" "${targets[@]}" | { grep -v '^\[[0-9]*/[0-9]*\] ' || true; }; then
  td_log "build failed"
  exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS="suppressions=$TD_ROOT/tests/lsan.supp:print_suppressions=0"
export G_SLICE=always-malloc G_DEBUG=gc-friendly
failed=0
for h in "${harnesses[@]}"; do
  corpus="$dir/fuzz-corpus/$h"
  crashes="$dir/fuzz-crashes/$h"
  mkdir -p "$corpus" "$crashes"
  td_log "fuzzing $h for ${seconds}s"
  log="$dir/fuzz-$h.log"
  # the untrusted HDF5 reader waits up to 30 s for a child that libhdf5 made
  # loop (core/src/run/untrusted_h5.h): that is its answer, not a hang
  timeout=10
  [[ $h == dataset_h5_untrusted ]] && timeout=60
  if "$dir/tests/fuzz/fuzz_$h" "$corpus" "tests/fuzz/corpus/$h" \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$log" |
      sed "s/^/    $h: /" >&2
  else
    failed=1
    tail -n 40 "$log" >&2
    td_log "fuzz_$h found a problem: input in $crashes/, log in $log"
  fi
done
exit "$failed"
