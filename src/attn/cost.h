// The cost model of the variants lab: for the attention core of a Problem (per layer, all heads, without the
// input/output projections, which every variant shares), what each way of computing it costs — multiply-adds,
// exponentials, intermediate memory and bytes moved to and from memory — with the formula. Counts are exact
// for the algorithms in this repository (attention.h, flash.h, linear.h, the mask-aware fast path). Tests:
// tests/core/test_cost.cpp (Cost.*), hand-counted on small cases.
#pragma once

#include <string>
#include <vector>

#include "attn/problem.h"
#include "attn/text.h"

namespace attn {

// Operation counts of the computation as run (see cost.cpp for the formulas).
struct Cost {
  double mul_adds = 0;            // multiply-adds (flops = 2 × this)
  double exps = 0;                // exponentials in the softmax
  double intermediate_bytes = 0;  // bytes of the h×L×S score/weight matrices held at once
};
Cost estimate_cost(const Problem& p);

// The ways of computing the attention core the cost model counts (a row each in attention_costs).
enum class CostWay { Standard, Sparse, Flash, Linear };

struct VariantCost {
  CostWay way = CostWay::Standard;
  // Its words as messages (cost.<way>, cost.<way>.formula, cost.<way>.big_o), said in the learner's language
  // by attn::say: "standard", "sparse (causal)", "flash 4×4", "linear (elu1)"; "h·L·S·(d_k + d_v)";
  // "O(n²·d)".
  Message name;
  Message formula;
  Message big_o;
  double mul_adds = 0;  // Q·Kᵀ and A·V (or the linear re-association); feature maps count as 1 each
  double exps = 0;      // exponentials (softmax, flash's rescales, elu/softmax features)
  double intermediate_bytes = 0;  // f32 bytes held besides Q, K, V, O (score matrix, tiles, K·V state)
  double bytes_moved = 0;         // f32 bytes read + written in memory (inputs, outputs, intermediates)
};

// Rows for: standard (dense), sparse (only the scores the mask allows; when there is a mask), flash (tiles of
// p.tile_q × p.tile_k, skipping blocked tiles), linear (p.feature_map; only for mask none/causal).
std::vector<VariantCost> attention_costs(const Problem& p);

// The cost of the variant the Problem asks for (one of the rows above).
VariantCost variant_cost(const Problem& p);

// The row of `way` in rows, or nullptr.
const VariantCost* find_cost(const std::vector<VariantCost>& rows, CostWay way);

// The row that counts what a run of `variant` computes: flash and linear their own; standard the sparse row
// when the mask has one (a mask-aware kernel), else the dense one.
CostWay cost_way_of(Variant variant, const std::vector<VariantCost>& rows);

// The sequence length n (L = S = n) above which linear attention needs fewer multiply-adds than standard, for
// head widths d_k, d_v (the feature width r = d_k).
int linear_crossover(int d_k, int d_v);

// The extra work of the problem's position scheme (position.h), beside the attention core; run() counts it in
// its flops. Sinusoidal and learned: one add per input value, (L + 2·S)·E; RoPE: 4 multiplies per rotated
// pair, 2·d_rot per row of each query head (h·L rows) and each K head (g·S rows: the fast and GPU paths
// rotate a K head once for its group; the traced path, which keeps every head's trace, once per query head);
// ALiBi: one multiply-add per score, h·L·S. formula: cost.position.<id>.formula. input_width: E, where the
// problem's shape does not say it (a direct problem whose q, k, v were made from x); 0: h·d_k.
struct PositionCost {
  Message formula;
  double mul_adds = 0;
};
PositionCost position_cost(const Problem& p, int input_width = 0);

// KV cache of a decoder: 2 (K and V) × layers × kv_heads × d_head × context × bytes per element.
double kv_cache_bytes(int layers, int kv_heads, int d_head, double context, int bytes_per_element);
// Multiply-adds of the K and V projections for S tokens of width E into kv columns each: directly (MHA/GQA,
// d_c = 0: S·E·2·kv), or through a latent of width d_c (MLA: S·E·d_c down, then S·d_c·2·kv up — or, with W_UK
// folded into the query and W_UV into the output, only the S·E·d_c a decoder caches).
double kv_projection_mul_adds(double S, double E, double kv, double d_c = 0);
// The same for multi-head latent attention (latent.h): layers × (d_c + d_rope) × context × bytes — one latent
// and one shared RoPE key per token and layer, whatever the number of heads.
double latent_cache_bytes(int layers, int d_c, int d_rope, double context, int bytes_per_element);

}  // namespace attn
