// Sharing a state: as a link (…#state=<JSON>, the web app) or as JSON (the desktop app), said as briefly as
// it can be, and opening one again with a plain message when it is broken.
#pragma once

#include <string>

#include "state/app_state.h"

namespace state {

// The state as short as it can be said: vectors a scenario or a seed makes are given by that scenario or
// seed, the problem by its settings only; edited or typed numbers in full. state_from_json(link_state(s))
// reproduces s.
attn::Json link_state(const AppState& s);

// Opens a shared state: a link whose part after # is state=<percent-encoded JSON> and/or lesson=NAME&page=N
// (the lesson's page first, the state on top), or the JSON itself. On
// success s.notice is cleared; otherwise s is unchanged and s.notice says what is wrong. Returns success.
// Throws only on a bug (an exception other than ProblemError, its own runtime_errors or bad_alloc).
bool open_shared(AppState& s, const std::string& text);

}  // namespace state
