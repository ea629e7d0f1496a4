// libFuzzer harness: a language's catalog file → attn::parse_catalog (assets/text/<locale>.json), then every
// message it holds said with arguments of every kind (placeholders that name nothing stay as written).
#include <cmath>

#include "attn/text.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  attn::Catalog c;
  try {
    c = attn::parse_catalog(text);
  } catch (const attn::ProblemError& e) {
    fuzz::check_message(e.what());
    return 0;
  }
  for (const auto& [id, message] : c.messages) {
    std::vector<attn::MessageArg> args;
    for (const std::string& p : attn::placeholders(message))
      args.push_back(p.size() % 2 ? attn::number_arg(p, -1.0 / 3) : attn::vector_arg(p, {0.5, INFINITY}));
    const std::string said = attn::say(c, attn::Message{id, args});
    if (attn::valid_utf8(said) != said) __builtin_trap();  // a catalog of valid UTF-8 says valid UTF-8
  }
  return 0;
}
