#!/usr/bin/env bash
# check_plugin_exports.sh PLUGIN_DIR GOOD_SO LEAKY_SO
#
# Every shipped plugin (each .so under PLUGIN_DIR, the build tree's plugins/)
# exports td_plugin_descriptor and nothing else: plugins build with hidden
# visibility, and only the entry point carries G_MODULE_EXPORT (plugin.h).
# A private symbol left visible can bind to another plugin's symbol of the
# same name once both are loaded, and the SDK's td_ prefix belongs to the core.
#
# GOOD_SO and LEAKY_SO are the registry tests' modules (tests/core/badplugins):
# one exporting only the entry point, one exporting something else. They
# must pass and fail the same check, so a check that sees nothing cannot pass.
#
# Names in the implementation's reserved namespace (__*) are ignored: a
# sanitizer build's instrumentation adds its own there.
set -uo pipefail

if (($# != 3)); then
  echo "usage: $0 PLUGIN_DIR GOOD_SO LEAKY_SO" >&2
  exit 2
fi
dir="$1" good="$2" leaky="$3"

# Prints what FILE exports besides td_plugin_descriptor (or that it lacks
# it); returns 1 when there is anything to print.
extra_exports() {
  local syms
  syms="$(nm -D --defined-only "$1" | awk 'NF >= 3 { print $3 }' | grep -v '^__')" || true
  local bad=0
  if ! grep -qx td_plugin_descriptor <<<"$syms"; then
    echo "$1: does not export td_plugin_descriptor"
    bad=1
  fi
  local s
  while read -r s; do
    [[ -z $s || $s == td_plugin_descriptor ]] && continue
    echo "$1: exports $s"
    bad=1
  done <<<"$syms"
  return "$bad"
}

status=0
if ! out="$(extra_exports "$good")"; then
  echo "control failed: $out"
  status=1
fi
if extra_exports "$leaky" >/dev/null; then
  echo "control failed: $leaky exports something besides td_plugin_descriptor, unnoticed"
  status=1
fi

n=0
declare -A kinds=()
while IFS= read -r -d '' so; do
  n=$((n + 1))
  kind="${so#"$dir"/}"
  kinds["${kind%%/*}"]=1
  extra_exports "$so" || status=1
done < <(find "$dir" -name '*.so' -print0 | sort -z)

# One plugin of each kind at least: a wrong folder must not pass as clean.
for k in generators features models evaluators reporters augment; do
  if [[ -z ${kinds[$k]:-} ]]; then
    echo "no plugin found under $dir/$k"
    status=1
  fi
done
echo "$n plugins checked under $dir"
exit "$status"
