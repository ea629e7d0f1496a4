// attnlab-cli: the app's core from the command line, JSON out (the same parsers and code the app uses).
//   attnlab-cli run problem.json [--trace] [--indent N] [--no-weights] [--format json|csv|latex [--row I]]
//   attnlab-cli model [--model DIR] --text "…" | --ids 1,2,3 [--top K] [--generate N --temperature T --seed
//   S] [--gradient ID [--contrast ID]]
//   attnlab-cli explain [--model DIR] --text "…" --target TOKEN | --target-id N [--contrast TOKEN |
//   --contrast-id N] [--steps M]   (which tokens that next-token logit depends on: model/attribution.h)
//   attnlab-cli patch [--model DIR] --clean "…" --corrupt "…" --target TOKEN | --target-id N [--contrast …]
//   (how much of that logit difference each head restores: model/patching.h)
//   attnlab-cli tokenize --vocab vocab.json --merges merges.txt < lines   (one JSON string per line → ids)
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "attn/handout.h"
#include "attn/sentence.h"
#include "compute/cpu_backend.h"
#include "model/model_json.h"

namespace {

int print_error(const std::string& message) {
  std::cout << attn::dump_json(attn::error_json(message), 2) << "\n";
  std::cerr << "attnlab-cli: " << attn::valid_utf8(message) << "\n";
  return 1;
}

struct RunArgs {
  std::string path;
  bool trace = false, no_weights = false;
  int threads = 1;
  std::string format =
      "json";  // json | csv (every head's matrices) | latex (row `row`'s arithmetic per head)
  int row = 0;
  attn::RunOptions options = compute::default_options();
};

struct ModelArgs {
  std::string dir, text, ids;
  int top = 10, generate = 0;
  double temperature = 0;
  std::uint64_t seed = 0;
  bool no_attention = false;
  int gradient = -1, contrast = -1;  // ∂(logit[gradient] − logit[contrast])/∂e when gradient ≥ 0
};

// --format csv | latex: the handouts the app exports (attn/handout.h), for every head of the problem.
int print_handout(const std::string& text, const RunArgs& a, attn::RunOptions options) {
  try {
    if (a.no_weights)
      throw attn::ProblemError("--format " + a.format + ": needs the weights (not --no-weights)");
    options.json = 1;  // (the handout is about as large as the Result's JSON)
    const attn::Problem p = attn::parse_problem_text(text);
    const attn::Result r = compute::run_cpu(p, options);
    const std::vector<std::string> q = attn::query_labels(p), k = attn::key_labels(p);
    if (a.row >= p.query_len())
      throw attn::ProblemError("--row: " + std::to_string(a.row) + " is outside 0…" +
                               std::to_string(p.query_len() - 1));
    for (int h = 0; h < static_cast<int>(r.heads.size()); ++h) {
      const std::string head = r.heads.size() > 1 ? " (head " + std::to_string(h) + ")" : "";
      if (a.format == "csv") {
        std::vector<attn::NamedMatrix> ms = attn::head_matrices(p, r, h);
        for (attn::NamedMatrix& m : ms) m.name += head;
        std::cout << attn::matrices_csv(ms);
        continue;
      }
      const attn::ExplainInput in = attn::explain_input(p, r.heads[static_cast<size_t>(h)], h);
      const int S = p.key_len();
      std::cout << (head.empty() ? "" : "% ---- " + head.substr(1) + "\n")
                << attn::latex_step(
                       in, attn::step_at(attn::step_index(attn::Stage::Scores, a.row, 0, attn::Phase::Cell,
                                                          p.query_len(), S, attn::Granularity::Cell),
                                         p.query_len(), S, attn::Granularity::Cell))
                << attn::latex_row_softmax(*in.trace, a.row, q, k) << "\n";
    }
    return 0;
  } catch (const attn::ProblemError& e) {
    return print_error(e.what());
  }
}

int run_problem(const RunArgs& a, int indent) {
  // Read at most one byte past the parser's limit: a bigger input is refused by size, not read whole.
  const std::size_t limit = attn::JsonTextOptions{}.max_bytes + 1;
  std::ifstream file;
  if (a.path != "-") {
    file.open(a.path, std::ios::binary);
    if (!file) return print_error("file: cannot open \"" + a.path + "\"");
  }
  std::istream& in = a.path == "-" ? std::cin : file;
  std::string text;
  char buf[65536];
  while (text.size() < limit && in.read(buf, sizeof buf).gcount() > 0)
    text.append(buf, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return print_error("file: cannot read \"" + a.path + "\"");
  attn::RunOptions options = a.options;
  options.weights = !a.no_weights;
  options.threads = a.threads;
  if (a.format != "json") return print_handout(text, a, options);
  const compute::JsonRun r = compute::run_json(text, "cpu", a.trace && !a.no_weights, options);
  if (!r.ok) return print_error(r.json["error"].get<std::string>());
  std::cout << attn::dump_json(r.json, indent) << "\n";
  return 0;
}

// Opens the model in dir, prints answer(model) as JSON; a bad model, request or a lack of memory is a
// message.
template <typename Answer>
int with_model(const std::string& dir, int indent, Answer answer) {
  try {
    const model::Gpt2 m = model::load_gpt2_dir(dir, 4.0 * 1024 * 1024 * 1024);
    std::cout << attn::dump_json(answer(m), indent) << "\n";
    return 0;
  } catch (const attn::ProblemError& e) {
    return print_error(e.what());
  } catch (const std::bad_alloc&) {
    return print_error("memory: the model does not fit in the memory available here");
  }
}

int run_model(const ModelArgs& a, int indent) {
  attn::Json request = {{"top", a.top},
                        {"generate", a.generate},
                        {"temperature", a.temperature},
                        {"seed", a.seed},
                        {"attention", !a.no_attention}};
  if (a.gradient >= 0) {
    request["gradient"] = {{"target", a.gradient}};
    if (a.contrast >= 0) request["gradient"]["contrast"] = a.contrast;
  }
  if (!a.ids.empty()) {
    attn::Json ids = attn::Json::array();
    std::stringstream ss(a.ids);
    for (std::string item; std::getline(ss, item, ',');) {
      std::size_t used = 0;
      int id = -1;
      try {
        id = std::stoi(item, &used);
      } catch (const std::exception&) {
      }
      if (used != item.size() || id < 0) return print_error("--ids: \"" + item + "\" is not a token id");
      ids.push_back(id);
    }
    request["token_ids"] = std::move(ids);
  } else {
    request["text"] = a.text;
  }
  return with_model(a.dir, indent, [&](const model::Gpt2& m) {
    return model::run_model_json(m, model::parse_model_request(request),
                                 compute::default_options().max_bytes);
  });
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw attn::ProblemError(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ExplainArgs {
  std::string dir, text, corrupt, target, contrast;
  int target_id = -1, contrast_id = -1, steps = 32;
};

// A token given as text (it must be one token of this model's vocabulary) or as an id.
int token_id(const model::Gpt2& m, const char* flag, const std::string& text, int id) {
  if (id >= 0) return id;
  if (text.empty() && std::string(flag) == "--contrast") return -1;  // (none)
  return model::one_token(m, flag, text, std::string(flag) + "-id");
}

// Which tokens the next-token logit of the target (minus the contrast's) depends on (model::explain_json).
int run_explain(const ExplainArgs& a, int indent) {
  return with_model(a.dir, indent, [&](const model::Gpt2& m) {
    const model::LogitTarget t{token_id(m, "--target", a.target, a.target_id),
                               token_id(m, "--contrast", a.contrast, a.contrast_id)};
    return model::explain_json(m, m.tokenizer.encode(a.text), t, a.steps,
                               compute::default_options().max_bytes);
  });
}

// How much of the clean text's logit difference each head's output restores in the corrupted one.
int run_patch(const ExplainArgs& a, int indent) {
  return with_model(a.dir, indent, [&](const model::Gpt2& m) {
    const model::LogitTarget t{token_id(m, "--target", a.target, a.target_id),
                               token_id(m, "--contrast", a.contrast, a.contrast_id)};
    return model::patch_json(m, m.tokenizer.encode(a.text), m.tokenizer.encode(a.corrupt), t,
                             model::kPatchNative);
  });
}

// --target TOKEN | --target-id N [--contrast TOKEN | --contrast-id N] on a subcommand; given(): either was.
struct TargetOptions {
  CLI::Option *text, *id;
  bool given() const { return text->count() || id->count(); }
};
TargetOptions add_target(CLI::App* sub, ExplainArgs& a) {
  CLI::Option* target =
      sub->add_option("--target", a.target, "The next token whose logit is asked about (one token)");
  CLI::Option* target_id =
      sub->add_option("--target-id", a.target_id, "…or its id")->check(CLI::NonNegativeNumber);
  target->excludes(target_id);
  CLI::Option* contrast =
      sub->add_option("--contrast", a.contrast, "A token whose logit is subtracted (a logit difference)");
  sub->add_option("--contrast-id", a.contrast_id, "…or its id")
      ->check(CLI::NonNegativeNumber)
      ->excludes(contrast);
  return {target, target_id};
}

// Each line of stdin is a JSON string; prints one JSON array of its token ids per line.
int run_tokenize(const std::string& vocab, const std::string& merges) {
  try {
    const model::Tokenizer t = model::Tokenizer::load(read_file(vocab), read_file(merges));
    std::string line;
    for (int n = 1; std::getline(std::cin, line); ++n) {
      const attn::Json text = attn::parse_json_text(line);
      if (!text.is_string())
        throw attn::ProblemError("line " + std::to_string(n) + ": expected a JSON string");
      std::cout << attn::dump_json(attn::Json(t.encode(text.get<std::string>()))) << "\n";
    }
    return 0;
  } catch (const attn::ProblemError& e) {
    return print_error(e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "attnlab-cli: compute scaled dot-product attention, softmax(QKᵀ/√d_k + mask)·V, from a JSON "
      "problem, or run a GPT-2.\nPrints JSON on stdout; errors as {\"error\": \"...\"} with exit code 1."};
  app.require_subcommand(1);
  int indent = -1;
  RunArgs ra;
  CLI::App* run = app.add_subcommand("run", "Run one problem file and print its Result JSON");
  run->add_option("problem", ra.path, "Problem JSON file (see README.md for the fields), or - for stdin")
      ->required();
  run->add_flag(
      "--trace", ra.trace,
      "Include every stage per head: scores, scaled, masked, row_max, row_sum, weights (and ALiBi's "
      "bias, RoPE's q and k before the rotation)");
  run->add_flag("--no-weights", ra.no_weights,
                "Output only, on the fast f32 path (no L×S weights: for long sequences and benchmarks)");
  run->add_option("--threads", ra.threads, "Threads for --no-weights")->check(CLI::Range(1, 256));
  run->add_option(
         "--format", ra.format,
         "json (the Result), csv (every head's Q, K, V, scores, weights, output) or latex (the worked "
         "dot product and softmax of --row)")
      ->check(CLI::IsMember({"json", "csv", "latex"}));
  run->add_option("--row", ra.row, "The query row --format latex works through (default 0)")
      ->check(CLI::Range(0, 1 << 30));
  run->add_option("--max-memory-mib", ra.options.max_bytes,
                  "Refuse problems that would hold more memory than this (default 1024 MiB)")
      ->check(CLI::Range(1.0, 1048576.0))
      ->transform([](std::string s) { return std::to_string(std::stod(s) * 1048576.0); });
  run->add_option("--max-operations", ra.options.max_operations,
                  "Refuse problems that would take more operations than this (about 1 ns each; default 2e9)")
      ->check(CLI::Range(1.0, 1e15));
  run->footer(
      "Example problem (one head, 2 tokens, causal):\n"
      "  {\"tokens\": [\"the\", \"cat\"], \"q\": [[1,0],[0,1]], \"k\": [[1,0],[0,1]], \"v\": [[1,2],[3,4]],\n"
      "   \"mask\": \"causal\"}\n"
      "Multi-head problems use torch.nn.MultiheadAttention's layout: query, key, value, num_heads,\n"
      "num_kv_heads, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias.\n"
      "Positions: \"position\": \"rope\" | \"alibi\" | \"sinusoidal\" | {\"rope\": {\"base\": 10000, "
      "\"dims\": d_rot,\n"
      "\"pairing\": \"half\" | \"interleaved\"}} | {\"alibi\": {\"slopes\": [...]}} | {\"learned\": "
      "{\"table\": [[...]]}}.");

  ModelArgs ma;
  const char* env = std::getenv("ATTNLAB_MODEL");
  ma.dir = env ? env : std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen";
  CLI::App* mod = app.add_subcommand("model", "Run a GPT-2 (default: the bundled tiny model) on a text");
  mod->add_option("--model", ma.dir,
                  "A GPT-2 folder: config.json, model.safetensors, vocab.json, merges.txt");
  CLI::Option* text = mod->add_option("--text", ma.text, "The text (UTF-8)");
  CLI::Option* ids = mod->add_option("--ids", ma.ids, "Token ids instead of text: 1,2,3");
  text->excludes(ids);
  mod->add_option("--top", ma.top, "How many next tokens to list")->check(CLI::Range(0, 1000));
  mod->add_option("--generate", ma.generate, "Tokens to generate after the text (KV cache)")
      ->check(CLI::Range(0, 4096));
  mod->add_option("--temperature", ma.temperature, "0: the most likely token; else sample")
      ->check(CLI::Range(0.0, 100.0));
  mod->add_option("--seed", ma.seed, "Seed for sampling");
  mod->add_flag("--no-attention", ma.no_attention, "Leave every head's weights out of the JSON");
  CLI::Option* gradient =
      mod->add_option("--gradient", ma.gradient,
                      "A token id: the gradient of its next-token logit with respect to the input embeddings")
          ->check(CLI::NonNegativeNumber);
  mod->add_option("--contrast", ma.contrast, "A token id whose logit is subtracted (a logit difference)")
      ->check(CLI::NonNegativeNumber)
      ->needs(gradient);
  ExplainArgs ea;
  ea.dir = ma.dir;
  CLI::App* exp = app.add_subcommand(
      "explain", "Which tokens a next-token logit depends on: five attribution methods beside raw attention");
  exp->add_option("--model", ea.dir, "A GPT-2 folder (default: the bundled tiny model)");
  exp->add_option("--text", ea.text, "The text (UTF-8)")->required();
  const TargetOptions exp_target = add_target(exp, ea);
  exp->add_option("--steps", ea.steps, "Integrated gradients' steps (default 32)")
      ->check(CLI::Range(1, 1024));
  ExplainArgs pa;
  pa.dir = ma.dir;
  CLI::App* pat = app.add_subcommand("patch",
                                     "How much of a logit difference each head restores when patched from a "
                                     "clean text into a corrupted one");
  pat->add_option("--model", pa.dir, "A GPT-2 folder (default: the bundled tiny model)");
  pat->add_option("--clean", pa.text, "The clean text (UTF-8)")->required();
  pat->add_option("--corrupt", pa.corrupt, "The corrupted text, with as many tokens")->required();
  const TargetOptions pat_target = add_target(pat, pa);
  std::string vocab, merges;
  CLI::App* tok = app.add_subcommand("tokenize", "Token ids of each line of stdin (a JSON string per line)");
  tok->add_option("--vocab", vocab, "vocab.json")->required();
  tok->add_option("--merges", merges, "merges.txt")->required();
  for (CLI::App* sub : {run, mod, exp, pat})
    sub->add_option("--indent", indent, "Pretty-print with this many spaces, 0–16 (default: compact)")
        ->check(CLI::Range(0, 16));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (tok->parsed()) return run_tokenize(vocab, merges);
  for (const auto& [sub, target] : {std::pair{exp, exp_target}, std::pair{pat, pat_target}})
    if (sub->parsed() && !target.given())
      return print_error(sub->get_name() + ": give --target or --target-id");
  if (exp->parsed()) return run_explain(ea, indent);
  if (pat->parsed()) return run_patch(pa, indent);
  if (mod->parsed()) {
    if (!text->count() && !ids->count()) return print_error("model: give --text or --ids");
    return run_model(ma, indent);
  }
  return run_problem(ra, indent);
}
