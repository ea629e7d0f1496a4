// Where the next-token logit comes from (issue 26): the logit lens — the final LayerNorm and the unembedding
// applied to the residual stream after every block — and direct logit attribution, which splits the logit
// f = logit[target] − logit[contrast] (after the last position) into the embeddings, every head (through its
// slice of W_O), every MLP and the biases. With the final LayerNorm's 1/σ frozen at its value the logit is
// linear in the residual stream, so the parts add up to f exactly (up to rounding): the check a learner sees.
// f64 over the f32 weights, on the forward backward.cpp differentiates. Tests:
// tests/core/test_logit_sources.cpp (LogitSources.*), tests/golden/model_golden.py (PyTorch).
#pragma once

#include <vector>

#include "model/backward.h"
#include "model/forward.h"
#include "model/gpt2.h"

namespace model {

// The residual stream after `layer` blocks (0: the embeddings alone) read as the next-token distribution.
struct LensLayer {
  int layer = 0;
  std::vector<Prediction> top;  // the most likely tokens there
  double target_prob = 0;       // the target's probability there
  int target_rank = 0;          // 1: the most likely
};

// f's parts. heads[l][h]: head h of block l's output z_h·W_O,h; mlps[l]: block l's MLP output without its
// bias; bias: every block's attention and MLP output biases and the final LayerNorm's; total: their sum.
struct DirectLogit {
  double embed = 0;
  std::vector<std::vector<double>> heads;
  std::vector<double> mlps;
  double bias = 0;
  double total = 0;
};

struct LogitSources {
  double logit = 0;             // f itself, from the forward pass
  std::vector<LensLayer> lens;  // n_layer + 1 entries
  DirectLogit dla;
};

// Refuses what embedding_gradient refuses (an empty or too long text, a target or contrast outside the
// vocabulary). top: how many tokens each lens layer lists.
LogitSources logit_sources(const Gpt2& m, const std::vector<int>& ids, const LogitTarget& t, int top = 5);

}  // namespace model
