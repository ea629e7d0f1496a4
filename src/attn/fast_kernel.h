// The tiled kernel of the fast CPU path (fast.h), written once for a vector width W and compiled per
// instruction set: fast_portable.cpp (4 lanes: SSE natively, SIMD128 in WebAssembly), fast_avx2.cpp (8
// lanes, FMA) and fast_avx512.cpp (16 lanes). Flash-style: a block of MR query rows walks the keys in tiles
// of kTile; per tile a register-blocked micro-kernel forms the MR×kTile scores (q·k, MR rows × NR keys in
// registers, d steps), the online softmax rescales the block's running output, and a second micro-kernel adds
// P·V (MR rows × NR output columns in registers). No L×S matrix. Everything here is in an unnamed namespace:
// no inline function compiled for one instruction set is shared with another translation unit. Included only
// by those three files.
#pragma once

#include <cstdint>
#include <cstring>

#include "attn/fast.h"

namespace attn::fast {
namespace {

template <int W>
struct Lanes;
template <>
struct Lanes<4> {
  typedef float V __attribute__((vector_size(16)));
  typedef std::int32_t VI __attribute__((vector_size(16)));
};
template <>
struct Lanes<8> {
  typedef float V __attribute__((vector_size(32)));
  typedef std::int32_t VI __attribute__((vector_size(32)));
};
template <>
struct Lanes<16> {
  typedef float V __attribute__((vector_size(64)));
  typedef std::int32_t VI __attribute__((vector_size(64)));
};

// MR query rows × NV vectors of W keys (or output columns) live in registers: MR·NV accumulators.
template <int W, int MR, int NV>
struct Tiled {
  using V = typename Lanes<W>::V;
  using VI = typename Lanes<W>::VI;
  static constexpr int NR = NV * W;
  static_assert(NR == kPanel, "K is packed in panels of kPanel keys");
  static_assert(MR <= kMaxBlockRows, "the scratch holds kMaxBlockRows rows");
  static constexpr int kTile = kTileKeys;  // keys per tile: the scores of one block, MR × kTile floats

  static V load(const float* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(float* p, V v) { std::memcpy(p, &v, sizeof v); }
  static V splat(float x) {  // (a broadcast; V{} + x would add 0 + x first, a scalar add per splat)
    if constexpr (W == 4) return V{x, x, x, x};
    if constexpr (W == 8) return V{x, x, x, x, x, x, x, x};
    if constexpr (W == 16) return V{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};
  }
  // (own min and max: no template shared with a translation unit built for another instruction set)
  template <typename T>
  static T lo(T a, T b) {
    return b < a ? b : a;
  }
  template <typename T>
  static T hi(T a, T b) {
    return a < b ? b : a;
  }
  static V pick(VI m, V a, V b) { return (V)(((VI)a & m) | ((VI)b & ~m)); }
  static float lane_max(V v) {
    float m = v[0];
    for (int u = 1; u < W; ++u) m = v[u] > m ? v[u] : m;
    return m;
  }
  static float lane_sum(V v) {
    float s = 0;
    for (int u = 0; u < W; ++u) s += v[u];
    return s;
  }

  // exp(x) for x ≤ 0, lane by lane, as exp_nonpositive: 0 below −87 (and for −∞).
  static V exp_nonpositive(V x) {
    const VI keep = x >= splat(-87.0f);
    x = pick(keep, x, splat(-87.0f));
    const V round = splat(12582912.0f);  // 1.5·2²³: adding and subtracting it rounds to an integer
    const V n = (x * splat(1.44269504f) + round) - round;
    const V r = x - n * splat(0.693145752f) - n * splat(1.42860677e-06f);
    V p = splat(1.0f / 720);
    p = p * r + splat(1.0f / 120);
    p = p * r + splat(1.0f / 24);
    p = p * r + splat(1.0f / 6);
    p = p * r + splat(0.5f);
    p = p * r + splat(1.0f);
    p = p * r + splat(1.0f);
    const VI bits = (__builtin_convertvector(n, VI) + 127) << 23;
    return pick(keep, p * (V)bits, splat(0.0f));
  }

  // acc[r][·] += a[r·a_stride] · x[0 … NR) for every row r: the rank-1 update both micro-kernels are made of
  // (MR broadcasts, NV loads, MR·NV multiply-adds, all in registers).
  __attribute__((always_inline)) static void rank1(V (&acc)[MR][NV], const float* a, int a_stride,
                                                   const float* x) {
    V xv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) xv[v] = load(x + v * W);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const V ar = splat(a[r * a_stride]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] += ar * xv[v];
    }
  }

  // s[r][j] = (qb[r]·k[j])·multiplier for the NR-key panels of one tile: qb MR×d, panels d×NR each.
  static void scores(const float* qb, int d, const float* panels, int cols, float multiplier, float* s) {
    for (int j = 0; j < cols; j += NR) {
      const float* kp = panels + static_cast<size_t>(j) * d;
      V acc[MR][NV] = {};
      for (int c = 0; c < d; ++c) rank1(acc, qb + c, d, kp + c * NR);
      for (int r = 0; r < MR; ++r)
        for (int v = 0; v < NV; ++v) store(s + r * kTile + j + v * W, acc[r][v] * splat(multiplier));
    }
  }

  // o[r] += Σ_j p[r][j]·v[j] over `cols` keys: o MR×dvp, v rows dvp wide.
  static void weighted_sum(const float* p, const float* v, int dvp, int cols, float* o) {
    for (int c = 0; c < dvp; c += NR) {
      V acc[MR][NV];
      for (int r = 0; r < MR; ++r)
        for (int u = 0; u < NV; ++u) acc[r][u] = load(o + r * dvp + c + u * W);
      for (int j = 0; j < cols; ++j) rank1(acc, p + j, kTile, v + static_cast<size_t>(j) * dvp + c);
      for (int r = 0; r < MR; ++r)
        for (int u = 0; u < NV; ++u) store(o + r * dvp + c + u * W, acc[r][u]);
    }
  }

  // ALiBi: adds −slope·|pos_r − j| to the block's scores (before the mask, which may set them to −∞).
  static void bias_tile(const TileJob& job, int i0, int rows, int j0, int cols, float* s) {
    for (int r = 0; r < rows; ++r) {
      const int pos = i0 + r + job.S - job.L;
      for (int j = 0; j < cols; ++j) {
        const int dist = pos - (j0 + j);
        s[r * kTile + j] -= job.slope * static_cast<float>(dist < 0 ? -dist : dist);
      }
    }
  }

  // Blocks the mask: keys outside row r's range, or refused by the per-key rule, become −∞.
  static void mask_tile(const TileJob& job, int i0, int rows, int j0, int cols, float* s, unsigned char* ok) {
    bool inside = rows == MR && !job.allowed;
    for (int r = 0; r < rows && inside; ++r) inside = job.begin[i0 + r] <= j0 && j0 + cols <= job.end[i0 + r];
    if (inside) return;
    if (job.allowed) job.allowed(job.mask, job.L, job.S, i0, rows, j0, lo(cols, job.S - j0), ok, kTile);
    const float blocked = -__builtin_inff();
    for (int r = 0; r < MR; ++r)
      for (int j = 0; j < cols; ++j) {
        const int key = j0 + j;
        const bool pass = r < rows && job.begin[i0 + r] <= key && key < job.end[i0 + r] &&
                          (!job.allowed || ok[r * kTile + j]);
        if (!pass) s[r * kTile + j] = blocked;
      }
  }

  // Online softmax over one tile: each row's running max m and sum l, its output rescaled; s becomes P. A
  // score beyond f32 (+∞, or NaN from ∞ − ∞ in the dot product) makes the row's sum NaN for good, so its
  // output is NaN and the run reports the overflow (attn::check_overflow) instead of quietly writing zeros.
  static void softmax_tile(float* s, int cols, float* m, float* l, float* o, int dvp) {
    for (int r = 0; r < MR; ++r) {
      float* sr = s + r * kTile;
      V mv = splat(-__builtin_inff());
      VI bad = {};
      for (int j = 0; j < cols; j += W) {
        const V x = load(sr + j);
        bad |= (x != x) | (x == splat(__builtin_inff()));
        mv = pick(x > mv, x, mv);
      }
      for (int u = 0; u < W; ++u)
        if (bad[u]) l[r] = __builtin_nanf("");
      const float top = hi(m[r], lane_max(mv));
      if (top == -__builtin_inff()) {  // nothing allowed yet: this tile adds nothing
        std::memset(sr, 0, sizeof(float) * static_cast<size_t>(cols));
        continue;
      }
      const float alpha = attn::fast::exp_nonpositive(m[r] - top);  // (0 when m was −∞)
      m[r] = top;
      V sum = splat(0.0f);
      for (int j = 0; j < cols; j += W) {
        const V e = exp_nonpositive(load(sr + j) - splat(top));
        store(sr + j, e);
        sum += e;
      }
      l[r] = l[r] * alpha + lane_sum(sum);
      if (alpha != 1.0f)
        for (int c = 0; c < dvp; c += W) store(o + r * dvp + c, load(o + r * dvp + c) * splat(alpha));
    }
  }

  // A block of MR rows at a time walks the tiles of keys its rows can see. Tiles sit on a grid of kTile from
  // key 0, and a block starts each tile at the first panel any of its rows can see (the columns before are
  // masked for all of them), so a row's numbers do not depend on which rows share its block: threads, whose
  // row ranges cut blocks anywhere, give the same bits.
  static void run(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok) {
    const int d = job.d, dvp = job.dv_padded;
    float* qb = scratch;        // MR × d
    float* s = qb + MR * d;     // MR × kTile: the scores, then P
    float* o = s + MR * kTile;  // MR × dvp: the running outputs
    float m[MR], l[MR];         // the running maxima and sums
    for (int i0 = row_begin; i0 < row_end; i0 += MR) {
      const int rows = lo(MR, row_end - i0);
      int jb = job.S, je = 0;
      for (int r = 0; r < MR; ++r) {
        for (int c = 0; c < d; ++c)
          qb[r * d + c] = r < rows ? job.q[static_cast<size_t>(i0 + r) * d + c] : 0.0f;
        m[r] = -__builtin_inff(), l[r] = 0;
        if (r < rows && job.begin[i0 + r] < job.end[i0 + r])
          jb = lo(jb, job.begin[i0 + r]), je = hi(je, job.end[i0 + r]);
      }
      std::memset(o, 0, sizeof(float) * MR * static_cast<size_t>(dvp));
      for (int j0 = jb / kTile * kTile; j0 < je; j0 += kTile) {
        const int c0 = hi(0, jb - j0) / NR * NR, c1 = lo(kTile, je - j0);  // the columns seen: [c0, c1)
        const int cols = (c1 - c0 + NR - 1) / NR * NR;
        scores(qb, d, job.k_panels + static_cast<size_t>(j0 + c0) * d, cols, job.multiplier, s + c0);
        if (job.slope != 0) bias_tile(job, i0, rows, j0 + c0, cols, s + c0);
        mask_tile(job, i0, rows, j0 + c0, cols, s + c0, ok);
        softmax_tile(s + c0, cols, m, l, o, dvp);
        weighted_sum(s + c0, job.v_padded + static_cast<size_t>(j0 + c0) * dvp, dvp, c1 - c0, o);
      }
      for (int r = 0; r < rows; ++r) {
        const float inv = l[r] > 0    ? 1.0f / l[r]
                          : l[r] == 0 ? 0.0f
                                      : l[r];  // (fully masked: zeros; NaN stays)
        float* out = job.out + static_cast<size_t>(i0 + r) * job.dv;
        for (int c = 0; c < job.dv; ++c) out[c] = o[r * dvp + c] * inv;
      }
    }
  }
};

}  // namespace
}  // namespace attn::fast
