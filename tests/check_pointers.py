#!/usr/bin/env python3
"""Checks every "Tests:" pointer in a source comment: each file it names exists, and each GoogleTest suite or
test it names (Suite.*, Suite.Name, Suite.Prefix*) is defined in tests/core. A pointer that names nothing it
can check is reported too. Prints one line per stale pointer and a summary; exit status 1 when any is stale.

    python3 tests/check_pointers.py        (./run_tests.sh runs it in the format layer)
"""
import glob
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SOURCES = ["src/**/*.h", "src/**/*.cpp", "shaders/**/*.wgsl", "web/**/*.mjs", "web/**/*.js", "tests/**/*.h",
           "tests/**/*.cpp"]
FILE = re.compile(r"\btests/[\w/.-]+\.(?:cpp|h|py|mjs|sh)\b")
SUITE = re.compile(r"\b([A-Z][A-Za-z0-9]+)\.(\*|[A-Za-z0-9_]+\*?)")
COMMENT = re.compile(r"^\s*(?://|#)\s?(.*)$")


def defined_tests():
    """{suite: [test names]} from TEST/TEST_F/TEST_P in tests/core."""
    tests = {}
    for path in glob.glob(os.path.join(ROOT, "tests/core/*.cpp")):
        with open(path, encoding="utf-8") as f:
            for suite, name in re.findall(r"\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)", f.read()):
                tests.setdefault(suite, []).append(name)
    return tests


def pointers(path):
    """(line number, text) of each "Tests:" pointer: the comment from "Tests:" to the comment's end."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        at = line.find("Tests:")
        if at < 0 or not COMMENT.match(line):
            continue
        text = line[at + len("Tests:"):]
        for follow in lines[i + 1:]:
            m = COMMENT.match(follow)
            if not m or not m.group(1).strip():
                break
            text += " " + m.group(1)
            if re.search(r"\.\s*$", m.group(1)):
                break
        yield i + 1, text


def stale_in(text, tests):
    """What the pointer names that does not exist."""
    stale = []
    named = 0
    for f in FILE.findall(text):
        named += 1
        if not os.path.exists(os.path.join(ROOT, f)):
            stale.append("no file " + f)
    for suite, name in SUITE.findall(text):
        if suite in ("Tests", "See", "README"):
            continue
        named += 1
        have = tests.get(suite)
        if have is None:
            stale.append("no test suite " + suite)
        elif name != "*" and not any(t == name or (name.endswith("*") and t.startswith(name[:-1])) for t in have):
            stale.append("no test %s.%s" % (suite, name))
    if named == 0:
        stale.append("names no file or suite")
    return stale


def main():
    tests = defined_tests()
    checked = bad = 0
    for pattern in SOURCES:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            if os.path.abspath(path) == os.path.abspath(__file__):
                continue
            for line, text in pointers(path):
                checked += 1
                for what in stale_in(text, tests):
                    bad += 1
                    print("%s:%d: Tests: pointer is stale: %s" % (os.path.relpath(path, ROOT), line, what))
    print("pointers: %d \"Tests:\" comments, %d stale" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
