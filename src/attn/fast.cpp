// Vectorisable f32 attention rows (see fast.h). Numbered passes per row: scores, max, exp+sum, weighted sum.
#include "attn/fast.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

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

// Σ_c a[c]·b[c] with 8 independent accumulators (so the loop vectorises without -ffast-math).
float dot(const float* a, const float* b, int d) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int c = 0;
  for (; c + 8 <= d; c += 8)
    for (int u = 0; u < 8; ++u) acc[u] += a[c + u] * b[c + u];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; c < d; ++c) s += a[c] * b[c];
  return s;
}

// Σ a[0..n) with 8 independent accumulators.
float sum8(const float* a, int n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int c = 0;
  for (; c + 8 <= n; c += 8)
    for (int u = 0; u < 8; ++u) acc[u] += a[c + u];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; c < n; ++c) s += a[c];
  return s;
}

}  // namespace

void attention_rows(const float* q, const float* k, const float* v, int L, int S, int d, int dv,
                    float multiplier, const MaskSpec& mask, float* out, int row_begin, int row_end) {
  std::vector<float> s(static_cast<size_t>(S));
  const float neg_inf = -std::numeric_limits<float>::infinity();
  const std::optional<KeyRange> range = key_range(mask);
  const bool per_key = !range;
  for (int i = row_begin; i < row_end; ++i) {
    float* o = out + static_cast<size_t>(i) * dv;
    std::fill(o, o + dv, 0.0f);
    int begin = 0, end = S;
    if (range) key_bounds(*range, i + S - L, S, begin, end);
    // Pass 1: scores of the allowed keys, and their max.
    const float* qi = q + static_cast<size_t>(i) * d;
    float m = neg_inf;
    for (int j = begin; j < end; ++j) {
      const bool ok = !per_key || mask_allows(mask, i, j, L, S);
      s[static_cast<size_t>(j)] = ok ? dot(qi, k + static_cast<size_t>(j) * d, d) * multiplier : neg_inf;
      m = std::max(m, s[static_cast<size_t>(j)]);
    }
    if (m == neg_inf) continue;  // fully masked: zeros
    // Pass 2: exp(s − m) (exp_nonpositive(−∞) is 0 for blocked keys), then the sum, in two loops so both
    // vectorise.
    for (int j = begin; j < end; ++j)
      s[static_cast<size_t>(j)] = exp_nonpositive(s[static_cast<size_t>(j)] - m);
    const float sum = sum8(s.data() + begin, end - begin);
    // Pass 3: o = Σ_j (e_j / sum)·v_j.
    const float inv = 1.0f / sum;
    for (int j = begin; j < end; ++j) {
      const float w = s[static_cast<size_t>(j)] * inv;
      const float* vj = v + static_cast<size_t>(j) * dv;
      for (int c = 0; c < dv; ++c) o[c] += w * vj[c];
    }
  }
}

}  // namespace attn::fast
