// Patching.*: activation patching of every head (model/patching.h) — what causality says it must give (a
// position before the texts differ, or a last-layer position other than the last, restores nothing), and
// what it refuses. Against PyTorch: tests/golden/model_golden.py.
#include <gtest/gtest.h>

#include "attn/error.h"
#include "model/patching.h"
#include "model_fixtures.h"

namespace {
const char* kClean = "Elizabeth met Mr. Darcy at the ball, and Elizabeth";
const char* kCorrupt = "Jane met Mr. Darcy at the ball, and Elizabeth";
}  // namespace

TEST(Patching, WhatCausalitySaysItMustGive) {
  const model::Gpt2& m = test::bundled();
  const std::vector<int> clean = m.tokenizer.encode(kClean), corrupt = m.tokenizer.encode(kCorrupt);
  ASSERT_EQ(clean.size(), corrupt.size());
  size_t first = 0;  // the first token where the texts differ
  while (clean[first] == corrupt[first]) ++first;
  const model::PatchReport r =
      model::patch_heads(m, clean, corrupt, {m.tokenizer.encode(" met")[0], -1}, 1e12);
  EXPECT_NE(r.clean, r.corrupt);
  const size_t L = static_cast<size_t>(m.config.n_layer), H = static_cast<size_t>(m.config.n_head),
               T = clean.size();
  ASSERT_EQ(r.heads.size(), L);
  ASSERT_EQ(r.positions.size(), L);
  for (size_t l = 0; l < L; ++l) {
    ASSERT_EQ(r.heads[l].size(), H);
    for (size_t h = 0; h < H; ++h) {
      ASSERT_EQ(r.positions[l][h].size(), T);
      for (size_t p = 0; p < first; ++p) EXPECT_EQ(r.positions[l][h][p], 0) << l << " " << h << " " << p;
      if (l + 1 < L) continue;
      // The last block: only the last position reaches the last position's logit.
      for (size_t p = 0; p + 1 < T; ++p) EXPECT_EQ(r.positions[l][h][p], 0) << h << " " << p;
      EXPECT_NEAR(r.heads[l][h], r.positions[l][h][T - 1], 1e-12) << h;
    }
  }
}

TEST(Patching, RefusesWhatItCannotCompare) {
  const model::Gpt2& m = test::bundled();
  const std::vector<int> clean = m.tokenizer.encode(kClean);
  const model::LogitTarget t{m.tokenizer.encode(" met")[0], -1};
  const auto refused = [&](const std::vector<int>& corrupt, double work, const char* fragment) {
    try {
      model::patch_heads(m, clean, corrupt, t, work);
      ADD_FAILURE() << "accepted: " << fragment;
    } catch (const attn::ProblemError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  refused(m.tokenizer.encode("Jane met Mr. Darcy"), 1e12, "same token count");
  refused(clean, 1e12, "nothing to restore");
  refused(m.tokenizer.encode(kCorrupt), 10, "multiply-adds");
}
