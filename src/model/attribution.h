// Which input tokens a next-token logit depends on, measured the ways the literature tests attention with
// (issue 26's definitions, f = logit[target] − logit[contrast] after the last position, e = wte + wpe
// entering block 0, b = the position embeddings alone): gradient × input, integrated gradients (midpoint
// rule, with its completeness error), leave-one-out, attention rollout (Abnar & Zuidema) and the attention
// norm (Kobayashi et al.) of the last layer, beside the raw attention of every head for the last query; and
// how far the methods agree (Spearman's ρ between every pair). Tests: tests/core/test_attribution.cpp
// (Attribution.*), tests/golden/model_golden.py (each method recomputed in PyTorch).
#pragma once

#include <string>
#include <vector>

#include "model/backward.h"

namespace model {

// The methods, in the order a report lists them.
inline constexpr const char* kAttributionMethods[] = {"gradient_x_input", "integrated_gradients",
                                                      "leave_one_out", "rollout", "attention_norm"};

struct AttributionReport {
  double f = 0;                             // f(e)
  double f_baseline = 0;                    // f(b)
  double completeness_error = 0;            // |Σ_i IG_i − (f(e) − f(b))|
  int steps = 0;                            // integrated gradients' m
  std::vector<std::vector<double>> scores;  // per method (kAttributionMethods' order), one score per token
  // Kobayashi's norm per head of the last layer (h × T), and every head's raw weights for the last query
  // (n_layer × h × T).
  std::vector<std::vector<double>> attention_norm_per_head;
  std::vector<std::vector<std::vector<double>>> raw_attention;
  std::vector<std::vector<double>> spearman;  // methods × methods
};

// Refuses what embedding_gradient refuses, and steps outside 1…1024.
AttributionReport attribute(const Gpt2& m, const std::vector<int>& ids, const LogitTarget& t, int steps = 32);

// Spearman's rank correlation of two equally long lists (ties share their mean rank); 0 when either is
// constant or shorter than 2.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace model
