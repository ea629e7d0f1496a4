// Helpers shared by the core tests.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "attn/json_io.h"
#include "attn/problem.h"
#include "attn/rng.h"

namespace test {

// The message of the ProblemError f throws, or "(accepted)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const attn::ProblemError& e) {
    return e.what();
  }
  return "(accepted)";
}

// Parity as DESIGN.md asks for it: every element |x − ref| ≤ atol + rtol·|ref| (NaN equal only to NaN, ±∞
// only to itself), the shapes equal. On failure the message names the worst element and the first few that
// miss:
//   EXPECT_TRUE(test::all_close(fast.output, reference.output, 3e-5)) << "kernel " << name;
template <typename A, typename B>
::testing::AssertionResult all_close(const A& x, const B& ref, double atol, double rtol = 0, int shown = 5) {
  if (x.rows() != ref.rows() || x.cols() != ref.cols())
    return ::testing::AssertionFailure()
           << "shape " << x.rows() << "×" << x.cols() << ", reference " << ref.rows() << "×" << ref.cols();
  std::ostringstream first;
  long misses = 0;
  double worst = 0;
  long worst_i = -1, worst_j = -1;
  for (long i = 0; i < static_cast<long>(x.rows()); ++i)
    for (long j = 0; j < static_cast<long>(x.cols()); ++j) {
      const double a = static_cast<double>(x(i, j)), r = static_cast<double>(ref(i, j));
      const bool same_special = (std::isnan(a) && std::isnan(r)) || (std::isinf(r) && a == r);
      const double diff = std::fabs(a - r);
      if (same_special || diff <= atol + rtol * std::fabs(r)) continue;
      if (misses < shown)
        first << "\n  [" << i << "," << j << "] " << a << " vs " << r << " (|diff| " << diff << ")";
      if (misses == 0 || diff > worst || std::isnan(diff)) {
        worst = diff;
        worst_i = i;
        worst_j = j;
      }
      ++misses;
    }
  if (misses == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << misses << " of " << x.size() << " elements beyond atol " << atol
                                       << " + rtol " << rtol << "·|ref|; worst [" << worst_i << "," << worst_j
                                       << "] |diff| " << worst << "; first:" << first.str();
}

// A seeded matrix with entries in ±1 (attn::Rng), and a direct problem of seeded Q (L×d), K (S×d), V (S×dv).
inline attn::MatD seeded_matrix(std::uint64_t seed, int rows, int cols) {
  attn::Rng rng{seed};
  return rng.matrix(rows, cols, 1.0);
}
inline attn::Problem seeded_direct(int L, int S, int d, int dv, std::uint64_t seed) {
  attn::Problem p;
  p.q = seeded_matrix(seed, L, d);
  p.k = seeded_matrix(seed + 1, S, d);
  p.v = seeded_matrix(seed + 2, S, dv);
  p.precision = attn::Precision::F64;
  return p;
}
// A mask from its JSON ("causal", {"window": 2}).
inline attn::MaskSpec mask(const char* json) { return attn::mask_from_json(attn::Json::parse(json)); }

}  // namespace test
