// Scenarios: hand-designed teaching inputs loaded from assets/scenarios/*.json (data, not code): a sentence,
// named embedding features, embeddings X and weights W_Q, W_K, W_V chosen so the attention pattern tells a
// story, and a framing paragraph. Tests: tests/core/test_scenario.cpp (Scenario.*) load every file.
#pragma once

#include <string>
#include <vector>

#include "attn/json_io.h"
#include "attn/mask.h"
#include "attn/types.h"

namespace attn {

struct Scenario {
  std::string id;                     // file name without .json
  std::string title;                  // "Support chat: the refund"
  std::string framing;                // one paragraph shown with the scenario
  std::string sentence;               // tokenized with attn::tokenize
  std::vector<std::string> tokens;    // n
  std::vector<std::string> features;  // d_model names of the embedding columns
  std::string focus;                  // the query token the story is about
  int focus_index = 0;
  std::vector<std::string> story_keys;  // the keys the framing says the focus attends to most (tested)
  MatD x;                               // n×d_model
  MatD w_q, w_k, w_v;                   // d_model×d_k
  MaskSpec mask;
  // "source": "model": no vectors of its own; the named model runs on `sentence` and the story follows one
  // of its heads (the focus is a token of the model's, matched without its leading space).
  bool uses_model = false;
  std::string model;  // "tiny-austen"
  int layer = 0, head = 0;
};

// Parses and checks a scenario (known fields only; tokens match X's rows, shapes agree, focus is a token; for
// a model scenario: model, layer, head, focus and story_keys given). Throws ProblemError.
Scenario parse_scenario(const Json& j, const std::string& id);

// Every dir/*.json through parse_json_text and parse_scenario, sorted by id. A file that cannot be read or
// parsed is skipped with a line in `skipped` ("refund.json: x: has 3 rows, …"); the rest still load.
std::vector<Scenario> load_scenarios(const std::string& dir, std::vector<std::string>* skipped = nullptr);

}  // namespace attn
