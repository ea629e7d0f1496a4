// Links and shared states (see share.h).
#include "state/share.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "attn/linear.h"
#include "attn/text.h"

namespace state {

namespace {

// %XX → the byte XX (the link's JSON is percent-encoded UTF-8, as encodeURIComponent writes it).
std::string percent_decode(const Words& w, const std::string& in) {
  std::string out;
  const auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size() || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0)
      throw std::runtime_error(say(w, "share.bad_percent", {attn::count_arg("i", static_cast<double>(i))}));
    out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
    i += 2;
  }
  return out;
}

// "state=…&lesson=five-steps&page=3" → its key=value pairs, in order (values still percent-encoded).
std::vector<std::pair<std::string, std::string>> fragment_params(const std::string& fragment) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while (at <= fragment.size()) {
    const size_t end = std::min(fragment.find('&', at), fragment.size());
    const std::string part = fragment.substr(at, end - at);
    const size_t eq = part.find('=');
    if (!part.empty())
      out.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
    at = end + 1;
  }
  return out;
}

}  // namespace

attn::Json link_state(const AppState& s) {
  attn::Json j = state_to_json(s);
  j["step"] = {
      {"granularity", j["step"]["granularity"]}, {"index", j["step"]["index"]}, {"playing", s.playing}};
  if (s.source == Source::Direct) return j;  // typed numbers: only all of them say it
  if (inputs_origin(s) == InputsOrigin::Edited && s.source == Source::Model) {
    j["inputs"] = {{"source", "direct"}};  // an edited model's numbers travel as the problem they make
    return j;
  }
  attn::Json settings = attn::Json::object();
  for (const char* f : kSettingFields)
    if (j["problem"].contains(f)) settings[f] = j["problem"][f];
  // (problem_to_json leaves these out at their defaults; a link says them, or the opener's own would stay)
  settings["feature_map"] = attn::feature_map_name(s.problem().feature_map);
  settings["tile"] = {{"q", s.problem().tile_q}, {"k", s.problem().tile_k}};
  j["problem"] = std::move(settings);  // q, k, v follow from the inputs
  attn::Json heads = {{"heads", s.setup.heads}, {"kv_heads", s.setup.kv_heads}};
  if (s.setup.position.kind != attn::PositionSpec::Kind::None)
    heads["position"] = attn::position_to_json(s.setup.position);
  switch (inputs_origin(s)) {
    case InputsOrigin::Scenario:  // (the seed: for a later sentence of one's own)
      j["inputs"] = {{"scenario", s.scenario_id}, {"seed", s.setup.seed}};
      j["inputs"].update(heads);
      break;
    case InputsOrigin::Seeded:
      j["inputs"] = {{"sentence", s.sentence},
                     {"seed", s.setup.seed},
                     {"d_model", s.setup.d_model},
                     {"d_k", s.setup.d_k}};
      if (!s.key_sentence.empty()) j["inputs"]["key_sentence"] = s.key_sentence;
      j["inputs"].update(heads);
      break;
    case InputsOrigin::Model:  // the model by name, the text and the head
      j["inputs"] = model_inputs_to_json(s);
      break;
    case InputsOrigin::Edited:  // the vectors travel in full
      break;
  }
  return j;
}

bool open_shared(AppState& s, const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  const std::string body = first == std::string::npos ? "" : text.substr(first);
  std::string why;
  try {
    std::string json = body;
    attn::Json lesson;  // #lesson=NAME&page=N (with or without a state)
    if (body.empty() || body[0] != '{') {
      const size_t hash = body.find('#');
      if (hash == std::string::npos) throw std::runtime_error(words(s, "share.not_a_link"));
      json.clear();
      for (const auto& [key, value] : fragment_params(body.substr(hash + 1))) {
        if (key == "state") {
          json = percent_decode(s, value);
        } else if (key == "lesson") {
          lesson["id"] = percent_decode(s, value);
        } else if (key == "page") {
          char* end = nullptr;
          const long page = std::strtol(value.c_str(), &end, 10);
          if (value.empty() || *end || page < 1 || page > 200)
            throw std::runtime_error(
                say(s, "share.bad_page", {attn::text_arg("page", attn::printable(value.substr(0, 12)))}));
          lesson["page"] = page;
        } else {
          throw std::runtime_error(
              say(s, "share.bad_part",
                  {attn::text_arg("part", attn::printable((key + "=" + value).substr(0, 20)))}));
        }
      }
      if (json.empty() && lesson.is_null()) throw std::runtime_error(words(s, "share.no_state_or_lesson"));
      if (!lesson.is_null() && !lesson.contains("id"))
        throw std::runtime_error(words(s, "share.page_without_lesson"));
      if (json.empty()) json = "{}";
    }
    attn::Json state;
    std::vector<std::string> notes;
    try {
      attn::JsonTextOptions options;
      options.notes = &notes;
      state = attn::parse_json_text(json, options);
    } catch (const attn::ProblemError& e) {
      throw std::runtime_error(say(s, "share.unreadable_json", {attn::text_arg("error", e.what())}));
    }
    if (!lesson.is_null() && state.is_object()) state["lesson"] = lesson;
    state_from_json(s, state);
    std::string said;  // the JSON reader's notes (English, like the core's errors), after "Opened; "
    for (const std::string& n : notes) said += (said.empty() ? "" : "; ") + n;
    s.notice = said.empty() ? attn::Message{}
                            : attn::Message{"share.opened_with_notes", {attn::text_arg("notes", said)}};
    return true;
  } catch (const attn::ProblemError& e) {  // (anything else is a bug and escapes: the fuzzer sees it)
    why = e.what();
  } catch (const std::runtime_error& e) {  // this function's own: not a link, bad %XX, not JSON
    why = e.what();
  } catch (const std::bad_alloc&) {
    why = words(s, "share.no_memory");
  }
  const bool link = !body.empty() && body[0] != '{';
  s.notice = attn::Message{link ? "notice.link_failed" : "notice.state_failed",
                           {attn::text_arg("why", attn::printable(why))}};
  return false;
}

}  // namespace state
