// FlashAttention.*, Explain.FlashTile*: flash attention equals standard attention for every mask and tile,
// and its walkthrough narrates the online softmax with the real numbers.
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
        attn::Problem p = test::seeded_direct(sh[0], sh[1], 5, 3, 7);
        p.mask = test::mask(m);
        if (p.mask.kind == attn::MaskSpec::Kind::Window && !p.mask.global.empty() && sh[1] < 6) continue;
        const attn::Result ref = attn::run(p);
        const attn::FlashTrace f =
            attn::flash_attention(p.q, p.k, p.v, p.mask, 1 / std::sqrt(5.0), t[0], t[1], false);
        EXPECT_TRUE(test::all_close(f.output, ref.output, 1e-12))
            << m << " " << sh[0] << "×" << sh[1] << " tiles " << t[0] << "×" << t[1];
      }
}

TEST(FlashAttention, WalkthroughNumbersAreTheOnlineSoftmax) {
  attn::Problem p = test::seeded_direct(6, 6, 4, 2, 3);
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

TEST(Explain, FlashTileNarratesTheRealNumbers) {
  attn::Problem p = test::seeded_direct(5, 5, 3, 2, 8);
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
  const attn::Problem x = test::seeded_direct(6, 3, 3, 2, 9);
  const attn::FlashTrace fx = attn::flash_attention(x.q, x.k, x.v, p.mask, 0.7, 2, 2, true);
  EXPECT_TRUE(fx.tiles[0].skipped);
  EXPECT_NE(attn::explain_flash_tile(fx, 2, labels).formula.find("⟦formula.no_allowed_key⟧"),
            std::string::npos)
      << attn::explain_flash_tile(fx, 2, labels).formula;
}
