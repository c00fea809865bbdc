#!/usr/bin/env bash
# Quick start 2: the whole test suite, as CI runs it (.ci/run calls this).
#
#   1. install missing Debian packages (scripts/packages.txt)
#   2. build/ with -Dwerror=true, then `meson test`
#   3. install build/ into a staging folder, build each out-of-tree example
#      (examples/out-of-tree-plugin, a feature; examples/tcn-model-plugin, a
#      model on the NN library, with its gradient check) against the installed
#      SDK with pkg-config, check it with the installed tundish-plugin-check
#      and run its experiment with the installed tundish (one test each)
#   4. build-asan/ with AddressSanitizer + UBSan (+ LeakSanitizer), `meson test` again
#   4b. scripts/fuzz.sh: libFuzzer on each input reader for TD_FUZZ_SECONDS (default 60)
#   5. one closing line "N passed, N failed", summed from meson's testlog.json
#      files plus the out-of-tree examples; a step that cannot run (a failed
#      build) counts as one failure.
#
# Exit status: 0 only when nothing failed. Stays well under 15 minutes on two cores.
# TD_TEST_KEEP=1 keeps the staging folder of step 3 for inspection.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TD_ROOT" || exit 1

passed=0   # checks outside meson test
failed=0
logs=()    # testlog.json of each meson test that ran

finish() {
  if ((${#logs[@]} == 0)); then
    printf '%d passed, %d failed\n' "$passed" "$failed"
    ((failed == 0))
    exit $?
  fi
  "$TD_PYTHON" scripts/count_tests.py --passed "$passed" --failed "$failed" "${logs[@]}"
  exit $?
}

# run_suite DIR TIMEOUT_MULTIPLIER [VAR=value...] -- MESON_OPTIONS...
run_suite() {
  local dir="$1" mult="$2" env=()
  shift 2
  while (($# > 0)) && [[ $1 != -- ]]; do
    env+=("$1")
    shift
  done
  shift
  local t0=$SECONDS
  if ! td_setup_build "$dir" "$@"; then
    failed=$((failed + 1))
    return 1
  fi
  td_log "meson test in $dir"
  # A testlog.json left from an earlier run must never be counted.
  rm -f "$dir"/meson-logs/testlog*.json
  local rc=0
  env "${env[@]}" meson test -C "$dir" --no-rebuild --print-errorlogs \
    --timeout-multiplier "$mult" || rc=$?
  local log="$dir/meson-logs/testlog.json"
  logs+=("$log")
  # meson failing for a reason its log does not show (bad test setup,
  # interrupted) must still count.
  if ((rc != 0)) && "$TD_PYTHON" scripts/count_tests.py "$log" >/dev/null 2>&1; then
    td_log "meson test in $dir exited $rc with no failed test in its log"
    failed=$((failed + 1))
  fi
  td_log "$dir: $((SECONDS - t0))s"
}

# Install build/ into a staging folder once, for the out-of-tree examples;
# sets stage, libdir and bindir.
stage=""
libdir=""
bindir=""
stage_install() {
  stage="$(mktemp -d "${TMPDIR:-/tmp}/tundish-install.XXXXXX")" || return 1
  td_log "installing build/ into $stage"
  if ! meson install -C build --no-rebuild --destdir "$stage" >"$stage/install.log" 2>&1; then
    tail -n 20 "$stage/install.log" >&2
    td_log "meson install failed (kept $stage)"
    return 1
  fi
  local prefix
  prefix="$("$TD_PYTHON" scripts/meson_option.py get build prefix)" &&
    libdir="$("$TD_PYTHON" scripts/meson_option.py get build libdir)" &&
    bindir="$("$TD_PYTHON" scripts/meson_option.py get build bindir)" || return 1
  [[ $libdir == /* ]] || libdir="$prefix/$libdir"
  [[ $bindir == /* ]] || bindir="$prefix/$bindir"
  libdir="$stage$libdir"
  bindir="$stage$bindir"
}

# out_of_tree DIR PLUGIN YAML PIPELINE: an out-of-tree plugin, built and run
# against the staged install only. DIR's Makefile builds PLUGIN with
# pkg-config (warnings are errors) into a folder of its own, which the
# installed tundish-plugin-check checks; `make check` runs the example's own
# tests when its Makefile has that target; then the installed tundish runs
# DIR/YAML, and the example passes when results.csv holds PIPELINE's rows.
out_of_tree() {
  local ex="$1" plugin="$2" yaml="$3" pipeline="$4"
  local out="$stage/$plugin"
  local pc=(env PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}")
  td_log "building $ex against the SDK in $libdir"
  if ! "${pc[@]}" make -s -C "$ex" OUT="$out" CFLAGS="-O2 -g -Werror"; then
    td_log "$ex: build failed (kept $stage)"
    return 1
  fi
  # Only the staged install and the new plugin: the installed binary must not
  # need the build tree.
  local installed=(env LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    TUNDISH_PLUGIN_PATH="$out:$libdir/tundish/plugins")
  if grep -q '^check:' "$ex/Makefile" &&
    ! "${pc[@]}" "${installed[@]}" make -s -C "$ex" OUT="$out" CFLAGS="-O2 -g -Werror" check \
      >"$out/make-check.txt" 2>&1; then
    cat "$out/make-check.txt" >&2
    td_log "$ex: make check failed (kept $stage)"
    return 1
  fi
  local run=("${installed[@]}" "$bindir/tundish")
  if ! "${run[@]}" inspect "$plugin" >"$out/inspect.txt" 2>&1 ||
    ! grep -q "$plugin" "$out/inspect.txt"; then
    cat "$out/inspect.txt" >&2
    td_log "installed tundish cannot inspect $plugin (kept $stage)"
    return 1
  fi
  # The conformance check an out-of-tree author runs on their own folder.
  if ! "${installed[@]}" "$bindir/tundish-plugin-check" "$out" >"$out/check.txt" 2>&1; then
    cat "$out/check.txt" >&2
    td_log "tundish-plugin-check rejects $plugin (kept $stage)"
    return 1
  fi
  local log="$out/run.log" run_dir="$out/run"
  td_log "running $ex/$yaml with the installed tundish"
  if ! TUNDISH_CACHE_DIR="$stage/cache" "${run[@]}" run "$ex/$yaml" -o "$run_dir" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    td_log "$ex: experiment failed (kept $stage)"
    return 1
  fi
  # results.csv: experiment,pipeline,variant,repeat,fold,metric,value
  if ! awk -F, -v p="$pipeline" '$2 == p && $7 != "" { found = 1 } END { exit !found }' \
    "$run_dir/results.csv"; then
    tail -n 30 "$log" >&2
    td_log "no $pipeline rows in $run_dir/results.csv (kept $stage)"
    return 1
  fi
  td_log "$ex ran: $run_dir/results.csv"
}

if ! td_ensure_packages test; then
  failed=$((failed + 1))
  finish
fi

SECONDS=0
run_suite build 1 -- "${TD_BUILD_OPTS[@]}" -Dwerror=true
build_ok=$?

# The out-of-tree examples, one test each in the totals: a feature plugin on
# the plugin SDK, and a model plugin on the NN library (tundish/nn.h).
t0=$SECONDS
examples=(
  "examples/out-of-tree-plugin range_features range-features.yaml range_logistic"
  "examples/tcn-model-plugin tcn tcn.yaml tcn"
)
staged=1
((build_ok == 0)) && stage_install && staged=0
example_failed=0
for e in "${examples[@]}"; do
  # shellcheck disable=SC2086 # the four fields are words
  if ((staged == 0)) && out_of_tree $e; then
    passed=$((passed + 1))
  else
    td_log "out-of-tree example ${e%% *} FAILED"
    failed=$((failed + 1))
    example_failed=1
  fi
done
if [[ -n $stage ]] && ((example_failed == 0)) && [[ ${TD_TEST_KEEP:-0} != 1 ]]; then
  rm -rf "$stage"
fi
td_log "out-of-tree: $((SECONDS - t0))s"

# Sanitizer runs: any UBSan report or leak fails the test that shows it.
# G_SLICE/G_DEBUG make GLib free through malloc so LeakSanitizer sees it all.
run_suite build-asan 3 \
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:print_summary=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:print_summary=1 \
  LSAN_OPTIONS="suppressions=$TD_ROOT/tests/lsan.supp:print_suppressions=0" \
  G_SLICE=always-malloc G_DEBUG=gc-friendly \
  -- "${TD_ASAN_OPTS[@]}"

# libFuzzer, about a minute per reader (experiment loader, eval CSV, trial CSV,
# HDF5 dataset); a finding fails the run. One check in the totals.
t0=$SECONDS
if bash scripts/fuzz.sh "${TD_FUZZ_SECONDS:-60}"; then
  passed=$((passed + 1))
else
  td_log "fuzzing FAILED (inputs in build-fuzz/fuzz-crashes/)"
  failed=$((failed + 1))
fi
td_log "fuzz: $((SECONDS - t0))s"

td_log "test.sh: ${SECONDS}s"
finish
