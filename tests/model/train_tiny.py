#!/usr/bin/python3
"""Trains the bundled tiny GPT-2 from Jane Austen's novels (Debian r-cran-janeaustenr) and writes it in Hugging
Face's GPT-2 layout: config.json, model.safetensors (f16), vocab.json, merges.txt and README.md (the model card).
Not part of CI (CI checks the shipped files); one core, tens of minutes here. A share of every batch (--repeat)
is random token strings repeated, so an induction head can form beside the previous-token heads.

    /usr/bin/python3 tests/model/train_tiny.py --seed 1 --out assets/models/tiny-austen
Needs: python3-torch, python3-regex, r-cran-janeaustenr, libopenblas0-pthread (or torch is ~25× slower).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import austen  # noqa: E402
import bpe  # noqa: E402
from gpt2 import GPT2, write_safetensors  # noqa: E402


def paragraphs(lines):
    """The novels' typeset lines joined back into paragraphs (blank lines separate them)."""
    out, cur = [], []
    for line in lines + [""]:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(" ".join(cur))
            cur = []
    return out


def head_scores(model, ids, repeat_len=20, seed=0):
    """Per layer and head: previous-token, first-token (sink), self and broad (normalised entropy) scores on
    real text, and induction on a random string repeated twice (attention from i to the token after i's
    previous occurrence). The C++ side computes the same scores for its labels (src/model/heads.cpp)."""
    g = torch.Generator().manual_seed(seed)
    T = ids.shape[1]
    keep = {}
    with torch.no_grad():
        model(ids, keep=keep)
        rnd = torch.randint(256, model.wte.shape[0] - 1, (1, repeat_len), generator=g)
        rep = torch.cat([rnd, rnd, rnd], dim=1)
        keep_rep = {}
        model(rep, keep=keep_rep)
    out = []
    i = torch.arange(1, T)
    for layer, att in enumerate(keep["att"]):
        a = att[0]  # h × T × T
        ent = -(a.clamp_min(1e-12).log() * a).sum(-1)[:, 1:] / torch.log(torch.arange(2, T + 1).float())
        r = keep_rep["att"][layer][0]
        j = torch.arange(repeat_len, 3 * repeat_len)
        induction = r[:, j, j - repeat_len + 1].mean(-1)
        for head in range(a.shape[0]):
            out.append({"layer": layer, "head": head,
                        "previous": round(a[head, i, i - 1].mean().item(), 3),
                        "first": round(a[head, i, 0].mean().item(), 3),
                        "self": round(a[head, i, i].mean().item(), 3),
                        "broad": round(ent[head].mean().item(), 3),
                        "induction": round(induction[head].item(), 3)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="assets/models/tiny-austen")
    ap.add_argument("--merges", type=int, default=1500)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--embd", type=int, default=96)
    ap.add_argument("--ctx", type=int, default=128)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=float, default=0.4, help="share of each batch that is repeated random tokens")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    t0 = time.time()

    novels = austen.novels()
    train_pars, val_pars = [], []
    for name, lines in novels.items():
        ps = paragraphs(lines)
        cut = int(len(ps) * 0.95)  # the last 5 % of every novel is held out
        train_pars += ps[:cut]
        val_pars += ps[cut:]
    merges = bpe.train(train_pars, a.merges)
    vocab = bpe.vocabulary(merges)
    enc = bpe.Encoder(vocab, merges)
    eot = vocab[bpe.END_OF_TEXT]

    def stream(pars):
        ids = []
        for p in pars:
            ids += enc.encode(p) + enc.encode("\n")
        return torch.tensor(ids, dtype=torch.long)

    train_ids, val_ids = stream(train_pars), stream(val_pars)
    chars = sum(len(p) + 1 for p in train_pars)
    print(f"corpus: {chars} characters, {len(train_ids)} training tokens ({chars / len(train_ids):.2f} chars/token), "
          f"{len(val_ids)} held out; vocabulary {len(vocab)} ({len(merges)} merges); {time.time() - t0:.0f} s")

    model = GPT2(a.layers, a.heads, a.embd, a.ctx, len(vocab))
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.95), weight_decay=0.1)

    def batch(ids, n):
        starts = torch.randint(0, len(ids) - a.ctx - 1, (n,))
        x = torch.stack([ids[s:s + a.ctx] for s in starts.tolist()])
        y = torch.stack([ids[s + 1:s + a.ctx + 1] for s in starts.tolist()])
        return x, y

    def repeated(n):  # random strings of 8–32 tokens, repeated to fill the context
        rows = []
        for _ in range(n):
            k = random.randint(8, 32)
            r = torch.randint(256, eot, (k,))
            rows.append(r.repeat(a.ctx // k + 2)[:a.ctx + 1])
        s = torch.stack(rows)
        return s[:, :-1], s[:, 1:]

    def val_loss(n=64):
        g = torch.Generator().manual_seed(0)
        starts = torch.randint(0, len(val_ids) - a.ctx - 1, (n,), generator=g).tolist()
        x = torch.stack([val_ids[s:s + a.ctx] for s in starts])
        y = torch.stack([val_ids[s + 1:s + a.ctx + 1] for s in starts])
        with torch.no_grad():
            return torch.nn.functional.cross_entropy(model(x).reshape(-1, len(vocab)), y.reshape(-1)).item()

    for step in range(a.steps + 1):
        lr = a.lr * min(1.0, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * step / a.steps))
        for group in opt.param_groups:
            group["lr"] = lr
        n_rep = int(round(a.batch * a.repeat))
        x1, y1 = batch(train_ids, a.batch - n_rep)
        x2, y2 = repeated(n_rep)
        x, y = torch.cat([x1, x2]), torch.cat([y1, y2])
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, len(vocab)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            line = f"step {step:5d}  train {loss.item():.3f}  val {val_loss():.3f} nats/token  {time.time() - t0:.0f} s"
            if step % 500 == 0:  # are the heads specialising yet?
                hs = head_scores(model, torch.tensor([enc.encode(val_pars[3])[:a.ctx]]))
                line += "  best previous %.2f, best induction %.2f" % (max(h["previous"] for h in hs),
                                                                      max(h["induction"] for h in hs))
            print(line, flush=True)

    final_val = val_loss(256)
    sample = enc.encode(val_pars[3])[:a.ctx]
    scores = head_scores(model, torch.tensor([sample]))
    for s in scores:
        print("layer %(layer)d head %(head)d: previous %(previous).2f  first %(first).2f  self %(self).2f  "
              "broad %(broad).2f  induction %(induction).2f" % s)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(model.config(), f, indent=2)
    write_safetensors(os.path.join(a.out, "model.safetensors"), model.hf_tensors(), "F16",
                      {"format": "pt", "trained_by": "attention-lab tests/model/train_tiny.py", "seed": str(a.seed)})
    with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(a.out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{x} {y}\n" for x, y in merges))
    card = {"name": os.path.basename(a.out.rstrip("/")), "architecture": "GPT-2", "parameters": params,
            "layers": a.layers, "heads": a.heads, "d_model": a.embd, "context": a.ctx, "vocabulary": len(vocab),
            "merges": len(merges), "stored_as": "f16", "seed": a.seed, "steps": a.steps, "batch": a.batch,
            "learning_rate": a.lr, "repeated_share": a.repeat, "training_tokens": len(train_ids), "heldout_tokens": len(val_ids),
            "val_loss_nats_per_token": round(final_val, 4),
            "val_loss_nats_per_char": round(final_val * len(val_ids) / sum(len(p) + 1 for p in val_pars), 4),
            "training_seconds": round(time.time() - t0), "head_scores": scores}
    write_card(os.path.join(a.out, "README.md"), card)
    print(json.dumps({k: v for k, v in card.items() if k != "head_scores"}))


def write_card(path, c):
    rows = "\n".join("| %(layer)d | %(head)d | %(previous).2f | %(first).2f | %(self).2f | %(broad).2f | "
                     "%(induction).2f |" % s for s in c["head_scores"])
    text = f"""# {c['name']}: a tiny GPT-2 trained by Attention Lab

A {c['layers']}-layer, {c['heads']}-head GPT-2 (d_model {c['d_model']}, context {c['context']} tokens,
{c['parameters']:,} parameters, stored as f16) trained from scratch by `tests/model/train_tiny.py --seed
{c['seed']}` on Jane Austen's six novels (public domain; from Debian's `r-cran-janeaustenr`, package MIT). Its
tokenizer is GPT-2's byte-level BPE with {c['merges']} merges learned from the same text (vocabulary
{c['vocabulary']}, the last id is `<|endoftext|>`). It is a teaching model: it has read only 19th-century
novels, about {c['training_tokens']:,} tokens of them, and it writes like someone who has skimmed them once.

- Training: {c['steps']} steps of {c['batch']} × {c['context']} tokens, AdamW (lr {c['learning_rate']}, cosine),
  one CPU core, {c['training_seconds']} s. {round(100 * c['repeated_share'])} % of each batch is a random token
  string repeated (so an induction head can form); the rest is the novels.
- Held-out loss (the last 5 % of every novel): **{c['val_loss_nats_per_token']} nats per token**
  ({c['val_loss_nats_per_char']} nats per character).
- Head scores on a held-out paragraph (mean attention to the previous token, to the first token, to itself;
  normalised entropy as "broad"), and induction on a random 20-token string repeated three times (attention to
  the token after the previous occurrence):

| layer | head | previous | first | self | broad | induction |
|---|---|---|---|---|---|---|
{rows}

Files: `config.json`, `model.safetensors`, `vocab.json`, `merges.txt` — Hugging Face's GPT-2 layout, so any code
that opens GPT-2 opens this, and Attention Lab opens any GPT-2 the same way.

```json
{json.dumps({k: v for k, v in c.items() if k != 'head_scores'}, indent=2)}
```
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
