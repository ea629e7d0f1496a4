// libFuzzer harness: a .safetensors file → model::parse_safetensors, then every tensor read as f32. A bad
// file is refused with a message naming it; a good one reads within its bounds (ASan checks every byte).
#include "fuzz_common.h"
#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string file(reinterpret_cast<const char*>(data), size);
  try {
    const model::SafeTensors st = model::parse_safetensors(file, "fuzzed.safetensors");
    for (const model::TensorInfo& t : st.tensors)
      if (t.elements() <= (1u << 20)) (void)st.floats(t);
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
  }
  return 0;
}
