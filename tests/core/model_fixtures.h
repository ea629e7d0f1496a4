// What the model layer's tests share: the bundled model (assets/models/tiny-austen, loaded once), a file's
// bytes, and a safetensors file built from a header and data.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "model/gpt2.h"

namespace test {

inline const std::string kModelDir = std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen";

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const model::Gpt2& bundled() {
  static const model::Gpt2 m = model::load_gpt2_dir(kModelDir, 1e9);
  return m;
}

// A safetensors file from a header and data.
inline std::string safetensors(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header + data;
}

}  // namespace test
