#!/usr/bin/env python3
"""Validates every *.sarif file under --dir against the official SARIF
2.1.0 schema (draft-04, checked with jsonschema's Draft4Validator) and the
properties GitHub code scanning and the VS Code viewer rely on."""
import argparse
import glob
import json
import os
import sys

import jsonschema


def extra_checks(doc):
    errs = []
    for run in doc["runs"]:
        if "columnKind" not in run:
            errs.append("run.columnKind missing")
        for rule in run["tool"]["driver"].get("rules", []):
            for key in ("shortDescription", "fullDescription", "help", "helpUri",
                        "defaultConfiguration"):
                if key not in rule:
                    errs.append(f"rule {rule['id']}: {key} missing")
        for res in run.get("results", []):
            if "primaryLocationLineHash" not in res.get("partialFingerprints", {}):
                errs.append(f"result {res['ruleId']}: no primaryLocationLineHash")
            region = res["locations"][0]["physicalLocation"]["region"]
            if "startColumn" not in region or "endColumn" not in region:
                errs.append(f"result {res['ruleId']}: region without columns")
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    with open(a.schema, encoding="utf-8") as f:
        validator = jsonschema.Draft4Validator(json.load(f))
    files = sorted(glob.glob(os.path.join(a.dir, "**", "*.sarif"), recursive=True))
    if not files:
        print(f"no SARIF files under {a.dir}")
        return 1
    bad = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errs = [e.message for e in validator.iter_errors(doc)] + extra_checks(doc)
        for e in errs[:5]:
            print(f"{path}: {e}")
        bad += bool(errs)
    print(f"{len(files) - bad}/{len(files)} SARIF files valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
