// attnlab-cli: runs a Problem JSON file and prints the Result JSON (the same core and parser the app uses).
//   attnlab-cli run problem.json [--trace] [--indent N]     (use - for standard input)
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "compute/cpu_backend.h"

namespace {

int print_error(const std::string& message) {
  std::cout << attn::error_json(message).dump(2) << "\n";
  std::cerr << "attnlab-cli: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "attnlab-cli: compute scaled dot-product attention, softmax(QKᵀ/√d_k + mask)·V, from a JSON "
      "problem.\nPrints the result as JSON on stdout; errors as {\"error\": \"...\"} with exit code 1."};
  app.require_subcommand(1);
  std::string path;
  bool trace = false;
  int indent = -1;
  CLI::App* run = app.add_subcommand("run", "Run one problem file and print its Result JSON");
  run->add_option("problem", path, "Problem JSON file (see README.md for the fields), or - for stdin")
      ->required();
  run->add_flag("--trace", trace,
                "Include every stage per head: scores, scaled, masked, row_max, row_sum, weights");
  run->add_option("--indent", indent, "Pretty-print with this many spaces (default: compact)");
  bool no_weights = false;
  int threads = 1;
  run->add_flag("--no-weights", no_weights,
                "Output only, on the fast f32 path (no L×S weights: for long sequences and benchmarks)");
  run->add_option("--threads", threads, "Threads for --no-weights")->check(CLI::Range(1, 256));
  run->footer(
      "Example problem (one head, 2 tokens, causal):\n"
      "  {\"tokens\": [\"the\", \"cat\"], \"q\": [[1,0],[0,1]], \"k\": [[1,0],[0,1]], \"v\": [[1,2],[3,4]],\n"
      "   \"mask\": \"causal\"}\n"
      "Multi-head problems use torch.nn.MultiheadAttention's layout: query, key, value, num_heads,\n"
      "num_kv_heads, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return print_error("file: cannot open \"" + path + "\"");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  attn::RunOptions options;
  options.weights = !no_weights;
  options.threads = threads;
  const compute::JsonRun r = compute::run_json(text, "cpu", trace && !no_weights, options);
  if (!r.ok) return print_error(r.json["error"].get<std::string>());
  std::cout << r.json.dump(indent) << "\n";
  return 0;
}
