// Where position enters attention. Attention alone is blind to order; a PositionSpec says how the problem
// tells it: added to the inputs x before the projections (sinusoidal, learned: absolute), q and k rotated
// pair by pair after them (RoPE), or a bias −m_h·|pos_i − pos_j| added to the scaled scores (ALiBi) — the
// last two depend only on the distance between two tokens. kPositionKinds holds what is known about each
// kind, so a new one is one entry there (and its words in each catalog). Positions follow the masks: key j
// stands at start + j, query i at start + i + S − L. Twins: RoPE as complex numbers (test_position.cpp) and
// numpy's reference (golden.py). Tests: tests/core/test_position.cpp (Position.*), tests/golden/golden.py.
#pragma once

#include <vector>

#include "attn/types.h"

namespace attn {

struct PositionSpec {
  enum class Kind { None, Sinusoidal, Learned, Rope, Alibi };
  Kind kind = Kind::None;
  int start = 0;               // the position of key 0 (the relative-shift test moves it)
  MatD table;                  // Learned: row p is added at position p (P×E)
  double base = 10000;         // Rope: θ_m = base^(−2m/d_rot)
  int dims = 0;                // Rope: d_rot, the rotated width (even, ≤ d_k); 0: all of d_k (rounded down)
  bool interleaved = false;    // Rope pairing: false = half-split (m, m + d_rot/2), true = (2m, 2m + 1)
  std::vector<double> slopes;  // Alibi: one per query head; empty = the paper's geometric sequence
};

// Where a kind acts on the computation.
enum class PositionAt { Nowhere, Inputs, QueryKey, Scores };

struct PositionKindInfo {
  PositionSpec::Kind kind;
  const char* id;  // JSON: "none", "sinusoidal", … and the key of the object form {"rope": {…}}
  PositionAt at;   // what it changes
  bool relative;   // the scores depend only on pos_i − pos_j (moving every position by t changes nothing)
  bool needs_inputs;  // added to x: a direct q/k/v problem has none
  const char* stage;  // the step-through stage (kStages id) whose steps show it, or nullptr (before them)
  // Its words in the catalogs: position.<id>.title (menu), .about (one sentence: what it does).
};
extern const std::vector<PositionKindInfo> kPositionKinds;  // in Kind's order
const PositionKindInfo& position_kind(PositionSpec::Kind kind);

// Positions of the query rows and key rows (see the file comment).
inline int query_position(const PositionSpec& s, int i, int L, int S) { return s.start + i + S - L; }
inline int key_position(const PositionSpec& s, int j) { return s.start + j; }

// The fixed table of "Attention is all you need": row p, columns 2m and 2m + 1 = sin, cos of p /
// 10000^(2m/E).
MatD sinusoidal_table(int first, int count, int E);
// The rows added to the inputs at positions first … first + count − 1 (sinusoidal or learned; zeros else).
MatD input_positions(const PositionSpec& s, int first, int count, int E);
// x (one token a row, the first at position `first`) with the input positions added; x itself for the kinds
// that act elsewhere.
MatD add_input_positions(const MatD& x, const PositionSpec& s, int first);

// RoPE's rotated width for head width d_k, and the angle of pair m at position pos: pos · base^(−2m/d_rot).
int rope_dims(const PositionSpec& s, int d_k);
double rope_angle(const PositionSpec& s, int d_rot, int m, int pos);
// The two columns of pair m (half-split: m, m + d_rot/2; interleaved: 2m, 2m + 1).
void rope_pair(const PositionSpec& s, int d_rot, int m, int& a, int& b);
// Rotates every row of x (row r at position first + r) in place; columns past d_rot are left as they are.
template <typename T>
void rope_rotate(Mat<T>& x, const PositionSpec& s, int first);

// ALiBi's slopes for h heads: the given ones, or the paper's geometric sequence 2^(−8k/h), k = 1…h, for a
// power of two; otherwise those of the nearest power of two below h, then every other slope of twice that.
std::vector<double> alibi_slopes(const PositionSpec& s, int h);
// The L×S bias of one head: −slope·|pos_i − pos_j| (= −slope·(i − j) under a causal mask).
MatD alibi_bias(const PositionSpec& s, double slope, int L, int S);

// Short English name for results and messages: "none", "sinusoidal", "learned", "RoPE (d_rot 8, base 10000,
// half-split)", "ALiBi (geometric slopes)".
std::string position_name(const PositionSpec& s);

}  // namespace attn
