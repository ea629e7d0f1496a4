// Multi-head latent attention (MLA, DeepSeek-V2) beside grouped K/V heads: K and V are not projected from x
// per head but expanded from one shared latent c = x·W_DKV of width d_c, so a decoder caches c (d_c numbers
// per token) instead of every head's k and v. latent_kv finds the best rank-d_c factorisation of a multi-head
// problem's K and V projections (the SVD of [W_K; W_V]: the usual MHA → MLA conversion), with_latent_kv puts
// it back into the problem, and latent_scores computes one head's scores both ways: expanded (k = c·W_UK,
// then q·kᵀ) and absorbed (q_c = q·W_UKᵀ, then q_c·cᵀ — no key is ever expanded), equal up to rounding.
// Tests: tests/core/test_latent.cpp (Latent.*).
#pragma once

#include "attn/problem.h"

namespace attn {

struct LatentKV {
  int d_c = 0;
  MatD down;    // E×d_c: c = x_kv·down (W_DKV)
  MatD up;      // d_c × 2·kv: [k | v] = c·up (W_UK beside W_UV; kv = the K projection's width)
  MatD latent;  // S×d_c: c for the problem's keys (what a decoder caches)
};

// p: Form::MultiHead or Random (materialised). 1 ≤ d_c ≤ min(E, 2·kv), the rank [W_K; W_V] can have. Throws
// ProblemError otherwise.
LatentKV latent_kv(const Problem& p, int d_c);
// p with W_K and W_V replaced by their rank-d_c factorisation (down·up), so run() computes the MLA version.
Problem with_latent_kv(const Problem& p, const LatentKV& m);

struct LatentScores {
  MatD expanded;  // L×S: q·(c·W_UK)ᵀ, with the K bias
  MatD absorbed;  // L×S: (q·W_UKᵀ)·cᵀ + q·b_K
};
// Head i's raw scores (before the scale) both ways; q = x·W_Q of that head (+ bias). Positions added to x are
// included; RoPE and ALiBi are not (a rotation between q and c breaks the absorption: DeepSeek-V2 keeps a
// separate small RoPE key for that).
LatentScores latent_scores(const Problem& p, const LatentKV& m, int head);

}  // namespace attn
