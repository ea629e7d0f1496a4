#!/usr/bin/env python3
"""Checks the include graph of src/: (1) no cycle between modules (a module is a header and its .cpp: a.cpp
including b.h and b.cpp including a.h is a cycle, as the design sees it); (2) each layer includes only the
layers below it (app → ui → state → model → attn, app → compute → model; cli → model, compute → attn); (3) Dear ImGui is
included only by src/ui and src/app. Prints each cycle (with the includes that make it) and each wrong
include, then a summary; exit status 1 when there is one.

    python3 tests/check_includes.py        (./run_tests.sh runs it in the "layers" layer)
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SRC = os.path.join(ROOT, "src")
# What each top folder of src/ may include (besides itself).
BELOW = {"attn": set(), "model": {"attn"}, "compute": {"attn", "model"}, "state": {"attn", "model"},
         "ui": {"attn", "model", "state"}, "app": {"attn", "model", "compute", "state", "ui"},
         "cli": {"attn", "model", "compute"}}
IMGUI = re.compile(r"^(imgui|imgui_internal|imgui_stdlib|imgui_impl_\w+)\.h$")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def module(rel):
    """src/attn/problem.cpp → attn/problem (a header and its source are one module)."""
    stem = rel[:-len(".in")] if rel.endswith(".in") else rel
    return os.path.splitext(stem)[0]


graph, why, problems = {}, {}, []
files = 0
for folder, _, names in os.walk(SRC):
    for name in sorted(names):
        if not name.endswith((".h", ".cpp", ".cpp.in")):
            continue
        files += 1
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, SRC)
        layer = rel.split(os.sep)[0]
        mod = module(rel)
        graph.setdefault(mod, set())
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for inc in INCLUDE.findall(text):
            if IMGUI.match(os.path.basename(inc)) and layer not in ("ui", "app"):
                problems.append(f"src/{rel}: includes {inc} (Dear ImGui belongs to src/ui and src/app only)")
            if not os.path.exists(os.path.join(SRC, inc)):
                continue  # (a system or third-party header)
            target = module(inc)
            top = inc.split("/")[0]
            if top != layer and top not in BELOW.get(layer, set()):
                problems.append(f"src/{rel}: includes {inc} (the {layer} layer may include only "
                                f"{', '.join(sorted(BELOW.get(layer, ()))) or 'itself'})")
            if target != mod:
                graph[mod].add(target)
                why.setdefault((mod, target), f"src/{rel} includes {inc}")

# Strongly connected components (Tarjan, iterative): each with more than one module is a cycle.
index, low, on, stack, cycles, counter = {}, {}, set(), [], [], [0]
for start in sorted(graph):
    if start in index:
        continue
    work = [(start, iter(sorted(graph[start])))]
    index[start] = low[start] = counter[0]; counter[0] += 1; stack.append(start); on.add(start)
    while work:
        v, it = work[-1]
        w = next(it, None)
        if w is not None:
            if w not in index:
                index[w] = low[w] = counter[0]; counter[0] += 1; stack.append(w); on.add(w)
                work.append((w, iter(sorted(graph.get(w, ())))))
            elif w in on:
                low[v] = min(low[v], index[w])
            continue
        work.pop()
        if work:
            low[work[-1][0]] = min(low[work[-1][0]], low[v])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

for comp in cycles:
    problems.append(f"include cycle between {len(comp)} modules: {', '.join(comp)}")
    for a in comp:
        for b in sorted(graph[a] & set(comp)):
            problems.append(f"    {why[(a, b)]}")
for p in problems:
    print(p)
print(f"includes: {files} files in {len(graph)} modules; {len(cycles)} include cycles; "
      f"{sum(1 for p in problems if not p.startswith(('include cycle', '    ')))} wrong includes")
sys.exit(1 if problems or not files else 0)
