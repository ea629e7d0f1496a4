// The uniform block every WGSL kernel reads (shaders/common.wgsl `struct Params`), byte for byte: C++ fills
// it (prepare_f32_job) and the page copies its bytes into the uniform buffer as they are, so no field is
// packed twice. Tests: tests/core/test_f32_job.cpp (GpuParams.*: sizes, offsets and common.wgsl's fields).
#pragma once

#include <cstddef>
#include <cstdint>

namespace compute {

struct GpuParams {
  std::uint32_t L = 0, S = 0, d = 0, dv = 0;  // query rows, key rows, width of q/k, width of v
  std::uint32_t h = 1, g = 1;                 // query heads, key/value heads (head i reads K/V head i·g/h)
  std::uint32_t explicit_mask = 0;            // 1: the allowed buffer decides (masks that are no key range)
  std::uint32_t causal = 0;                   // attn::KeyRange: keys after the query's position are hidden,
  std::uint32_t window = 0;                   //   0 or the last w keys only,
  std::uint32_t key_end = 0;                  //   keys from here on hidden (S when there is no padding)
  float multiplier = 1;                       // scale(d_k) / temperature
  std::uint32_t alibi = 0;                    // 1: −slopes[head]·|pos − j| is added to each scaled score
};

// WGSL's layout of the same struct: twelve 4-byte members, 16-byte aligned size.
static_assert(sizeof(GpuParams) == 48);
static_assert(offsetof(GpuParams, explicit_mask) == 24);
static_assert(offsetof(GpuParams, key_end) == 36);
static_assert(offsetof(GpuParams, multiplier) == 40);

// The members in order, as common.wgsl names them (the test compares).
inline constexpr const char* kGpuParamFields[] = {
    "L", "S", "d", "dv", "h", "g", "explicit_mask", "causal", "window", "key_end", "multiplier", "alibi"};
static_assert(sizeof(kGpuParamFields) / sizeof(kGpuParamFields[0]) * 4 == sizeof(GpuParams));

}  // namespace compute
