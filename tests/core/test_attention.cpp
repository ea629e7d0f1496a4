// Attention.*, SoftmaxRows.*: a 3-token example computed by hand, invariants, scale/temperature, f32 vs f64,
// and the Eigen path against the plain-loop reference (attn::ref).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "attn/ref.h"
#include "attn/run.h"
#include "test_util.h"

using attn::MatD;

namespace {

attn::Problem three_tokens() {
  attn::Problem p;
  p.form = attn::Problem::Form::Direct;
  p.tokens = {"a", "b", "c"};
  p.q = MatD{{1, 0}, {0, 1}, {1, 1}};
  p.k = MatD{{1, 0}, {0, 1}, {1, -1}};
  p.v = MatD{{1, 2}, {3, 4}, {5, 6}};
  p.precision = attn::Precision::F64;
  return p;
}

MatD random_matrix(int rows, int cols, unsigned seed) {
  MatD m(rows, cols);
  unsigned x = seed;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      x = x * 1664525u + 1013904223u;
      m(i, j) = (static_cast<double>(x >> 8) / 16777216.0) * 4.0 - 2.0;
    }
  return m;
}

attn::Problem random_direct(int L, int S, int d, unsigned seed) {
  attn::Problem p;
  p.q = random_matrix(L, d, seed);
  p.k = random_matrix(S, d, seed + 1);
  p.v = random_matrix(S, d + 1, seed + 2);
  p.precision = attn::Precision::F64;
  return p;
}

}  // namespace

TEST(Attention, ThreeTokensByHand) {
  const attn::Result r = attn::run(three_tokens());
  const attn::HeadTrace<double>& t = r.heads[0];
  // Row 0: q0 = (1,0); scores with k = (1,0),(0,1),(1,−1) are 1, 0, 1. Scale 1/√2.
  EXPECT_DOUBLE_EQ(t.scores(0, 0), 1);
  EXPECT_DOUBLE_EQ(t.scores(0, 1), 0);
  EXPECT_DOUBLE_EQ(t.scores(0, 2), 1);
  EXPECT_DOUBLE_EQ(t.scores(2, 2), 0);  // (1,1)·(1,−1)
  const double s = 1 / std::sqrt(2.0);
  EXPECT_DOUBLE_EQ(t.scaled(0, 0), s);
  EXPECT_DOUBLE_EQ(t.row_max(0), s);
  // exp(s−s) + exp(0−s) + exp(s−s) = 2 + e^{−s}
  const double sum = 2 + std::exp(-s);
  EXPECT_NEAR(t.row_sum(0), sum, 1e-15);
  const double w_a = 1 / sum, w_b = std::exp(-s) / sum;
  EXPECT_NEAR(t.weights(0, 0), w_a, 1e-15);
  EXPECT_NEAR(t.weights(0, 1), w_b, 1e-15);
  EXPECT_NEAR(t.weights(0, 2), w_a, 1e-15);
  // o0 = w_a·(1,2) + w_b·(3,4) + w_a·(5,6)
  EXPECT_NEAR(r.output(0, 0), w_a * 1 + w_b * 3 + w_a * 5, 1e-14);
  EXPECT_NEAR(r.output(0, 1), w_a * 2 + w_b * 4 + w_a * 6, 1e-14);
}

TEST(Attention, RowsSumToOne) {
  attn::Problem p = random_direct(7, 9, 5, 3);
  for (auto kind : {attn::MaskSpec::Kind::None, attn::MaskSpec::Kind::Causal, attn::MaskSpec::Kind::Window}) {
    p.mask.kind = kind;
    p.mask.window = 2;
    const attn::Result r = attn::run(p);
    for (int i = 0; i < 7; ++i) EXPECT_NEAR(r.heads[0].weights.row(i).sum(), 1.0, 1e-12) << "row " << i;
  }
}

TEST(Attention, BlockedWeightsAreExactlyZero) {
  attn::Problem p = random_direct(6, 6, 4, 11);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  for (auto precision : {attn::Precision::F32, attn::Precision::F64}) {
    p.precision = precision;
    const attn::Result r = attn::run(p);
    for (int i = 0; i < 6; ++i)
      for (int j = i + 1; j < 6; ++j) {
        EXPECT_EQ(r.heads[0].weights(i, j), 0.0);
        EXPECT_EQ(r.heads[0].masked(i, j), -std::numeric_limits<double>::infinity());
      }
  }
}

TEST(Attention, CausalRowZeroEqualsFirstValue) {
  attn::Problem p = random_direct(5, 5, 3, 5);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  const attn::Result r = attn::run(p);
  EXPECT_EQ(r.heads[0].weights(0, 0), 1.0);
  for (int c = 0; c < p.v.cols(); ++c) EXPECT_DOUBLE_EQ(r.output(0, c), p.v(0, c));
}

TEST(Attention, ScaleNoneVersusSqrtDk) {
  attn::Problem p = random_direct(4, 4, 9, 8);
  const attn::Result with = attn::run(p);
  p.scale.kind = attn::ScaleSpec::Kind::None;
  const attn::Result without = attn::run(p);
  EXPECT_TRUE(with.heads[0].scores.isApprox(without.heads[0].scores));
  EXPECT_TRUE(with.heads[0].scaled.isApprox(without.heads[0].scores / 3.0));  // √9 = 3
  EXPECT_TRUE(without.heads[0].scaled.isApprox(without.heads[0].scores));
  p.scale = {attn::ScaleSpec::Kind::Value, 0.25};
  EXPECT_TRUE(attn::run(p).heads[0].scaled.isApprox(without.heads[0].scores * 0.25));
}

TEST(Attention, HighTemperatureIsUniformOverAllowedKeys) {
  attn::Problem p = random_direct(6, 6, 4, 21);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  p.temperature = 1e12;
  const attn::Result r = attn::run(p);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) EXPECT_NEAR(r.heads[0].weights(i, j), j <= i ? 1.0 / (i + 1) : 0.0, 1e-9);
}

TEST(Attention, LowTemperatureIsArgmax) {
  attn::Problem p = random_direct(5, 7, 4, 2);
  p.temperature = 1e-6;
  const attn::Result r = attn::run(p);
  for (int i = 0; i < 5; ++i) {
    Eigen::Index arg;
    r.heads[0].scores.row(i).maxCoeff(&arg);
    EXPECT_NEAR(r.heads[0].weights(i, arg), 1.0, 1e-9);
  }
}

TEST(Attention, Float32WithinOneEMinus5OfFloat64) {
  attn::Problem p = random_direct(17, 13, 8, 99);
  const attn::Result r64 = attn::run(p);
  p.precision = attn::Precision::F32;
  const attn::Result r32 = attn::run(p);
  EXPECT_EQ(r32.stats.precision, "f32");
  EXPECT_TRUE(test::all_close(r32.output, r64.output, 1e-5));
  EXPECT_TRUE(test::all_close(r32.heads[0].weights, r64.heads[0].weights, 1e-5));
}

TEST(Attention, FullyMaskedRowGivesZerosNotNaN) {
  attn::Problem p = random_direct(3, 4, 2, 4);
  p.mask.kind = attn::MaskSpec::Kind::Explicit;
  p.mask.allowed = attn::MaskMat::Ones(3, 4);
  p.mask.allowed.row(1).setZero();
  for (auto precision : {attn::Precision::F32, attn::Precision::F64}) {
    p.precision = precision;
    const attn::Result r = attn::run(p);
    EXPECT_TRUE(r.heads[0].fully_masked[1]);
    EXPECT_FALSE(r.heads[0].fully_masked[0]);
    EXPECT_TRUE(r.output.allFinite());
    EXPECT_EQ(r.output.row(1).cwiseAbs().maxCoeff(), 0.0);
    EXPECT_EQ(r.heads[0].weights.row(1).cwiseAbs().maxCoeff(), 0.0);
    EXPECT_EQ(r.heads[0].row_sum(1), 0.0);
  }
}

TEST(SoftmaxRows, LargeLogitsDoNotOverflow) {
  attn::MatF x{{1000.f, 999.f, -1000.f}};
  attn::MatF w;
  attn::VecF m, s;
  std::vector<bool> fully;
  attn::softmax_rows<float>(x, w, m, s, fully);
  EXPECT_TRUE(w.allFinite());
  EXPECT_NEAR(w(0, 0), 1 / (1 + std::exp(-1.0f)), 1e-6);
  EXPECT_EQ(m(0), 1000.f);
}

TEST(SoftmaxRows, MatchesReference) {
  attn::Problem p = random_direct(11, 13, 6, 77);
  p.mask.kind = attn::MaskSpec::Kind::Window;
  p.mask.window = 3;
  const attn::Result r = attn::run(p);
  const int L = 11, S = 13, d = 6, dv = 7;
  std::vector<double> q(p.q.data(), p.q.data() + L * d), k(p.k.data(), p.k.data() + S * d),
      v(p.v.data(), p.v.data() + S * dv);
  const attn::MaskMat allowed = attn::build_mask(p.mask, L, S);
  std::vector<unsigned char> a(allowed.data(), allowed.data() + L * S);
  std::vector<double> w = attn::ref::scores(q, k, a, L, S, d, 1 / std::sqrt(6.0));
  attn::ref::softmax_rows(w, L, S);
  const std::vector<double> o = attn::ref::weighted_sum(w, v, L, S, dv);
  for (int i = 0; i < L; ++i) {
    for (int j = 0; j < S; ++j) EXPECT_NEAR(r.heads[0].weights(i, j), w[i * S + j], 1e-14);
    for (int c = 0; c < dv; ++c) EXPECT_NEAR(r.output(i, c), o[i * dv + c], 1e-13);
  }
}

TEST(Attention, RefusesProblemsTooLargeForMemory) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {1, 65536, 64, 4, 4};
  try {
    attn::run(p);
    FAIL() << "expected ProblemError";
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find("random.n"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("GiB"), std::string::npos) << e.what();
  }
}

// AttentionMap.*: block means, the CPU twin of shaders/attention_map.wgsl (rows of blocks sum to 1).
TEST(AttentionMap, BlockMeansOfRowsOfSums) {
  attn::MatD w(3, 4);
  w << 0.5, 0.5, 0, 0,         //
      0.25, 0.25, 0.25, 0.25,  //
      0, 0, 0, 1;
  const attn::MatD m = attn::attention_map(w, 2, 2);  // blocks of ⌈3/2⌉ = 2 rows × 2 keys
  ASSERT_EQ(m.rows(), 2);
  ASSERT_EQ(m.cols(), 2);
  EXPECT_DOUBLE_EQ(m(0, 0), (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(m(0, 1), (0.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(m(1, 0), 0.0);  // the last block has one row
  EXPECT_DOUBLE_EQ(m(1, 1), 1.0);
  EXPECT_EQ(attn::attention_map(w, 128, 128), w);  // small enough: the weights themselves
}
