// attnlab-bench-model: the model layer's costs, printed (never asserted): load time, forward-pass time for T
// tokens (median of 3), KV-cache decoding per token, and peak memory (getrusage).
//   build/native/attnlab-bench-model [DIR (default: the bundled model)] [--tokens T]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "model/forward.h"

namespace {
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
double peak_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // (Linux: KiB)
}
}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen";
  int tokens = 128;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--tokens") && i + 1 < argc)
      tokens = std::atoi(argv[++i]);
    else
      dir = argv[i];
  }
  auto t0 = std::chrono::steady_clock::now();
  const model::Gpt2 m = model::load_gpt2_dir(dir, 8.0 * 1024 * 1024 * 1024);
  const double load = ms_since(t0);
  tokens = std::min(tokens, m.config.n_positions);
  std::vector<int> ids;
  for (int i = 0; i < tokens; ++i) ids.push_back(256 + (i * 7919) % std::max(1, m.tokenizer.size() - 257));
  std::vector<double> times;
  for (int r = 0; r < 3; ++r) {
    t0 = std::chrono::steady_clock::now();
    const model::Forward f = model::forward(m, ids);
    times.push_back(ms_since(t0));
  }
  std::sort(times.begin(), times.end());
  model::KvCache cache;
  t0 = std::chrono::steady_clock::now();
  model::prefill(m, ids, cache);
  const double decode = ms_since(t0) / tokens;
  std::printf("model %s: %s\n", m.name.c_str(), m.card.c_str());
  std::printf(
      "  load %.0f ms; forward of %d tokens %.1f ms (median of 3); KV-cache decoding %.2f ms per token "
      "(cache %.1f MiB); peak memory %.0f MiB\n",
      load, tokens, times[1], decode, cache.bytes() / 1048576, peak_mib());
  return 0;
}
