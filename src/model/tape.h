// One GPT-2 block's forward pass in f64, keeping what the reverse pass and the logit's decomposition read:
// LayerNorms' xhat and 1/σ, each head's q, k, v and causal weights, the MLP's pre-activations. Defined in
// backward.cpp; read by backward.cpp (the chain rule) and logit_sources.cpp (each head's and MLP's share).
#pragma once

#include <vector>

#include "attn/types.h"
#include "model/forward.h"
#include "model/gpt2.h"

namespace model {

struct BlockTape {
  Norm ln1, ln2;
  std::vector<attn::MatD> q, k, v, a;  // per head: T × d, and the T × T causal weights
  attn::MatD pre;                      // T × 4E: the MLP's pre-activations
};

// y = mid + MLP(ln_2(mid)), mid = x + Attn(ln_1(x)), for x (T × E); tape receives what it computed.
attn::MatD block_forward(const Gpt2& m, const Gpt2Layer& l, const attn::MatD& x, BlockTape& tape);

}  // namespace model
