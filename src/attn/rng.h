// Deterministic random numbers: the same bits on every platform and compiler (std::normal_distribution
// differs between libstdc++ and Emscripten's libc++). Used for random problems and seeded embeddings.
#pragma once

#include <cmath>
#include <cstdint>

#include "attn/types.h"

namespace attn {

// splitmix64 for bits, Box–Muller for normals.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  double normal() {
    const double kTwoPi = 6.283185307179586;
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    return r * std::cos(kTwoPi * uniform());
  }
  // rows×cols with N(0, sd²) entries, filled row by row.
  MatD matrix(Eigen::Index rows, Eigen::Index cols, double sd) {
    MatD m(rows, cols);
    for (Eigen::Index i = 0; i < rows; ++i)
      for (Eigen::Index j = 0; j < cols; ++j) m(i, j) = sd * normal();
    return m;
  }
};

// FNV-1a, for seeding a token's embedding from its text (the same word gets the same vector).
inline std::uint64_t hash_text(const char* s, std::uint64_t seed) {
  std::uint64_t h = 1469598103934665603ull ^ seed;
  for (; *s; ++s) h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ull;
  return h;
}

}  // namespace attn
