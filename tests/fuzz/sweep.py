#!/usr/bin/env python3
"""The malformed-input sweep of issue 9, rerunnable: generates adversarial Problem JSON (invalid UTF-8, deep
nesting, huge and extreme numbers, sizes at and past the limits, wrong types, truncation, flipped bytes) and
runs each through `attnlab-cli run -` (sometimes with --trace or --no-weights), with a timeout (--timeout,
30 s: the budget admits runs of several seconds on a loaded 2-core machine, a hang is unbounded work). Counts
results, clean {"error"} refusals, crashes (a signal or an exit status other than 0/1), hangs, silent nulls
(a "successful" result with null in output or attention_weights) and wrong answers (not JSON, or an error
without a message); the slowest try goes to stderr. The last line is the summary tests/fuzz/run.sh reads.

    python3 tests/fuzz/sweep.py build/native/attnlab-cli --tries 20000 --seed 1
"""
import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import time

SEEDS = [
    '{"tokens":["the","cat","sat"],"q":[[1,0],[0,1],[1,1]],"k":[[1,0],[0,1],[1,1]],"v":[[1,2],[3,4],[5,6]],'
    '"mask":"causal"}',
    '{"random":{"seed":3,"n":6,"d_model":8,"num_heads":4,"num_kv_heads":2},"mask":{"window":2,"global":[0,3]},'
    '"variant":"flash","tile":{"q":2,"k":3}}',
    '{"random":{"seed":1,"n":5,"d_model":4},"variant":"linear","feature_map":"relu","mask":"causal"}',
    '{"q":[[1,2]],"k":[[1,2],[3,4],[5,6]],"v":[[1],[2],[3]],"mask":[[1,0,1]],"scale":0.5,"temperature":2}',
    '{"query":[[1,0],[0,1]],"num_heads":2,"in_proj_weight":[[1,0],[0,1],[1,0],[0,1],[1,0],[0,1]],'
    '"out_proj_weight":[[1,0],[0,1]],"mask":{"padding":1},"precision":"f64"}',
]
FIELDS = ["q", "k", "v", "tokens", "mask", "scale", "temperature", "variant", "tile", "precision", "random",
          "query", "in_proj_weight", "feature_map", "key_tokens"]
EXTREMES = [1e200, -1e200, 1e308, -1e308, 3.5e38, 1e-320, 0, -0.0, 1e30, 2**63, -(2**63), 1e9, 1e10]


def deep(rng, levels):
    opener = rng.choice(["[", "{\"a\":"])
    return opener * levels + ("]" * levels if opener == "[" else "}" * levels)


def mutate(rng):
    """One adversarial problem: (text bytes, extra CLI arguments)."""
    kind = rng.randrange(10)
    base = rng.choice(SEEDS)
    args = rng.choice([[], [], ["--trace"], ["--no-weights"]])
    if kind == 0:  # invalid UTF-8 somewhere
        b = bytearray(base.encode())
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b)):rng.randrange(len(b))] = bytes([rng.choice([0xC0, 0xF1, 0xFF, 0xED, 0xE2, 0x80])])
        return bytes(b), args
    if kind == 1:  # deep nesting inside a field
        levels = rng.choice([65, 200, 5000, 70000, 100000])
        text = '{"%s": %s}' % (rng.choice(FIELDS), deep(rng, levels))
        if rng.random() < 0.5:
            text = text[:rng.randrange(len(text))]  # and unclosed
        return text.encode(), args
    if kind == 2:  # extreme numbers in the matrices, scale or temperature
        p = json.loads(base)
        for field in ("q", "k", "v", "query", "in_proj_weight"):
            if field in p:
                p[field] = [[rng.choice(EXTREMES) if rng.random() < 0.3 else x for x in row] for row in p[field]]
        if rng.random() < 0.5:
            p[rng.choice(["scale", "temperature"])] = rng.choice(EXTREMES + [1e300, 1e-300])
        return json.dumps(p).encode(), args
    if kind == 3:  # sizes around and past the limits
        n = rng.choice([1, 64, 400, 1000, 2000, 3000, 4700, 20000, 200000, 10**9])
        d = rng.choice([1, 8, 64, 1000, 10**6, 10**9])
        p = {"random": {"seed": rng.randrange(100), "n": n, "d_model": d}}
        if n * d > 10**7 and rng.random() < 0.7:
            d = 8
            p["random"]["d_model"] = d
        if rng.random() < 0.3:
            p["mask"] = {"window": rng.randint(1, 8), "global": [rng.randrange(min(n, 400)) for _ in range(100000)]}
        return json.dumps(p).encode(), args
    if kind == 4:  # wrong types
        p = json.loads(base)
        p[rng.choice(FIELDS)] = rng.choice(["x", 1, -1, 1.5, None, True, [], {}, [[]], [["a"]], {"q": 1}, "\u0000",
                                            [1] * 3, 2**40, -2**40, "1e999"])
        return json.dumps(p).encode(), args
    if kind == 5:  # truncated
        return base.encode()[:rng.randrange(len(base))], args
    if kind == 6:  # flipped bytes
        b = bytearray(base.encode())
        for _ in range(rng.randint(1, 6)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return bytes(b), args
    if kind == 7:  # non-finite literals and huge exponents
        return base.replace("1", rng.choice(["1e999", "NaN", "Infinity", "-1e400", "1e-999", "0x10", "01"]), 1).encode(), args
    if kind == 8:  # shapes that disagree, explicit masks of the wrong size
        p = json.loads(base)
        if "q" in p:
            p["k"] = [[1] * rng.randint(0, 4) for _ in range(rng.randint(0, 5))]
        p["mask"] = [[rng.choice([0, 1, 2, -1, 0.5]) for _ in range(rng.randint(0, 4))] for _ in range(rng.randint(0, 4))]
        return json.dumps(p).encode(), args
    # kind 9: big but legal text (a 1 MB token list) and duplicate keys
    p = json.loads(base)
    if rng.random() < 0.5:
        p["tokens"] = ["<script>alert(1)</script>" * 40] * rng.choice([1, 3, 1000])
        text = json.dumps(p)
    else:
        text = json.dumps(p)[:-1] + ', "mask": "none", "mask": "causal"}'
    return text.encode(), args


def classify(cli, text, args, timeout):
    t0 = time.monotonic()
    verdict = verdict_of(cli, text, args, timeout)
    return verdict, time.monotonic() - t0


def verdict_of(cli, text, args, timeout):
    try:
        p = subprocess.run([cli, "run", "-"] + args, input=text, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hangs"
    if p.returncode not in (0, 1):
        return "crashes"
    try:
        out = json.loads(p.stdout)
    except ValueError:
        return "wrong"
    if p.returncode == 1:
        return "clean errors" if isinstance(out.get("error"), str) and out["error"] else "wrong"
    for field in ("output", "attention_weights"):
        value = out.get(field)
        if field == "attention_weights" and value is None and "--no-weights" in args:
            continue
        if value is None or "null" in json.dumps(value):
            return "silent nulls"
    return "results"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cli")
    ap.add_argument("--tries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before a try counts as a hang")
    ap.add_argument("--keep", default="build/fuzz/sweep-failures", help="where failing inputs are written")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cases = [mutate(rng) for _ in range(a.tries)]
    counts = {k: 0 for k in ("results", "clean errors", "crashes", "hangs", "silent nulls", "wrong")}
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        slowest = 0.0
        for i, (verdict, seconds) in enumerate(pool.map(lambda c: classify(a.cli, *c, a.timeout), cases)):
            counts[verdict] += 1
            slowest = max(slowest, seconds)
            if verdict not in ("results", "clean errors"):
                os.makedirs(a.keep, exist_ok=True)
                with open(os.path.join(a.keep, "%s-%d.json" % (verdict.replace(" ", "_"), i)), "wb") as f:
                    f.write(cases[i][0])
                print("%s: case %d (%s), args %s" % (verdict, i, cases[i][0][:80], cases[i][1]), file=sys.stderr)
    print("slowest sweep try: %.1f s (the timeout is %.0f s)" % (slowest, a.timeout), file=sys.stderr)
    print("sweep: %d tries: %d results, %d clean errors, %d crashes, %d hangs, %d silent nulls, %d wrong" % (
        a.tries, counts["results"], counts["clean errors"], counts["crashes"], counts["hangs"],
        counts["silent nulls"], counts["wrong"]))
    return 0 if counts["crashes"] + counts["hangs"] + counts["silent nulls"] + counts["wrong"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
