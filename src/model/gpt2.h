// A GPT-2 in memory, loaded from Hugging Face's layout (config.json, model.safetensors, vocab.json,
// merges.txt): learned token and position embeddings, pre-LayerNorm blocks of causal multi-head attention
// (biases) and a GELU MLP, a final LayerNorm, logits tied to the token embedding. Weights are f32 in GPT-2's
// own Conv1D orientation (in × out). The forward pass is forward.h. Tests: tests/core/test_gpt2.cpp
// (Gpt2.*), tests/golden/model_golden.py (against a PyTorch GPT-2), fuzz_model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attn/types.h"
#include "model/bpe.h"

namespace model {

// Shapes legend: V = vocabulary, P = positions (context), E = n_embd, h = heads, d = E/h, T = tokens.
struct Gpt2Config {
  int n_layer = 0, n_head = 0, n_embd = 0, n_positions = 0, vocab_size = 0;
  double layer_norm_epsilon = 1e-5;
  std::string activation = "gelu_new";
};

struct Gpt2Layer {
  attn::VecF ln_1_w, ln_1_b;  // E
  attn::MatF c_attn_w;        // E × 3E (W_Q | W_K | W_V, Conv1D: x · W)
  attn::VecF c_attn_b;        // 3E
  attn::MatF c_proj_w;        // E × E (W_O)
  attn::VecF c_proj_b;        // E
  attn::VecF ln_2_w, ln_2_b;  // E
  attn::MatF fc_w;            // E × 4E
  attn::VecF fc_b;            // 4E
  attn::MatF proj_w;          // 4E × E
  attn::VecF proj_b;          // E
};

struct Gpt2 {
  std::string name;  // the folder's name ("tiny-austen")
  std::string card;  // a one-line description (English: model JSON, the CLI): the title and the shapes
  std::string
      title;  // README.md's first line ("" without one); the UI says the card itself (state::model_card)
  Gpt2Config config;
  attn::MatF wte;  // V × E
  attn::MatF wpe;  // P × E
  std::vector<Gpt2Layer> layers;
  attn::VecF ln_f_w, ln_f_b;  // E
  Tokenizer tokenizer;
  int edits = 0;  // weights changed in the app (0: as loaded); what was measured on it is keyed by this too
  double parameters() const;
};

// The four files' contents.
struct Gpt2Files {
  std::string_view config_json, safetensors, vocab_json, merges_txt, readme;  // readme may be empty
};

// Loads a GPT-2 from its files. Throws attn::ProblemError naming the file, the tensor or field and what was
// expected (a missing tensor, a wrong shape, an unknown dtype, a vocabulary of another size than config's),
// or the model's size when its f32 weights would need more than max_bytes.
Gpt2 load_gpt2(const Gpt2Files& files, const std::string& name, double max_bytes);

// Reads DIR/{config.json, model.safetensors, vocab.json, merges.txt[, README.md]} and loads them.
Gpt2 load_gpt2_dir(const std::string& dir, double max_bytes);

// The f32 bytes of a model of this config (refused above max_bytes before any tensor is read).
double gpt2_bytes(const Gpt2Config& c);

}  // namespace model
