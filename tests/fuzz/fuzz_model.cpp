// libFuzzer harness: the two model texts a user sends — a config.json (loaded with the other files of
// fuzz::small_model(), written here in Hugging Face's layout: a config that disagrees with the tensors must
// be refused by name) and, when the input starts with '{"t', a model request (run_model_json on that model);
// '{"c' (clean…) an attnlab.patch request and '{"s' (steps…) an attnlab.explain one on it.
// Answers are results or named refusals. (The small model keeps each input to milliseconds under ASan; the
// bundled model's files are the golden tests' and the safetensors harness's.)
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

// m's weights as a safetensors file (F32, GPT-2's names; Conv1D weights are stored in × out, as m holds
// them).
std::string safetensors_of(const model::Gpt2& m) {
  std::vector<std::pair<std::string, const attn::MatF*>> mats = {{"wte.weight", &m.wte},
                                                                 {"wpe.weight", &m.wpe}};
  std::vector<std::pair<std::string, const attn::VecF*>> vecs = {{"ln_f.weight", &m.ln_f_w},
                                                                 {"ln_f.bias", &m.ln_f_b}};
  for (size_t l = 0; l < m.layers.size(); ++l) {
    const model::Gpt2Layer& L = m.layers[l];
    const std::string h = "h." + std::to_string(l) + ".";
    mats.insert(mats.end(), {{h + "attn.c_attn.weight", &L.c_attn_w},
                             {h + "attn.c_proj.weight", &L.c_proj_w},
                             {h + "mlp.c_fc.weight", &L.fc_w},
                             {h + "mlp.c_proj.weight", &L.proj_w}});
    vecs.insert(vecs.end(), {{h + "ln_1.weight", &L.ln_1_w},
                             {h + "ln_1.bias", &L.ln_1_b},
                             {h + "attn.c_attn.bias", &L.c_attn_b},
                             {h + "attn.c_proj.bias", &L.c_proj_b},
                             {h + "ln_2.weight", &L.ln_2_w},
                             {h + "ln_2.bias", &L.ln_2_b},
                             {h + "mlp.c_fc.bias", &L.fc_b},
                             {h + "mlp.c_proj.bias", &L.proj_b}});
  }
  attn::Json header = attn::Json::object();
  std::string data;
  const auto put = [&](const std::string& name, const float* x, size_t n, attn::Json shape) {
    header[name] = {{"dtype", "F32"}, {"shape", shape}, {"data_offsets", {data.size(), data.size() + 4 * n}}};
    data.append(reinterpret_cast<const char*>(x), 4 * n);
  };
  for (const auto& [name, mat] : mats) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row = *mat;
    put(name, row.data(), static_cast<size_t>(row.size()), {row.rows(), row.cols()});
  }
  for (const auto& [name, vec] : vecs)
    put(name, vec->data(), static_cast<size_t>(vec->size()), {vec->size()});
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[static_cast<size_t>(i)] = static_cast<char>((text.size() >> (8 * i)) & 0xFF);
  return out + text + data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const std::shared_ptr<const model::Gpt2> small = fuzz::small_model();
  static const std::string weights = safetensors_of(*small), vocab = slurp("vocab.json"),
                           merges = slurp("merges.txt");
  static const bool loads = [] {  // (the files written here are a model the loader takes)
    const std::string config =
        R"({"n_layer": 2, "n_head": 4, "n_embd": 8, "n_positions": 128, "vocab_size": 1757})";
    try {
      model::load_gpt2({config, weights, vocab, merges, ""}, "small", 1e9);
    } catch (const attn::ProblemError& e) {
      fuzz::fail("the small model's own files do not load", e.what());
    }
    return true;
  }();
  (void)loads;
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    if (input.rfind("{\"t", 0) == 0) {
      model::ModelRequest r = model::parse_model_request(attn::parse_json_text(input));
      r.generate = std::min(r.generate, 4);
      (void)attn::dump_json(model::run_model_json(*small, r, 64.0 * 1024 * 1024));
    } else if (input.rfind("{\"c", 0) == 0) {
      (void)attn::dump_json(model::patch_request(*small, attn::parse_json_text(input), 1e8));
    } else if (input.rfind("{\"s", 0) == 0) {
      (void)attn::dump_json(
          model::explain_request(*small, attn::parse_json_text(input), 64.0 * 1024 * 1024, 1e8));
    } else {
      (void)model::load_gpt2({input, weights, vocab, merges, ""}, "fuzzed", 64.0 * 1024 * 1024);
    }
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
  }
  return 0;
}
