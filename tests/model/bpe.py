"""GPT-2's byte-level BPE in Python: the reference the C++ tokenizer (src/model/bpe.cpp) is tested against, and
the trainer of the bundled model's vocabulary. The pre-tokenisation regex and the byte↔unicode map are GPT-2's
(openai/gpt-2 encoder.py); merges are learned here by counting pairs over the corpus's pre-tokens.

    python3 tests/model/bpe.py encode DIR "some text"    # ids with DIR's vocab.json + merges.txt
"""
import json
import sys

import regex  # Debian's python3-regex (\\p{L}, \\p{N}); the standard re module has no Unicode classes

PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
END_OF_TEXT = "<|endoftext|>"


def bytes_to_unicode():
    """GPT-2's map from the 256 byte values to printable characters (printable Latin-1 as itself)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_CHAR = bytes_to_unicode()


def pretokens(text):
    """Pre-tokens of text, each as the byte↔unicode mapped string BPE works on."""
    return ["".join(BYTE_CHAR[b] for b in t.encode("utf-8")) for t in PATTERN.findall(text)]


def train(texts, merges_wanted, min_count=2):
    """Learns up to merges_wanted merges from the pre-tokens of texts. Ties between equally frequent pairs go
    to the pair that sorts first, so training is deterministic. Returns [(a, b), …] in merge order."""
    words = {}
    for text in texts:
        for t in pretokens(text):
            words[t] = words.get(t, 0) + 1
    seqs = {w: list(w) for w in words}
    pairs, where = {}, {}
    for w, n in words.items():
        s = seqs[w]
        for a, b in zip(s, s[1:]):
            pairs[(a, b)] = pairs.get((a, b), 0) + n
            where.setdefault((a, b), set()).add(w)
    merges = []
    while len(merges) < merges_wanted and pairs:
        best = max(pairs.items(), key=lambda kv: (kv[1], tuple(-ord(c) for c in kv[0][0] + "\0" + kv[0][1])))
        (a, b), count = best
        if count < min_count:
            break
        merges.append((a, b))
        for w in list(where.pop((a, b), ())):
            s, n = seqs[w], words[w]
            for x, y in zip(s, s[1:]):  # remove the word's old pairs…
                pairs[(x, y)] -= n
                if pairs[(x, y)] <= 0:
                    del pairs[(x, y)]
                where.get((x, y), set()).discard(w)
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
            for x, y in zip(out, out[1:]):  # …and count its new ones
                pairs[(x, y)] = pairs.get((x, y), 0) + n
                where.setdefault((x, y), set()).add(w)
        pairs.pop((a, b), None)
    return merges


def vocabulary(merges):
    """GPT-2's id order: the 256 byte characters (in bytes_to_unicode order), the merges, <|endoftext|>."""
    vocab = {c: i for i, c in enumerate(BYTE_CHAR.values())}
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    vocab[END_OF_TEXT] = len(vocab)
    return vocab


class Encoder:
    """GPT-2's encode(): pre-tokenise, then merge each pre-token's lowest-ranked pair until none is left."""

    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.cache = {}

    @classmethod
    def load(cls, folder):
        vocab = json.load(open(folder + "/vocab.json", encoding="utf-8"))
        lines = open(folder + "/merges.txt", encoding="utf-8").read().split("\n")
        merges = [tuple(l.split(" ")) for l in lines if l and not l.startswith("#version")]
        return cls(vocab, merges)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = list(token)
        while len(word) > 1:
            pair = min(zip(word, word[1:]), key=lambda p: self.ranks.get(p, 1 << 60))
            if pair not in self.ranks:
                break
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = out
        self.cache[token] = word
        return word

    def encode(self, text):
        return [self.vocab[p] for t in pretokens(text) for p in self.bpe(t)]

    def decode(self, ids):
        inverse = {v: k for k, v in self.vocab.items()}
        char_byte = {c: b for b, c in BYTE_CHAR.items()}
        return bytes(char_byte[c] for i in ids for c in inverse[i]).decode("utf-8", "replace")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "encode":
        print(json.dumps(Encoder.load(sys.argv[2]).encode(sys.argv[3])))
    else:
        print(__doc__)
        sys.exit(2)
