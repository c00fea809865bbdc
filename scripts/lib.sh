# shellcheck shell=bash
# scripts/lib.sh — shared by setup.sh, demo.sh and test.sh. Source it; do not run it.
#
# Provides:
#   TD_ROOT                 absolute path of the repository
#   td_log MSG...           a progress line on stderr
#   td_missing_packages [test]  print the packages of scripts/packages.txt not
#                           installed: those above its "[tests]" line, or all with "test"
#   td_ensure_packages [test]  install them (root) or print the sudo line and fail
#   td_configure DIR OPT... configure DIR: reuse it, reconfigure only when an
#                           option differs, recreate it when unusable
#   td_build DIR [TARGET...] build DIR (everything, or the targets given)
#   td_run_targets DIR      the targets `tundish run` needs (CLI + plugins)
#   td_setup_build DIR OPT... td_configure, then build everything
#   TD_PYTHON               Debian's python3 (not a pyenv/venv shim)
#   TD_BUILD_OPTS           meson options of build/ (the demo's and the test's)
#   TD_ASAN_OPTS            meson options of build-asan/

set -o pipefail

TD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TD_PYTHON=/usr/bin/python3
[[ -x $TD_PYTHON ]] || TD_PYTHON=python3
export DEBIAN_FRONTEND=noninteractive

# release: the demo must build and run in under two minutes on two cores.
# pkgconfig.relocatable: tundish.pc finds its prefix from its own location, so
# test.sh can build the out-of-tree plugin against a staged (DESTDIR) install.
# shellcheck disable=SC2034  # used by the scripts that source this file
TD_BUILD_OPTS=(-Dbuildtype=release -Dpkgconfig.relocatable=true)
# debugoptimized: sanitizer reports with line numbers. No werror here: GCC
# warns differently with sanitizers on, and build/ already enforces it.
# shellcheck disable=SC2034
TD_ASAN_OPTS=(-Dbuildtype=debugoptimized '-Db_sanitize=address,undefined' -Db_lundef=false)

td_log() {
  printf '==> %s\n' "$*" >&2
}

# meson prints everything, errors included, on stdout: keep what matters.
td_meson_quiet() {
  meson "$@" | { grep -E 'ERROR|WARNING|DEPRECATION|[Ee]rror:' || true; }
}

td_missing_packages() {
  local pkg status
  while read -r pkg; do
    # The demo needs only the build and run part; test.sh adds the rest.
    if [[ $pkg == "[tests]"* ]]; then
      [[ ${1:-} == test ]] || break
      continue
    fi
    pkg="${pkg%%#*}"
    pkg="${pkg//[[:space:]]/}"
    [[ -n $pkg ]] || continue
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ $status == "install ok installed" ]] || printf '%s\n' "$pkg"
  done <"$TD_ROOT/scripts/packages.txt"
}

# Quiet on success; on failure the tail of apt's output is shown.
td_ensure_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    td_log "dpkg-query not found: not a Debian system, assuming the packages of scripts/packages.txt are installed"
    return 0
  fi
  local missing
  mapfile -t missing < <(td_missing_packages "${1:-}")
  ((${#missing[@]} == 0)) && return 0
  if ((EUID != 0)); then
    td_log "missing Debian packages; install them with:"
    printf 'sudo apt-get install -y %s\n' "${missing[*]}"
    return 1
  fi
  td_log "installing ${missing[*]}"
  local aptlog
  aptlog="$(mktemp)"
  if ! apt-get update -q >"$aptlog" 2>&1 ||
    ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1; then
    tail -n 40 "$aptlog" >&2
    rm -f "$aptlog"
    td_log "apt-get failed (output above)"
    return 1
  fi
  rm -f "$aptlog"
  mapfile -t missing < <(td_missing_packages "${1:-}")
  if ((${#missing[@]} != 0)); then
    td_log "still not installed after apt-get: ${missing[*]}"
    return 1
  fi
}

# td_configure DIR [-Dname=value ...]
# Only -Dname=value options are compared with an existing directory; a
# directory meson cannot use (interrupted setup, other meson version) is
# recreated, since everything in it is generated.
td_configure() {
  local dir="$1"
  shift
  local pairs=() opt
  for opt in "$@"; do
    [[ $opt == -D* ]] && pairs+=("${opt#-D}")
  done
  if [[ -f $dir/meson-private/coredata.dat ]]; then
    if "$TD_PYTHON" "$TD_ROOT/scripts/meson_option.py" match "$dir" "${pairs[@]}"; then
      td_log "reusing $dir"
    elif ! td_meson_quiet configure "$dir" "$@"; then
      td_log "cannot reconfigure $dir; setting it up again"
      td_meson_quiet setup --wipe "$dir" "$TD_ROOT" "$@" || return 1
    else
      td_log "reconfigured $dir"
    fi
  else
    if [[ -e $dir ]]; then
      if [[ -d $dir/meson-private || -d $dir/meson-logs ]] || [[ -z "$(ls -A "$dir")" ]]; then
        rm -rf "$dir"
      else
        td_log "$dir exists and is not a meson build directory; move it away"
        return 1
      fi
    fi
    td_log "configuring $dir"
    if ! td_meson_quiet setup "$dir" "$TD_ROOT" "$@"; then
      td_log "meson setup failed; see $dir/meson-logs/meson-log.txt"
      return 1
    fi
  fi
  # After a reconfigure ninja first regenerates build.ninja, and meson's
  # banner would bury the compiler output: do that step quietly (a failure
  # shows again, in full, in the build).
  ninja -C "$dir" build.ninja >/dev/null 2>&1 || true
}

# td_build DIR [TARGET...]   (no target: everything, tests included)
td_build() {
  local dir="$1"
  shift
  td_log "building $dir${1:+ (${#} targets)}"
  # ninja prints one line per edge without a terminal; keep warnings and
  # errors, drop the [n/m] progress lines.
  if ! ninja -C "$dir" "$@" | { grep -v '^\[[0-9]*/[0-9]*\] ' || true; }; then
    td_log "build of $dir failed"
    return 1
  fi
}

# What `tundish run` needs: the CLI and every plugin module, not the tests
# and benchmarks (half the build time and more).
td_run_targets() {
  local dir="$1"
  printf '%s\n' core/tundish
  ninja -C "$dir" -t targets all | sed -n 's|^\(plugins/[^:]*\.so\): .*|\1|p'
}

# td_setup_build DIR [-Dname=value ...]: configure, then build everything.
td_setup_build() {
  td_configure "$@" && td_build "$1"
}

# td_find_run_dir LOG STAMP
# The run folder a `tundish run` just made: the last path in its output LOG
# that names a folder (or a file inside one) holding manifest.yaml, else the
# newest folder under reports/ created after STAMP.
td_find_run_dir() {
  local log="$1" stamp="$2" tok dir
  while read -r tok; do
    tok="${tok%/}"
    for dir in "$tok" "$(dirname "$tok")"; do
      if [[ -f $dir/manifest.yaml ]]; then
        printf '%s\n' "$dir"
        return 0
      fi
    done
  done < <(tr -s ' \t"'"'"'(),;=' '\n' <"$log" | grep / | tac)
  dir="$(find reports -mindepth 1 -maxdepth 1 -type d -newer "$stamp" -printf '%T@ %p\n' 2>/dev/null |
    sort -rn | head -n 1 | cut -d' ' -f2-)"
  [[ -n $dir ]] || return 1
  printf '%s\n' "$dir"
}
