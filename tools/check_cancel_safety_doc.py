#!/usr/bin/env python3
"""Checks docs/runtime/cancel-safety.md against the headers: every future
type annotated HD_CANCEL_SAFE or HD_CANCEL_UNSAFE in include/heddle/ must
have a row whose verdict matches (yes / **no**)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
annotated = {}
for header in sorted((root / "include" / "heddle").glob("*.h")):
    for m in re.finditer(r"typedef struct ((?:HD_[A-Z_]+ )+)(hd_[a-z0-9_]+)", header.read_text()):
        attrs = m.group(1).split()
        if "HD_CANCEL_SAFE" in attrs:
            annotated[m.group(2)] = "yes"
        elif "HD_CANCEL_UNSAFE" in attrs:
            annotated[m.group(2)] = "**no**"

rows = {}
for line in (root / "docs" / "runtime" / "cancel-safety.md").read_text().splitlines():
    m = re.match(r"\| `(hd_[a-z0-9_]+)` \| [^|]+ \| ([^|]+) \|", line)
    if m:
        rows[m.group(1)] = m.group(2).strip()

errors = []
for name, verdict in sorted(annotated.items()):
    if name not in rows:
        errors.append(f"{name}: annotated {verdict} in the headers, no row in the table")
    elif rows[name] != verdict:
        errors.append(f"{name}: the table says '{rows[name]}', the header annotation says '{verdict}'")
for e in errors:
    print("cancel-safety.md:", e)
print(f"{len(annotated)} annotated futures, {len(rows)} rows, {len(errors)} mismatches")
sys.exit(1 if errors else 0)
