// Attention masks: which key each query may attend to. A MaskSpec is the Problem's description; kMaskKinds
// holds everything known about each kind (its JSON id, parameter, rule, cost and words), so a new kind is one
// entry there. build_mask turns a spec into an L×S 0/1 matrix; mask_allows answers for one cell.
// Tests: tests/core/test_mask.cpp (Mask.*).
#pragma once

#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "attn/types.h"

namespace attn {

struct Catalog;
struct Message;
const Catalog& english();

// Positions are key positions: query i stands at pos = i + S − L (the last query meets the last key, as in a
// decoder with a KV cache).
struct MaskSpec {
  enum class Kind { None, Causal, Window, SymmetricWindow, Strided, Block, Padding, Explicit };
  Kind kind = Kind::None;
  int window = 0;     // Window: pos−w < j ≤ pos; SymmetricWindow: |pos − j| < w
  int valid_len = 0;  // Padding: keys j < valid_len are real tokens
  int stride = 0;     // Strided (Sparse Transformer): j ≤ pos and (pos − j < s or (pos − j) mod s = 0)
  int block = 0;      // Block: ⌊pos/b⌋ = ⌊j/b⌋ (block-diagonal); block 1 = each token only itself
  std::vector<int> global;  // global positions, sorted without repeats: they see every key and every query
                            // sees them (kinds with takes_global; a causal base stays causal)
  MaskMat allowed;          // Explicit: L×S, 1 = may attend
};

// A mask that is one key range per row: the row at position pos sees keys lo ≤ j < hi with
// lo = window > 0 ? pos − window + 1 : 0 and hi = min(causal ? pos + 1 : S, key_end). The fast CPU path and
// the GPU kernels run these without a matrix; every other mask goes there as an explicit 0/1 matrix.
struct KeyRange {
  bool causal = false;
  int window = 0;         // 0: no window
  int key_end = INT_MAX;  // keys from here on are hidden (padding)
};

// One mask kind: its JSON form, its rule and cost, and where its words are.
struct MaskKindInfo {
  MaskSpec::Kind kind;
  const char* id;        // JSON: "none" / "causal", or the key of {"window": w}
  int causal_field;      // the JSON field "causal" it carries: -1 none, 1 omitted (true), 0 false
  int MaskSpec::*param;  // its integer parameter, or nullptr
  int param_min;         // the smallest valid value of the parameter
  int param_start;       // where the mask menu starts it (padding: S − 2, set by the menu)
  bool takes_global;     // may carry global tokens
  bool hides_future;     // keys after the query stay hidden, global tokens included
  bool (*allows)(const MaskSpec& m, int i, int pos, int j);  // before global tokens
  std::optional<KeyRange> (*range)(const MaskSpec& m);       // nullptr: never a key range
  // Its words in the catalogs (assets/text): <text_id>.title the menu entry, .label the slider's, .allowed
  // and .blocked why a score passes or not ({q}, {k}: the quoted tokens, {n}: the parameter).
  // .name its short name in results and messages ("window {n}").
  const char* text_id;
  const char* big_o;  // the scores it keeps, as big-O
  // Whether the row at position pos sees none of S keys, without scanning them (nullptr: a range kind, or
  // scan; global tokens always scan).
  bool (*row_empty)(const MaskSpec& m, int pos, int S);
  // Linear attention computes it (re-association; prefix sums for causal): see linear_computes.
  bool linear = false;
};

extern const std::vector<MaskKindInfo> kMaskKinds;  // in Kind's order
const MaskKindInfo& mask_kind(MaskSpec::Kind kind);

// Whether linear attention can compute with this mask: a kind whose entry says so, without global tokens (the
// one rule the engine, the cost model, the Variants lab and its menu all ask).
bool linear_computes(const MaskSpec& m);

// Whether query i may attend to key j.
bool mask_allows(const MaskSpec& spec, int i, int j, int L, int S);

// allowed: L×S.
MaskMat build_mask(const MaskSpec& spec, int L, int S);

// True when query row i may attend to no key at all.
bool row_fully_masked(const MaskSpec& spec, int i, int L, int S);

// The spec as one key range per row (see KeyRange), or nullopt: global tokens, or a kind that is not one.
std::optional<KeyRange> key_range(const MaskSpec& spec);
bool mask_is_range(const MaskSpec& spec);
// Row at position pos of S keys: the keys [begin, end) a KeyRange lets through (begin ≥ end: none).
void key_bounds(const KeyRange& r, int pos, int S, int& begin, int& end);

// How many (query, key) scores the mask lets through: the scores a sparse kernel would compute.
double allowed_count(const MaskSpec& spec, int L, int S);

// Short human name in a catalog's language (English: results, the CLI, errors): "none", "causal", "window 3",
// "window 3 (both sides)", "strided 4", "block 4", "padding 5", "explicit", with " + global 0, 5" when there
// are global tokens.
std::string mask_name(const MaskSpec& spec, const Catalog& c = english());
// The same as a message (mask.<kind>.name, mask.with_global…): for a sentence that names the mask.
Message mask_message(const MaskSpec& spec);

}  // namespace attn
