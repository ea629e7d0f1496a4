// The fast path's entry (see fast.h): packs K and V, finds each row's key bounds, picks the kernel for this
// CPU and gives it scratch. The kernel itself is fast_kernel.h.
#include "attn/fast.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace attn::fast {

float exp_nonpositive(float x) {
  // exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x − n·ln 2 ∈ [−ln2/2, ln2/2]; degree-6 Taylor for exp(r).
  if (!(x >= -87.0f))
    return 0.0f;  // below this exp underflows (and exp(−∞) must be exactly 0 for blocked keys)
  const float kRound = 12582912.0f;  // 1.5·2²³: adding and subtracting it rounds to the nearest integer
  const float n = (x * 1.44269504f + kRound) - kRound;
  const float r = x - n * 0.693145752f - n * 1.42860677e-06f;  // ln 2 split in two for accuracy
  float p = 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

namespace {

int padded(int n, int to) { return (n + to - 1) / to * to; }

#if defined(ATTN_FAST_AVX2)
bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}
bool cpu_has_avx512() {
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
}
#endif

bool always() { return true; }

std::atomic<int> pinned{-1};  // an index into kernels(), −1: the best this CPU runs

// The per-key rule (a mask that is no key range): one cell at a time, as mask_allows answers.
void allowed_cells(const MaskSpec* mask, int L, int S, int i0, int rows, int j0, int cols, unsigned char* ok,
                   int stride) {
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < cols; ++j) ok[r * stride + j] = mask_allows(*mask, i0 + r, j0 + j, L, S) ? 1 : 0;
}

}  // namespace

PackedKV pack_kv(const float* k, const float* v, int S, int d, int dv) {
  PackedKV p;
  p.S = S, p.d = d, p.dv = dv, p.dv_padded = padded(std::max(dv, 1), kPanel);
  const int panels = padded(std::max(S, 1), kPanel) / kPanel;
  p.k_panels.assign(static_cast<size_t>(panels) * d * kPanel, 0.0f);
  for (int j = 0; j < S; ++j)
    for (int c = 0; c < d; ++c)
      p.k_panels[(static_cast<size_t>(j / kPanel) * d + c) * kPanel + j % kPanel] =
          k[static_cast<size_t>(j) * d + c];
  p.v_padded.assign(static_cast<size_t>(S) * p.dv_padded, 0.0f);
  for (int j = 0; j < S; ++j)
    std::copy(v + static_cast<size_t>(j) * dv, v + static_cast<size_t>(j + 1) * dv,
              p.v_padded.begin() + static_cast<long>(j) * p.dv_padded);
  return p;
}

double packed_bytes(double S, double d, double dv) {
  const auto up = [](double n) { return std::ceil(std::max(n, 1.0) / kPanel) * kPanel; };
  return 4.0 * (up(S) * d + S * up(dv));
}

const std::vector<Kernel>& kernels() {
  static const std::vector<Kernel> all = {
#if defined(ATTN_FAST_AVX2)
    {"avx512", cpu_has_avx512, tiles_avx512},
    {"avx2+fma", cpu_has_avx2, tiles_avx2},
#endif
    {"4 lanes", always, tiles_portable}
  };
  return all;
}

namespace {
const Kernel& chosen() {
  const int p = pinned.load(std::memory_order_relaxed);
  if (p >= 0) return kernels()[static_cast<size_t>(p)];
  for (const Kernel& k : kernels())
    if (k.runs_here()) return k;
  return kernels().back();
}
}  // namespace

const char* kernel_name() { return chosen().name; }

bool use_kernel(const char* name) {
  for (size_t i = 0; i < kernels().size(); ++i)
    if (std::strcmp(kernels()[i].name, name) == 0 && kernels()[i].runs_here()) {
      pinned.store(static_cast<int>(i), std::memory_order_relaxed);
      return true;
    }
  pinned.store(-1, std::memory_order_relaxed);
  return name[0] == '\0';
}

void attention_rows(const float* q, const PackedKV& kv, int L, float multiplier, const MaskSpec& mask,
                    float* out, int row_begin, int row_end, float slope) {
  if (row_begin >= row_end) return;
  const int S = kv.S;
  std::vector<int> begin(static_cast<size_t>(L), 0), end(static_cast<size_t>(L), S);
  const std::optional<KeyRange> range = key_range(mask);
  if (range)
    for (int i = row_begin; i < row_end; ++i)
      key_bounds(*range, i + S - L, S, begin[static_cast<size_t>(i)], end[static_cast<size_t>(i)]);
  const TileJob job{q,
                    kv.k_panels.data(),
                    kv.v_padded.data(),
                    out,
                    L,
                    S,
                    kv.d,
                    kv.dv,
                    kv.dv_padded,
                    multiplier,
                    slope,
                    begin.data(),
                    end.data(),
                    range ? nullptr : allowed_cells,
                    &mask};
  std::vector<float> scratch(static_cast<size_t>(scratch_floats(kv.d, kv.dv_padded)));
  std::vector<unsigned char> ok(kScratchBytes);
  chosen().run(job, row_begin, row_end, scratch.data(), ok.data());
}

}  // namespace attn::fast
