// FlashAttention.*, LinearAttention.*, GroupedQuery.*, Cost.*, Variants.*: each variant of the variants lab
// against a straightforward reference, and the cost model against hand-counted operations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "attn/cost.h"
#include "attn/explain.h"
#include "attn/flash.h"
#include "attn/json_io.h"
#include "attn/linear.h"
#include "attn/mask.h"
#include "attn/multihead.h"
#include "attn/rng.h"
#include "attn/run.h"
#include "compute/cpu_backend.h"
#include "test_util.h"

namespace {

attn::MatD random_matrix(std::uint64_t seed, int rows, int cols) {
  attn::Rng rng{seed};
  return rng.matrix(rows, cols, 1.0);
}

attn::Problem direct(int L, int S, int d, int dv, std::uint64_t seed) {
  attn::Problem p;
  p.q = random_matrix(seed, L, d);
  p.k = random_matrix(seed + 1, S, d);
  p.v = random_matrix(seed + 2, S, dv);
  p.precision = attn::Precision::F64;
  return p;
}

attn::MaskSpec mask(const char* json) { return attn::mask_from_json(attn::Json::parse(json)); }

}  // namespace

TEST(FlashAttention, EqualsStandardForEveryMaskAndTile) {
  const char* masks[] = {R"("none")",
                         R"("causal")",
                         R"({"window": 3})",
                         R"({"window": 2, "causal": false})",
                         R"({"strided": 3})",
                         R"({"block": 4})",
                         R"({"window": 2, "global": [0, 5]})",
                         R"({"padding": 0})"};
  const int shapes[][2] = {{1, 1}, {7, 7}, {5, 11}, {13, 6}};
  const int tiles[][2] = {{1, 1}, {2, 3}, {4, 4}, {64, 64}};
  for (const char* m : masks)
    for (const auto& sh : shapes)
      for (const auto& t : tiles) {
        attn::Problem p = direct(sh[0], sh[1], 5, 3, 7);
        p.mask = mask(m);
        if (p.mask.kind == attn::MaskSpec::Kind::Window && !p.mask.global.empty() && sh[1] < 6) continue;
        const attn::Result ref = attn::run(p);
        const attn::FlashTrace f =
            attn::flash_attention(p.q, p.k, p.v, p.mask, 1 / std::sqrt(5.0), t[0], t[1], false);
        EXPECT_TRUE(test::all_close(f.output, ref.output, 1e-12))
            << m << " " << sh[0] << "×" << sh[1] << " tiles " << t[0] << "×" << t[1];
      }
}

TEST(FlashAttention, WalkthroughNumbersAreTheOnlineSoftmax) {
  attn::Problem p = direct(6, 6, 4, 2, 3);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  const attn::FlashTrace f = attn::flash_attention(p.q, p.k, p.v, p.mask, 0.5, 2, 2, true);
  ASSERT_EQ(f.tiles.size(), 9u);  // 3 query tiles × 3 key tiles
  int skipped = 0;
  for (const attn::FlashTile& t : f.tiles) {
    EXPECT_EQ(t.skipped, t.k_tile > t.q_tile) << t.q_tile << "," << t.k_tile;  // above the diagonal
    if (t.skipped) {
      ++skipped;
      continue;
    }
    for (int i = 0; i < t.rows; ++i) {
      EXPECT_DOUBLE_EQ(t.m_new(i), std::max(t.m_old(i), t.s.row(i).maxCoeff()));
      if (std::isfinite(t.m_old(i))) {
        EXPECT_DOUBLE_EQ(t.rescale(i), std::exp(t.m_old(i) - t.m_new(i)));
      }
      double add = 0;
      for (int j = 0; j < t.cols; ++j) add += std::isfinite(t.s(i, j)) ? std::exp(t.s(i, j) - t.m_new(i)) : 0;
      EXPECT_NEAR(t.l_new(i), t.l_old(i) * t.rescale(i) + add, 1e-12);
    }
    if (t.k_tile == t.q_tile) {  // the last tile this query tile computes: O / l is the answer
      const attn::MatD o = t.o_partial.array().colwise() / t.l_new.array();
      EXPECT_TRUE(test::all_close(o, f.output.middleRows(t.row0, t.rows), 1e-14));
    }
  }
  EXPECT_EQ(skipped, 3);
  const attn::Result ref = attn::run([&] {
    attn::Problem q = p;
    q.scale = {attn::ScaleSpec::Kind::Value, 0.5};
    return q;
  }());
  EXPECT_TRUE(test::all_close(f.output, ref.output, 1e-12));
  for (int i = 0; i < 6; ++i)  // lse = log Σ exp(scaled scores)
    EXPECT_NEAR(f.lse(i), std::log((ref.heads[0].masked.row(i).array().exp()).sum()), 1e-12);
  EXPECT_LT(f.peak_bytes, 8.0 * 6 * 6);  // less than the 6×6 matrix even here
}

TEST(LinearAttention, MatchesItsClosedForm) {
  for (attn::FeatureMap fm : {attn::FeatureMap::Elu1, attn::FeatureMap::Relu, attn::FeatureMap::Softmax})
    for (bool causal : {false, true}) {
      const attn::Problem p = direct(6, 9, 4, 3, 11);
      const attn::LinearTrace t = attn::linear_attention(p.q, p.k, p.v, fm, causal, true);
      // Closed form, left to right: A = (φ(Q)φ(K)ᵀ ⊙ M) with rows normalised; O = A·V.
      const attn::MatD phq = attn::feature_map(p.q, fm), phk = attn::feature_map(p.k, fm);
      attn::MatD a = phq * phk.transpose();
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 9; ++j)
          if (causal && j > i + 3) a(i, j) = 0;
      for (int i = 0; i < 6; ++i) {
        const double sum = a.row(i).sum();
        if (sum > 0) a.row(i) /= sum;
      }
      EXPECT_TRUE(test::all_close(t.implied, a, 1e-12)) << attn::feature_map_name(fm) << causal;
      EXPECT_TRUE(test::all_close(t.output, a * p.v, 1e-12)) << attn::feature_map_name(fm) << causal;
    }
  // The feature maps themselves.
  attn::MatD x(1, 3);
  x << -1, 0, 2;
  const attn::MatD elu = attn::feature_map(x, attn::FeatureMap::Elu1);
  EXPECT_DOUBLE_EQ(elu(0, 0), std::exp(-1.0));
  EXPECT_DOUBLE_EQ(elu(0, 2), 3.0);
  EXPECT_DOUBLE_EQ(attn::feature_map(x, attn::FeatureMap::Relu)(0, 0), 0.0);
  EXPECT_NEAR(attn::feature_map(x, attn::FeatureMap::Softmax).sum(), 1.0, 1e-15);
}

TEST(LinearAttention, ReluCanSwitchARowOff) {
  attn::MatD q(1, 2), k(2, 2), v(2, 1);
  q << 1, 0;
  k << -1, 3, -2, 1;  // φ(k) has a zero first feature: q's only feature meets nothing
  v << 5, 7;
  const attn::LinearTrace t = attn::linear_attention(q, k, v, attn::FeatureMap::Relu, false, true);
  EXPECT_TRUE(t.zero_rows[0]);
  EXPECT_EQ(t.output(0, 0), 0.0);
  EXPECT_EQ(t.implied.sum(), 0.0);
}

// The one rule for which masks linear attention computes (kMaskKinds' `linear`, without global tokens) is the
// one the engine applies: for every kind, with and without a global token, run() succeeds exactly when
// linear_computes says so, and the cost model lists a linear row exactly then.
TEST(LinearAttention, TheMaskTableSaysWhatItComputes) {
  for (const attn::MaskKindInfo& kind : attn::kMaskKinds)
    for (bool global : {false, true}) {
      if (global && !kind.takes_global) continue;
      attn::Problem p = direct(6, 6, 3, 2, 7);
      p.variant = attn::Variant::Linear;
      p.mask.kind = kind.kind;
      if (kind.param) p.mask.*kind.param = std::max(kind.param_min, 2);
      if (kind.kind == attn::MaskSpec::Kind::Explicit) p.mask.allowed = attn::MaskMat::Ones(6, 6);
      if (global) p.mask.global = {0};
      const bool computes = attn::linear_computes(p.mask);
      EXPECT_EQ(
          computes,
          (kind.kind == attn::MaskSpec::Kind::None || kind.kind == attn::MaskSpec::Kind::Causal) && !global)
          << kind.text_id << (global ? " with a global token" : "");
      EXPECT_EQ(test::error_of([&] { attn::run(p); }) == "(accepted)", computes)
          << kind.text_id << (global ? " with a global token" : "") << ": "
          << test::error_of([&] { attn::run(p); });
      bool listed = false;
      for (const attn::VariantCost& c : attn::attention_costs(p)) listed |= c.way == attn::CostWay::Linear;
      EXPECT_EQ(listed, computes) << kind.text_id;
    }
}

TEST(Variants, RunDispatchesAndRoundTrips) {
  attn::Problem p = direct(5, 5, 4, 4, 21);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  const attn::Result standard = attn::run(p);
  p.variant = attn::Variant::Flash;
  p.tile_q = 2, p.tile_k = 3;
  const attn::Result flash = attn::run(p);
  EXPECT_TRUE(test::all_close(flash.output, standard.output, 1e-12));
  EXPECT_EQ(flash.stats.variant, "flash");
  const attn::Json j = attn::problem_to_json(p);
  EXPECT_EQ(j["tile"], attn::Json::parse(R"({"q": 2, "k": 3})"));
  EXPECT_EQ(attn::parse_problem(j).tile_k, 3);

  p.variant = attn::Variant::Linear;
  p.feature_map = attn::FeatureMap::Softmax;
  const attn::Result linear = attn::run(p);
  const attn::LinearTrace lt = attn::linear_attention(p.q, p.k, p.v, attn::FeatureMap::Softmax, true, true);
  EXPECT_TRUE(test::all_close(linear.output, lt.output, 1e-15));
  EXPECT_TRUE(test::all_close(linear.heads[0].weights, lt.implied, 1e-15));
  EXPECT_TRUE(std::isinf(linear.heads[0].masked(0, 1)));  // causal: blocked
  EXPECT_EQ(attn::parse_problem(attn::problem_to_json(p)).feature_map, attn::FeatureMap::Softmax);
  // The fast output-only path computes the variant too (not the standard formula).
  attn::RunOptions fast;
  fast.weights = false;
  EXPECT_TRUE(test::all_close(compute::run_cpu(p, fast).output, lt.output, 1e-6));

  for (const char* bad :
       {R"({"q": [[1]], "k": [[1]], "v": [[1]], "feature_map": "gelu"})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "linear", "mask": {"window": 2}})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "sparse"})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "flash", "tile": {"q": 0}})",
        R"({"q": [[1]], "k": [[1]], "v": [[1]], "variant": "flash", "tile": {"r": 2}})"}) {
    EXPECT_THROW(attn::parse_problem_text(bad), attn::ProblemError) << bad;
  }
}

TEST(GroupedQuery, GroupingAveragesKvHeadsAndMatchesRepeatedHeads) {
  attn::Problem mha;
  mha.form = attn::Problem::Form::Random;
  mha.random = {5, 7, 16, 4, 4};
  mha.precision = attn::Precision::F64;
  const attn::Problem same = attn::group_kv_heads(mha, 4);
  EXPECT_TRUE(test::all_close(attn::run(same).output, attn::run(mha).output, 1e-12));
  const attn::Problem gqa = attn::group_kv_heads(mha, 2);
  EXPECT_EQ(gqa.num_kv_heads, 2);
  const attn::Result a = attn::run(mha), b = attn::run(gqa);
  // K/V are linear in the weights: grouped head j's keys are the mean of its members' keys.
  EXPECT_TRUE(test::all_close(b.heads[0].k, (a.heads[0].k + a.heads[1].k) / 2, 1e-12));
  EXPECT_TRUE(test::all_close(b.heads[3].v, (a.heads[2].v + a.heads[3].v) / 2, 1e-12));
  EXPECT_EQ(b.heads[1].kv_head, 0);
  EXPECT_EQ(b.heads[2].kv_head, 1);
  EXPECT_THROW(attn::group_kv_heads(mha, 3), attn::ProblemError);
  EXPECT_THROW(attn::group_kv_heads(gqa, 1), attn::ProblemError);
}

TEST(Cost, HandCountedOnThreeTokens) {
  attn::Problem p = direct(3, 3, 2, 2, 1);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  p.tile_q = p.tile_k = 2;
  const std::vector<attn::VariantCost> c = attn::attention_costs(p);
  ASSERT_EQ(c.size(), 4u);  // standard, sparse, flash, linear
  // standard: 9 scores × 2 + 9 weights × 2 values = 36 multiply-adds, 9 exps, 9 floats held
  EXPECT_EQ(c[0].mul_adds, 36);
  EXPECT_EQ(c[0].exps, 9);
  EXPECT_EQ(c[0].intermediate_bytes, 36);
  // causal: 6 allowed scores → 24 multiply-adds, 6 exps
  EXPECT_EQ(c[1].mul_adds, 24);
  EXPECT_EQ(c[1].exps, 6);
  // flash 2×2: tiles (rows 0–1, keys 0–1) 4 cells, (0–1, 2) skipped, (2, 0–1) 2 cells, (2, 2) 1 cell:
  // 7 cells × 4 = 28 multiply-adds; an exp per allowed score (6) + one rescale, for row 2 at its second
  // tile (rows meeting their first allowed key need none) = 7
  EXPECT_EQ(c[2].mul_adds, 28);
  EXPECT_EQ(c[2].exps, 7);
  // linear, r = 2: φ(K)ᵀV 3·2·2 = 12, φ(q)·KV 3·2·2 = 12, φ(q)·z 3·2 = 6 → 30; elu: (3 + 3)·2 = 12 exps
  EXPECT_EQ(c[3].mul_adds, 30);
  EXPECT_EQ(c[3].exps, 12);
  EXPECT_EQ(c[3].intermediate_bytes, 4 * (2 * 2 + 2));
  // crossover: n²·(d + d) > n·(2·d·d + d) ⇔ n > (2d² + d)/(2d): d = 64 → n > 64.5
  EXPECT_EQ(attn::linear_crossover(64, 64), 65);
  // KV cache: a 32-layer model, 8 KV heads of 128, 4096 tokens, f16: 2·32·8·128·4096·2 = 512 MiB
  EXPECT_EQ(attn::kv_cache_bytes(32, 8, 128, 4096, 2), 512.0 * 1024 * 1024);
}

TEST(Explain, FlashTileNarratesTheRealNumbers) {
  attn::Problem p = direct(5, 5, 3, 2, 8);
  const attn::FlashTrace f = attn::flash_attention(p.q, p.k, p.v, p.mask, 0.7, 2, 2, true);
  const std::vector<std::string> labels = {"a", "b", "c", "d", "e"};
  for (int step = 0; step < static_cast<int>(f.tiles.size()); ++step) {
    const attn::FlashTile& t = f.tiles[static_cast<size_t>(step)];
    const attn::StepExplanation e = attn::explain_flash_tile(f, step, labels);
    EXPECT_NE(e.formula.find("= " + attn::fmt(t.l_new(0))), std::string::npos) << e.formula;
    EXPECT_NE(e.formula.find("= " + attn::fmt(t.m_new(0))), std::string::npos) << e.formula;
    const bool last = step + 1 == static_cast<int>(f.tiles.size()) ||
                      f.tiles[static_cast<size_t>(step + 1)].q_tile != t.q_tile;
    const attn::VecD expect =
        last ? attn::VecD(f.output.row(t.row0).transpose()) : attn::VecD(t.o_partial.row(0).transpose());
    ASSERT_EQ(e.values.size(), static_cast<size_t>(expect.size()));
    for (size_t c = 0; c < e.values.size(); ++c)
      EXPECT_DOUBLE_EQ(e.values[c], expect(static_cast<Eigen::Index>(c)));
    if (last) {
      EXPECT_EQ(e.narration.back().id, "explain.flash.done");  // O = O ÷ l: the rows are finished
    }
  }
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  const attn::FlashTrace c = attn::flash_attention(p.q, p.k, p.v, p.mask, 0.7, 2, 2, true);
  EXPECT_NE(attn::explain_flash_tile(c, 1, labels).formula.find("skipped"), std::string::npos);
  // The last (skipped) tile of query tile 0 still finishes its rows: the final output of row 0.
  const attn::StepExplanation done = attn::explain_flash_tile(c, 2, labels);
  EXPECT_EQ(done.narration.front().id, "explain.flash.skipped");
  EXPECT_EQ(done.narration.back().id, "explain.flash.done");
  EXPECT_DOUBLE_EQ(done.values[0], c.output(0, 0));
  // Cross-attention with L > S, causal: rows 0–2 stand before every key. Query tile 0 is skipped whole; in
  // query tile 1 (step 2) row 2 still has nothing allowed while row 3 sees key 0.
  const attn::Problem x = direct(6, 3, 3, 2, 9);
  const attn::FlashTrace fx = attn::flash_attention(x.q, x.k, x.v, p.mask, 0.7, 2, 2, true);
  EXPECT_TRUE(fx.tiles[0].skipped);
  EXPECT_NE(attn::explain_flash_tile(fx, 2, labels).formula.find("⟦formula.no_allowed_key⟧"),
            std::string::npos)
      << attn::explain_flash_tile(fx, 2, labels).formula;
}
