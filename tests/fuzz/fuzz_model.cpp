// libFuzzer harness: the two model texts a user sends — a config.json (loaded with the bundled model's other
// files: a config that disagrees with the tensors must be refused by name) and, when the input starts with
// '{"t', a model request (run_model_json on fuzz::small_model(), the bundled model's tokenizer on small
// weights). Answers are results or named refusals.
#include <fstream>
#include <sstream>

#include "fuzz_common.h"
#include "model/model_json.h"

namespace {
std::string slurp(const char* file) {
  std::ifstream in(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen/" + file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const std::string weights = slurp("model.safetensors"), vocab = slurp("vocab.json"),
                           merges = slurp("merges.txt"), config = slurp("config.json");
  static const std::shared_ptr<const model::Gpt2> small = fuzz::small_model();
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    if (input.rfind("{\"t", 0) == 0) {
      model::ModelRequest r = model::parse_model_request(attn::parse_json_text(input));
      r.generate = std::min(r.generate, 4);
      (void)attn::dump_json(model::run_model_json(*small, r, 64.0 * 1024 * 1024));
    } else {
      (void)model::load_gpt2({input, weights, vocab, merges, ""}, "fuzzed", 64.0 * 1024 * 1024);
    }
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
  }
  return 0;
}
