// libFuzzer harness: vocab.json and merges.txt (the input split at its first NUL byte; without one, the input
// is the merges with the bundled vocabulary) → model::Tokenizer::load, then encode/decode round trips of the
// input itself. A bad pair is refused naming the file; a good one decodes what it encodes, byte for byte.
#include <fstream>
#include <sstream>

#include "fuzz_common.h"
#include "model/bpe.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const std::string bundled_vocab = [] {
    std::ifstream in(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen/vocab.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string vocab = nul == std::string::npos ? bundled_vocab : input.substr(0, nul);
  const std::string merges = nul == std::string::npos ? input : input.substr(nul + 1);
  try {
    const model::Tokenizer t = model::Tokenizer::load(vocab, merges);
    const std::vector<int> ids = t.encode(input);
    if (t.decode(ids) != input) fuzz::fail("decode(encode(x)) != x", input);
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
  }
  return 0;
}
