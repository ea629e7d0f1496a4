// Problem: what to compute (the one currency of the app; JSON contract in DESIGN.md, parser in
// problem_json.h). Three input forms: direct single-head q/k/v, torch-style multi-head, or random.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/error.h"
#include "attn/linear.h"
#include "attn/mask.h"
#include "attn/position.h"
#include "attn/types.h"

namespace attn {

enum class Precision { F32, F64 };
enum class Variant { Standard, Flash, Linear };
const char* variant_name(Variant v);  // "standard" | "flash" | "linear"

// Generated multi-head inputs (deterministic across native and WebAssembly builds).
struct RandomSpec {
  std::uint64_t seed = 0;
  int n = 0;        // L = S
  int d_model = 0;  // E
  int num_heads = 1;
  int num_kv_heads = 1;
};

struct Problem {
  enum class Form { Direct, MultiHead, Random };
  Form form = Form::Direct;
  std::vector<std::string> tokens;      // L labels (query side); default t0…
  std::vector<std::string> key_tokens;  // S labels (key side); default: tokens when S == L, else k0…

  // Form::Direct, one head:
  MatD q, k, v;  // L×d_k, S×d_k, S×d_v

  // Form::MultiHead, laid out exactly as torch.nn.MultiheadAttention:
  MatD query, key, value;  // L×E, S×E, S×E
  int num_heads = 1;       // h
  int num_kv_heads = 1;    // g; 1 = multi-query, h = standard multi-head, else grouped
  MatD in_proj_weight;     // (E + 2·E·g/h)×E: rows W_q, then W_k, then W_v
  VecD in_proj_bias;       // E + 2·E·g/h, or empty
  MatD out_proj_weight;    // E×E
  VecD out_proj_bias;      // E, or empty

  // Form::Random:
  RandomSpec random;

  MaskSpec mask;
  PositionSpec position;  // where token order enters (position.h); none by default
  ScaleSpec scale;
  double temperature = 1.0;
  Variant variant = Variant::Standard;
  FeatureMap feature_map = FeatureMap::Elu1;  // Variant::Linear
  int tile_q = 4, tile_k = 4;                 // Variant::Flash: Br query rows × Bc keys per tile
  Precision precision = Precision::F32;

  int query_len() const;  // L
  int key_len() const;    // S
  int heads() const;      // h (1 for Direct)
  int kv_heads() const;   // g
};

// Checks shapes and values (finite) of a Problem built in code (the JSON parser calls it too). Throws
// ProblemError.
void validate(const Problem& p);

// Before computing in f32: refuses (ProblemError, naming the first) a value beyond f32's range (±3.4e38),
// which would become ∞ there. A problem may hold such values (a state, a link); running it is what fails.
void check_range(const Problem& p, Precision computed_in);

// Expands Form::Random into Form::MultiHead with generated inputs and weights (N(0,1)/√E entries).
Problem materialize(const Problem& p);

}  // namespace attn
