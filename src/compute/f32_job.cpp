// Problem → per-head f32 buffers, and GPU results → Result (see f32_job.h).
#include "compute/f32_job.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <system_error>
#include <thread>

#include "attn/fast.h"
#include "attn/linear.h"
#include "attn/multihead.h"

namespace compute {

namespace {

// Runs fn(r0, r1) over [0, rows) in `threads` shares, each starting on a multiple of `align` rows: the
// calling thread runs the first. A thread that cannot start (a browser whose worker pool is spent) leaves its
// share to the calling thread.
template <class Fn>
void for_row_shares(int rows, int threads, const Fn& fn, int align = 1) {
  const int n = std::clamp(threads, 1, std::max(1, rows / align));
  auto edge = [&](int t) {
    return t == n ? rows : static_cast<int>(static_cast<long long>(rows) * t / n / align * align);
  };
  auto share = [&](int t) { fn(edge(t), edge(t + 1)); };
  std::vector<std::thread> pool;
  int started = 1;
  for (; started < n; ++started) {
    try {
      pool.emplace_back(share, started);
    } catch (const std::system_error&) {
      break;
    }
  }
  share(0);
  for (int t = started; t < n; ++t) share(t);
  for (std::thread& th : pool) th.join();
}

// Below ~4 M multiply-adds starting a thread costs more than it saves.
int threads_for(double multiply_adds, int threads) {
  return multiply_adds < 4.0 * (1 << 20) ? 1 : std::max(1, threads);
}

// x·wᵀ (+ bias), its rows split over threads. Shares start on multiples of 48 rows, a multiple of every row
// panel Eigen's product kernels use, so each row is summed the same way however many threads there are.
attn::MatD project(const attn::MatD& x, const attn::MatD& w, const attn::VecD& bias, int threads) {
  attn::MatD out(x.rows(), w.rows());
  for_row_shares(
      static_cast<int>(x.rows()), threads_for(static_cast<double>(x.size()) * w.rows(), threads),
      [&](int r0, int r1) {
        out.middleRows(r0, r1 - r0).noalias() = x.middleRows(r0, r1 - r0) * w.transpose();
        if (bias.size()) out.middleRows(r0, r1 - r0).rowwise() += bias.transpose();
      },
      48);
  return out;
}

// Appends the rows of m (row-major) as f32.
void append(std::vector<float>& out, const attn::MatD& m) {
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index c = 0; c < m.cols(); ++c) out.push_back(static_cast<float>(m(i, c)));
}

// Appends `heads` heads of width d, side by side in x, one after the other; RoPE rotates each (first row at
// position `first`) before the tiles ever see it, so every kernel reads rotated q and k.
void append_heads(std::vector<float>& out, const attn::MatD& x, int heads, Eigen::Index d,
                  const attn::PositionSpec& pos, int first) {
  for (int i = 0; i < heads; ++i) {
    attn::MatD head = x.middleCols(i * d, d);
    if (pos.kind == attn::PositionSpec::Kind::Rope) attn::rope_rotate(head, pos, first);
    append(out, head);
  }
}

}  // namespace

void check_gpu_fits(const attn::Problem& p, double max_buffer_bytes) {
  attn::validate(p);
  const double h = p.heads(), g = p.kv_heads(), L = p.query_len(), S = p.key_len();
  double d = 0, dv = 0;
  switch (p.form) {
    case attn::Problem::Form::Direct:
      d = static_cast<double>(p.q.cols()), dv = static_cast<double>(p.v.cols());
      break;
    case attn::Problem::Form::MultiHead:
      d = dv = static_cast<double>(p.query.cols()) / p.num_heads;
      break;
    case attn::Problem::Form::Random:
      d = dv = static_cast<double>(p.random.d_model) / p.random.num_heads;
      break;
  }
  if (p.variant == attn::Variant::Linear)
    throw attn::ProblemError("variant: linear attention has no WebGPU kernel here; it runs on the CPU");

  if (!attn::mask_is_range(p.mask) && 4 * L * S > max_buffer_bytes)
    throw attn::ProblemError("mask: " + attn::mask_name(p.mask) + " goes to the GPU as an L×S 0/1 matrix, " +
                             std::to_string(static_cast<long long>(4 * L * S / 1048576)) +
                             " MiB, more than one GPU buffer may hold here");
  if (d > 128 || dv > 128)
    throw attn::ProblemError("d_k: the WebGPU kernels support head widths up to 128, got " +
                             std::to_string(static_cast<int>(std::max(d, dv))));
  const struct {
    const char* name;
    double bytes;
  } buffers[] = {
      {"q", 4 * h * L * d}, {"k", 4 * g * S * d}, {"v", 4 * g * S * dv}, {"output", 4 * h * L * dv}};
  for (const auto& b : buffers)
    if (b.bytes > max_buffer_bytes) {
      char msg[256];
      std::snprintf(
          msg, sizeof msg,
          "%s: %.0f heads × %.0f tokens × %.0f need %.0f MiB in one GPU buffer; this GPU allows %.0f MiB "
          "(maxStorageBufferBindingSize). Use fewer tokens or heads.",
          b.name, b.name[0] == 'k' || b.name[0] == 'v' ? g : h, b.name[0] == 'k' || b.name[0] == 'v' ? S : L,
          b.name[0] == 'v' || b.name[0] == 'o' ? dv : d, b.bytes / 1048576, max_buffer_bytes / 1048576);
      throw attn::ProblemError(msg);
    }
}

double score_matrix_bytes(const attn::Problem& p) {
  return 4.0 * p.heads() * static_cast<double>(p.query_len()) * p.key_len();
}

F32Job prepare_f32_job(const attn::Problem& input, int threads) {
  attn::validate(input);
  attn::check_range(input, attn::Precision::F32);
  F32Job job;
  job.problem = attn::materialize(input);
  const attn::Problem& p = job.problem;
  job.L = p.query_len();
  job.S = p.key_len();
  job.h = p.heads();
  job.g = p.kv_heads();
  const attn::PositionSpec& pos = p.position;
  const int q0 = attn::query_position(pos, 0, job.L, job.S), k0 = attn::key_position(pos, 0);
  const attn::PositionSpec none;
  if (p.form == attn::Problem::Form::Direct) {
    job.d = static_cast<int>(p.q.cols());
    job.dv = static_cast<int>(p.v.cols());
    append_heads(job.q, p.q, 1, job.d, pos, q0);
    append_heads(job.k, p.k, 1, job.d, pos, k0);
    append(job.v, p.v);
  } else {
    const Eigen::Index E = p.query.cols(), d = E / p.num_heads, kv = d * p.num_kv_heads;
    job.d = job.dv = static_cast<int>(d);
    const attn::VecD& b = p.in_proj_bias;
    const bool biased = b.size() > 0;
    const attn::MatD qp = project(attn::add_input_positions(p.query, pos, q0), p.in_proj_weight.topRows(E),
                                  biased ? b.head(E) : attn::VecD(), threads);
    const attn::MatD kp =
        project(attn::add_input_positions(p.key, pos, k0), p.in_proj_weight.middleRows(E, kv),
                biased ? b.segment(E, kv) : attn::VecD(), threads);
    const attn::MatD vp =
        project(attn::add_input_positions(p.value, pos, k0), p.in_proj_weight.bottomRows(kv),
                biased ? b.tail(kv) : attn::VecD(), threads);
    append_heads(job.q, qp, job.h, d, pos, q0);
    append_heads(job.k, kp, job.g, d, pos, k0);
    append_heads(job.v, vp, job.g, d, none, 0);
  }
  job.slopes.assign(static_cast<size_t>(job.h), 0.0f);
  if (pos.kind == attn::PositionSpec::Kind::Alibi) {
    const std::vector<double> slopes = attn::alibi_slopes(pos, job.h);
    for (size_t i = 0; i < slopes.size(); ++i) job.slopes[i] = static_cast<float>(slopes[i]);
  }
  job.multiplier = static_cast<float>(attn::score_multiplier(p.scale, job.d, p.temperature));
  GpuParams& gp = job.params;
  gp = {static_cast<std::uint32_t>(job.L), static_cast<std::uint32_t>(job.S),
        static_cast<std::uint32_t>(job.d), static_cast<std::uint32_t>(job.dv),
        static_cast<std::uint32_t>(job.h), static_cast<std::uint32_t>(job.g)};
  gp.multiplier = job.multiplier;
  gp.alibi = pos.kind == attn::PositionSpec::Kind::Alibi ? 1 : 0;
  gp.key_end = gp.S;
  if (const std::optional<attn::KeyRange> r = attn::key_range(p.mask)) {
    gp.causal = r->causal ? 1 : 0;
    gp.window = static_cast<std::uint32_t>(r->window);
    gp.key_end = static_cast<std::uint32_t>(std::clamp(r->key_end, 0, job.S));
    job.allowed = {0};
  } else {  // strided, block, symmetric window, global tokens, painted: as a 0/1 matrix
    const attn::MaskMat allowed = attn::build_mask(p.mask, job.L, job.S);
    gp.explicit_mask = 1;
    job.allowed.assign(allowed.data(), allowed.data() + allowed.size());
  }
  job.out.assign(static_cast<size_t>(job.h) * job.L * job.dv, 0.0f);
  return job;
}

double alibi(const F32Job& job, int head, int row, int key) {
  if (!job.params.alibi) return 0;
  return -static_cast<double>(job.slopes[static_cast<size_t>(head)]) * std::abs(row + job.S - job.L - key);
}

std::vector<double> exact_row_weights(const F32Job& job, int head, int row) {
  if (head < 0 || head >= job.h)
    throw attn::ProblemError("head: " + std::to_string(head) + " is outside 0…" + std::to_string(job.h - 1));
  if (row < 0 || row >= job.L)
    throw attn::ProblemError("row: " + std::to_string(row) + " is outside 0…" + std::to_string(job.L - 1));
  if (job.lse.size() != static_cast<size_t>(job.h) * job.L)
    throw attn::ProblemError("gpu: no row log-sum-exp (run the flash path first)");
  std::vector<double> w(static_cast<size_t>(job.S), 0.0);
  const double lse = job.lse[static_cast<size_t>(head) * job.L + row];
  if (lse <= -1e38) return w;  // fully masked (BLOCKED)
  const int kvh = head * job.g / job.h;
  const float* q = job.q.data() + (static_cast<size_t>(head) * job.L + row) * job.d;
  for (int j = 0; j < job.S; ++j) {
    if (!attn::mask_allows(job.problem.mask, row, j, job.L, job.S)) continue;
    const float* k = job.k.data() + (static_cast<size_t>(kvh) * job.S + j) * job.d;
    double dot = 0;
    for (int c = 0; c < job.d; ++c) dot += static_cast<double>(q[c]) * k[c];
    w[static_cast<size_t>(j)] = std::exp(dot * job.multiplier + alibi(job, head, row, j) - lse);
  }
  return w;
}

void allocate_outputs(F32Job& job, const std::string& path, bool trace) {
  const size_t hls = static_cast<size_t>(job.h) * job.L * job.S;
  if (path == "3-pass") {
    job.weights.assign(hls, 0.0f);
    if (trace) job.scores.assign(hls, 0.0f);
  } else {
    job.lse.assign(static_cast<size_t>(job.h) * job.L, 0.0f);
  }
}

attn::Result finish_f32_job(const F32Job& job, const std::string& path, const std::string& backend,
                            int threads) {
  const attn::Problem& p = job.problem;
  attn::Result r;  // r.allowed stays empty: at large n the L×S mask would not fit in memory
  const Eigen::Index L = job.L, S = job.S, d = job.d, dv = job.dv;
  attn::MatD concat(L, dv * job.h);
  for (int i = 0; i < job.h; ++i) {
    attn::HeadTrace<double> t;
    t.kv_head = attn::kv_head_of(i, job.h, job.g);
    using MapF = Eigen::Map<const attn::MatF>;
    t.q = MapF(job.q.data() + static_cast<size_t>(i) * L * d, L, d).cast<double>();
    t.k = MapF(job.k.data() + static_cast<size_t>(t.kv_head) * S * d, S, d).cast<double>();
    t.v = MapF(job.v.data() + static_cast<size_t>(t.kv_head) * S * dv, S, dv).cast<double>();
    t.output = MapF(job.out.data() + static_cast<size_t>(i) * L * dv, L, dv).cast<double>();
    if (!job.weights.empty())
      t.weights = MapF(job.weights.data() + static_cast<size_t>(i) * L * S, L, S).cast<double>();
    if (!job.scores.empty()) {
      t.masked = MapF(job.scores.data() + static_cast<size_t>(i) * L * S, L, S).cast<double>();
      t.masked = (t.masked.array() <= -1e38).select(-std::numeric_limits<double>::infinity(), t.masked);
    }
    t.fully_masked.assign(static_cast<size_t>(L), false);
    for (Eigen::Index row = 0; row < L; ++row)
      t.fully_masked[static_cast<size_t>(row)] =
          attn::row_fully_masked(p.mask, static_cast<int>(row), job.L, job.S);
    concat.middleCols(i * dv, dv) = t.output;
    r.heads.push_back(std::move(t));
  }
  if (p.form == attn::Problem::Form::Direct) {
    r.output = concat;
  } else {
    r.output = project(concat, p.out_proj_weight, p.out_proj_bias, threads);
  }
  const attn::Cost c = attn::estimate_cost(p);
  r.stats.flops = 2 * c.mul_adds;
  r.stats.bytes = path == "3-pass" ? c.intermediate_bytes : 0;
  r.stats.backend = backend;
  r.stats.precision = "f32";
  r.stats.path = path;
  r.stats.variant = attn::variant_name(p.variant);
  return r;
}

void run_linear(F32Job& job) {
  const attn::Problem& p = job.problem;
  const bool causal = p.mask.kind == attn::MaskSpec::Kind::Causal;
  using MapF = Eigen::Map<const attn::MatF>;
  for (int head = 0; head < job.h; ++head) {
    const int kvh = attn::kv_head_of(head, job.h, job.g);
    const attn::MatD q =
        MapF(job.q.data() + static_cast<size_t>(head) * job.L * job.d, job.L, job.d).cast<double>();
    const attn::MatD k =
        MapF(job.k.data() + static_cast<size_t>(kvh) * job.S * job.d, job.S, job.d).cast<double>();
    const attn::MatD v =
        MapF(job.v.data() + static_cast<size_t>(kvh) * job.S * job.dv, job.S, job.dv).cast<double>();
    const attn::MatF o = attn::linear_attention(q, k, v, p.feature_map, causal, false).output.cast<float>();
    std::copy(o.data(), o.data() + o.size(), job.out.data() + static_cast<size_t>(head) * job.L * job.dv);
  }
}

int fast_threads(const F32Job& job, int threads) {
  return threads_for(static_cast<double>(job.L) * job.S * (job.d + job.dv),
                     threads);  // (d = 64: n = 128 on one, n = 256 split)
}

void run_fast(F32Job& job, int threads) {
  threads = fast_threads(job, threads);
  attn::fast::PackedKV kv;  // (one K/V head serves every query head of its group: packed once)
  int packed = -1;
  for (int head = 0; head < job.h; ++head) {
    const int kvh = attn::kv_head_of(head, job.h, job.g);
    if (kvh != packed) {
      kv = attn::fast::PackedKV();  // (the last head's pack goes first: one pack at a time, as budgeted)
      kv =
          attn::fast::pack_kv(job.k.data() + static_cast<size_t>(kvh) * job.S * job.d,
                              job.v.data() + static_cast<size_t>(kvh) * job.S * job.dv, job.S, job.d, job.dv);
      packed = kvh;
    }
    const float* q = job.q.data() + static_cast<size_t>(head) * job.L * job.d;
    float* out = job.out.data() + static_cast<size_t>(head) * job.L * job.dv;
    for_row_shares(job.L, threads, [&](int r0, int r1) {
      attn::fast::attention_rows(q, kv, job.L, job.multiplier, job.problem.mask, out, r0, r1,
                                 job.slopes[static_cast<size_t>(head)]);
    });
  }
}

}  // namespace compute
