// Operation and memory counts per variant (see cost.h).
#include "attn/cost.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "attn/mask.h"

namespace attn {

namespace {

struct Shape {
  double h, L, S, d, dv;
};

Shape shape_of(const Problem& p) {
  Shape s{static_cast<double>(p.heads()), static_cast<double>(p.query_len()),
          static_cast<double>(p.key_len()), 0, 0};
  if (p.form == Problem::Form::Direct) {
    s.d = static_cast<double>(p.q.cols());
    s.dv = static_cast<double>(p.v.cols());
  } else {
    const double E =
        p.form == Problem::Form::MultiHead ? static_cast<double>(p.query.cols()) : p.random.d_model;
    s.d = s.dv = E / s.h;
  }
  return s;
}

// Q and K/V read once per query head, O written once.
double io_bytes(const Shape& s) { return 4 * s.h * (s.L * s.d + s.S * (s.d + s.dv) + s.L * s.dv); }

Message sparse_big_o(const MaskSpec& m) {
  return {m.global.empty() ? "cost.sparse.big_o" : "cost.sparse.big_o_global",
          {text_arg("o", mask_kind(m.kind).big_o)}};
}

}  // namespace

std::vector<VariantCost> attention_costs(const Problem& input) {
  const Problem& p = input;
  const Shape s = shape_of(p);
  const int L = p.query_len(), S = p.key_len();
  std::vector<VariantCost> rows;

  VariantCost std_cost{
      CostWay::Standard, {"cost.standard", {}}, {"cost.standard.formula", {}}, {"cost.standard.big_o", {}}};
  std_cost.mul_adds = s.h * s.L * s.S * (s.d + s.dv);
  std_cost.exps = s.h * s.L * s.S;
  std_cost.intermediate_bytes = 4 * s.h * s.L * s.S;
  // scores written, read by the softmax, weights written, read by A·V
  std_cost.bytes_moved = io_bytes(s) + 4 * 4 * s.h * s.L * s.S;
  rows.push_back(std_cost);

  const double allowed = allowed_count(p.mask, L, S);
  if (p.mask.kind != MaskSpec::Kind::None || !p.mask.global.empty()) {
    VariantCost c{CostWay::Sparse,
                  {"cost.sparse", {words_arg("mask", mask_message(p.mask))}},
                  {"cost.sparse.formula", {count_arg("allowed", allowed)}},
                  sparse_big_o(p.mask)};
    c.mul_adds = s.h * allowed * (s.d + s.dv);
    c.exps = s.h * allowed;
    c.intermediate_bytes = 4 * s.h * allowed;
    c.bytes_moved = io_bytes(s) + 4 * 4 * s.h * allowed;
    rows.push_back(c);
  }

  {  // flash: exactly the tiles flash_attention computes
    // Per computed tile: the full Br×Bc score block and P·V (masked cells are computed, then set to −∞);
    // an exp per allowed score, and a rescale exp per row that already had an allowed key in an earlier tile.
    const int br = std::min(p.tile_q, std::max(L, 1)), bc = std::min(p.tile_k, std::max(S, 1));
    double cells = 0, kv_rows = 0, rescales = 0, allowed_in_tiles = 0;
    std::vector<char> seen(static_cast<size_t>(br));
    for (int r0 = 0; r0 < L; r0 += br) {
      std::fill(seen.begin(), seen.end(), 0);
      for (int c0 = 0; c0 < S; c0 += bc) {
        const int rows_n = std::min(br, L - r0), cols_n = std::min(bc, S - c0);
        std::vector<char> row_any(static_cast<size_t>(rows_n), 0);
        bool any = false;
        for (int i = 0; i < rows_n; ++i)
          for (int j = 0; j < cols_n; ++j)
            if (mask_allows(p.mask, r0 + i, c0 + j, L, S))
              row_any[static_cast<size_t>(i)] = 1, any = true, ++allowed_in_tiles;
        if (!any) continue;
        cells += static_cast<double>(rows_n) * cols_n;
        kv_rows += cols_n;
        for (int i = 0; i < rows_n; ++i) {
          rescales += seen[static_cast<size_t>(i)];
          seen[static_cast<size_t>(i)] |= row_any[static_cast<size_t>(i)];
        }
      }
    }
    VariantCost c{CostWay::Flash,
                  {"cost.flash", {count_arg("br", br), count_arg("bc", bc)}},
                  {"cost.flash.formula", {}},
                  {"cost.flash.big_o", {}}};
    c.mul_adds = s.h * cells * (s.d + s.dv);
    c.exps = s.h * (allowed_in_tiles + rescales);
    c.intermediate_bytes =
        4 * (br * s.d + bc * (s.d + s.dv) + static_cast<double>(br) * bc + br * s.dv + 2.0 * br);
    // Q read once, each K/V tile read once per query tile that computes it, O written once
    c.bytes_moved = 4 * s.h * (s.L * s.d + s.L * s.dv) + 4 * s.h * kv_rows * (s.d + s.dv);
    rows.push_back(c);
  }

  if (linear_computes(p.mask)) {
    const double r = s.d;  // feature width
    VariantCost c{CostWay::Linear,
                  {"cost.linear", {text_arg("phi", feature_map_name(p.feature_map))}},
                  {"cost.linear.formula", {}},
                  {"cost.linear.big_o", {}}};
    // φ(K)ᵀV (or its prefix sums): S·r·d_v; each query: φ(q)·KV r·d_v and φ(q)·z r
    c.mul_adds = s.h * (s.S * r * s.dv + s.L * r * s.dv + s.L * r);
    c.exps = p.feature_map == FeatureMap::Relu ? 0 : s.h * (s.L + s.S) * r;  // elu1: at most (only x < 0)
    c.intermediate_bytes = 4 * s.h * (r * s.dv + r);
    c.bytes_moved = io_bytes(s) + 4 * s.h * (s.L + s.S) * r;  // φ(Q), φ(K) written once
    rows.push_back(c);
  }
  return rows;
}

const VariantCost* find_cost(const std::vector<VariantCost>& rows, CostWay way) {
  for (const VariantCost& c : rows)
    if (c.way == way) return &c;
  return nullptr;
}

CostWay cost_way_of(Variant variant, const std::vector<VariantCost>& rows) {
  if (variant == Variant::Flash) return CostWay::Flash;
  if (variant == Variant::Linear) return CostWay::Linear;
  return find_cost(rows, CostWay::Sparse) ? CostWay::Sparse : CostWay::Standard;
}

VariantCost variant_cost(const Problem& p) {
  const std::vector<VariantCost> rows = attention_costs(p);
  const VariantCost* c = find_cost(rows, cost_way_of(p.variant, rows));
  return c ? *c : rows.front();
}

int linear_crossover(int d_k, int d_v) {
  // n²·(d_k + d_v) > n·(2·r·d_v + r)  ⇔  n > (2·r·d_v + r) / (d_k + d_v), r = d_k
  const double r = d_k;
  return static_cast<int>(std::floor((2 * r * d_v + r) / (d_k + d_v))) + 1;
}

PositionCost position_cost(const Problem& p, int input_width) {
  const Shape s = shape_of(p);
  const PositionSpec& pos = p.position;
  PositionCost c{{std::string("cost.position.") + position_kind(pos.kind).id + ".formula", {}}, 0};
  switch (position_kind(pos.kind).at) {
    case PositionAt::Inputs:
      c.mul_adds = (s.L + 2 * s.S) * (input_width > 0 ? input_width : s.d * s.h);  // E = h·d_k
      break;
    case PositionAt::QueryKey:
      c.mul_adds = 2.0 * rope_dims(pos, static_cast<int>(s.d)) * (s.h * s.L + p.kv_heads() * s.S);
      break;
    case PositionAt::Scores:
      c.mul_adds = s.h * s.L * s.S;
      break;
    case PositionAt::Nowhere:
      break;
  }
  return c;
}

double kv_projection_mul_adds(double S, double E, double kv, double d_c) {
  return d_c > 0 ? S * E * d_c + S * d_c * 2 * kv : S * E * 2 * kv;
}

double latent_cache_bytes(int layers, int d_c, int d_rope, double context, int bytes_per_element) {
  return static_cast<double>(layers) * (d_c + d_rope) * context * bytes_per_element;
}

double kv_cache_bytes(int layers, int kv_heads, int d_head, double context, int bytes_per_element) {
  return 2.0 * layers * kv_heads * d_head * context * bytes_per_element;
}

Cost estimate_cost(const Problem& p) {
  const double L = p.query_len(), S = p.key_len(), h = p.heads(), g = p.kv_heads();
  Cost c;
  if (p.form == Problem::Form::Direct) {
    const double dk = static_cast<double>(p.q.cols()), dv = static_cast<double>(p.v.cols());
    c.mul_adds = L * S * dk + L * S * dv;  // q·kᵀ, then weights·v
  } else {
    const double E =
        p.form == Problem::Form::MultiHead ? static_cast<double>(p.query.cols()) : p.random.d_model;
    const double d = E / h, kv = d * g;
    c.mul_adds = L * E * E + 2 * S * E * kv  // input projections
                 + h * L * S * d * 2         // q·kᵀ and weights·v per head
                 + L * E * E;                // output projection
  }
  c.mul_adds += position_cost(p).mul_adds;
  c.exps = h * L * S;
  const double elem = p.precision == Precision::F64 ? 8 : 4;
  c.intermediate_bytes = h * L * S * elem;
  return c;
}

}  // namespace attn
