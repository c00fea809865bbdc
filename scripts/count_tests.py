#!/usr/bin/python3
"""Sum meson test results into the one closing line CI reads.

Usage: count_tests.py [--passed N] [--failed N] TESTLOG.json...

Each TESTLOG.json is a meson-logs/testlog.json: one JSON object per line with
a "result" field. OK and EXPECTEDFAIL count as passed; FAIL, TIMEOUT, ERROR,
UNEXPECTEDPASS, INTERRUPT (and anything unknown) as failed; SKIP is not
counted. --passed/--failed add checks that ran outside meson (build steps, the
out-of-tree plugin). A missing or unreadable log counts as one failure, so a
broken run is never reported as green.

Prints failed test names to stderr, then "N passed, N failed" alone on stdout.
Exit status: 0 when nothing failed, 1 otherwise. Standard library only, so it
runs with Debian's /usr/bin/python3 and no pip packages.
"""
import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
NOT_COUNTED = {"SKIP"}


def count_log(path):
    passed = failed = 0
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"count_tests: cannot read {path}: {e.strerror}", file=sys.stderr)
        return 0, 1
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            result = entry["result"]
        except (ValueError, KeyError, TypeError):
            # A truncated line means meson died mid-run: count it, never skip it.
            print(f"count_tests: {path}:{n}: unreadable entry", file=sys.stderr)
            failed += 1
            continue
        if result in PASSED:
            passed += 1
        elif result in NOT_COUNTED:
            continue
        else:
            failed += 1
            print(f"count_tests: {result}: {entry.get('name', '?')} ({path})",
                  file=sys.stderr)
    return passed, failed


def main(argv):
    passed = failed = 0
    logs = []
    args = iter(argv)
    for arg in args:
        if arg in ("--passed", "--failed"):
            try:
                value = int(next(args))
            except (StopIteration, ValueError):
                print(f"count_tests: {arg} needs a number", file=sys.stderr)
                return 2
            if arg == "--passed":
                passed += value
            else:
                failed += value
        else:
            logs.append(arg)
    for path in logs:
        p, f = count_log(path)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
