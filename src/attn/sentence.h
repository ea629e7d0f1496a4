// From a sentence to a single-head Problem: tokens, seeded embeddings X (n×d_model), and
// Q = X·W_Q, K = X·W_K, V = X·W_V with seeded weights (d_model×d_k). The numbers are random, not
// learned: the UI says so. Tests: tests/core/test_sentence.cpp (Sentence.*).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/problem.h"

namespace attn {

// Splits on whitespace; punctuation marks become tokens of their own; an apostrophe inside a word stays
// ("didn't" is one token). UTF-8 bytes ≥ 0x80 count as letters.
std::vector<std::string> tokenize(const std::string& text);

struct SentenceSetup {
  std::vector<std::string> tokens;
  std::vector<std::string> key_tokens;  // cross-attention: keys/values from another sentence (empty = tokens)
  int d_model = 8;
  int d_k = 4;
  std::uint64_t seed = 1;
  int heads = 1;     // h: the d_k columns split into h heads (needs d_k = d_model, torch's layout)
  int kv_heads = 1;  // g: K/V heads (g < h averages the K/V projections of each group)
  // Where the positions enter: sinusoidal is added to x here, before the projections (the problem then has
  // no position of its own); rope and alibi become the problem's position. Learned tables come with models.
  PositionSpec position;
};

struct SentenceInputs {
  MatD x;     // n×d_model embeddings; row i seeded by token text and seed
  MatD x_kv;  // S×d_model embeddings of key_tokens (cross-attention), seeded the same way; empty = x
  MatD w_q, w_k, w_v;  // d_model×d_k
};

SentenceInputs sentence_inputs(const SentenceSetup& s);

// The problem the inputs make, with the tokens as labels: one head, a Direct problem with q = x·w_q,
// k = x_kv·w_k, v = x_kv·w_v (x_kv = x without cross-attention); s.heads > 1, torch's multi-head layout
// (in_proj = [W_Qᵀ; W_Kᵀ; W_Vᵀ], W_O = I, needs d_k = d_model), grouped to s.kv_heads K/V heads. s.position
// enters as its comment says.
Problem inputs_problem(const SentenceSetup& s, const SentenceInputs& in);
// inputs_problem with the seeded inputs.
Problem sentence_problem(const SentenceSetup& s);

// Row labels for display: the given tokens or t0…, k0… defaults.
std::vector<std::string> query_labels(const Problem& p);
// "0", "1", … "n−1": labels for feature dimensions (the columns of Q, K, V, W_*).
std::vector<std::string> index_labels(long n);
std::vector<std::string> key_labels(const Problem& p);

}  // namespace attn
