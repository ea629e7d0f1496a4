// The fast CPU path: output-only attention in f32, one query row at a time, with loops written so clang
// vectorises them (SSE natively, SIMD128 in WebAssembly): 8-lane dot products, a polynomial exp without
// branches, and an axpy for the weighted sum. No trace and no L×S matrix (one row of S scores at a time).
// Twin: attention_head (same output within f32 rounding). Tests: tests/core/test_f32_job.cpp (Fast.*).
#pragma once

#include "attn/mask.h"

namespace attn::fast {

// exp(x) for x ≤ 0 (as softmax uses it after subtracting the max), relative error < 3e-7; 0 below −87, so
// exp(−∞) is exactly 0.
float exp_nonpositive(float x);

// Rows [row_begin, row_end) of softmax(q·kᵀ·multiplier + mask)·v. q: L×d, k: S×d, v: S×dv, out: L×dv, all
// row-major f32. A fully masked row gives zeros.
void attention_rows(const float* q, const float* k, const float* v, int L, int S, int d, int dv,
                    float multiplier, const MaskSpec& mask, float* out, int row_begin, int row_end);

}  // namespace attn::fast
