#!/usr/bin/env python3
"""Corpus test: runs `heddle check` on every corpus/<rule>/*.c and compares
its findings with the `/* expect: RULE */` markers, both ways, by (file,
line, rule). Prints precision and recall per rule.

A file whose first lines say `/* corpus: needs-feasibility */` can only be
decided by path feasibility (Z3): its mismatches are reported as pending and
do not fail the test. Rule folders the analyzer does not implement yet are
listed and skipped. Each run writes its SARIF to --sarif-dir (validated by
the sarif_schema test). Exit status 0 when nothing is missing or extra."""
import argparse
import json
import os
import re
import subprocess
import sys

EXPECT = re.compile(r"/\*\s*expect:\s*([\w,\s-]+?)\s*\*/")
PENDING = re.compile(r"corpus:\s*needs-feasibility")


def known_rules(heddle):
    out = subprocess.run([heddle, "check", "--help"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("rules:"):
            return line.split()[1:]
    return []


def expectations(path):
    exp, pending = set(), False
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if no <= 5 and PENDING.search(line):
                pending = True
            for m in EXPECT.finditer(line):
                for rule in m.group(1).replace(",", " ").split():
                    exp.add((no, rule))
    return exp, pending


def findings(heddle, path, args, sarif):
    cmd = [heddle, "check", "--quiet", "--format", "sarif", "-o", sarif,
           "--root", os.path.dirname(path), path, "--"] + args
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, p.stderr
    found = set()
    with open(sarif, encoding="utf-8") as f:
        doc = json.load(f)
    for res in doc["runs"][0]["results"]:
        if res.get("suppressions"):
            continue
        region = res["locations"][0]["physicalLocation"]["region"]
        found.add((region["startLine"], res["ruleId"]))
    return found, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heddle", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--sarif-dir", required=True)
    ap.add_argument("--rule", action="append", help="only these rule folders")
    a = ap.parse_args()
    os.makedirs(a.sarif_dir, exist_ok=True)
    args = ["-std=gnu11", "-pthread", "-I", a.include]
    rules = known_rules(a.heddle)
    failed = False
    for rule in sorted(os.listdir(a.corpus)):
        folder = os.path.join(a.corpus, rule)
        if not os.path.isdir(folder) or (a.rule and rule not in a.rule):
            continue
        if rule not in rules:
            print(f"{rule}: not a rule of this heddle check (yet), skipped")
            continue
        tp = fp = fn = pend = 0
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".c"):
                continue
            path = os.path.join(folder, name)
            exp, pending = expectations(path)
            sarif = os.path.join(a.sarif_dir, f"corpus-{rule}-{name[:-2]}.sarif")
            found, err = findings(a.heddle, path, args, sarif)
            if found is None:
                print(f"ERROR {path}: heddle failed\n{err}")
                failed = True
                continue
            # only this folder's rule is judged; other rules' markers are theirs
            exp = {e for e in exp if e[1] == rule}
            found = {f for f in found if f[1] == rule}
            missed, extra = exp - found, found - exp
            tp += len(exp & found)
            if pending and (missed or extra):
                pend += 1
                print(f"pending (feasibility) {path}: missed {sorted(missed)} extra {sorted(extra)}")
                continue
            fn += len(missed)
            fp += len(extra)
            for line, r in sorted(missed):
                print(f"MISSED {path}:{line}: {r}")
            for line, r in sorted(extra):
                print(f"EXTRA  {path}:{line}: {r}")
            failed |= bool(missed or extra)
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        print(f"{rule}: precision {prec:.3f} recall {rec:.3f} "
              f"(tp {tp}, fp {fp}, fn {fn}, pending {pend})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
