// libFuzzer harness: Problem JSON → compute::run_json (what attnlab-cli run and attnlab.run do), on the
// traced path with the trace and on the output-only path. Every answer is a Result without NaN/∞ or a clean
// {"error"} (fuzz_common.h).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (bool weights : {true, false}) {
    attn::RunOptions o = fuzz::limits();
    o.weights = weights;
    fuzz::check_answer(compute::run_json(text, "cpu", weights, o));
  }
  return 0;
}
