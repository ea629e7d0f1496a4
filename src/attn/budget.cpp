// Bytes and operations a run will take, from shapes alone (see budget.h). The counts follow the code they
// describe: run.cpp/attention.cpp/multihead.cpp for the traced path, f32_job.cpp for the output-only path,
// json_io.cpp for the JSON. Operation weights are calibrated to about 1 ns each on one core (budget test).
#include "attn/budget.h"

#include <cmath>
#include <cstdio>

#include "attn/cost.h"
#include "attn/fast.h"
#include "attn/format.h"

namespace attn {

namespace {

// Costs in "operations" (≈ 1 ns natively; WebAssembly is 2–4× slower).
constexpr double kMulAdd = 0.3;      // a multiply-add in an Eigen product (f64 projections are the slow ones)
constexpr double kTracedCell = 50;   // one (i, j) of the traced path: score, scale, mask, exp, divide, widen
constexpr double kFastCell = 4;      // one (i, j) of the output-only path (exp, running sums)
constexpr double kMaskCell = 6;      // one (i, j) of build_mask (more with global tokens)
constexpr double kJsonNumber = 150;  // one number into the JSON tree and out as text
constexpr double kInputNumber = 30;  // one input number: generated or checked, copied, cast
constexpr double kJsonNumberBytes = 88;  // tree value (16, rows grown 2×) + text (~24) + a copy for JS

struct Shape {
  double L = 0, S = 0, h = 1, g = 1, d = 0, dv = 0;
  double inputs = 0;    // numbers in query/key/value (or q/k/v)
  double weights = 0;   // numbers in the projection weights and biases
  double out_cols = 0;  // columns of the output (E, or d_v)
  double E = 0, kv = 0;
  bool multi = false;
};

Shape shape_of(const Problem& p) {
  Shape s;
  s.L = p.query_len();
  s.S = p.key_len();
  s.h = p.heads();
  s.g = p.kv_heads();
  if (p.form == Problem::Form::Direct) {
    s.d = static_cast<double>(p.q.cols());
    s.dv = static_cast<double>(p.v.cols());
    s.inputs = s.L * s.d + s.S * (s.d + s.dv);
    s.out_cols = s.dv;
    return s;
  }
  s.multi = true;
  s.E = p.form == Problem::Form::MultiHead ? static_cast<double>(p.query.cols()) : p.random.d_model;
  s.d = s.dv = s.E / s.h;
  s.kv = s.d * s.g;
  s.inputs = s.L * s.E + 2 * s.S * s.E;
  s.weights = (s.E + 2 * s.kv) * (s.E + 1) + s.E * (s.E + 1);
  s.out_cols = s.E;
  return s;
}

// Numbers in one head's trace besides the L×S matrices: q, k, v, output, row max and sum.
double head_vectors(const Shape& s) { return s.L * s.d + s.S * (s.d + s.dv) + s.L * s.dv + 2 * s.L; }

}  // namespace

Budget estimate_budget(const Problem& p, const RunOptions& o) {
  const Shape s = shape_of(p);
  const double elem = p.precision == Precision::F64 ? 8 : 4;
  const double cells = s.h * s.L * s.S, mask_cells = s.L * s.S;
  const bool range = mask_is_range(p.mask);
  Budget b;
  b.cells = cells;
  b.bytes = 64 * 1024;  // the Result's fixed parts: names, stats, JSON keys
  // The problem as given and its materialised copy (run and prepare_f32_job both copy it).
  b.bytes += 2 * 8 * (s.inputs + s.weights);
  if (p.position.kind == PositionSpec::Kind::Learned)  // the table (generated for a random problem), twice
    b.bytes += 2 * 8 * (p.position.start + std::max(s.L, s.S)) * s.E;
  double mul_adds = estimate_cost(p).mul_adds;  // projections and the standard core h·L·S·(d + d_v)
  if (o.gpu)                                    // the GPU computes the core; the CPU projects and copies
    mul_adds -= cells * (s.d + s.dv);
  else if (p.variant == Variant::Linear && !o.weights)  // φ(K)ᵀV and φ(Q)·(…) instead of the L×S core
    mul_adds += 2 * s.h * (s.L + s.S) * s.d * s.dv - cells * (s.d + s.dv);
  b.operations = kInputNumber * (s.inputs + s.weights) + kMulAdd * mul_adds;
  double json_numbers = s.L * s.out_cols;
  if (o.weights) {
    const double casts = s.inputs + s.weights + (s.multi ? s.L * s.E + 2 * s.S * s.kv + 2 * s.L * s.E : 0);
    b.bytes += elem * casts;  // inputs cast to T, projections, concat, output
    b.bytes += (elem + 8) * s.h * (head_vectors(s) + 4 * s.L * s.S);  // traces in T, then widened to f64
    b.bytes += 2 * mask_cells + 8 * s.L * s.out_cols;            // the mask (built, held), the f64 output
    if (p.variant == Variant::Linear) b.bytes += 3 * 8 * cells;  // φ(q)φ(k)ᵀ, the implied matrix, its mask
    if (p.position.kind == PositionSpec::Kind::Alibi) {  // the bias in f64, in T, scaled + bias, widened
      b.bytes += (8 + 2 * elem + 8) * cells;
      json_numbers += o.json == 2 ? cells : 0;
    }
    if (p.position.kind == PositionSpec::Kind::Rope)  // the unrotated q and k each head keeps, in T and f64
      b.bytes += (elem + 8) * s.h * (s.L + s.S) * s.d;
    b.operations += kTracedCell * cells + kMaskCell * mask_cells * (p.mask.global.empty() ? 1 : 4);
    json_numbers += cells;
    if (o.json == 2) json_numbers += s.h * head_vectors(s) + 3 * cells;  // scores, scaled, masked
  } else {
    if (s.multi) b.bytes += 8 * (s.L * s.E + 2 * s.S * s.kv);  // f64 projections before the f32 copies
    b.bytes += 4 * (s.h * s.L * s.d + s.g * s.S * (s.d + s.dv) + s.h * s.L * s.dv);  // f32 job buffers
    if (!range) b.bytes += 5 * mask_cells;  // MaskMat, then the uint32 copy the kernels read
    b.bytes += 8 * s.h * head_vectors(s) + 8 * s.L * (s.h * s.dv + s.out_cols);  // the Result's f64 copies
    if (p.variant != Variant::Linear && !o.gpu) {
      b.operations += kFastCell * cells;
      b.bytes += fast::packed_bytes(s.S, s.d, s.dv) + 8 * s.L;  // fast::pack_kv, each row's key bounds
    }
    if (!range) b.operations += 2 * kMaskCell * mask_cells;  // build_mask and the fully-masked row check
  }
  if (o.json > 0) {
    b.bytes += kJsonNumberBytes * json_numbers;
    b.operations += kJsonNumber * json_numbers;
  }
  return b;
}

double gpu_weights_bytes(const Problem& p, bool trace) {
  const double cells = static_cast<double>(p.heads()) * p.query_len() * p.key_len();
  return cells * (trace ? 2 : 1) * (4 + 8 + kJsonNumberBytes);
}

void check_budget(const Problem& p, const RunOptions& o) {
  const Budget b = estimate_budget(p, o);
  const bool bytes_over = !(b.bytes <= o.max_bytes), ops_over = !(b.operations <= o.max_operations);
  if (!bytes_over && !ops_over) return;
  const char* field = p.form == Problem::Form::Direct      ? "q"
                      : p.form == Problem::Form::MultiHead ? "query"
                                                           : "random.n";
  const Shape s = shape_of(p);
  char size[200];
  std::snprintf(size, sizeof size, "%.0f×%.0f tokens × %.0f head%s of width %.0f%s", s.L, s.S, s.h,
                s.h == 1 ? "" : "s", s.d,
                o.weights ? (o.json == 2 ? " with the trace" : " with the weights") : ", output only");
  std::string msg = std::string(field) + ": " + size;
  char buf[200];
  if (bytes_over) {
    msg += " need " + human_bytes(b.bytes) + " of memory; the limit here is " + human_bytes(o.max_bytes);
  } else {
    std::snprintf(buf, sizeof buf, " need about %.1e operations (~%.0f s on one core); the limit is %.1e",
                  b.operations, b.operations * 1e-9, o.max_operations);
    msg += buf;
  }
  if (16 * (s.inputs + s.weights) > b.bytes / 2)
    msg += ". The inputs and weights alone are most of that: use a smaller d_model or fewer tokens.";
  else
    msg += o.weights ? ". Use fewer tokens, or the output only (--no-weights, weights: false), which never "
                       "forms the L×S matrices."
                     : ". Use fewer tokens or heads.";
  throw ProblemError(msg);
}

}  // namespace attn
