#!/usr/bin/env python3
"""Analyzer wall time against clang-19 -fsyntax-only on the same TUs.

Two sets: the corpus (corpus/*/*.c, small async programs) and the heddle
tree itself through its compile_commands.json (runtime, analyzer, examples,
benchmarks: real C of several thousand lines, the largest C code base on a
stock machine of this kind). Each TU is run as its own process on both
sides (`clang-19 -fsyntax-only ARGS FILE` vs `heddle check FILE -- ARGS`),
so process start-up is paid equally; the whole-program run
(`heddle check -p BUILD`, one process, summaries across TUs) is printed too,
and Z3's share of a whole run (from `--stats`) on each set.
clang and heddle alternate TU by TU and each TU counts with its best of
--repeat runs, so load from elsewhere on the machine weighs on both sides."""
import argparse
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import time

DROP = ("-o", "-MF", "-MT", "-MQ")


def tu_args(entry):
    raw = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in raw[1:]:
        if skip:
            skip = False
            continue
        if a in DROP:
            skip = True
            continue
        if a in ("-c", entry["file"]) or a.startswith("-Werror") or a in ("-MD", "-MMD"):
            continue
        out.append(a)
    return out


def timed(cmd, cwd=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.returncode


def best(fn, repeat):
    return min(fn() for _ in range(repeat))


def run_set(name, tus, heddle, repeat):
    # clang and heddle alternate TU by TU, so that other load on the machine
    # hits both sides alike; each TU's figure is its best of `repeat`
    c = h = 0.0
    for f, args, cwd in tus:
        cs, hs = [], []
        for _ in range(repeat):
            cs.append(timed(["clang-19", "-fsyntax-only", "-w"] + args + [f], cwd)[0])
            hs.append(timed([heddle, "check", "--quiet", f, "--"] + args, cwd)[0])
        c += min(cs)
        h += min(hs)
    lines = 0
    for f, _, cwd in tus:
        with open(os.path.join(cwd, f), errors="replace") as fh:
            lines += sum(1 for _ in fh)
    print(f"{name}: {len(tus)} TUs, {lines} lines: clang-19 -fsyntax-only {c:.3f} s, "
          f"heddle check {h:.3f} s, ratio {h / c:.2f}x")
    return c, h


def z3_share(name, cmd, cwd=None):
    """One --stats run: Z3 path feasibility's time as a share of the wall time."""
    t = time.perf_counter()
    p = subprocess.run(cmd[:2] + ["--stats"] + cmd[2:], cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    m = re.search(r"feasibility: (\d+) findings checked, (\d+) removed by Z3", p.stderr)
    q = re.search(r"feasibility: (\d+) paths .*?(\d+) Z3 queries.*?, ([0-9.]+) ms", p.stderr)
    if not (m and q):
        print(f"{name}: no feasibility statistics in heddle's output")
        return
    ms = float(q.group(3))
    print(f"{name}: Z3 path feasibility {ms:.1f} ms of {wall * 1000:.0f} ms wall "
          f"({100 * ms / 1000 / wall:.1f}%): {q.group(1)} paths, {q.group(2)} Z3 queries, "
          f"{m.group(1)} findings checked, {m.group(2)} removed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heddle", required=True)
    ap.add_argument("--build", required=True, help="build dir with compile_commands.json")
    ap.add_argument("--source", required=True, help="heddle source dir")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    inc = os.path.join(a.source, "include")
    corpus = [(f, ["-std=gnu11", "-pthread", "-I", inc], os.getcwd())
              for f in sorted(glob.glob(os.path.join(a.source, "corpus", "*", "*.c")))]
    with open(os.path.join(a.build, "compile_commands.json")) as fh:
        db = [e for e in json.load(fh) if e["file"].endswith(".c")]
    tree = [(e["file"], tu_args(e), e["directory"]) for e in db]
    run_set("corpus", corpus, a.heddle, a.repeat)
    c, h = run_set("heddle tree", tree, a.heddle, a.repeat)
    whole = best(lambda: timed([a.heddle, "check", "--quiet", "-p", a.build])[0], a.repeat)
    print(f"heddle tree, whole program (-p, one process, -j1): {whole:.3f} s, "
          f"ratio to clang-19 per TU {whole / c:.2f}x")
    z3_share("corpus, one process", [a.heddle, "check", *[f for f, _, _ in corpus], "--",
                                     "-std=gnu11", "-pthread", "-I", inc])
    z3_share("heddle tree, one process", [a.heddle, "check", "-p", a.build])
    return 0


if __name__ == "__main__":
    sys.exit(main())
