// Activation patching (issue 26): does a head carry what makes the answer? Run a clean text and a corrupted
// one of the same token count (a name swapped, a repeat broken), then run the corrupted one again with one
// head's output (a·v, before W_O) taken from the clean run — at every position, or at one — and measure how
// much of the logit difference f = logit[target] − logit[contrast] (after the last position) comes back:
// (f_patched − f_corrupt) / (f_clean − f_corrupt), 1 = all of it, 0 = none. f64, on the forward backward.cpp
// differentiates (block_forward, backward.h). Tests: tests/core/test_patching.cpp (Patching.*),
// model_golden.py (PyTorch).
#pragma once

#include <vector>

#include "model/backward.h"
#include "model/gpt2.h"

namespace model {

struct PatchReport {
  double clean = 0, corrupt = 0;           // f on each text
  std::vector<std::vector<double>> heads;  // [layer][head]: the head patched at every position
  std::vector<std::vector<std::vector<double>>> positions;  // [layer][head][position]: at that position alone
};

// The multiply-adds of a whole sweep over T tokens (every head at every position and at all of them, each
// pass from its layer on): what max_work is compared with.
double patch_work(const Gpt2Config& c, int T);
// Refuses (attn::ProblemError) texts of different token counts, a target outside the vocabulary, a sweep
// past max_work multiply-adds (counted before any pass), and texts on which f is the same (nothing to
// restore).
PatchReport patch_heads(const Gpt2& m, const std::vector<int>& clean, const std::vector<int>& corrupt,
                        const LogitTarget& t, double max_work);

}  // namespace model
