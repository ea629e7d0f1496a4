// libFuzzer harness: a scenario file → attn::parse_json_text + attn::parse_scenario (assets/scenarios/*.json,
// and lessons' scenarios later). A good one loads into the app and runs like the shipped ones.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  attn::Scenario sc;
  try {
    sc = attn::parse_scenario(attn::parse_json_text(text), "fuzzed");
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
    return 0;
  }
  state::AppState s = state::default_state({sc});
  state::load_scenario(s, s.scenarios.front());
  fuzz::exercise(s);
  return 0;
}
