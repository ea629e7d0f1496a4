// Words: the text catalog of the app's language as a small value, for code that says things but needs nothing
// else of the state (an AppState converts to one: words(s, id) says it in view.language). Every word on
// screen comes from assets/text/<language>.json through attn::say.
#pragma once

#include <string>
#include <vector>

#include "attn/text.h"

namespace state {

struct Words {
  const attn::Catalog* catalog = &attn::english();
};

// A message without arguments: words(w, "view.step") → "Step-through".
std::string words(const Words& w, const std::string& id);
// A message with arguments: say(w, "model.loss", {attn::fixed_arg("loss", 2.5, 3)}).
std::string say(const Words& w, const std::string& id, std::vector<attn::MessageArg> args);
// A message kept for later (a notice, a status line), said now.
std::string say(const Words& w, const attn::Message& m);
// Sentences, joined by spaces.
std::string say(const Words& w, const std::vector<attn::Message>& sentences);
// A number as that language writes it (attn::number: decimals < 0 writes it as the formulas do).
std::string num(const Words& w, double x, int decimals = -1);

}  // namespace state
