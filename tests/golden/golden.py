#!/usr/bin/python3
"""Golden tests: attnlab-cli against PyTorch's nn.MultiheadAttention (and a numpy reference for
grouped/multi-query heads, scale and temperature, which torch 1.13's MHA cannot express).

Run with Debian's python (it has torch): /usr/bin/python3 tests/golden/golden.py build/native/attnlab-cli
Prints one line per case and ends with 'golden: N passed, M failed'; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

TOL = {"f64": 1e-9, "f32": 2e-5}


def allowed_mask(kind, L, S, rng):
    """The L×S 0/1 allowed-matrix, built independently of the C++ code (1 = may attend)."""
    i = np.arange(L)[:, None] + (S - L)  # query i sits at key position i + S − L
    j = np.arange(S)[None, :]
    if kind == "none":
        return np.ones((L, S), dtype=bool), "none"
    if kind == "causal":
        return j <= i, "causal"
    if kind == "window":
        w = int(rng.integers(1, 4))
        return (j <= i) & (j > i - w), {"window": w}
    if kind == "padding":
        valid = int(rng.integers(1, S + 1))
        return np.broadcast_to(j < valid, (L, S)).copy(), {"padding": valid}
    if kind == "window_both":
        w = int(rng.integers(1, 4))
        return np.abs(i - j) < w, {"window": w, "causal": False}
    if kind == "strided":
        st = int(rng.integers(2, 4))
        return (j <= i) & (((i - j) < st) | ((i - j) % st == 0)), {"strided": st}
    if kind == "block":
        b = int(rng.integers(2, 4))
        return (i // b) == (j // b), {"block": b}
    if kind == "window_global":  # Longformer: a symmetric window plus global tokens that see and are seen by all
        w, G = 2, [0, S // 2]
        glob = np.isin(j, G) | np.isin(i, G)
        return (np.abs(i - j) < w) | glob, {"window": w, "causal": False, "global": G}
    if kind == "explicit":
        m = rng.random((L, S)) < 0.6
        m[np.arange(L), rng.integers(0, S, L)] = True  # no fully masked rows (torch would give NaN)
        return m, m.astype(int).tolist()
    raise ValueError(kind)


def features(x, fmap):
    """Linear attention's feature maps φ, row-wise."""
    if fmap == "elu1":
        return np.where(x > 0, x + 1, np.exp(np.minimum(x, 0)))
    if fmap == "relu":
        return np.maximum(x, 0)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def numpy_reference(query, key, value, w_in, b_in, w_out, b_out, h, g, allowed, multiplier, fmap=None):
    """Grouped-query attention written out in numpy, float64: query head i reads K/V head i·g // h. With fmap,
    linear attention computed left to right: A = rows-normalised (φ(Q)φ(K)ᵀ where allowed), O = A·V."""
    E = query.shape[1]
    d = E // h
    kv = d * g
    q = query @ w_in[:E].T + b_in[:E]
    k = key @ w_in[E:E + kv].T + b_in[E:E + kv]
    v = value @ w_in[E + kv:].T + b_in[E + kv:]
    heads, weights = [], []
    for i in range(h):
        j = i * g // h
        if fmap:
            a = np.where(allowed, features(q[:, i * d:(i + 1) * d], fmap) @ features(k[:, j * d:(j + 1) * d], fmap).T, 0)
            w = a / a.sum(axis=1, keepdims=True)
        else:
            s = (q[:, i * d:(i + 1) * d] @ k[:, j * d:(j + 1) * d].T) * multiplier
            s = np.where(allowed, s, -np.inf)
            m = s.max(axis=1, keepdims=True)
            e = np.exp(s - m)
            w = e / e.sum(axis=1, keepdims=True)
        weights.append(w)
        heads.append(w @ v[:, j * d:(j + 1) * d])
    return np.concatenate(heads, axis=1) @ w_out.T + b_out, np.stack(weights)


def torch_reference(query, key, value, w_in, b_in, w_out, b_out, h, allowed, dtype):
    E = query.shape[1]
    mha = torch.nn.MultiheadAttention(E, h, bias=True, batch_first=True, dtype=dtype)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(w_in))
        mha.in_proj_bias.copy_(torch.from_numpy(b_in))
        mha.out_proj.weight.copy_(torch.from_numpy(w_out))
        mha.out_proj.bias.copy_(torch.from_numpy(b_out))
        t = lambda a: torch.from_numpy(a).to(dtype).unsqueeze(0)
        out, weights = mha(t(query), t(key), t(value), attn_mask=torch.from_numpy(~allowed),
                           need_weights=True, average_attn_weights=False)
    return out[0].double().numpy(), weights[0].double().numpy()


def run_cli(cli, problem):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(problem, f)
    try:
        p = subprocess.run([cli, "run", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if p.returncode != 0:
        raise RuntimeError(f"attnlab-cli failed: {p.stdout.strip()} {p.stderr.strip()}")
    r = json.loads(p.stdout)
    return np.array(r["output"], dtype=float), np.array(r["attention_weights"], dtype=float)


def make_case(rng, L, S, E, h, g, mask, bias, precision, scale=None, temperature=None, cross=False, variant=None,
              feature_map=None, tile=None):
    kv = E // h * g
    query = rng.standard_normal((L, E))
    key = rng.standard_normal((S, E)) if cross or S != L else query
    value = rng.standard_normal((S, E)) if cross or S != L else query
    w_in = rng.standard_normal((E + 2 * kv, E)) / np.sqrt(E)
    b_in = rng.standard_normal(E + 2 * kv) * 0.5 if bias else np.zeros(E + 2 * kv)
    w_out = rng.standard_normal((E, E)) / np.sqrt(E)
    b_out = rng.standard_normal(E) * 0.5 if bias else np.zeros(E)
    allowed, mask_json = allowed_mask(mask, L, S, rng)
    problem = {"query": query.tolist(), "key": key.tolist(), "value": value.tolist(), "num_heads": h,
               "num_kv_heads": g, "in_proj_weight": w_in.tolist(), "out_proj_weight": w_out.tolist(),
               "mask": mask_json, "precision": precision}
    if bias:
        problem["in_proj_bias"] = b_in.tolist()
        problem["out_proj_bias"] = b_out.tolist()
    if variant:
        problem["variant"] = variant
    if feature_map:
        problem["feature_map"] = feature_map
    if tile:
        problem["tile"] = tile
    multiplier = 1 / np.sqrt(E // h)
    if scale is not None:
        problem["scale"] = scale
        multiplier = 1.0 if scale == "none" else scale
    if temperature is not None:
        problem["temperature"] = temperature
        multiplier /= temperature
    return problem, (query, key, value, w_in, b_in, w_out, b_out), allowed, multiplier


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else "build/native/attnlab-cli"
    rng = np.random.default_rng(20261128)
    cases = []
    # Against torch's nn.MultiheadAttention: shapes, heads, masks, biases, both precisions, cross-attention.
    for precision in ("f64", "f32"):
        for (L, S, E, h, mask, bias) in [(1, 1, 4, 1, "none", False), (5, 5, 8, 2, "none", True),
                                         (7, 7, 12, 3, "causal", True), (9, 9, 16, 4, "window", False),
                                         (6, 6, 8, 8, "padding", True), (8, 8, 24, 6, "explicit", True),
                                         (4, 10, 16, 2, "causal", True), (11, 3, 8, 4, "none", True),
                                         (33, 33, 64, 8, "causal", True)]:
            cases.append(("torch", precision, dict(L=L, S=S, E=E, h=h, g=h, mask=mask, bias=bias,
                                                   cross=L != S or E == 8)))
    # Against numpy: grouped and multi-query heads, scale and temperature.
    for precision in ("f64", "f32"):
        for (L, S, E, h, g, mask, extra) in [(6, 6, 16, 4, 2, "causal", {}), (7, 7, 24, 6, 1, "none", {}),
                                             (5, 9, 32, 8, 2, "window", {}), (8, 8, 12, 6, 3, "explicit", {}),
                                             (6, 6, 8, 2, 2, "none", {"scale": "none"}),
                                             (6, 6, 8, 2, 1, "causal", {"scale": 0.3, "temperature": 2.5}),
                                             (5, 5, 8, 4, 4, "padding", {"temperature": 0.2})]:
            cases.append(("numpy", precision, dict(L=L, S=S, E=E, h=h, g=g, mask=mask, bias=True, **extra)))
    # Against numpy: the sparse masks, linear attention (its implied matrix and output), flash attention.
    for (L, S, E, h, g, mask, extra) in [(9, 9, 8, 2, 2, "window_both", {}), (12, 12, 8, 2, 1, "strided", {}),
                                         (10, 10, 16, 4, 2, "block", {}), (11, 11, 8, 1, 1, "window_global", {}),
                                         (7, 7, 8, 2, 2, "none", {"variant": "linear", "feature_map": "elu1"}),
                                         (8, 8, 16, 4, 2, "causal", {"variant": "linear", "feature_map": "softmax"}),
                                         (6, 9, 8, 2, 1, "causal", {"variant": "linear", "feature_map": "elu1"}),
                                         (13, 13, 16, 2, 2, "causal", {"variant": "flash", "tile": {"q": 4, "k": 3}}),
                                         (9, 9, 8, 2, 1, "window_global", {"variant": "flash", "tile": {"q": 2, "k": 5}})]:
        cases.append(("numpy", "f64", dict(L=L, S=S, E=E, h=h, g=g, mask=mask, bias=True, **extra)))

    passed = failed = 0
    for oracle, precision, c in cases:
        problem, tensors, allowed, multiplier = make_case(rng, precision=precision, **c)
        name = (f"{oracle:5s} {precision} L={c['L']} S={c['S']} E={c['E']} h={c['h']} g={c['g']} mask={c['mask']}"
                + "".join(f" {k}={c[k]}" for k in ("scale", "temperature", "variant", "feature_map", "tile") if k in c))
        try:
            out, weights = run_cli(cli, problem)
            if oracle == "torch":
                dtype = torch.float64 if precision == "f64" else torch.float32
                ref_out, ref_w = torch_reference(*tensors, c["h"], allowed, dtype)
            else:
                ref_out, ref_w = numpy_reference(*tensors, c["h"], c["g"], allowed, multiplier,
                                                 c.get("feature_map") if c.get("variant") == "linear" else None)
            err = max(np.abs(out - ref_out).max(), np.abs(weights - ref_w).max())
            ok = out.shape == ref_out.shape and weights.shape == ref_w.shape and err <= TOL[precision]
            blocked = weights[:, ~allowed]
            if blocked.size and np.abs(blocked).max() != 0:
                ok, err = False, float("nan")  # blocked weights must be exactly 0
        except Exception as e:  # a crash of one case is a failure, not the end of the run
            ok, err = False, float("nan")
            print(f"  error: {e}")
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: max |diff| = {err:.3g} (tolerance {TOL[precision]:g})")
    print(f"golden: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
