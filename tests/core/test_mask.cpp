// Mask.*: the allowed set of each mask kind on small n, including L ≠ S alignment.
#include <gtest/gtest.h>

#include "attn/json_io.h"
#include "attn/mask.h"

namespace {
attn::MaskSpec spec(attn::MaskSpec::Kind k, int window = 0, int valid = 0) {
  attn::MaskSpec s;
  s.kind = k;
  s.window = window;
  s.valid_len = valid;
  return s;
}
}  // namespace

TEST(Mask, NoneAllowsEverything) {
  EXPECT_EQ(attn::build_mask(spec(attn::MaskSpec::Kind::None), 3, 5).minCoeff(), 1);
}

TEST(Mask, CausalSquare) {
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Causal), 4, 4);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(m(i, j), j <= i ? 1 : 0) << i << "," << j;
}

TEST(Mask, CausalAlignsLastQueryWithLastKey) {
  // 2 new queries after 3 cached keys: query 0 is position 3, query 1 is position 4.
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Causal), 2, 5);
  EXPECT_EQ(m.row(0).sum(), 4);
  EXPECT_EQ(m.row(1).sum(), 5);
  EXPECT_EQ(m(0, 4), 0);
}

TEST(Mask, WindowSeesTheLastWKeys) {
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Window, 2), 5, 5);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(m(i, j), (i - 2 < j && j <= i) ? 1 : 0) << i << "," << j;
}

TEST(Mask, PaddingBlocksKeysPastValidLength) {
  const attn::MaskMat m = attn::build_mask(spec(attn::MaskSpec::Kind::Padding, 0, 3), 4, 5);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(m(i, j), j < 3 ? 1 : 0);
}

TEST(Mask, ExplicitIsUsedAsGiven) {
  attn::MaskSpec s = spec(attn::MaskSpec::Kind::Explicit);
  s.allowed = attn::MaskMat{{1, 0}, {0, 1}};
  EXPECT_EQ(attn::build_mask(s, 2, 2), s.allowed);
  EXPECT_EQ(attn::mask_name(s), "explicit");
  EXPECT_EQ(attn::mask_name(spec(attn::MaskSpec::Kind::Window, 3)), "window 3");
}

TEST(Mask, RowFullyMaskedWithoutBuildingTheMatrix) {
  attn::MaskSpec s = spec(attn::MaskSpec::Kind::Explicit);
  s.allowed = attn::MaskMat::Ones(2, 256);  // 256 ones: a uint8 sum would wrap to 0
  s.allowed.row(1).setZero();
  EXPECT_FALSE(attn::row_fully_masked(s, 0, 2, 256));
  EXPECT_TRUE(attn::row_fully_masked(s, 1, 2, 256));
  EXPECT_TRUE(
      attn::row_fully_masked(spec(attn::MaskSpec::Kind::Causal), 0, 5, 3));  // query 0 sits before key 0
  EXPECT_FALSE(attn::row_fully_masked(spec(attn::MaskSpec::Kind::Causal), 2, 5, 3));
  EXPECT_TRUE(attn::row_fully_masked(spec(attn::MaskSpec::Kind::Padding, 0, 0), 0, 3, 3));
}

namespace {
// The allowed set of a JSON mask on n×n, as rows of 0/1 characters.
std::vector<std::string> pattern(const char* json, int n) {
  const attn::MaskMat m = attn::build_mask(attn::mask_from_json(attn::Json::parse(json)), n, n);
  std::vector<std::string> rows;
  for (int i = 0; i < n; ++i) {
    std::string r;
    for (int j = 0; j < n; ++j) r += m(i, j) ? '1' : '.';
    rows.push_back(r);
  }
  return rows;
}
}  // namespace

TEST(Mask, SparsePatternsOnSixTokens) {
  using V = std::vector<std::string>;
  // symmetric window: |i − j| < 2
  EXPECT_EQ(pattern(R"({"window": 2, "causal": false})", 6),
            (V{"11....", "111...", ".111..", "..111.", "...111", "....11"}));
  // strided 2: the last 2 tokens and every 2nd before them (causal)
  EXPECT_EQ(pattern(R"({"strided": 2})", 6), (V{"1.....", "11....", "111...", ".111..", "1.111.", ".1.111"}));
  // block-diagonal blocks of 3
  EXPECT_EQ(pattern(R"({"block": 3})", 6), (V{"111...", "111...", "111...", "...111", "...111", "...111"}));
  // causal window 2 + global token 0: everyone sees 0 (causally), and 0 sees only itself (causal base)
  EXPECT_EQ(pattern(R"({"window": 2, "global": [0]})", 6),
            (V{"1.....", "11....", "111...", "1.11..", "1..11.", "1...11"}));
  // symmetric window + global 0 (Longformer): token 0 also sees every token
  EXPECT_EQ(pattern(R"({"window": 2, "causal": false, "global": [0]})", 6),
            (V{"111111", "111...", "1111..", "1.111.", "1..111", "1...11"}));
  // global alone: each token sees itself and the global tokens
  EXPECT_EQ(pattern(R"({"global": [2]})", 4), (V{"1.1.", ".11.", "1111", "..11"}));
}

TEST(Mask, CountsRowsAndNames) {
  const attn::MaskSpec w = attn::mask_from_json(attn::Json::parse(R"({"window": 2, "causal": false})"));
  EXPECT_EQ(attn::allowed_count(w, 6, 6), 16);
  EXPECT_EQ(attn::mask_name(w), "window 2 (both sides)");
  EXPECT_FALSE(attn::mask_is_range(w));
  const attn::MaskSpec g = attn::mask_from_json(attn::Json::parse(R"({"global": [0, 3], "causal": true})"));
  EXPECT_EQ(attn::mask_name(g), "causal + global 0, 3");
  EXPECT_EQ(attn::mask_to_json(g), attn::Json::parse(R"({"causal": true, "global": [0, 3]})"));
  EXPECT_EQ(attn::mask_to_json(attn::mask_from_json(attn::Json::parse(R"({"global": [1]})"))),
            attn::Json::parse(R"({"global": [1]})"));
  // A symmetric window reaches keys after a query that stands before the first key (L > S).
  EXPECT_FALSE(attn::row_fully_masked(w, 0, 7, 6));  // position −1 sees key 0
  EXPECT_TRUE(attn::row_fully_masked(w, 0, 8, 6));   // position −2 sees nothing
  const attn::MaskSpec s = attn::mask_from_json(attn::Json::parse(R"({"strided": 3})"));
  EXPECT_TRUE(attn::row_fully_masked(s, 0, 7, 6));
}

TEST(Mask, RefusesBadSparseMasks) {
  for (const char* bad :
       {R"({"window": 2, "strided": 3})", R"({"block": 0})", R"({"strided": 2, "causal": false})",
        R"({"global": []})", R"({"global": [-1]})", R"({"padding": 2, "global": [0]})", R"({"stride": 2})",
        R"({"causal": "yes", "window": 2})"}) {
    EXPECT_THROW(attn::mask_from_json(attn::Json::parse(bad)), attn::ProblemError) << bad;
  }
  // The message names what is wrong with the whole object, before any one field's value.
  for (const auto& [bad, says] : std::vector<std::pair<const char*, const char*>>{
           {R"({"padding": 3, "causal": true})", "mask: padding combines with nothing else"},
           {R"({"window": 2, "block": 0})", "mask: give one of window, strided, block, padding"},
           {R"({"window": 2, "blocks": 3, "strided": 2})", "mask.blocks: unknown field"}}) {
    try {
      attn::mask_from_json(attn::Json::parse(bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const attn::ProblemError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(says, 0), 0u) << e.what();
    }
  }
}

// kMaskKinds: one entry per kind, and everything an entry says holds for a spec of that kind.
TEST(Mask, EveryKindHasOneEntry) {
  for (int k = 0; k <= static_cast<int>(attn::MaskSpec::Kind::Explicit); ++k) {
    const auto kind = static_cast<attn::MaskSpec::Kind>(k);
    int entries = 0;
    for (const attn::MaskKindInfo& info : attn::kMaskKinds) entries += info.kind == kind ? 1 : 0;
    EXPECT_EQ(entries, 1) << "kind " << k;
    EXPECT_EQ(attn::kMaskKinds.at(static_cast<size_t>(k)).kind, kind) << "the table is in Kind's order";
  }
}

TEST(Mask, EveryKindRoundTripsThroughJsonAndFillsItsWords) {
  for (const attn::MaskKindInfo& info : attn::kMaskKinds) {
    attn::MaskSpec m;
    m.kind = info.kind;
    if (info.param) m.*info.param = 3;
    if (info.kind == attn::MaskSpec::Kind::Explicit) m.allowed = attn::MaskMat{{1, 0}, {1, 1}};
    const attn::MaskSpec back = attn::mask_from_json(attn::mask_to_json(m));
    EXPECT_EQ(back.kind, m.kind) << info.text_id;
    EXPECT_EQ(attn::build_mask(back, 2, 2), attn::build_mask(m, 2, 2)) << info.text_id;
    if (info.takes_global) {
      m.global = {0};
      EXPECT_EQ(attn::mask_to_json(attn::mask_from_json(attn::mask_to_json(m))), attn::mask_to_json(m))
          << info.text_id;
    }
    const std::string name = attn::mask_name(m);
    EXPECT_EQ(name.find('{'), std::string::npos) << name;
    if (info.param) {
      EXPECT_NE(name.find('3'), std::string::npos) << name;
    }
    // A key range, where the entry offers one, lets through exactly the cells the mask allows.
    m.global.clear();
    // So does the row test without a scan, where the entry has one (L > S: rows before the first key).
    for (int L : {3, 6, 9})
      for (int i = 0; i < L && info.kind != attn::MaskSpec::Kind::Explicit; ++i) {
        bool any = false;
        for (int j = 0; j < 6; ++j) any |= attn::mask_allows(m, i, j, L, 6);
        EXPECT_EQ(attn::row_fully_masked(m, i, L, 6), !any) << info.text_id << " row " << i << " of " << L;
      }
    if (const std::optional<attn::KeyRange> r = attn::key_range(m)) {
      for (int L : {3, 6})
        for (int i = 0; i < L; ++i) {
          int begin, end;
          attn::key_bounds(*r, i + 6 - L, 6, begin, end);
          for (int j = 0; j < 6; ++j) {
            EXPECT_EQ(j >= begin && j < end, attn::mask_allows(m, i, j, L, 6))
                << info.text_id << " " << i << "," << j;
          }
        }
    }
  }
}
