// The page's door into C++ as every build compiles it: one call = a command name, JSON arguments and an
// optional byte payload, answered with JSON. The browser's export (bridge.cpp, attnlab_call) adds the page's
// own commands (input, layout, files) and hands the answer to web/bridge.js; core tests call it natively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attn/json_io.h"
#include "state/app_state.h"

namespace app {

using BridgeHandler = attn::Json (*)(state::AppState& s, const attn::Json& args, std::string_view payload);
struct BridgeEntry {
  const char* name;
  BridgeHandler handler;
};

// Runs command `name` (the page's table first, then the core's) on s with args (the JSON text of an object;
// anything else reads as {}) and payload. Any error (an unknown command, a bad argument, a ProblemError, no
// memory) is {"error": "…"} and the app keeps running. A Result's matrices come as {"$f64": [offset, rows,
// cols]} into one block of f64s named by "$blob": [pointer, length], valid until the next call.
attn::Json bridge_call(state::AppState& s, std::string_view name, std::string_view args,
                       std::string_view payload, const std::vector<BridgeEntry>& page = {});

// An argument as text ("" when absent or not a string) and as a number (fallback when absent).
std::string arg_text(const attn::Json& args, const char* key);
double arg_number(const attn::Json& args, const char* key, double fallback = 0);

}  // namespace app
