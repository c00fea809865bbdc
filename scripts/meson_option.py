#!/usr/bin/python3
"""Compare or read options of a configured meson build directory.

  meson_option.py match BUILDDIR name=value...   exit 0 when every option
                                                  already has that value
  meson_option.py get BUILDDIR name               print one option's value

Used by scripts/lib.sh so an existing build directory is reused as is, and
reconfigured (which makes ninja regenerate) only when an option differs.
Standard library only; runs with Debian's /usr/bin/python3.
"""
import json
import subprocess
import sys


def options(builddir):
    out = subprocess.run(["meson", "introspect", "--buildoptions", builddir],
                         check=True, capture_output=True, text=True).stdout
    return {o["name"]: o["value"] for o in json.loads(out)}


def text(value):
    # Same spelling as on the meson command line: true/false, a,b for arrays.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def main(argv):
    if len(argv) < 2 or argv[0] not in ("match", "get"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        opts = options(argv[1])
    except (subprocess.CalledProcessError, ValueError, OSError) as e:
        print(f"meson_option: cannot read options of {argv[1]}: {e}", file=sys.stderr)
        return 2
    if argv[0] == "get":
        if len(argv) != 3 or argv[2] not in opts:
            return 2
        print(text(opts[argv[2]]))
        return 0
    for pair in argv[2:]:
        name, _, want = pair.partition("=")
        if name not in opts or text(opts[name]) != want:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
