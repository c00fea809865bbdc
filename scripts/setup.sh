#!/usr/bin/env bash
# Install the Debian packages tundish needs (see scripts/packages.txt) and
# configure + build build/. Safe to run again: an existing build/ is reused.
# demo.sh and test.sh do this first; run it alone to get a build without the demo.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TD_ROOT"

td_ensure_packages
td_setup_build build "${TD_BUILD_OPTS[@]}" "$@"
td_log "built build/ (build/core/tundish)"
