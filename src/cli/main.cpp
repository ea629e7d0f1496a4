// attnlab-cli: runs a Problem JSON file and prints the Result JSON (the same core and parser the app uses).
//   attnlab-cli run problem.json [--trace] [--indent N] [--no-weights]   (use - for standard input)
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "compute/cpu_backend.h"

namespace {

int print_error(const std::string& message) {
  std::cout << attn::dump_json(attn::error_json(message), 2) << "\n";
  std::cerr << "attnlab-cli: " << attn::valid_utf8(message) << "\n";
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
  run->add_option("--indent", indent, "Pretty-print with this many spaces, 0–16 (default: compact)")
      ->check(CLI::Range(0, 16));
  bool no_weights = false;
  int threads = 1;
  run->add_flag("--no-weights", no_weights,
                "Output only, on the fast f32 path (no L×S weights: for long sequences and benchmarks)");
  run->add_option("--threads", threads, "Threads for --no-weights")->check(CLI::Range(1, 256));
  attn::RunOptions options = compute::default_options();
  run->add_option("--max-memory-mib", options.max_bytes,
                  "Refuse problems that would hold more memory than this (default 1024 MiB)")
      ->check(CLI::Range(1.0, 1048576.0))
      ->transform([](std::string s) { return std::to_string(std::stod(s) * 1048576.0); });
  run->add_option("--max-operations", options.max_operations,
                  "Refuse problems that would take more operations than this (about 1 ns each; default 5e9)")
      ->check(CLI::Range(1.0, 1e15));
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

  // Read at most one byte past the parser's limit: a bigger input is refused by size, not read whole.
  const std::size_t limit = attn::JsonTextOptions{}.max_bytes + 1;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return print_error("file: cannot open \"" + path + "\"");
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string text;
  char buf[65536];
  while (text.size() < limit && in.read(buf, sizeof buf).gcount() > 0)
    text.append(buf, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return print_error("file: cannot read \"" + path + "\"");
  options.weights = !no_weights;
  options.threads = threads;
  const compute::JsonRun r = compute::run_json(text, "cpu", trace && !no_weights, options);
  if (!r.ok) return print_error(r.json["error"].get<std::string>());
  std::cout << attn::dump_json(r.json, indent) << "\n";
  return 0;
}
