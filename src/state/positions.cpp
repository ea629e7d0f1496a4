// The Variants view's Positions part, derived: the current input with each position scheme (weights, the
// change from no position, the relative-shift test) and the extrapolation numbers (see app_state.h).
// Tests: tests/core/test_app_state.cpp (AppState.VariantsPositions*).
#include <algorithm>
#include <cmath>

#include "state/app_state.h"

namespace state {

namespace {

using Kind = attn::PositionSpec::Kind;

// The kinds the lab compares: learned tables come with a trained model (the Model view), not a sentence.
constexpr Kind kCompared[] = {Kind::None, Kind::Sinusoidal, Kind::Rope, Kind::Alibi};

// The current input with position `pos`: a sentence's vectors get it the way the input panel gives it (an
// added table goes into x before the projections); a given problem takes it as its own position.
attn::Problem with_position(const AppState& s, const attn::PositionSpec& pos) {
  attn::Problem p;
  if (s.source == Source::Embeddings) {
    attn::SentenceSetup setup = s.setup;
    setup.position = pos;
    p = sentence_problem(setup, s.inputs, s.settings);
  } else {
    p = s.problem();
    p.position = pos;
  }
  p.variant = attn::Variant::Standard;
  return p;
}

// max |a − b| over the cells both hold a finite number (blocked scores are −∞ in both).
double finite_diff(const attn::MatD& a, const attn::MatD& b) {
  double d = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < a.cols(); ++j)
      if (std::isfinite(a(i, j)) && std::isfinite(b(i, j))) d = std::max(d, std::fabs(a(i, j) - b(i, j)));
  return d;
}

PositionReach reach_of(const AppState& s) {
  PositionReach r;
  const int n = std::max(s.problem().key_len(), 2), far = 4 * n - 1;
  r.n = n;
  const int E = s.problem().form == attn::Problem::Form::Direct ? static_cast<int>(s.problem().q.cols())
                                                                : static_cast<int>(s.problem().query.cols());
  const attn::MatD seen = attn::sinusoidal_table(0, n, std::max(E, 2));
  const attn::VecD at_far = attn::sinusoidal_table(far, 1, std::max(E, 2)).row(0).transpose();
  for (Eigen::Index p = 0; p < seen.rows(); ++p)
    r.sin_similarity =
        std::max(r.sin_similarity, seen.row(p).dot(at_far) / (seen.row(p).norm() * at_far.norm()));
  attn::PositionSpec rope;
  rope.kind = Kind::Rope;
  const int d_k = static_cast<int>(s.derived().result.heads.front().q.cols());
  const int d_rot = std::max(attn::rope_dims(rope, d_k), 2);
  r.rope_pairs = d_rot / 2;
  r.rope_seen = attn::rope_angle(rope, d_rot, r.rope_pairs - 1, n - 1);
  r.rope_far = attn::rope_angle(rope, d_rot, r.rope_pairs - 1, far);
  r.rope_wavelength = 2 * std::acos(-1.0) / attn::rope_angle(rope, d_rot, r.rope_pairs - 1, 1);
  attn::PositionSpec alibi;
  alibi.kind = Kind::Alibi;
  const std::vector<double> slopes = attn::alibi_slopes(alibi, s.problem().heads());
  r.alibi_slope = slopes[static_cast<size_t>(std::clamp(s.view.head, 0, s.problem().heads() - 1))];
  r.alibi_seen = -r.alibi_slope * (n - 1);
  r.alibi_far = -r.alibi_slope * far;
  return r;
}

}  // namespace

double shift_change(const AppState& s, attn::PositionSpec::Kind kind) {
  attn::PositionSpec pos;
  pos.kind = kind;
  const attn::Result a = attn::run(with_position(s, pos));
  pos.start = kPositionShift;
  const attn::Result b = attn::run(with_position(s, pos));
  double d = 0;
  for (size_t h = 0; h < a.heads.size(); ++h)
    d = std::max(d, finite_diff(a.heads[h].masked, b.heads[h].masked));
  return d;
}

void refresh_positions(const AppState& s, Variants& v) {
  v.positions.clear();
  attn::MatD none_output;
  for (Kind kind : kCompared) {
    PositionRun run;
    run.kind = kind;
    attn::PositionSpec pos;
    pos.kind = kind;
    if (attn::position_kind(kind).needs_inputs && s.source != Source::Embeddings &&
        s.problem().form == attn::Problem::Form::Direct) {
      run.note = {"lab.positions.needs_x", {}};
      v.positions.push_back(std::move(run));
      continue;
    }
    attn::Problem counted = s.problem();
    counted.position = pos;
    run.extra = attn::position_cost(counted, s.source == Source::Embeddings ? s.setup.d_model : 0).mul_adds;
    try {
      const attn::Result r = attn::run(with_position(s, pos));
      pos.start = kPositionShift;
      const attn::Result shifted = attn::run(with_position(s, pos));
      if (kind == Kind::None) none_output = r.output;
      run.vs_none = none_output.size() ? (r.output - none_output).cwiseAbs().maxCoeff() : -1;
      run.shift_output = (r.output - shifted.output).cwiseAbs().maxCoeff();
      run.shift_scores = 0;
      for (size_t h = 0; h < r.heads.size(); ++h) {
        run.weights.push_back(r.heads[h].weights);
        run.shift_scores =
            std::max(run.shift_scores, finite_diff(r.heads[h].masked, shifted.heads[h].masked));
      }
    } catch (const attn::ProblemError& e) {
      run.note = {"lab.run.failed", {attn::text_arg("why", e.what())}};
    }
    v.positions.push_back(std::move(run));
  }
  v.reach = reach_of(s);
}

}  // namespace state
