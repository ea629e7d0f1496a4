// GPT-2's backward pass (reverse mode written for this architecture): from the embedding sum e that enters
// block 0 (each token's wte row plus its position's wpe row) to a scalar of the last position's logits,
// f = logit[target] − logit[contrast] (or logit[target] alone), and ∂f/∂e. f64 over the f32 weights; the
// forward it differentiates is the one forward.h computes (the same LayerNorms, causal attention and MLP),
// recomputed here in f64 from e so that e can be anything (a baseline, a path between two inputs).
// Tests: tests/core/test_backward.cpp (Backward.*), tests/golden/model_golden.py (PyTorch autograd).
#pragma once

#include <vector>

#include "attn/types.h"
#include "model/forward.h"
#include "model/gpt2.h"

namespace model {

// What f is: the next-token logit of `target` after the last position, minus that of `contrast` (−1: none).
struct LogitTarget {
  int target = 0;
  int contrast = -1;
};

struct EmbeddingGradient {
  double f = 0;            // the function's value at e
  attn::MatD d_embedding;  // T × E: ∂f/∂e
};

// e for a text: row i = wte[ids[i]] + wpe[i] (T × E). Refuses what forward() refuses.
attn::MatD embedding_sum(const Gpt2& m, const std::vector<int>& ids);

// f and ∂f/∂e. Refuses (attn::ProblemError) a target or contrast outside the vocabulary, an e whose width is
// not n_embd, or more rows than the context.
EmbeddingGradient embedding_gradient(const Gpt2& m, const attn::MatD& e, const LogitTarget& t);

// The f64 forward it differentiates, one block at a time, keeping what the reverse pass, direct logit
// attribution (logit_sources.h) and activation patching (patching.h) read.
struct BlockTape {
  Norm ln1, ln2;
  std::vector<attn::MatD> q, k, v, a;  // per head: T × d, and the T × T causal weights
  std::vector<attn::MatD> z;           // per head: its output a·v (T × d), before W_O
  attn::MatD pre;                      // T × 4E: the MLP's pre-activations
};

// Activation patching: head `head`'s output replaced by the rows of `z` (T × d, another run's) at `position`
// (−1: at every position). head −1: nothing replaced.
struct HeadPatch {
  int head = -1;
  int position = -1;
  const attn::MatD* z = nullptr;
};

// y = mid + MLP(ln_2(mid)), mid = x + Attn(ln_1(x)), for x (T × E); tape receives what it computed.
attn::MatD block_forward(const Gpt2& m, const Gpt2Layer& l, const attn::MatD& x, BlockTape& tape,
                         const HeadPatch& patch = {});

// Refuses (attn::ProblemError) a target or contrast outside the vocabulary.
void check_target(const Gpt2& m, const LogitTarget& t);
// u = wte[target] − wte[contrast] (or wte[target]): f = ln_f(x)[last] · u, since the logits are ln_f(x) ·
// wteᵀ.
attn::VecD logit_direction(const Gpt2& m, const LogitTarget& t);

}  // namespace model
