// libFuzzer harness: app state JSON → state::state_from_text (what attnlab.setState does). A refused state
// changes nothing and names its field; an accepted one derives, describes itself and reopens (fuzz_common.h).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const state::AppState base = fuzz::base_state();
  static const std::string base_json = attn::dump_json(state::state_to_json(base));
  const std::string text(reinterpret_cast<const char*>(data), size);
  state::AppState s = base;
  try {
    state::state_from_text(s, text);
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
    if (attn::dump_json(state::state_to_json(s)) != base_json)
      fuzz::fail("a refused state changed the app", e.what());
    return 0;
  }
  fuzz::exercise(s);
  return 0;
}
