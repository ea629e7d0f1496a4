"""GPT-2 in PyTorch, written out (no transformers library on this machine): the architecture the bundled model is
trained with and the oracle the C++ forward pass (src/model) is tested against. Weights are read from and
written to Hugging Face's GPT-2 layout: config.json + model.safetensors, Conv1D weights stored in×out.
"""
import json
import math
import struct

import torch
import torch.nn.functional as F

DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


def read_safetensors(path):
    """{name: tensor} from a .safetensors file (8-byte little-endian header length, JSON header, raw data)."""
    blob = open(path, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype, size = DTYPES[meta["dtype"]]
        a, b = meta["data_offsets"]
        raw = bytearray(blob[8 + n + a:8 + n + b])
        out[name] = torch.frombuffer(raw, dtype=dtype).reshape(meta["shape"]).clone() if raw else \
            torch.zeros(meta["shape"], dtype=dtype)
    return out


def write_safetensors(path, tensors, dtype="F32", metadata=None):
    """Writes {name: tensor} in one dtype, data 8-byte aligned after a space-padded JSON header."""
    torch_dtype = DTYPES[dtype][0]
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch_dtype).contiguous().numpy().tobytes() if torch_dtype != torch.bfloat16 else \
            t.detach().to(torch.bfloat16).view(torch.int16).contiguous().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = metadata or {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def gelu_new(x):
    """GPT-2's GELU (the tanh approximation)."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


class GPT2(torch.nn.Module):
    def __init__(self, n_layer, n_head, n_embd, n_positions, vocab_size, eps=1e-5):
        super().__init__()
        self.n_layer, self.n_head, self.n_embd, self.eps = n_layer, n_head, n_embd, eps
        self.wte = torch.nn.Parameter(torch.randn(vocab_size, n_embd) * 0.02)
        self.wpe = torch.nn.Parameter(torch.randn(n_positions, n_embd) * 0.01)
        p = torch.nn.ParameterDict()
        std_proj = 0.02 / math.sqrt(2 * n_layer)
        for i in range(n_layer):
            for name, shape, std in [("ln_1.weight", (n_embd,), None), ("ln_1.bias", (n_embd,), 0),
                                     ("attn.c_attn.weight", (n_embd, 3 * n_embd), 0.02), ("attn.c_attn.bias", (3 * n_embd,), 0),
                                     ("attn.c_proj.weight", (n_embd, n_embd), std_proj), ("attn.c_proj.bias", (n_embd,), 0),
                                     ("ln_2.weight", (n_embd,), None), ("ln_2.bias", (n_embd,), 0),
                                     ("mlp.c_fc.weight", (n_embd, 4 * n_embd), 0.02), ("mlp.c_fc.bias", (4 * n_embd,), 0),
                                     ("mlp.c_proj.weight", (4 * n_embd, n_embd), std_proj), ("mlp.c_proj.bias", (n_embd,), 0)]:
                init = torch.ones(shape) if std is None else torch.randn(shape) * std if std else torch.zeros(shape)
                p[f"h_{i}_{name}".replace(".", "_")] = torch.nn.Parameter(init)
        p["ln_f_weight"] = torch.nn.Parameter(torch.ones(n_embd))
        p["ln_f_bias"] = torch.nn.Parameter(torch.zeros(n_embd))
        self.p = p

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def forward(self, ids, keep=None, ablate=None, embeddings=None, patch=None):
        """ids: (B, T) → logits (B, T, V). keep (a dict) receives per layer 'x' (ln_1 output), 'att' (B, h, T, T),
        'resid' (the block's input; one more entry: the stream entering ln_f), 'z' (each head's att·v, B, h, T, d)
        and 'act' (the MLP's activations, B, T, 4E);
        ablate: {(layer, head): 'zero' | 'uniform'}; embeddings (B, T, E): the sum entering block 0 instead of
        wte[ids] + wpe (ids then only give the shape); patch (layer, head, position or None, z): that head's att·v
        replaced by z's (B, T, d) rows at that position (None: every position)."""
        B, T = ids.shape
        h, d = self.n_head, self.n_embd // self.n_head
        x = self.wte[ids] + self.wpe[:T] if embeddings is None else embeddings
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        for i in range(self.n_layer):
            if keep is not None:
                keep.setdefault("resid", []).append(x.detach())
            ln1 = F.layer_norm(x, (self.n_embd,), self.w(f"h_{i}_ln_1.weight"), self.w(f"h_{i}_ln_1.bias"), self.eps)
            qkv = ln1 @ self.w(f"h_{i}_attn.c_attn.weight") + self.w(f"h_{i}_attn.c_attn.bias")
            q, k, v = [t.view(B, T, h, d).transpose(1, 2) for t in qkv.split(self.n_embd, dim=2)]
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
            att = scores.masked_fill(~causal, float("-inf")).softmax(-1)
            for (layer, head), how in (ablate or {}).items():
                if layer == i:
                    att = att.clone()
                    att[:, head] = 0 if how == "zero" else causal.float() / causal.float().sum(-1, keepdim=True)
            z = att @ v
            if patch is not None and patch[0] == i:
                z = z.clone()
                rows = slice(None) if patch[2] is None else slice(patch[2], patch[2] + 1)
                z[:, patch[1], rows] = patch[3][:, rows]
            y = z.transpose(1, 2).reshape(B, T, self.n_embd)
            x = x + y @ self.w(f"h_{i}_attn.c_proj.weight") + self.w(f"h_{i}_attn.c_proj.bias")
            ln2 = F.layer_norm(x, (self.n_embd,), self.w(f"h_{i}_ln_2.weight"), self.w(f"h_{i}_ln_2.bias"), self.eps)
            act = gelu_new(ln2 @ self.w(f"h_{i}_mlp.c_fc.weight") + self.w(f"h_{i}_mlp.c_fc.bias"))
            x = x + act @ self.w(f"h_{i}_mlp.c_proj.weight") + self.w(f"h_{i}_mlp.c_proj.bias")
            if keep is not None:
                keep.setdefault("x", []).append(ln1.detach())
                keep.setdefault("att", []).append(att.detach())
                keep.setdefault("z", []).append(z.detach())
                keep.setdefault("act", []).append(act.detach())
        if keep is not None:
            keep.setdefault("resid", []).append(x.detach())
        x = F.layer_norm(x, (self.n_embd,), self.p["ln_f_weight"], self.p["ln_f_bias"], self.eps)
        return x @ self.wte.t()

    def hf_tensors(self, prefix="transformer."):
        """The weights under Hugging Face GPT2LMHeadModel's names (Conv1D weights are in×out, as here)."""
        out = {prefix + "wte.weight": self.wte, prefix + "wpe.weight": self.wpe}
        for i in range(self.n_layer):
            for name in ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
                         "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
                         "mlp.c_proj.weight", "mlp.c_proj.bias"]:
                out[f"{prefix}h.{i}.{name}"] = self.w(f"h_{i}_{name}")
        out[prefix + "ln_f.weight"] = self.p["ln_f_weight"]
        out[prefix + "ln_f.bias"] = self.p["ln_f_bias"]
        return out

    def config(self):
        return {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new",
                "n_layer": self.n_layer, "n_head": self.n_head, "n_embd": self.n_embd,
                "n_positions": self.wpe.shape[0], "n_ctx": self.wpe.shape[0], "vocab_size": self.wte.shape[0],
                "layer_norm_epsilon": self.eps, "bos_token_id": self.wte.shape[0] - 1,
                "eos_token_id": self.wte.shape[0] - 1, "tie_word_embeddings": True}

    @classmethod
    def load(cls, folder):
        """A GPT-2 from a Hugging Face folder (names with or without the 'transformer.' prefix), in f32."""
        cfg = json.load(open(folder + "/config.json"))
        m = cls(cfg["n_layer"], cfg["n_head"], cfg["n_embd"], cfg["n_positions"], cfg["vocab_size"],
                cfg.get("layer_norm_epsilon", 1e-5))
        tensors = {k[len("transformer."):] if k.startswith("transformer.") else k: v
                   for k, v in read_safetensors(folder + "/model.safetensors").items()}
        with torch.no_grad():
            for name, param in m.hf_tensors(prefix="").items():
                param.copy_(tensors[name].float())
        return m
