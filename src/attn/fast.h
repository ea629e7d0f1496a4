// The fast CPU path: output-only attention in f32, flash-style and tiled (fast_kernel.h): a block of query
// rows walks the keys tile by tile with register-blocked micro-kernels for q·kᵀ and P·V and an online
// softmax, so no L×S matrix is ever formed. Compiled for 16 lanes (AVX-512) and 8 lanes with FMA (AVX2), each
// chosen at run time where the CPU has it, and for 4 lanes (SSE natively, SIMD128 in WebAssembly). Twin:
// attention_head (the same output within f32 rounding). Tests: tests/core/test_f32_job.cpp (Fast.*).
#pragma once

#include <vector>

#include "attn/mask.h"

namespace attn::fast {

// exp(x) for x ≤ 0 (as softmax uses it after subtracting the max), relative error < 3e-7; 0 below −87, so
// exp(−∞) is exactly 0.
float exp_nonpositive(float x);

// Keys are packed in panels of kPanel: the kernel reads q·k for kPanel keys at a time from one contiguous
// d × kPanel block.
inline constexpr int kPanel = 16;

// One head's K and V as the kernel reads them, packed once and shared by every thread that runs its rows:
// K in panels (⌈S/kPanel⌉ blocks of d × kPanel, zero-padded), V with rows padded to dv_padded columns.
struct PackedKV {
  int S = 0, d = 0, dv = 0, dv_padded = 0;
  std::vector<float> k_panels, v_padded;
};
PackedKV pack_kv(const float* k, const float* v, int S, int d, int dv);
// Bytes pack_kv holds for these sizes (the budget counts them).
double packed_bytes(double S, double d, double dv);

// Rows [row_begin, row_end) of softmax(q·kᵀ·multiplier + bias + mask)·v. q: L×d, out: L×dv, row-major f32;
// bias = −slope·|i + S − L − j| (ALiBi; slope 0: none). A fully masked row gives zeros. A row's numbers do
// not depend on which rows run with it (threads give the same bits).
void attention_rows(const float* q, const PackedKV& kv, int L, float multiplier, const MaskSpec& mask,
                    float* out, int row_begin, int row_end, float slope = 0);

// The kernels this build has, best first ("avx512", "avx2+fma", "4 lanes"), whether this CPU runs each, and
// the one attention_rows uses. use_kernel pins one by name (tests and benchmarks; "" = the best here) and
// says whether this CPU can run it.
struct TileJob;
struct Kernel {
  const char* name;
  bool (*runs_here)();
  void (*run)(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok);
};
const std::vector<Kernel>& kernels();
const char* kernel_name();
bool use_kernel(const char* name);

// What one run of the kernel reads (fast_kernel.h): built by attention_rows.
struct TileJob {
  const float* q;
  const float* k_panels;
  const float* v_padded;
  float* out;
  int L, S, d, dv, dv_padded;
  float multiplier;
  float slope;       // ALiBi: −slope·|i + S − L − j| is added to each scaled score (0: none)
  const int* begin;  // per row: the allowed keys are within [begin, end)
  const int* end;
  // The per-key rule inside those bounds (nullptr: none): ok[r·stride + j] for rows i0…, keys j0….
  void (*allowed)(const MaskSpec* mask, int L, int S, int i0, int rows, int j0, int cols, unsigned char* ok,
                  int stride);
  const MaskSpec* mask;
};
// A block is at most kMaxBlockRows query rows; a tile kTileKeys keys. Scratch one thread needs: floats for
// the block's q, scores and outputs, bytes for the per-key rule's answers.
inline constexpr int kMaxBlockRows = 12, kTileKeys = 256;
inline int scratch_floats(int d, int dv_padded) { return kMaxBlockRows * (d + kTileKeys + dv_padded); }
inline constexpr int kScratchBytes = kMaxBlockRows * kTileKeys;
void tiles_portable(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok);
void tiles_avx2(const TileJob& job, int row_begin, int row_end, float* scratch, unsigned char* ok);  // x86-64
void tiles_avx512(const TileJob& job, int row_begin, int row_end, float* scratch,
                  unsigned char* ok);  // x86-64

}  // namespace attn::fast
