// libFuzzer harness for the tokenizer files and the tokenizer itself. An input with a NUL byte is a
// vocab.json and merges.txt pair (split at the first NUL) → model::Tokenizer::load; one starting "#version"
// (as merges.txt files do) is a merges.txt for the bundled vocabulary; any other input is text, encoded and
// decoded by the bundled tokenizer (loaded once, so most executions exercise the pre-tokeniser and the
// merges, not the JSON parse). A bad pair is refused naming the file; a good one decodes what it encodes,
// byte for byte.
#include <fstream>
#include <sstream>

#include "fuzz_common.h"
#include "model/bpe.h"

namespace {
std::string read(const std::string& name) {
  std::ifstream in(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void round_trip(const model::Tokenizer& t, const std::string& text) {
  const std::vector<int> ids = t.encode(text);
  if (t.decode(ids) != text) fuzz::fail("decode(encode(x)) != x", text);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const std::string bundled_vocab = read("vocab.json");
  static const model::Tokenizer bundled = model::Tokenizer::load(bundled_vocab, read("merges.txt"));
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  try {
    if (nul != std::string::npos)
      round_trip(model::Tokenizer::load(input.substr(0, nul), input.substr(nul + 1)), input);
    else if (input.rfind("#version", 0) == 0)
      round_trip(model::Tokenizer::load(bundled_vocab, input), input);
    else
      round_trip(bundled, input);
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
  }
  return 0;
}
