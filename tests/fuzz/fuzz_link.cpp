// libFuzzer harness: a pasted link or state → state::open_shared (the page's #state=…, the desktop's Share →
// Open, attnlab --state FILE). A bad one leaves a notice in valid UTF-8; a good one works like a state.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static const state::AppState base = fuzz::base_state();
  const std::string text(reinterpret_cast<const char*>(data), size);
  state::AppState s = base;
  if (!state::open_shared(s, text)) {
    fuzz::check_message(state::notice_text(s));
    return 0;
  }
  fuzz::exercise(s);
  return 0;
}
