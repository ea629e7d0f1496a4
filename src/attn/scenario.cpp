// Scenario files (see scenario.h).
#include "attn/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "attn/sentence.h"

namespace attn {

namespace {
std::string text(const Json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string()) fail_field(field, "expected a string");
  return j[field].get<std::string>();
}

void check_finite(const MatD& m, const char* field) {
  if (!m.allFinite()) fail_field(field, "has a value that is not a finite number");
}
}  // namespace

Scenario parse_scenario(const Json& j, const std::string& id) {
  if (!j.is_object()) fail_field("scenario", "expected a JSON object");
  static const char* kFields[] = {"title",      "framing", "sentence", "focus", "features",
                                  "x",          "w_q",     "w_k",      "w_v",   "mask",
                                  "story_keys", "source",  "model",    "layer", "head"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find_if(std::begin(kFields), std::end(kFields), [&](const char* f) { return it.key() == f; }) ==
        std::end(kFields))
      fail_field(it.key(),
                 "unknown field (a typo? known: title, framing, sentence, focus, story_keys, features, x, "
                 "w_q, w_k, w_v, mask; or source: \"model\" with model, layer, head)");
  Scenario s;
  s.id = id;
  s.title = text(j, "title");
  s.framing = text(j, "framing");
  s.sentence = text(j, "sentence");
  s.focus = text(j, "focus");
  if (j.contains("source") && j["source"] == "model") {
    s.uses_model = true;
    s.model = text(j, "model");
    for (const auto& [field, out] : {std::pair<const char*, int*>{"layer", &s.layer}, {"head", &s.head}}) {
      if (!j.contains(field) || !j[field].is_number_integer() || j[field].get<double>() < 0 ||
          j[field].get<double>() > 1000)
        fail_field(field, "expected the model's layer and head, integers ≥ 0");
      *out = j[field].get<int>();
    }
    if (!j.contains("story_keys"))
      fail_field("story_keys", "missing (the keys the framing says the head looks at)");
    s.story_keys = labels_from_json(j["story_keys"], "story_keys");
    return s;  // (its tokens, and whether the focus is one, are the model's: checked when it loads)
  }
  if (j.contains("source") && j["source"] != "embeddings")
    fail_field("source",
               "expected \"model\" (or nothing: the scenario's own vectors), got " + brief(j["source"]));
  s.tokens = tokenize(s.sentence);
  for (const char* f : {"x", "w_q", "w_k", "w_v", "features"})
    if (!j.contains(f)) fail_field(f, "missing");
  s.x = matrix_from_json(j["x"], "x");
  s.w_q = matrix_from_json(j["w_q"], "w_q");
  s.w_k = matrix_from_json(j["w_k"], "w_k");
  s.w_v = matrix_from_json(j["w_v"], "w_v");
  s.features = labels_from_json(j["features"], "features");
  if (j.contains("mask")) s.mask = mask_from_json(j["mask"]);
  if (j.contains("story_keys")) s.story_keys = labels_from_json(j["story_keys"], "story_keys");
  const Eigen::Index n = static_cast<Eigen::Index>(s.tokens.size()), d = s.x.cols();
  if (s.x.rows() != n)
    fail_field("x", "has " + std::to_string(s.x.rows()) + " rows, the sentence has " + std::to_string(n) +
                        " tokens");
  if (static_cast<Eigen::Index>(s.features.size()) != d)
    fail_field("features",
               std::to_string(s.features.size()) + " names for " + std::to_string(d) + " columns of x");
  for (const auto& [m, f] :
       {std::pair<const MatD*, const char*>{&s.w_q, "w_q"}, {&s.w_k, "w_k"}, {&s.w_v, "w_v"}})
    if (m->rows() != d || m->cols() != s.w_q.cols())
      fail_field(f, "is " + std::to_string(m->rows()) + "×" + std::to_string(m->cols()) + ", expected " +
                        std::to_string(d) + "×" + std::to_string(s.w_q.cols()));
  check_finite(s.x, "x");
  check_finite(s.w_q, "w_q");
  check_finite(s.w_k, "w_k");
  check_finite(s.w_v, "w_v");
  s.focus_index = -1;
  for (size_t i = 0; i < s.tokens.size(); ++i)
    if (s.tokens[i] == s.focus) s.focus_index = static_cast<int>(i);
  if (s.focus_index < 0) fail_field("focus", "\"" + s.focus + "\" is not a token of the sentence");
  return s;
}

std::vector<Scenario> load_scenarios(const std::string& dir, std::vector<std::string>* skipped) {
  std::vector<Scenario> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().filename().string();
    try {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!in) throw ProblemError("file: cannot be read");
      out.push_back(parse_scenario(parse_json_text(ss.str()), entry.path().stem().string()));
    } catch (const std::exception& e) {  // a broken file is reported and skipped; the app keeps running
      if (skipped) skipped->push_back(valid_utf8(name) + ": " + e.what());
    }
  }
  if (ec && skipped) skipped->push_back(dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) { return a.id < b.id; });
  return out;
}

}  // namespace attn
