#!/usr/bin/env python3
"""Runs one command and checks its exit status and output.

usage: run_case.py --exit N [--stdout RE]... [--stderr RE]... [--no-stdout RE]
                   [--cwd DIR] -- COMMAND...
Each RE must match somewhere in that stream (re.search, multiline)."""
import argparse
import re
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("run_case.py: missing -- COMMAND")
    cut = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--exit", type=int, required=True)
    ap.add_argument("--stdout", action="append", default=[])
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--no-stdout", action="append", default=[])
    ap.add_argument("--cwd")
    a = ap.parse_args(argv[:cut])
    cmd = argv[cut + 1:]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=a.cwd)
    ok = True
    if p.returncode != a.exit:
        print(f"exit status {p.returncode}, expected {a.exit}")
        ok = False
    for rx in a.stdout:
        if not re.search(rx, p.stdout, re.M):
            print(f"stdout lacks /{rx}/")
            ok = False
    for rx in a.no_stdout:
        if re.search(rx, p.stdout, re.M):
            print(f"stdout has /{rx}/")
            ok = False
    for rx in a.stderr:
        if not re.search(rx, p.stderr, re.M):
            print(f"stderr lacks /{rx}/")
            ok = False
    if not ok:
        print("command:", " ".join(cmd))
        print("--- stdout\n" + p.stdout + "--- stderr\n" + p.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
