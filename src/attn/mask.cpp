// Builds the L×S allowed-matrix for each mask kind (see mask.h).
#include "attn/mask.h"

namespace attn {

MaskMat build_mask(const MaskSpec& spec, int L, int S) {
  if (spec.kind == MaskSpec::Kind::Explicit) return spec.allowed;
  MaskMat allowed(L, S);
  const int offset = S - L;  // query i stands at key position i + offset
  for (int i = 0; i < L; ++i) {
    const int pos = i + offset;
    for (int j = 0; j < S; ++j) {
      bool ok = true;
      switch (spec.kind) {
        case MaskSpec::Kind::None:
          ok = true;
          break;
        case MaskSpec::Kind::Causal:
          ok = j <= pos;
          break;
        case MaskSpec::Kind::Window:
          ok = j <= pos && j > pos - spec.window;
          break;
        case MaskSpec::Kind::Padding:
          ok = j < spec.valid_len;
          break;
        case MaskSpec::Kind::Explicit:
          break;
      }
      allowed(i, j) = ok ? 1 : 0;
    }
  }
  return allowed;
}

bool row_fully_masked(const MaskSpec& spec, int i, int L, int S) {
  const int pos = i + S - L;
  switch (spec.kind) {
    case MaskSpec::Kind::None:
      return S == 0;
    case MaskSpec::Kind::Causal:
    case MaskSpec::Kind::Window:
      return pos < 0;  // the window always contains position pos itself
    case MaskSpec::Kind::Padding:
      return spec.valid_len <= 0;
    case MaskSpec::Kind::Explicit:
      return !(spec.allowed.row(i).array() != 0).any();  // (a uint8 sum would wrap at 256)
  }
  return false;
}

std::string mask_name(const MaskSpec& spec) {
  switch (spec.kind) {
    case MaskSpec::Kind::None:
      return "none";
    case MaskSpec::Kind::Causal:
      return "causal";
    case MaskSpec::Kind::Window:
      return "window " + std::to_string(spec.window);
    case MaskSpec::Kind::Padding:
      return "padding " + std::to_string(spec.valid_len);
    case MaskSpec::Kind::Explicit:
      return "explicit";
  }
  return "none";
}

}  // namespace attn
