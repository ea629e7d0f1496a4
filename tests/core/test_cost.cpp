// Cost.*: the cost model (attn/cost.h) against operations counted by hand on three tokens.
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

TEST(Cost, HandCountedOnThreeTokens) {
  attn::Problem p = test::seeded_direct(3, 3, 2, 2, 1);
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
