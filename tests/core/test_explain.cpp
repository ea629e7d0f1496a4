// Explain.*: for every step of a small problem (both granularities, with a mask and a fully masked row), the
// values a step reports equal the Trace; the formula shows those numbers; narration names the tokens.
#include <gtest/gtest.h>

#include <cmath>

#include "attn/explain.h"
#include "attn/run.h"
#include "attn/sentence.h"

namespace {

struct Fixture {
  attn::Problem p;
  attn::Result r;
  attn::ExplainInput in;
  Fixture() {
    attn::SentenceSetup setup;
    setup.tokens = {"we", "read", "every", "number"};
    setup.d_model = 5;
    setup.d_k = 3;
    p = attn::sentence_problem(setup);
    p.precision = attn::Precision::F64;
    p.temperature = 0.8;
    p.mask.kind = attn::MaskSpec::Kind::Explicit;
    p.mask.allowed =
        attn::MaskMat{{1, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}};  // row 2 fully masked
    r = attn::run(p);
    in.trace = &r.heads[0];
    in.query_labels = attn::query_labels(p);
    in.key_labels = attn::key_labels(p);
    in.scale = p.scale;
    in.temperature = p.temperature;
    in.mask = p.mask;
  }
};

double g_tol = 1e-12;  // f64 traces; f32 traces are re-read in double, so 1e-6 there
bool same(double a, double b) {
  return (std::isinf(a) && a == b) || std::fabs(a - b) <= g_tol * (1 + std::fabs(b));
}

}  // namespace

static void check_every_step(Fixture& f);

TEST(Explain, EveryStepReportsTheTraceNumbers) {
  for (attn::Precision precision : {attn::Precision::F64, attn::Precision::F32}) {
    Fixture f;
    f.p.precision = precision;
    f.r = attn::run(f.p);
    f.in.trace = &f.r.heads[0];
    g_tol = precision == attn::Precision::F64 ? 1e-12 : 1e-6;
    check_every_step(f);
  }
}

static void check_every_step(Fixture& f) {
  const attn::HeadTrace<double>& t = f.r.heads[0];
  for (attn::Granularity g : {attn::Granularity::Cell, attn::Granularity::Row}) {
    const int total = attn::step_total(4, 4, g);
    for (int index = 0; index < total; ++index) {
      const attn::Step st = attn::step_at(index, 4, 4, g);
      const attn::StepExplanation e = attn::explain_step(f.in, st);
      ASSERT_FALSE(e.values.empty()) << index;
      EXPECT_FALSE(e.formula.empty());
      // Every sentence is in the catalog, and the narration names a token.
      const std::string said = attn::say(attn::english(), e.narration);
      EXPECT_EQ(said.find("[missing text"), std::string::npos) << said;
      EXPECT_EQ(attn::say(attn::english(), e.title).find("[missing text"), std::string::npos) << index;
      EXPECT_NE(said.find("“"), std::string::npos) << "narration names a token: " << said;
      const int i = st.query, j = st.key;
      auto expect_row = [&](const attn::MatD& m) {
        ASSERT_EQ(e.values.size(), static_cast<size_t>(m.cols()));
        for (Eigen::Index c = 0; c < m.cols(); ++c) EXPECT_TRUE(same(e.values[c], m(i, c))) << index;
      };
      switch (st.phase) {
        case attn::Phase::Row:
          if (st.stage == attn::Stage::Scores) {
            expect_row(t.scores);
          }
          if (st.stage == attn::Stage::Scale) {
            expect_row(t.scaled);
          }
          if (st.stage == attn::Stage::Mask) {
            expect_row(t.masked);
          }
          if (st.stage == attn::Stage::Softmax) {
            expect_row(t.weights);
          }
          if (st.stage == attn::Stage::WeightedSum) {
            expect_row(t.output);
          }
          break;
        case attn::Phase::Cell:
          if (st.stage == attn::Stage::Scores) {
            EXPECT_TRUE(same(e.values[0], t.scores(i, j)));
          }
          if (st.stage == attn::Stage::Scale) {
            EXPECT_TRUE(same(e.values[0], t.scaled(i, j)));
          }
          if (st.stage == attn::Stage::Mask) {
            EXPECT_TRUE(same(e.values[0], t.masked(i, j)));
          }
          if (st.stage == attn::Stage::WeightedSum && j == 3) {
            expect_row(t.output);
          }  // the last term completes o_i
          break;
        case attn::Phase::Max:
          EXPECT_TRUE(same(e.values[0], t.row_max(i)));
          break;
        case attn::Phase::Exp:
          EXPECT_TRUE(same(e.values[0], t.weights(i, j) * t.row_sum(i))) << index;
          break;
        case attn::Phase::Sum:
          EXPECT_TRUE(same(e.values[0], t.row_sum(i)));
          break;
        case attn::Phase::Divide:
          EXPECT_TRUE(same(e.values[0], t.weights(i, j)));
          break;
      }
    }
  }
}

TEST(Explain, DotProductFormulaShowsTheTerms) {
  Fixture f;
  const attn::HeadTrace<double>& t = f.r.heads[0];
  const attn::StepExplanation e =
      attn::explain_step(f.in, attn::step_at(1 * 4 + 0, 4, 4, attn::Granularity::Cell));
  EXPECT_EQ(e.formula.rfind("s₁,₀ = q₁·k₀ = (" + attn::fmt(t.q(1, 0)) + ")(" + attn::fmt(t.k(0, 0)) + ")", 0),
            0u)
      << e.formula;
  EXPECT_NE(e.formula.find("= " + attn::fmt(t.scores(1, 0))), std::string::npos);
  ASSERT_EQ(e.narration.size(), 1u);
  EXPECT_EQ(e.narration[0].id, "explain.scores.cell");
  EXPECT_EQ(e.narration[0].args[0].text, "“read”");                 // q
  EXPECT_EQ(e.narration[0].args[3].numbers.at(0), t.scores(1, 0));  // the score, as a number
  EXPECT_EQ(e.title.id, "explain.title.scores");
}

TEST(Explain, MaskAndFullyMaskedRowsAreExplained) {
  Fixture f;
  const int mask_start = attn::stage_start(attn::Stage::Mask, 4, 4, attn::Granularity::Cell);
  EXPECT_NE(attn::explain_step(f.in, attn::step_at(mask_start + 1, 4, 4, attn::Granularity::Cell))
                .formula.find("−∞"),
            std::string::npos);
  const int softmax_row2 =
      attn::step_index(attn::Stage::Softmax, 2, 0, attn::Phase::Max, 4, 4, attn::Granularity::Cell);
  const attn::StepExplanation e =
      attn::explain_step(f.in, attn::step_at(softmax_row2, 4, 4, attn::Granularity::Cell));
  ASSERT_EQ(e.narration.size(), 1u);
  EXPECT_EQ(e.narration[0].id, "explain.softmax.max_fully_masked");
}

TEST(Explain, Formatting) {
  EXPECT_EQ(attn::fmt(-0.5), "−0.50");
  EXPECT_EQ(attn::fmt(0.00123), "0.00123");
  EXPECT_EQ(attn::fmt(-INFINITY), "−∞");
  EXPECT_EQ(attn::subscript(12), "₁₂");
  EXPECT_EQ(attn::fmt_vector({1, 2, 3}, 2), "(1.00, 2.00, …)");
}
