// One GPT-2 block's forward pass in f64, keeping what the reverse pass and the logit's decomposition read:
// LayerNorms' xhat and 1/σ, each head's q, k, v and causal weights, the MLP's pre-activations. Defined in
// backward.cpp; read by backward.cpp (the chain rule), logit_sources.cpp (each head's and MLP's share) and
// patching.cpp (a head's output from another run).
#pragma once

#include <vector>

#include "attn/types.h"
#include "model/backward.h"
#include "model/forward.h"
#include "model/gpt2.h"

namespace model {

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
