#!/usr/bin/env bash
# Quick start 2: the whole test suite, as CI runs it (.ci/run calls this).
#
#   1. install missing Debian packages (scripts/packages.txt)
#   2. build/ with -Dwerror=true, then `meson test`
#   3. install build/ into a staging folder, build examples/out-of-tree-plugin
#      against the installed SDK with pkg-config, check it with the installed
#      tundish-plugin-check and run its experiment with the installed tundish
#      (one test in the totals)
#   4. build-asan/ with AddressSanitizer + UBSan (+ LeakSanitizer), `meson test` again
#   4b. scripts/fuzz.sh: libFuzzer on each input reader for TD_FUZZ_SECONDS (default 60)
#   5. one closing line "N passed, N failed", summed from meson's testlog.json
#      files plus the out-of-tree check; a step that cannot run (a failed
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

# The out-of-tree plugin, built and run against the installed SDK only.
out_of_tree() {
  local stage
  stage="$(mktemp -d "${TMPDIR:-/tmp}/tundish-install.XXXXXX")" || return 1
  td_log "installing build/ into $stage"
  if ! meson install -C build --no-rebuild --destdir "$stage" >"$stage/install.log" 2>&1; then
    tail -n 20 "$stage/install.log" >&2
    td_log "meson install failed (kept $stage)"
    return 1
  fi
  local prefix libdir bindir
  prefix="$("$TD_PYTHON" scripts/meson_option.py get build prefix)" &&
    libdir="$("$TD_PYTHON" scripts/meson_option.py get build libdir)" &&
    bindir="$("$TD_PYTHON" scripts/meson_option.py get build bindir)" || return 1
  [[ $libdir == /* ]] || libdir="$prefix/$libdir"
  [[ $bindir == /* ]] || bindir="$prefix/$bindir"
  libdir="$stage$libdir"
  bindir="$stage$bindir"

  local ex=examples/out-of-tree-plugin
  td_log "building $ex against $libdir/pkgconfig/tundish.pc"
  if ! PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
    make -s -C "$ex" OUT="$stage/plugins" CFLAGS="-O2 -g -Werror"; then
    td_log "out-of-tree plugin build failed (kept $stage)"
    return 1
  fi

  # Only the staged install and the new plugin: the installed binary must not
  # need the build tree.
  local installed=(env LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    TUNDISH_PLUGIN_PATH="$stage/plugins:$libdir/tundish/plugins")
  local run=("${installed[@]}" "$bindir/tundish")
  if ! "${run[@]}" inspect range_features >"$stage/inspect.txt" 2>&1 ||
    ! grep -q range_features "$stage/inspect.txt"; then
    cat "$stage/inspect.txt" >&2
    td_log "installed tundish cannot inspect range_features (kept $stage)"
    return 1
  fi
  # The conformance check an out-of-tree author runs on their own folder.
  if ! "${installed[@]}" "$bindir/tundish-plugin-check" "$stage/plugins" >"$stage/check.txt" 2>&1; then
    cat "$stage/check.txt" >&2
    td_log "tundish-plugin-check rejects range_features (kept $stage)"
    return 1
  fi
  local out="$stage/run.log" run_dir="$stage/run"
  td_log "running $ex/range-features.yaml with the installed tundish"
  if ! TUNDISH_CACHE_DIR="$stage/cache" "${run[@]}" run "$ex/range-features.yaml" \
    -o "$run_dir" >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    td_log "out-of-tree experiment failed (kept $stage)"
    return 1
  fi
  # results.csv: experiment,pipeline,variant,repeat,fold,metric,value
  if ! awk -F, '$2 == "range_logistic" && $7 != "" { found = 1 } END { exit !found }' \
    "$run_dir/results.csv"; then
    tail -n 30 "$out" >&2
    td_log "no range_logistic rows in $run_dir/results.csv (kept $stage)"
    return 1
  fi
  td_log "out-of-tree plugin ran: $run_dir/results.csv"
  [[ ${TD_TEST_KEEP:-0} == 1 ]] || rm -rf "$stage"
}

if ! td_ensure_packages test; then
  failed=$((failed + 1))
  finish
fi

SECONDS=0
run_suite build 1 -- "${TD_BUILD_OPTS[@]}" -Dwerror=true
build_ok=$?

t0=$SECONDS
if ((build_ok == 0)) && out_of_tree; then
  passed=$((passed + 1))
else
  td_log "out-of-tree plugin check FAILED"
  failed=$((failed + 1))
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
