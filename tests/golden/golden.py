#!/usr/bin/python3
"""Golden tests: attnlab-cli against PyTorch's nn.MultiheadAttention (and a numpy reference for
grouped/multi-query heads, scale and temperature, which torch 1.13's MHA cannot express), and the position
schemes of the "position" field (sinusoidal, learned, RoPE, ALiBi) against a numpy reference of their own.

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


# ---- Position schemes ("position"): a numpy reference written from the definitions, not from the C++ code.

def sinusoidal_rows(positions, E):
    """Rows of the fixed table of "Attention is all you need": PE[p][2m] = sin(p / 10000^(2m/E)), PE[p][2m+1] = cos."""
    p = np.asarray(positions, dtype=float)[:, None]
    c = np.arange(E)[None, :]
    angle = p / 10000.0 ** (2 * (c // 2) / E)
    return np.where(c % 2 == 0, np.sin(angle), np.cos(angle))


def alibi_paper_slopes(n):
    """get_slopes(n) of the ALiBi paper (Press et al.), reimplemented."""
    def power_of_2(n):
        start = 2 ** (-2 ** -(np.log2(n) - 3))
        return [start * start ** i for i in range(n)]
    if np.log2(n).is_integer():
        return power_of_2(n)
    p = 2 ** int(np.floor(np.log2(n)))
    return power_of_2(p) + alibi_paper_slopes(2 * p)[0::2][:n - p]


def rope_rows(x, positions, base, d_rot, interleaved):
    """Rotates each row of x at its position: pair m as the complex number x_a + i·x_b times e^{i·pos·base^(−2m/d_rot)}."""
    x = np.array(x, dtype=float)
    m = np.arange(d_rot // 2)
    a, b = (2 * m, 2 * m + 1) if interleaved else (m, m + d_rot // 2)
    z = (x[:, a] + 1j * x[:, b]) * np.exp(1j * np.asarray(positions, dtype=float)[:, None] * base ** (-2.0 * m / d_rot))
    x[:, a], x[:, b] = z.real, z.imag
    return x


def position_settings(spec):
    """(kind, settings) of a "position" JSON value."""
    if isinstance(spec, str):
        return spec, {}
    (kind, settings), = spec.items()
    return kind, settings


def position_reference(spec, tensors, h, g, allowed, multiplier, direct=False):
    """Attention with a position scheme in numpy, float64. tensors: (q, k, v) for a direct problem, else
    (query, key, value, w_in, b_in, w_out, b_out). Returns (output, weights, per-head dicts of q_unrotated,
    k_unrotated, q, k, scores, scaled, bias)."""
    kind, st = position_settings(spec)
    start = st.get("start", 0)
    if direct:
        q, k, v = tensors
        L, S = q.shape[0], k.shape[0]
    else:
        query, key, value, w_in, b_in, w_out, b_out = tensors
        L, S, E = query.shape[0], key.shape[0], query.shape[1]
    qpos = start + np.arange(L) + S - L  # query i stands at start + i + S − L, key j at start + j
    kpos = start + np.arange(S)
    if not direct:
        if kind in ("sinusoidal", "learned"):
            table_q = sinusoidal_rows(qpos, E) if kind == "sinusoidal" else np.array(st["table"])[qpos]
            table_k = sinusoidal_rows(kpos, E) if kind == "sinusoidal" else np.array(st["table"])[kpos]
            query, key, value = query + table_q, key + table_k, value + table_k
        d = E // h
        kv = d * g
        qp = query @ w_in[:E].T + b_in[:E]
        kp = key @ w_in[E:E + kv].T + b_in[E:E + kv]
        vp = value @ w_in[E + kv:].T + b_in[E + kv:]
        heads_qkv = [(qp[:, i * d:(i + 1) * d], kp[:, (i * g // h) * d:(i * g // h + 1) * d],
                      vp[:, (i * g // h) * d:(i * g // h + 1) * d]) for i in range(h)]
    else:
        heads_qkv = [(q, k, v)]
    if kind == "alibi":
        given = st.get("slopes", "geometric")
        slopes = alibi_paper_slopes(len(heads_qkv)) if given == "geometric" else list(given)
    outs, weights, traces = [], [], []
    for i, (qh, kh, vh) in enumerate(heads_qkv):
        tr = {"q_unrotated": qh, "k_unrotated": kh}
        if kind == "rope":
            d_rot = st.get("dims", qh.shape[1] // 2 * 2)
            inter = st.get("pairing", "half") == "interleaved"
            qh = rope_rows(qh, qpos, st.get("base", 10000), d_rot, inter)
            kh = rope_rows(kh, kpos, st.get("base", 10000), d_rot, inter)
        tr["q"], tr["k"] = qh, kh
        tr["scores"] = qh @ kh.T
        tr["scaled"] = tr["scores"] * multiplier
        s = tr["scaled"]
        if kind == "alibi":
            tr["bias"] = -slopes[i] * np.abs(qpos[:, None] - kpos[None, :])
            s = s + tr["bias"]
        s = np.where(allowed, s, -np.inf)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        w = e / e.sum(axis=1, keepdims=True)
        weights.append(w)
        outs.append(w @ vh)
        traces.append(tr)
    out = outs[0] if direct else np.concatenate(outs, axis=1) @ w_out.T + b_out
    return out, np.stack(weights), traces


def run_cli_json(cli, problem, trace=False):
    """The CLI's whole result (with --trace: the per-head trace too)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(problem, f)
    try:
        p = subprocess.run([cli, "run", f.name] + (["--trace"] if trace else []), capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if p.returncode != 0:
        raise RuntimeError(f"attnlab-cli failed: {p.stdout.strip()} {p.stderr.strip()}")
    return json.loads(p.stdout)


def make_direct_case(rng, L, S, d, mask, precision):
    """A direct q/k/v problem (single head, no projections)."""
    q, k, v = rng.standard_normal((L, d)), rng.standard_normal((S, d)), rng.standard_normal((S, d))
    allowed, mask_json = allowed_mask(mask, L, S, rng)
    problem = {"q": q.tolist(), "k": k.tolist(), "v": v.tolist(), "mask": mask_json, "precision": precision}
    return problem, (q, k, v), allowed, 1 / np.sqrt(d)


def position_spec(rng, kind, S, E, extra=None):
    """The "position" JSON for a kind: the plain string, or the object form with extra settings (learned always
    takes the object form, with a random table long enough for start + S positions and a few more)."""
    extra = dict(extra or {})
    if kind == "learned":
        extra["table"] = (rng.standard_normal((extra.get("start", 0) + S + 3, E)) / np.sqrt(E)).tolist()
    return {kind: extra} if extra else kind


def run_position_cases(cli, rng):
    """Golden cases of the "position" field; returns (passed, failed). Each case prints one line."""
    kinds = ("none", "sinusoidal", "learned", "rope", "alibi")
    cases = []  # (precision, shape and mask, position settings beyond the kind, check)
    # Every kind × masks × both precisions, with full, grouped and multi-query heads.
    for kind in kinds:
        for precision in ("f64", "f32"):
            for (L, S, E, h, g, mask) in [(7, 7, 8, 2, 2, "none"), (6, 6, 8, 4, 2, "causal"),
                                          (8, 8, 12, 3, 1, "window"), (9, 9, 8, 2, 1, "strided")]:
                cases.append((precision, dict(L=L, S=S, E=E, h=h, g=g, mask=mask), kind, {}, "output"))
    # Cross-attention (L ≠ S: queries stand at the last L positions) and a shifted start, each kind.
    for kind in kinds:
        cases.append(("f64", dict(L=3, S=7, E=8, h=2, g=1, mask="causal"), kind, {}, "output"))
        cases.append(("f32", dict(L=3, S=7, E=12, h=4, g=2, mask="none"), kind, {}, "output"))
        if kind != "none":
            cases.append(("f64", dict(L=6, S=6, E=8, h=2, g=2, mask="causal"), kind, {"start": 5}, "output"))
            cases.append(("f64", dict(L=4, S=7, E=8, h=4, g=1, mask="none"), kind, {"start": 11}, "output"))
    # RoPE settings: interleaved pairing, partial dims, another base, odd head width (d_rot = d_k − 1).
    for precision in ("f64", "f32"):
        for (E, h, g, extra) in [(16, 2, 2, {"pairing": "interleaved"}), (16, 2, 1, {"pairing": "interleaved", "dims": 4}),
                                 (16, 2, 2, {"dims": 6}), (16, 4, 2, {"dims": 2, "base": 500}),
                                 (10, 2, 2, {}), (10, 2, 1, {"pairing": "interleaved", "base": 100, "start": 3})]:
            cases.append((precision, dict(L=7, S=7, E=E, h=h, g=g, mask="causal"), "rope", extra, "output"))
    # ALiBi slopes: given ones (per query head, also with grouped/multi-query heads), geometric for h = 6 and 3.
    for precision in ("f64", "f32"):
        cases.append((precision, dict(L=7, S=7, E=8, h=4, g=2, mask="causal"), "alibi",
                      {"slopes": [0.5, 0.1, 1.3, 0.02]}, "output"))
        cases.append((precision, dict(L=6, S=6, E=8, h=4, g=1, mask="window"), "alibi",
                      {"slopes": [2.0, 0.0, 0.25, 0.75], "start": 2}, "output"))
        cases.append((precision, dict(L=8, S=8, E=12, h=6, g=3, mask="causal"), "alibi", {"slopes": "geometric"}, "output"))
        cases.append((precision, dict(L=8, S=8, E=12, h=6, g=1, mask="none"), "alibi", {}, "output"))
        cases.append((precision, dict(L=5, S=5, E=12, h=6, g=2, mask="window"), "alibi", {}, "output"))
    # Direct q/k/v (single head) for RoPE and ALiBi, also cross-attention and settings.
    for precision in ("f64", "f32"):
        for (L, S, d, mask, kind, extra) in [(7, 7, 8, "causal", "rope", {}), (6, 6, 5, "none", "rope", {"pairing": "interleaved"}),
                                             (3, 7, 8, "none", "rope", {"dims": 4, "start": 9}),
                                             (7, 7, 8, "causal", "alibi", {}), (8, 8, 6, "window", "alibi", {"slopes": [0.7]}),
                                             (3, 7, 8, "none", "alibi", {"start": 4}),
                                             (7, 7, 8, "strided", "none", {})]:
            cases.append((precision, dict(L=L, S=S, E=d, h=1, g=1, mask=mask, direct=True), kind, extra, "output"))
    # Flash attention must give the same output for every scheme.
    for kind in kinds:
        for (L, S, E, h, g, mask, tile) in [(9, 9, 8, 2, 1, "causal", {"q": 4, "k": 3}),
                                            (4, 9, 12, 4, 2, "none", {"q": 3, "k": 2}),
                                            (8, 8, 8, 2, 2, "window", {"q": 2, "k": 5})]:
            cases.append(("f64", dict(L=L, S=S, E=E, h=h, g=g, mask=mask, variant="flash", tile=tile), kind, {}, "output"))
        if kind in ("rope", "alibi"):
            cases.append(("f64", dict(L=7, S=7, E=8, h=1, g=1, mask="causal", direct=True, variant="flash",
                                      tile={"q": 3, "k": 2}), kind, {"start": 2}, "output"))
            cases.append(("f32", dict(L=7, S=7, E=8, h=4, g=2, mask="strided", variant="flash",
                                      tile={"q": 2, "k": 3}), kind, {}, "output"))
    cases.append(("f64", dict(L=8, S=8, E=16, h=2, g=1, mask="causal", variant="flash", tile={"q": 3, "k": 3}), "rope",
                  {"pairing": "interleaved", "dims": 6}, "output"))
    cases.append(("f64", dict(L=8, S=8, E=12, h=6, g=3, mask="none", variant="flash", tile={"q": 5, "k": 2}), "alibi",
                  {"slopes": [0.3, 1.1, 0.0, 0.05, 2.0, 0.6]}, "output"))
    # The trace: ALiBi's bias and masked = scaled + bias (null where blocked); RoPE's q/k before and after rotation.
    cases.append(("f64", dict(L=7, S=7, E=12, h=6, g=2, mask="causal"), "alibi", {"start": 3}, "trace"))
    cases.append(("f64", dict(L=3, S=7, E=8, h=2, g=1, mask="window"), "alibi", {"slopes": [0.4, 1.5]}, "trace"))
    cases.append(("f64", dict(L=7, S=7, E=16, h=4, g=2, mask="causal"), "rope", {"dims": 2}, "trace"))
    cases.append(("f64", dict(L=7, S=7, E=8, h=1, g=1, mask="none", direct=True), "rope", {"pairing": "interleaved"}, "trace"))
    # Relative schemes: moving every position by 13 changes nothing; an absolute one changes the output.
    for kind in ("rope", "alibi", "sinusoidal"):
        cases.append(("f64", dict(L=7, S=7, E=8, h=2, g=1, mask="causal"), kind, {}, "shift"))
        cases.append(("f64", dict(L=3, S=7, E=12, h=4, g=2, mask="none"), kind, {}, "shift"))
    for kind in ("rope", "alibi"):
        cases.append(("f64", dict(L=7, S=7, E=8, h=1, g=1, mask="none", direct=True), kind, {}, "shift"))

    passed = failed = 0
    for precision, c, kind, extra, check in cases:
        tol = TOL[precision]
        name = f"pos   {precision} {kind} {extra} {c}"  # until the case is built
        try:
            if c.get("direct"):
                problem, tensors, allowed, multiplier = make_direct_case(rng, c["L"], c["S"], c["E"], c["mask"], precision)
            else:
                problem, tensors, allowed, multiplier = make_case(rng, c["L"], c["S"], c["E"], c["h"], c["g"], c["mask"],
                                                                  True, precision, variant=c.get("variant"),
                                                                  cross=c["L"] != c["S"] or c["mask"] in ("none", "strided"),
                                                                  tile=c.get("tile"))
            spec = position_spec(rng, kind, c["S"], c["E"], extra)
            problem["position"] = spec
            name = (f"pos   {precision} L={c['L']} S={c['S']} "
                    + (f"d={c['E']} direct" if c.get("direct") else f"E={c['E']} h={c['h']} g={c['g']}")
                    + f" mask={c['mask']} position={json.dumps(extra and {kind: {k: v for k, v in extra.items()}} or kind)}"
                    + (f" variant={c['variant']} tile={c['tile']}" if c.get("variant") else "")
                    + ("" if check == "output" else f" check={check}"))
            if check == "shift":
                # start = 0 against start = 13, both from the CLI (no reference needed).
                out0 = np.array(run_cli_json(cli, dict(problem, position={kind: {"start": 0}}))["output"])
                out13 = np.array(run_cli_json(cli, dict(problem, position={kind: {"start": 13}}))["output"])
                err = np.abs(out0 - out13).max()
                relative = kind in ("rope", "alibi")
                ok = err <= tol if relative else err > 1e-3
                passed += ok
                failed += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {name}: start 0 vs 13: max |diff| = {err:.3g} "
                      f"({'tolerance ' + format(tol, 'g') if relative else 'must exceed 0.001'})")
                continue
            r = run_cli_json(cli, problem, trace=check == "trace")
            ref_out, ref_w, ref_tr = position_reference(spec, tensors, c["h"], c["g"], allowed, multiplier,
                                                        c.get("direct", False))
            out = np.array(r["output"], dtype=float)
            weights = np.array(r["attention_weights"], dtype=float)
            ok = out.shape == ref_out.shape and weights.shape == ref_w.shape
            err = max(np.abs(out - ref_out).max(), np.abs(weights - ref_w).max()) if ok else float("nan")
            ok = ok and err <= tol
            blocked = weights[:, ~allowed]
            if blocked.size and np.abs(blocked).max() != 0:
                ok, err = False, float("nan")  # blocked weights must be exactly 0
            if check == "trace":
                keys = ("bias",) if kind == "alibi" else ("q_unrotated", "k_unrotated", "q", "k", "scores")
                for head, tr in zip(r["trace"], ref_tr):
                    for key in keys + ("scaled",):
                        got = np.array(head[key], dtype=float)
                        if got.shape != tr[key].shape:
                            ok, err = False, float("nan")
                            print(f"  trace head {head['head']} {key}: shape {got.shape}, expected {tr[key].shape}")
                            continue
                        err = max(err, np.abs(got - tr[key]).max())
                    # masked = scaled (+ bias) where allowed, null where blocked
                    masked = np.array([[np.nan if x is None else x for x in row] for row in head["masked"]])
                    want = tr["scaled"] + tr.get("bias", 0)
                    if not (np.isnan(masked[~allowed]).all() and not np.isnan(masked[allowed]).any()):
                        ok, err = False, float("nan")
                        print(f"  trace head {head['head']} masked: null cells do not match the blocked cells")
                    else:
                        err = max(err, np.abs(masked[allowed] - want[allowed]).max())
                    if kind == "alibi" and "q_unrotated" in head:
                        ok = False
                        print(f"  trace head {head['head']}: ALiBi trace has q_unrotated")
                    if kind == "rope" and "bias" in head:
                        ok = False
                        print(f"  trace head {head['head']}: RoPE trace has a bias")
                if len(r["trace"]) != len(ref_tr):
                    ok = False
                    print(f"  trace has {len(r['trace'])} heads, expected {len(ref_tr)}")
                ok = ok and err <= tol
        except Exception as e:  # a crash of one case is a failure, not the end of the run
            ok, err = False, float("nan")
            print(f"  error: {e}")
        passed += ok
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: max |diff| = {err:.3g} (tolerance {tol:g})")
    return passed, failed


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
    # The "position" field (sinusoidal, learned, RoPE, ALiBi) against the numpy reference above.
    pos_passed, pos_failed = run_position_cases(cli, np.random.default_rng(20261129))
    passed += pos_passed
    failed += pos_failed
    print(f"golden: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
