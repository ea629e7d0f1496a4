#!/usr/bin/env python3
"""Checks the one layer rule the compiler cannot: panels only draw. No file that draws (every file of src/ui,
the mirror and the handout in src/state) writes derived data: it never calls update_derived(), which only the
derivations use (src/app/derive.cpp, the bridge's GPU answers, ui::refresh_*). Prints each offending line and a
summary; exit status 1 when there is one.

    python3 tests/check_layers.py        (./run_tests.sh runs it as its own layer, "layers")
"""
import glob
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DRAWERS = ["src/ui/*.cpp", "src/state/mirror.cpp", "src/state/handout.cpp"]

bad = []
files = sorted({f for pattern in DRAWERS for f in glob.glob(os.path.join(ROOT, pattern))})
for path in files:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if "update_derived(" in line:
                bad.append(f"{os.path.relpath(path, ROOT)}:{n}: a panel writes derived data: {line.strip()}")
for b in bad:
    print(b)
print(f"layers: {len(files)} drawing files, {len(bad)} writing derived data")
sys.exit(1 if bad or not files else 0)
