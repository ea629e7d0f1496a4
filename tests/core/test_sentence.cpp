// Sentence.*: the tokenizer's rules, and a sentence's Problem as plain loops over its seeded inputs (the
// same word gets the same embedding row in any sentence; another seed gives other numbers), with labels.
#include <gtest/gtest.h>

#include "attn/sentence.h"
#include "test_util.h"

namespace {

using Tokens = std::vector<std::string>;

attn::SentenceSetup setup(Tokens tokens, std::uint64_t seed = 1) {
  attn::SentenceSetup s;
  s.tokens = std::move(tokens);
  s.seed = seed;
  return s;
}

// x·w as three loops.
attn::MatD times(const attn::MatD& x, const attn::MatD& w) {
  attn::MatD out = attn::MatD::Zero(x.rows(), w.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      for (Eigen::Index t = 0; t < x.cols(); ++t) out(i, j) += x(i, t) * w(t, j);
  return out;
}

}  // namespace

TEST(Sentence, TokenizeSplitsPunctuationAndKeepsInnerApostrophes) {
  EXPECT_EQ(attn::tokenize("  I didn't  pay, twice!"), (Tokens{"I", "didn't", "pay", ",", "twice", "!"}));
  EXPECT_EQ(attn::tokenize("'quoted' x2"), (Tokens{"'", "quoted", "'", "x2"}));
  EXPECT_EQ(attn::tokenize("café über"), (Tokens{"café", "über"}));  // (UTF-8 bytes are letters)
  EXPECT_TRUE(attn::tokenize(" \t\n").empty());
}

TEST(Sentence, ProblemIsTheProjectionOfSeededEmbeddings) {
  const attn::SentenceSetup s = setup({"the", "cat", "sat"});
  const attn::SentenceInputs in = attn::sentence_inputs(s);
  ASSERT_EQ(in.x.rows(), 3);
  ASSERT_EQ(in.x.cols(), s.d_model);
  ASSERT_EQ(in.w_q.rows(), s.d_model);
  ASSERT_EQ(in.w_q.cols(), s.d_k);
  const attn::Problem p = attn::sentence_problem(s);
  EXPECT_EQ(p.tokens, s.tokens);
  EXPECT_TRUE(test::all_close(p.q, times(in.x, in.w_q), 1e-12));
  EXPECT_TRUE(test::all_close(p.k, times(in.x, in.w_k), 1e-12));
  EXPECT_TRUE(test::all_close(p.v, times(in.x, in.w_v), 1e-12));
}

TEST(Sentence, SameWordSameRowAnotherSeedOtherNumbers) {
  const attn::SentenceInputs a = attn::sentence_inputs(setup({"the", "cat"}));
  const attn::SentenceInputs b = attn::sentence_inputs(setup({"a", "dog", "the"}));
  EXPECT_EQ(a.x.row(0), b.x.row(2));  // "the" in either sentence
  EXPECT_NE(a.x.row(0), a.x.row(1));
  EXPECT_EQ(a.w_q, b.w_q);  // the weights depend on the seed only
  const attn::SentenceInputs c = attn::sentence_inputs(setup({"the", "cat"}, 2));
  EXPECT_NE(a.x.row(0), c.x.row(0));
  EXPECT_NE(a.w_q, c.w_q);
}

TEST(Sentence, CrossAttentionTakesKeysAndValuesFromTheOtherSentence) {
  attn::SentenceSetup s = setup({"where", "is", "it"});
  s.key_tokens = {"it", "is", "here", "now"};
  const attn::SentenceInputs in = attn::sentence_inputs(s);
  const attn::Problem p = attn::sentence_problem(s);
  EXPECT_EQ(p.query_len(), 3);
  EXPECT_EQ(p.key_len(), 4);
  EXPECT_TRUE(test::all_close(p.k, times(in.x_kv, in.w_k), 1e-12));
  EXPECT_EQ(in.x_kv.row(0), in.x.row(2));  // "it"
  EXPECT_EQ(attn::query_labels(p), s.tokens);
  EXPECT_EQ(attn::key_labels(p), s.key_tokens);
}

TEST(Sentence, LabelsDefaultWhenNoTokensAreGiven) {
  attn::Problem p;
  p.q = attn::MatD::Zero(2, 1);
  p.k = attn::MatD::Zero(3, 1);
  p.v = attn::MatD::Zero(3, 1);
  EXPECT_EQ(attn::query_labels(p), (Tokens{"t0", "t1"}));
  EXPECT_EQ(attn::key_labels(p), (Tokens{"k0", "k1", "k2"}));
  EXPECT_EQ(attn::index_labels(3), (Tokens{"0", "1", "2"}));
  EXPECT_TRUE(attn::index_labels(0).empty());
}
