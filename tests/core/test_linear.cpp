// LinearAttention.*: linear attention against its closed form, ReLU features switching a row off, and the
// mask table saying what it computes.
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

TEST(LinearAttention, MatchesItsClosedForm) {
  for (attn::FeatureMap fm : {attn::FeatureMap::Elu1, attn::FeatureMap::Relu, attn::FeatureMap::Softmax})
    for (bool causal : {false, true}) {
      const attn::Problem p = test::seeded_direct(6, 9, 4, 3, 11);
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
      attn::Problem p = test::seeded_direct(6, 6, 3, 2, 7);
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
