// The mask kinds (kMaskKinds, one entry each) and what every mask does per cell and as a matrix (see mask.h).
#include "attn/mask.h"

#include <algorithm>
#include <cstdlib>

#include "attn/text.h"

namespace attn {

using K = MaskSpec::Kind;

const std::vector<MaskKindInfo> kMaskKinds = {
    {K::None, "none", -1, nullptr, 0, 0, false, false,  //
     [](const MaskSpec&, int, int, int) { return true; },
     [](const MaskSpec&) -> std::optional<KeyRange> { return KeyRange{}; },  //
     "mask.none", "O(n²·d)", nullptr, /*linear=*/true},
    {K::Causal, "causal", -1, nullptr, 0, 0, true, true,  //
     [](const MaskSpec&, int, int pos, int j) { return j <= pos; },
     [](const MaskSpec&) -> std::optional<KeyRange> {
       return KeyRange{true, 0, INT_MAX};
     },  //
     "mask.causal", "O(n²·d/2)", nullptr, /*linear=*/true},
    {K::Window, "window", 1, &MaskSpec::window, 1, 3, true, true,  //
     [](const MaskSpec& m, int, int pos, int j) { return j <= pos && j > pos - m.window; },
     [](const MaskSpec& m) -> std::optional<KeyRange> {
       return KeyRange{true, m.window, INT_MAX};
     },  //
     "mask.window", "O(n·w·d)", nullptr},
    {K::SymmetricWindow, "window", 0, &MaskSpec::window, 1, 3, true, false,  //
     [](const MaskSpec& m, int, int pos, int j) { return std::abs(pos - j) < m.window; }, nullptr,
     "mask.window_both", "O(n·2w·d)",
     [](const MaskSpec& m, int pos, int S) { return S == 0 || pos <= -m.window; }},
    {K::Strided, "strided", -1, &MaskSpec::stride, 1, 3, true, true,  //
     [](const MaskSpec& m, int, int pos, int j) {
       return j <= pos && (pos - j < m.stride || (pos - j) % m.stride == 0);
     },
     nullptr, "mask.strided", "O(n·(s + n/s)·d) = O(n·√n·d) (s = √n)",
     [](const MaskSpec&, int pos, int S) { return S == 0 || pos < 0; }},
    {K::Block, "block", -1, &MaskSpec::block, 1, 4, true, false,  //
     [](const MaskSpec& m, int, int pos, int j) { return pos >= 0 && pos / m.block == j / m.block; }, nullptr,
     "mask.block", "O(n·b·d)", [](const MaskSpec&, int pos, int S) { return S == 0 || pos < 0; }},
    {K::Padding, "padding", -1, &MaskSpec::valid_len, 0, 0, false, false,  //
     [](const MaskSpec& m, int, int, int j) { return j < m.valid_len; },
     [](const MaskSpec& m) -> std::optional<KeyRange> {
       return KeyRange{false, 0, m.valid_len};
     },  //
     "mask.padding", "O(n·valid·d)", nullptr},
    {K::Explicit, "", -1, nullptr, 0, 0, false, false,  //
     [](const MaskSpec& m, int i, int, int j) { return m.allowed(i, j) != 0; }, nullptr, "mask.explicit",
     "O(allowed·d)", nullptr},
};

bool linear_computes(const MaskSpec& m) { return mask_kind(m.kind).linear && m.global.empty(); }

const MaskKindInfo& mask_kind(MaskSpec::Kind kind) {
  return kMaskKinds[static_cast<size_t>(kind)];  // (in Kind's order: Mask.EveryKindHasOneEntry)
}

namespace {

bool is_global(const MaskSpec& m, int pos) {
  return std::binary_search(m.global.begin(), m.global.end(), pos);  // (kept sorted, see mask.h)
}

}  // namespace

bool mask_allows(const MaskSpec& m, int i, int j, int L, int S) {
  const int pos = i + S - L;
  const MaskKindInfo& k = mask_kind(m.kind);
  if (k.allows(m, i, pos, j)) return true;
  if (m.global.empty() || (k.hides_future && j > pos)) return false;
  return is_global(m, j) || is_global(m, pos);
}

MaskMat build_mask(const MaskSpec& spec, int L, int S) {
  if (spec.kind == K::Explicit) return spec.allowed;
  MaskMat allowed(L, S);
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j) allowed(i, j) = mask_allows(spec, i, j, L, S) ? 1 : 0;
  return allowed;
}

std::optional<KeyRange> key_range(const MaskSpec& spec) {
  const MaskKindInfo& k = mask_kind(spec.kind);
  if (!spec.global.empty() || !k.range) return std::nullopt;
  return k.range(spec);
}

bool mask_is_range(const MaskSpec& spec) { return key_range(spec).has_value(); }

void key_bounds(const KeyRange& r, int pos, int S, int& begin, int& end) {
  begin = r.window > 0 ? std::clamp(pos - r.window + 1, 0, S) : 0;
  end = std::clamp(std::min(r.causal ? pos + 1 : S, r.key_end), 0, S);
}

bool row_fully_masked(const MaskSpec& spec, int i, int L, int S) {
  if (const std::optional<KeyRange> r = key_range(spec)) {
    int begin, end;
    key_bounds(*r, i + S - L, S, begin, end);
    return begin >= end;
  }
  const MaskKindInfo& k = mask_kind(spec.kind);
  if (spec.global.empty() && k.row_empty) return k.row_empty(spec, i + S - L, S);
  for (int j = 0; j < S; ++j)  // (a uint8 sum of an explicit row would wrap at 256)
    if (mask_allows(spec, i, j, L, S)) return false;
  return true;
}

double allowed_count(const MaskSpec& spec, int L, int S) {
  double n = 0;
  if (const std::optional<KeyRange> r = key_range(spec)) {
    for (int i = 0; i < L; ++i) {
      int begin, end;
      key_bounds(*r, i + S - L, S, begin, end);
      n += std::max(0, end - begin);
    }
    return n;
  }
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < S; ++j) n += mask_allows(spec, i, j, L, S) ? 1 : 0;
  return n;
}

Message mask_message(const MaskSpec& spec) {
  const MaskKindInfo& k = mask_kind(spec.kind);
  std::vector<MessageArg> n;
  if (k.param) n.push_back(count_arg("n", spec.*k.param));
  const bool self = spec.kind == K::Block && spec.block == 1 && !spec.global.empty();
  // ({"global": […]} alone: each token sees itself and the globals)
  Message base{self ? "mask.self" : std::string(k.text_id) + ".name", n};
  if (spec.global.empty()) return base;
  std::string g;
  const size_t shown = std::min<size_t>(spec.global.size(), 8);  // a name, not a listing
  for (size_t i = 0; i < shown; ++i) g += (g.empty() ? "" : ", ") + std::to_string(spec.global[i]);
  return {shown < spec.global.size() ? "mask.with_global_more" : "mask.with_global",
          {words_arg("mask", std::move(base)), text_arg("tokens", g),
           count_arg("n", static_cast<double>(spec.global.size()))}};
}

std::string mask_name(const MaskSpec& spec, const Catalog& c) { return say(c, mask_message(spec)); }

}  // namespace attn
