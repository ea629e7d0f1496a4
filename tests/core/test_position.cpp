// Position.*: where position enters (attn/position.h) — RoPE against the complex-number form written here
// with std::complex, the relative-shift property, ALiBi's slopes against the paper's sequence, the bias as
// its own addend in the trace, the input tables, the fast path and flash against the traced path, the JSON
// form and its errors, and the counted work.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>

#include "attn/cost.h"
#include "attn/explain.h"
#include "attn/json_io.h"
#include "attn/step.h"
#include "attn/rng.h"
#include "attn/run.h"
#include "compute/cpu_backend.h"
#include "compute/f32_job.h"
#include "test_util.h"

namespace {

using attn::PositionSpec;
using Kind = PositionSpec::Kind;

attn::Problem direct(int L, int S, int d, std::uint64_t seed) {
  attn::Rng rng{seed};
  attn::Problem p;
  p.q = rng.matrix(L, d, 1.0);
  p.k = rng.matrix(S, d, 1.0);
  p.v = rng.matrix(S, d + 1, 1.0);
  p.precision = attn::Precision::F64;
  return p;
}

attn::Problem random_problem(int n, int E, int h, int g, Kind kind) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {11, n, E, h, g};
  p.position.kind = kind;
  return p;
}

double max_diff(const attn::MatD& a, const attn::MatD& b) { return (a - b).cwiseAbs().maxCoeff(); }

}  // namespace

// Pair m of a row as the complex number z = x_a + i·x_b, multiplied by e^{i·pos·θ_m}, θ_m = base^(−2m/d_rot).
TEST(Position, RopeRotationEqualsTheComplexForm) {
  for (bool interleaved : {false, true})
    for (int dims : {0, 4}) {
      PositionSpec s;
      s.kind = Kind::Rope;
      s.base = 100;
      s.dims = dims;
      s.interleaved = interleaved;
      attn::Rng rng{3};
      const attn::MatD x = rng.matrix(5, 6, 1.0);
      attn::MatD rotated = x;
      attn::rope_rotate(rotated, s, 2);
      const int d_rot = dims ? dims : 6, half = d_rot / 2;
      attn::MatD expected = x;
      for (int r = 0; r < 5; ++r)
        for (int m = 0; m < half; ++m) {
          const int a = interleaved ? 2 * m : m, b = interleaved ? 2 * m + 1 : m + half;
          const double theta = std::pow(100.0, -2.0 * m / d_rot);
          const std::complex<double> z =
              std::complex<double>(x(r, a), x(r, b)) * std::polar(1.0, (2 + r) * theta);
          expected(r, a) = z.real();
          expected(r, b) = z.imag();
        }
      EXPECT_TRUE(test::all_close(rotated, expected, 1e-14)) << interleaved << dims;
      if (dims == 4) {
        EXPECT_EQ(rotated.col(5), x.col(5));  // past d_rot: untouched
      }
    }
}

// Rotated q_i·k_j = Re Σ_m z_q,m · conj(z_k,m) · e^{i·(pos_i − pos_j)·θ_m}: only the offset enters, so moving
// every position by t leaves every score (and the output) as it was. Absolute positions do not have this.
TEST(Position, RelativeSchemesIgnoreAShiftOfEveryPosition) {
  for (Kind kind : {Kind::Rope, Kind::Alibi, Kind::Sinusoidal}) {
    attn::Problem p = random_problem(7, 8, 2, 2, kind);
    p.precision = attn::Precision::F64;
    p.mask.kind = attn::MaskSpec::Kind::Causal;
    const attn::Result a = attn::run(p);
    p.position.start = 37;
    const attn::Result b = attn::run(p);
    const double d = max_diff(a.heads[1].masked.cwiseMax(-1e300), b.heads[1].masked.cwiseMax(-1e300));
    if (kind == Kind::Sinusoidal)
      EXPECT_GT(d, 1e-3);  // absolute: the scores move
    else
      EXPECT_LT(d, 1e-12) << attn::position_kind(kind).id;
  }
}

TEST(Position, RopeScoreIsTheSumOfRotatedPairProducts) {
  attn::Problem p = direct(4, 4, 6, 5);
  p.position.kind = Kind::Rope;
  const attn::Result r = attn::run(p);
  const attn::HeadTrace<double>& t = r.heads[0];
  ASSERT_EQ(t.q_unrotated, p.q);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      std::complex<double> sum = 0;
      for (int m = 0; m < 3; ++m) {
        const std::complex<double> zq(p.q(i, m), p.q(i, m + 3)), zk(p.k(j, m), p.k(j, m + 3));
        sum += zq * std::conj(zk) * std::polar(1.0, (i - j) * std::pow(10000.0, -2.0 * m / 6));
      }
      EXPECT_NEAR(t.scores(i, j), sum.real(), 1e-12);
    }
}

// The ALiBi paper's get_slopes: a power of two h gives 2^(−8k/h); h = 6 takes the 4 of h = 4, then every
// other slope of h = 8.
TEST(Position, AlibiSlopesAreThePapersGeometricSequence) {
  PositionSpec s;
  s.kind = Kind::Alibi;
  const std::vector<double> eight = attn::alibi_slopes(s, 8);
  ASSERT_EQ(eight.size(), 8u);
  for (int k = 0; k < 8; ++k) EXPECT_DOUBLE_EQ(eight[static_cast<size_t>(k)], std::pow(2.0, -(k + 1)));
  const std::vector<double> six = attn::alibi_slopes(s, 6);
  const std::vector<double> expected = {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125};
  EXPECT_EQ(six, expected);
  EXPECT_EQ(attn::alibi_slopes(s, 1), std::vector<double>{1.0 / 256});
  s.slopes = {0.3, 0.7};
  EXPECT_EQ(attn::alibi_slopes(s, 2), s.slopes);
}

TEST(Position, AlibiBiasIsItsOwnAddendInTheTrace) {
  attn::Problem p = direct(5, 5, 4, 9);
  p.position.kind = Kind::Alibi;
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  const attn::Result r = attn::run(p);
  const attn::HeadTrace<double>& t = r.heads[0];
  ASSERT_EQ(t.bias.rows(), 5);
  const double m = 1.0 / 256;  // one head
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j <= i; ++j) {
      EXPECT_DOUBLE_EQ(t.bias(i, j), -m * (i - j));
      EXPECT_DOUBLE_EQ(t.masked(i, j), t.scaled(i, j) + t.bias(i, j));
    }
  EXPECT_TRUE(attn::result_to_json(r, p, true)["trace"][0].contains("bias"));
}

TEST(Position, InputTablesAreAddedToXBeforeTheProjections) {
  const attn::MatD t = attn::sinusoidal_table(0, 3, 4);
  EXPECT_DOUBLE_EQ(t(1, 0), std::sin(1.0));
  EXPECT_DOUBLE_EQ(t(1, 1), std::cos(1.0));
  EXPECT_DOUBLE_EQ(t(2, 2), std::sin(2.0 / 100));  // 10000^(2/4) = 100
  for (Kind kind : {Kind::Sinusoidal, Kind::Learned}) {
    attn::Problem p = attn::materialize(random_problem(6, 8, 2, 1, kind));
    p.precision = attn::Precision::F64;
    const attn::Result with = attn::run(p);
    attn::Problem added = p;  // the same by hand: x + P, no position
    added.position = PositionSpec();
    const attn::MatD pe =
        kind == Kind::Learned ? p.position.table.topRows(6) : attn::sinusoidal_table(0, 6, 8);
    added.query += pe;
    added.key += pe;
    added.value += pe;
    EXPECT_TRUE(test::all_close(with.output, attn::run(added).output, 1e-12));
  }
}

// The fast f32 path (RoPE on the buffers before the tiles, ALiBi inside them), flash (the bias inside each
// tile) and the simulated GPU's buffers, against the traced f64 path; grouped heads and several masks.
TEST(Position, FastPathAndFlashMatchTheTracedPath) {
  using M = attn::MaskSpec::Kind;
  for (Kind kind : {Kind::Sinusoidal, Kind::Learned, Kind::Rope, Kind::Alibi})
    for (M mask : {M::None, M::Causal, M::Window, M::Strided}) {
      attn::Problem p = random_problem(300, 24, 6, 2, kind);
      p.mask.kind = mask;
      p.mask.window = 40;
      p.mask.stride = 7;
      p.position.start = 3;
      attn::Problem p64 = p;
      p64.precision = attn::Precision::F64;
      const attn::Result ref = attn::run(p64);
      attn::RunOptions fast;
      fast.weights = false;
      fast.threads = 2;
      const attn::Result f = compute::run_cpu(p, fast);
      EXPECT_TRUE(test::all_close(f.output, ref.output, 1e-4))
          << attn::position_kind(kind).id << static_cast<int>(mask);
      p64.variant = attn::Variant::Flash;
      p64.tile_q = 7, p64.tile_k = 9;
      EXPECT_TRUE(test::all_close(attn::run(p64).output, ref.output, 1e-12)) << attn::position_kind(kind).id;
    }
}

// Cross-attention both ways (L < S, and L > S: the first queries stand before key 0), RoPE and ALiBi on
// direct q/k/v through the fast kernel, flash and the traced path.
TEST(Position, CrossAttentionBothWays) {
  for (const auto& [L, S] : {std::pair{5, 300}, std::pair{300, 40}})
    for (Kind kind : {Kind::Rope, Kind::Alibi})
      for (attn::MaskSpec::Kind mask : {attn::MaskSpec::Kind::None, attn::MaskSpec::Kind::Causal}) {
        attn::Problem p = direct(L, S, 8, 21);
        p.position.kind = kind;
        p.position.slopes = {0.05};
        p.mask.kind = mask;
        const attn::Result ref = attn::run(p);
        attn::Problem f32 = p;
        f32.precision = attn::Precision::F32;
        attn::RunOptions fast;
        fast.weights = false;
        const attn::Result f = compute::run_cpu(f32, fast);
        EXPECT_TRUE(test::all_close(f.output, ref.output, 1e-4))
            << L << " " << S << attn::position_kind(kind).id;
        p.variant = attn::Variant::Flash;
        EXPECT_TRUE(test::all_close(attn::run(p).output, ref.output, 1e-12));
        if (kind == Kind::Alibi) {  // the first query stands at S − L, key j at j
          EXPECT_DOUBLE_EQ(ref.heads[0].bias(0, 0), -0.05 * std::abs(S - L));
        }
      }
}

TEST(Position, TheExactRowWeightsIncludeTheBias) {
  attn::Problem p = random_problem(40, 16, 2, 2, Kind::Alibi);
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  compute::F32Job job = compute::prepare_f32_job(p);
  compute::allocate_outputs(job, "flash", false);
  attn::Problem p64 = p;
  p64.precision = attn::Precision::F64;
  const attn::Result r = attn::run(p64);
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < 40; ++i) {  // lse from the reference's row max and sum
      job.lse[static_cast<size_t>(h * 40 + i)] = static_cast<float>(
          r.heads[static_cast<size_t>(h)].row_max(i) + std::log(r.heads[static_cast<size_t>(h)].row_sum(i)));
    }
  const std::vector<double> w = compute::exact_row_weights(job, 1, 30);
  for (int j = 0; j < 40; ++j) EXPECT_NEAR(w[static_cast<size_t>(j)], r.heads[1].weights(30, j), 1e-5);
}

TEST(Position, JsonRoundTripAndClearErrors) {
  const char* text =
      R"({"q": [[1, 0], [0, 1], [1, 1]], "k": [[1, 0], [0, 1], [1, 1]], "v": [[1], [2], [3]],)"
      R"( "position": {"rope": {"base": 500, "dims": 2, "pairing": "interleaved", "start": 4}}})";
  const attn::Problem p = attn::parse_problem_text(text);
  EXPECT_EQ(p.position.kind, Kind::Rope);
  EXPECT_EQ(p.position.base, 500);
  EXPECT_TRUE(p.position.interleaved);
  EXPECT_EQ(p.position.start, 4);
  EXPECT_EQ(attn::problem_to_json(p)["position"],
            attn::Json::parse(R"({"rope": {"start": 4, "base": 500.0, "dims": 2,
      "pairing": "interleaved"}})"));
  EXPECT_EQ(attn::parse_problem(attn::problem_to_json(p)).position.dims, 2);
  const auto error = [](const std::string& position,
                        const char* inputs = R"("q": [[1, 0]], "k": [[1, 0]], "v": [[1]])") {
    return test::error_of(
        [&] { attn::parse_problem_text(std::string("{") + inputs + ", \"position\": " + position + "}"); });
  };
  EXPECT_EQ(error(R"("alibi")"), "(accepted)");
  EXPECT_NE(error(R"("sinusoidal")").find("a direct q/k/v problem has none"), std::string::npos);
  EXPECT_NE(error(R"("spiral")").find("position: unknown kind \"spiral\""), std::string::npos);
  EXPECT_NE(error(R"({"rope": {"dims": 3}})").find("position.rope.dims: must be an even number"),
            std::string::npos);
  EXPECT_NE(error(R"({"rope": {"dims": 2, "pairing": "zigzag"}})").find("position.rope.pairing"),
            std::string::npos);
  EXPECT_NE(error(R"({"rope": {"spin": 1}})").find("position.rope.spin: unknown setting"), std::string::npos);
  EXPECT_NE(error(R"({"alibi": {"slopes": [0.5, 0.25]}})").find("2 slopes for 1 heads"), std::string::npos);
  EXPECT_NE(error(R"({"rope": {}, "alibi": {}})").find("one kind"), std::string::npos);
  const char* multi =
      R"("query": [[1, 0], [0, 1]], "in_proj_weight": [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]], "out_proj_weight": [[1, 0], [0, 1]])";
  EXPECT_EQ(error(R"({"learned": {"table": [[0, 0], [1, 1]]}})", multi), "(accepted)");
  EXPECT_NE(error(R"({"learned": {"table": [[0, 0]]}})", multi).find("has 1 rows, positions go to 1"),
            std::string::npos);
  EXPECT_NE(error(R"("learned")", multi).find("position.learned.table: missing"), std::string::npos);
  EXPECT_NE(error(R"({"learned": {"table": [[0, 0, 0], [1, 1, 1]]}})", multi).find("expected E = 2"),
            std::string::npos);
  attn::Problem linear = attn::parse_problem_text(text);
  linear.variant = attn::Variant::Linear;
  EXPECT_EQ(test::error_of([&] { attn::run(linear); }), "(accepted)");  // RoPE before the feature map
  linear.position = PositionSpec();
  linear.position.kind = Kind::Alibi;
  EXPECT_NE(test::error_of([&] { attn::run(linear); }).find("linear attention forms no scores"),
            std::string::npos);
}

// Hand-counted: L = S = 6, E = 8, h = 2 (d_k = 4), g = 1.
TEST(Position, TheExtraWorkIsCountedInTheFlops) {
  const auto extra = [](Kind kind, int dims = 0) {
    attn::Problem p = random_problem(6, 8, 2, 1, kind);
    p.position.dims = dims;
    return attn::position_cost(p).mul_adds;
  };
  EXPECT_EQ(extra(Kind::None), 0);
  EXPECT_EQ(extra(Kind::Sinusoidal), (6 + 2 * 6) * 8);
  EXPECT_EQ(extra(Kind::Rope), 2 * 4 * (2 * 6 + 1 * 6));
  EXPECT_EQ(extra(Kind::Rope, 2), 2 * 2 * (2 * 6 + 1 * 6));
  EXPECT_EQ(extra(Kind::Alibi), 2 * 6 * 6);
  const attn::Problem none = random_problem(6, 8, 2, 1, Kind::None),
                      rope = random_problem(6, 8, 2, 1, Kind::Rope);
  EXPECT_EQ(attn::run(rope).stats.flops - attn::run(none).stats.flops, 2 * extra(Kind::Rope));
}

TEST(Position, TheGpuJobHoldsRotatedBuffersAndTheSlopes) {
  attn::Problem p = random_problem(5, 8, 2, 2, Kind::Rope);
  const compute::F32Job job = compute::prepare_f32_job(p);
  const attn::Result r = attn::run(p);
  for (int c = 0; c < 4; ++c)
    EXPECT_NEAR(job.q[static_cast<size_t>(4 + c)], r.heads[0].q(1, c), 1e-6);  // row 1
  EXPECT_EQ(job.params.alibi, 0u);
  p.position.kind = Kind::Alibi;
  const compute::F32Job alibi = compute::prepare_f32_job(p);
  EXPECT_EQ(alibi.params.alibi, 1u);
  EXPECT_EQ(alibi.slopes, (std::vector<float>{1.0f / 16, 1.0f / 256}));
}

// The step-through: a RoPE score as the sum of its rotated pairs, with the offset; ALiBi's bias in the mask
// step, with the head's slope and the distance.
TEST(Position, TheStepsSayWhereThePositionEntered) {
  attn::Problem p = random_problem(6, 8, 2, 2, Kind::Rope);
  p.position.start = 10;
  attn::Result r = attn::run(p);
  attn::ExplainInput in = attn::explain_input(p, r.heads[1], 1);
  const int L = 6, S = 6;
  attn::StepExplanation e = attn::explain_step(
      in, attn::step_at(
              attn::step_index(attn::Stage::Scores, 4, 1, attn::Phase::Cell, L, S, attn::Granularity::Cell),
              L, S, attn::Granularity::Cell));
  EXPECT_EQ(e.values, std::vector<double>{r.heads[1].scores(4, 1)});
  EXPECT_NE(e.formula.find("Re(qₘ·conj(kₘ)·exp(i·3·θₘ))"), std::string::npos) << e.formula;
  EXPECT_NE(e.formula.find("= " + attn::fmt(r.heads[1].scores(4, 1))), std::string::npos);
  ASSERT_EQ(e.narration.size(), 1u);
  EXPECT_EQ(e.narration[0].id, "explain.rope.cell");
  EXPECT_NE(attn::say(attn::english(), e.narration[0]).find("position 14"), std::string::npos);

  p.position.kind = Kind::Alibi;
  p.mask.kind = attn::MaskSpec::Kind::Causal;
  r = attn::run(p);
  in = attn::explain_input(p, r.heads[1], 1);
  EXPECT_EQ(in.slope, 1.0 / 256);  // h = 2: 2^(−8·k/2), k = 2
  e = attn::explain_step(in, attn::step_at(attn::step_index(attn::Stage::Mask, 4, 1, attn::Phase::Cell, L, S,
                                                            attn::Granularity::Cell),
                                           L, S, attn::Granularity::Cell));
  EXPECT_EQ(e.values, std::vector<double>{r.heads[1].masked(4, 1)});
  EXPECT_NE(e.formula.find("(" + attn::fmt(-3.0 / 256) + ")"), std::string::npos) << e.formula;
  EXPECT_EQ(e.narration[0].id, "explain.alibi.cell");
}

TEST(Position, EveryKindHasItsWordsInEveryCatalogAndItsStageExists) {
  for (const attn::PositionKindInfo& k : attn::kPositionKinds)
    if (k.stage) {
      EXPECT_NO_THROW(attn::named_value(attn::kStages, attn::Json(k.stage), "stage")) << k.id;
    }
  for (const attn::Catalog& c : attn::catalogs())
    for (const attn::PositionKindInfo& k : attn::kPositionKinds)
      for (const std::string part : {".title", ".about", ".formula"}) {
        const std::string id =
            (part == ".formula" ? "cost.position." : "position.") + std::string(k.id) + part;
        EXPECT_TRUE(c.messages.count(id)) << c.locale << " " << id;
      }
}
