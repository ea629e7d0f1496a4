// Activation patching of every head (see patching.h).
#include "model/patching.h"

#include <cmath>
#include <string>

#include "attn/error.h"
#include "attn/format.h"

namespace model {

namespace {

using attn::MatD;

// f after the last position, from the residual stream leaving the last block.
double logit_at_end(const Gpt2& m, const MatD& x, const attn::VecD& u) {
  return layer_norm(x.bottomRows(1), m.ln_f_w, m.ln_f_b, m.config.layer_norm_epsilon).y.row(0).dot(u);
}

// One run of ids: each block's input (the last entry: what leaves the last block) and each head's output.
struct Run {
  std::vector<MatD> inputs;
  std::vector<std::vector<MatD>> z;
};
Run run_of(const Gpt2& m, const std::vector<int>& ids) {
  Run r;
  r.inputs.push_back(embedding_sum(m, ids));
  for (const Gpt2Layer& l : m.layers) {
    BlockTape tape;
    r.inputs.push_back(block_forward(m, l, r.inputs.back(), tape));
    r.z.push_back(std::move(tape.z));
  }
  return r;
}

}  // namespace

double patch_work(const Gpt2Config& c, int T) {
  const double E = c.n_embd, L = c.n_layer, H = c.n_head;
  const double block = T * 12.0 * E * E + 2.0 * T * T * E;
  // Every (layer l, head, position or all) runs L − l blocks: H·(T + 1)·Σ_l (L − l) = H·(T + 1)·L(L + 1)/2.
  return (H * (T + 1) * L * (L + 1) / 2 + 2 * L) * block;
}

PatchReport patch_heads(const Gpt2& m, const std::vector<int>& clean, const std::vector<int>& corrupt,
                        const LogitTarget& t, double max_work) {
  check_target(m, t);
  if (clean.size() != corrupt.size())
    attn::fail_field("corrupt", std::to_string(corrupt.size()) + " tokens, the clean text has " +
                                    std::to_string(clean.size()) + ": patching needs the same token count");
  const int T = static_cast<int>(clean.size());
  const double work = patch_work(m.config, T);
  if (work > max_work)
    attn::fail_field("clean", "patching every head of this model on " + std::to_string(T) + " tokens takes " +
                                  attn::fmt(work) + " multiply-adds, more than the " + attn::fmt(max_work) +
                                  " allowed here: use a shorter text");
  const attn::VecD u = logit_direction(m, t);
  const Run c = run_of(m, clean), k = run_of(m, corrupt);
  PatchReport r;
  r.clean = logit_at_end(m, c.inputs.back(), u);
  r.corrupt = logit_at_end(m, k.inputs.back(), u);
  const double gap = r.clean - r.corrupt;
  if (!(std::abs(gap) > 1e-12 * (1 + std::abs(r.clean))))
    attn::fail_field("corrupt", "gives the same logit difference as the clean text (" + attn::fmt(r.clean) +
                                    "): nothing to restore");
  // The corrupted run from block `layer` on, with one head's output patched in there.
  const auto restored = [&](size_t layer, int head, int position) {
    BlockTape tape;
    MatD x =
        block_forward(m, m.layers[layer], k.inputs[layer], tape, {head, position, &c.z[layer][size_t(head)]});
    for (size_t l = layer + 1; l < m.layers.size(); ++l) {
      BlockTape rest;
      x = block_forward(m, m.layers[l], x, rest);
    }
    return (logit_at_end(m, x, u) - r.corrupt) / gap;
  };
  for (size_t layer = 0; layer < m.layers.size(); ++layer) {
    r.heads.emplace_back();
    r.positions.emplace_back();
    for (int h = 0; h < m.config.n_head; ++h) {
      r.heads.back().push_back(restored(layer, h, -1));
      std::vector<double> at;
      for (int p = 0; p < T; ++p) at.push_back(restored(layer, h, p));
      r.positions.back().push_back(std::move(at));
    }
  }
  return r;
}

}  // namespace model
