// A GPU attention job: the CPU half of the WebGPU backend. prepare_f32_job turns a Problem into per-head f32
// buffers laid out as the WGSL kernels read them (shaders/common.wgsl); finish_f32_job turns what the GPU
// wrote back into a Result (output projection on the CPU for multi-head problems). Pure C++: tested natively
// (tests/core/test_f32_job.cpp) against attn::run by simulating the GPU with attn::ref.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/run.h"
#include "compute/gpu_params.h"

namespace compute {

struct F32Job {
  attn::Problem problem;  // materialised (Random → MultiHead)
  int L = 0, S = 0, d = 0, dv = 0, h = 1, g = 1;
  float multiplier = 1;                // scale(d_k) / temperature
  GpuParams params;                    // the kernels' uniform block (sizes, multiplier, mask)
  std::vector<float> q;                // h×L×d
  std::vector<float> k;                // g×S×d
  std::vector<float> v;                // g×S×dv
  std::vector<std::uint32_t> allowed;  // L×S for the explicit mask, else one 0
  std::vector<float> slopes;           // h: ALiBi's slope per query head (zeros without; params.alibi says)
  std::vector<float> out;              // h×L×dv, written by the GPU
  std::vector<float> weights;          // h×L×S (3-pass only), written by the GPU
  std::vector<float> scores;           // h×L×S masked scores (3-pass with trace), written by the GPU
  std::vector<float> lse;              // h×L row log-sum-exp (flash), written by the GPU
};

// Throws attn::ProblemError for invalid problems (same messages as attn::run). The input projections' rows
// are split over `threads` (the numbers do not depend on how many).
F32Job prepare_f32_job(const attn::Problem& p, int threads = 1);

// Allocates the buffers the chosen path writes: weights (and scores when trace) for "3-pass", lse for
// "flash".
void allocate_outputs(F32Job& job, const std::string& path, bool trace);

// Builds the Result: output (with the output projection for multi-head, its rows split over `threads`),
// per-head traces with what the path produced (weights and masked scores on the 3-pass path; none on flash
// or fast), stats.backend = backend.
attn::Result finish_f32_job(const F32Job& job, const std::string& path, const std::string& backend = "webgpu",
                            int threads = 1);

// The fast CPU path: attn::fast rows over job's buffers, each head's rows split over fast_threads(job,
// threads) threads (std::thread: native threads, or Web Workers in the browser's pthreads build; the numbers
// do not depend on how many). Fills job.out.
void run_fast(F32Job& job, int threads);
// The threads run_fast uses: `threads`, or 1 where a head is too small to be worth splitting.
int fast_threads(const F32Job& job, int threads);

// Linear attention over job's buffers (O(n·d²) per head, no L×S matrix; f64 inside). Fills job.out.
void run_linear(F32Job& job);

// ALiBi's bias of (row, key) for one head: −slope·|pos_i − pos_j|, 0 without ALiBi.
double alibi(const F32Job& job, int head, int row, int key);

// The exact weights of one query row (f64, n·d work) from the job's q and k, the Problem's mask and the
// row's log-sum-exp as flash attention wrote it (job.lse): what the long-sequence view plots without ever
// forming the L×S matrix. All zeros for a fully masked row.
std::vector<double> exact_row_weights(const F32Job& job, int head, int row);

// Refuses, before any work, a problem whose per-head buffers the GPU cannot hold: heads wider than 128 (the
// kernels' limit) or a q/k/v/out buffer over max_buffer_bytes; the message names the bytes needed.
void check_gpu_fits(const attn::Problem& p, double max_buffer_bytes);

// Bytes of the h×L×S score matrix in f32 (what the 3-pass path needs in one buffer).
double score_matrix_bytes(const attn::Problem& p);

}  // namespace compute
