// Loading a GPT-2 from Hugging Face's files (see gpt2.h): config first (its size is checked against the
// limit before any tensor is read), then every tensor by name and shape, then the tokenizer.
#include "model/gpt2.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "attn/budget.h"
#include "attn/format.h"
#include "attn/json_text.h"
#include "attn/problem.h"
#include "model/safetensors.h"

namespace model {

namespace {

int config_int(const attn::Json& c, const char* key, const char* alt, int lo, int hi) {
  const char* k = c.contains(key) ? key : alt && c.contains(alt) ? alt : nullptr;
  if (!k) attn::fail_field("config.json", std::string("missing ") + key);
  const attn::Json& v = c[k];
  if (!v.is_number_integer() || v.get<double>() < lo || v.get<double>() > hi)
    attn::fail_field("config.json", std::string(k) + " should be an integer from " + std::to_string(lo) +
                                        " to " + std::to_string(hi) + ", got " + attn::brief(v));
  return v.get<int>();
}

Gpt2Config parse_config(std::string_view text) {
  attn::Json c;
  try {
    c = attn::parse_json_text(text);
  } catch (const attn::ProblemError& e) {
    attn::fail_field("config.json", e.what());
  }
  if (!c.is_object()) attn::fail_field("config.json", "expected an object");
  if (c.contains("model_type") && c["model_type"] != "gpt2")
    attn::fail_field("config.json",
                     "model_type is " + attn::brief(c["model_type"]) + "; only \"gpt2\" opens here");
  Gpt2Config g;
  g.n_layer = config_int(c, "n_layer", nullptr, 1, 256);
  g.n_head = config_int(c, "n_head", nullptr, 1, 256);
  g.n_embd = config_int(c, "n_embd", nullptr, 1, 65536);
  g.n_positions = config_int(c, "n_positions", "n_ctx", 1, 1 << 20);
  g.vocab_size = config_int(c, "vocab_size", nullptr, 257, 1 << 22);
  if (g.n_embd % g.n_head != 0)
    attn::fail_field("config.json", "n_head = " + std::to_string(g.n_head) +
                                        " does not divide n_embd = " + std::to_string(g.n_embd));
  if (c.contains("layer_norm_epsilon")) {
    const attn::Json& e = c["layer_norm_epsilon"];
    if (!e.is_number() || !(e.get<double>() > 0) || e.get<double>() > 1)
      attn::fail_field("config.json",
                       "layer_norm_epsilon should be a small positive number, got " + attn::brief(e));
    g.layer_norm_epsilon = e.get<double>();
  }
  if (c.contains("activation_function")) {
    const attn::Json& a = c["activation_function"];
    if (a != "gelu_new" && a != "gelu_pytorch_tanh" && a != "gelu" && a != "relu")
      attn::fail_field("config.json", "activation_function " + attn::brief(a) +
                                          " is not supported (gelu_new, gelu_pytorch_tanh, gelu, relu)");
    g.activation = a.get<std::string>() == "gelu_pytorch_tanh" ? "gelu_new" : a.get<std::string>();
  }
  return g;
}

// Reads tensors by GPT-2's names, with or without the "transformer." prefix, checking each shape.
struct Reader {
  const SafeTensors& st;
  const TensorInfo* find(const std::string& key) const {
    const TensorInfo* t = st.find("transformer." + key);
    return t ? t : st.find(key);
  }
  std::vector<float> read(const std::string& key, std::vector<std::int64_t> shape,
                          const char* meaning) const {
    const TensorInfo* t = find(key);
    if (!t) attn::fail_field("model.safetensors", "missing tensor " + key + " (" + meaning + ")");
    if (t->shape != shape) {
      const auto text = [](const std::vector<std::int64_t>& s) {
        std::string out;
        for (std::int64_t d : s) out += (out.empty() ? "" : ", ") + std::to_string(d);
        return "[" + out + "]";
      };
      attn::fail_field("model.safetensors", "tensor " + t->name + " has shape " + text(t->shape) +
                                                ", expected " + text(shape) + " (" + meaning + ")");
    }
    std::vector<float> v = st.floats(*t);
    for (float x : v)
      if (!std::isfinite(x))
        attn::fail_field("model.safetensors", "tensor " + t->name + " holds a value that is not finite");
    return v;
  }
  attn::MatF matrix(const std::string& key, int rows, int cols, const char* meaning) const {
    const std::vector<float> v = read(key, {rows, cols}, meaning);
    return Eigen::Map<const attn::MatF>(v.data(), rows, cols);
  }
  attn::VecF vector(const std::string& key, int n, const char* meaning) const {
    const std::vector<float> v = read(key, {n}, meaning);
    return Eigen::Map<const attn::VecF>(v.data(), n);
  }
};

}  // namespace

double Gpt2::parameters() const {
  const Gpt2Config& c = config;
  const double E = c.n_embd;
  return static_cast<double>(c.vocab_size) * E + c.n_positions * E + c.n_layer * (12 * E * E + 13 * E) +
         2 * E;
}

double gpt2_bytes(const Gpt2Config& c) {
  Gpt2 m;
  m.config = c;
  return 4 * m.parameters();
}

Gpt2 load_gpt2(const Gpt2Files& files, const std::string& name, double max_bytes) {
  Gpt2 m;
  m.name = name;
  m.config = parse_config(files.config_json);
  const Gpt2Config& c = m.config;
  if (gpt2_bytes(c) > max_bytes) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%.0f parameters need %s as f32; the limit here is %s", m.parameters(),
                  attn::human_bytes(gpt2_bytes(c)).c_str(), attn::human_bytes(max_bytes).c_str());
    attn::fail_field("model", buf);
  }
  const SafeTensors st = parse_safetensors(files.safetensors, "model.safetensors");
  const Reader r{st};
  const int E = c.n_embd;
  m.wte = r.matrix("wte.weight", c.vocab_size, E, "token embedding: vocab_size × n_embd");
  m.wpe = r.matrix("wpe.weight", c.n_positions, E, "position embedding: n_positions × n_embd");
  for (int i = 0; i < c.n_layer; ++i) {
    const std::string h = "h." + std::to_string(i) + ".";
    Gpt2Layer l;
    l.ln_1_w = r.vector(h + "ln_1.weight", E, "n_embd");
    l.ln_1_b = r.vector(h + "ln_1.bias", E, "n_embd");
    l.c_attn_w = r.matrix(h + "attn.c_attn.weight", E, 3 * E, "Conv1D, n_embd × 3·n_embd: W_Q | W_K | W_V");
    l.c_attn_b = r.vector(h + "attn.c_attn.bias", 3 * E, "3·n_embd");
    l.c_proj_w = r.matrix(h + "attn.c_proj.weight", E, E, "Conv1D, n_embd × n_embd");
    l.c_proj_b = r.vector(h + "attn.c_proj.bias", E, "n_embd");
    l.ln_2_w = r.vector(h + "ln_2.weight", E, "n_embd");
    l.ln_2_b = r.vector(h + "ln_2.bias", E, "n_embd");
    l.fc_w = r.matrix(h + "mlp.c_fc.weight", E, 4 * E, "Conv1D, n_embd × 4·n_embd");
    l.fc_b = r.vector(h + "mlp.c_fc.bias", 4 * E, "4·n_embd");
    l.proj_w = r.matrix(h + "mlp.c_proj.weight", 4 * E, E, "Conv1D, 4·n_embd × n_embd");
    l.proj_b = r.vector(h + "mlp.c_proj.bias", E, "n_embd");
    m.layers.push_back(std::move(l));
  }
  m.ln_f_w = r.vector("ln_f.weight", E, "n_embd");
  m.ln_f_b = r.vector("ln_f.bias", E, "n_embd");
  m.tokenizer = Tokenizer::load(files.vocab_json, files.merges_txt);
  if (m.tokenizer.size() > c.vocab_size)
    attn::fail_field("vocab.json", "has " + std::to_string(m.tokenizer.size()) +
                                       " tokens, but config.json's vocab_size is " +
                                       std::to_string(c.vocab_size));
  char shapes[160];
  std::snprintf(shapes, sizeof shapes, "GPT-2, %d layers × %d heads, d_model %d, context %d, %.0f parameters",
                c.n_layer, c.n_head, c.n_embd, c.n_positions, m.parameters());
  m.card = shapes;
  const std::string_view readme = files.readme;
  if (readme.rfind("# ", 0) == 0) {
    m.title = attn::printable(readme.substr(2, readme.find('\n') - 2));
    m.card = m.title + " (" + shapes + ")";
  }
  return m;
}

Gpt2 load_gpt2_dir(const std::string& dir, double max_bytes) {
  const auto read = [&](const char* file, bool required) {
    std::ifstream in(dir + "/" + file, std::ios::binary);
    if (!in) {
      if (required)
        attn::fail_field(dir, std::string("cannot open ") + file +
                                  " (a GPT-2 folder has config.json, "
                                  "model.safetensors, vocab.json and merges.txt)");
      return std::string();
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string config = read("config.json", true), weights = read("model.safetensors", true),
                    vocab = read("vocab.json", true), merges = read("merges.txt", true),
                    readme = read("README.md", false);
  std::string name = dir;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  name = name.substr(name.find_last_of('/') + 1);
  return load_gpt2({config, weights, vocab, merges, readme}, name, max_bytes);
}

}  // namespace model
