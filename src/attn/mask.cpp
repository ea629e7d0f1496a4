// Which key each query may attend to, per cell and as a matrix (see mask.h).
#include "attn/mask.h"

#include <algorithm>
#include <cstdlib>

namespace attn {

namespace {

bool causal_base(const MaskSpec& m) {
  return m.kind == MaskSpec::Kind::Causal || m.kind == MaskSpec::Kind::Strided ||
         (m.kind == MaskSpec::Kind::Window && m.causal);
}

bool is_global(const MaskSpec& m, int pos) {
  return std::binary_search(m.global.begin(), m.global.end(), pos);  // (kept sorted, see mask.h)
}

bool base_allows(const MaskSpec& m, int i, int pos, int j) {
  switch (m.kind) {
    case MaskSpec::Kind::None:
      return true;
    case MaskSpec::Kind::Causal:
      return j <= pos;
    case MaskSpec::Kind::Window:
      return m.causal ? j <= pos && j > pos - m.window : std::abs(pos - j) < m.window;
    case MaskSpec::Kind::Padding:
      return j < m.valid_len;
    case MaskSpec::Kind::Explicit:
      return m.allowed(i, j) != 0;
    case MaskSpec::Kind::Strided:
      return j <= pos && (pos - j < m.stride || (pos - j) % m.stride == 0);
    case MaskSpec::Kind::Block:
      return pos >= 0 && pos / m.block == j / m.block;
  }
  return true;
}

}  // namespace

bool mask_allows(const MaskSpec& m, int i, int j, int L, int S) {
  const int pos = i + S - L;
  if (base_allows(m, i, pos, j)) return true;
  if (m.global.empty() || (causal_base(m) && j > pos)) return false;
  return is_global(m, j) || is_global(m, pos);
}

MaskMat build_mask(const MaskSpec& spec, int L, int S) {
  if (spec.kind == MaskSpec::Kind::Explicit) return spec.allowed;
  MaskMat allowed(L, S);
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j) allowed(i, j) = mask_allows(spec, i, j, L, S) ? 1 : 0;
  return allowed;
}

bool row_fully_masked(const MaskSpec& spec, int i, int L, int S) {
  const int pos = i + S - L;
  if (spec.global.empty()) {
    switch (spec.kind) {
      case MaskSpec::Kind::None:
        return S == 0;
      case MaskSpec::Kind::Causal:
      case MaskSpec::Kind::Window:
      case MaskSpec::Kind::Strided:
        return pos < 0 && (spec.kind != MaskSpec::Kind::Window || spec.causal || pos <= -spec.window);
      case MaskSpec::Kind::Padding:
        return spec.valid_len <= 0;
      default:
        break;
    }
  }
  for (int j = 0; j < S; ++j)  // (a uint8 sum of an explicit row would wrap at 256)
    if (mask_allows(spec, i, j, L, S)) return false;
  return true;
}

bool mask_is_range(const MaskSpec& m) {
  if (!m.global.empty()) return false;
  return m.kind == MaskSpec::Kind::None || m.kind == MaskSpec::Kind::Causal ||
         m.kind == MaskSpec::Kind::Padding || (m.kind == MaskSpec::Kind::Window && m.causal);
}

double allowed_count(const MaskSpec& spec, int L, int S) {
  double n = 0;
  if (spec.kind == MaskSpec::Kind::None && spec.global.empty()) return static_cast<double>(L) * S;
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j) n += mask_allows(spec, i, j, L, S) ? 1 : 0;
  return n;
}

std::string mask_name(const MaskSpec& spec) {
  std::string base;
  switch (spec.kind) {
    case MaskSpec::Kind::None:
      base = "none";
      break;
    case MaskSpec::Kind::Causal:
      base = "causal";
      break;
    case MaskSpec::Kind::Window:
      base = "window " + std::to_string(spec.window) + (spec.causal ? "" : " (both sides)");
      break;
    case MaskSpec::Kind::Padding:
      base = "padding " + std::to_string(spec.valid_len);
      break;
    case MaskSpec::Kind::Explicit:
      base = "explicit";
      break;
    case MaskSpec::Kind::Strided:
      base = "strided " + std::to_string(spec.stride);
      break;
    case MaskSpec::Kind::Block:
      base = spec.block == 1 && !spec.global.empty() ? "self" : "block " + std::to_string(spec.block);
      break;
  }
  if (spec.global.empty()) return base;
  std::string g;
  const size_t shown = std::min<size_t>(spec.global.size(), 8);  // a name, not a listing
  for (size_t i = 0; i < shown; ++i) g += (g.empty() ? "" : ", ") + std::to_string(spec.global[i]);
  if (shown < spec.global.size()) g += ", … (" + std::to_string(spec.global.size()) + " in all)";
  return base + " + global " + g;
}

}  // namespace attn
