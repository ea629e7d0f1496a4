// Undo and redo of edits (see undo.h).
#include "state/undo.h"

namespace state {

namespace {

// The data an edit changes, from `from` into `to` (the view, step and lesson of `to` stay).
void copy_data(const Document& from, Document& to) {
  to.sentence = from.sentence;
  to.key_sentence = from.key_sentence;
  to.scenario_id = from.scenario_id;
  to.source = from.source;
  to.setup = from.setup;
  to.inputs = from.inputs;
  to.features = from.features;
  to.settings = from.settings;
  to.typed = from.typed;
  to.model_inputs = from.model_inputs;
  to.dirty = true;
}

bool swap_with(AppState& s, std::vector<Document>& from, std::vector<Document>& to) {
  if (from.empty()) return false;
  Document now = s;
  to.push_back(std::move(now));
  copy_data(from.back(), s);
  from.pop_back();
  if (s.source == Source::Model) ++s.model_version;  // (the model's text or ablations came back)
  refresh_problem(s);
  step_to(s, s.step_index);  // (a shorter sentence: the step stays on it)
  return true;
}

}  // namespace

void remember_edit(UndoHistory& h, const Document& before, double now) {
  if (h.replaying) {  // (the change was an undo or redo)
    h.replaying = false;
    return;
  }
  if (now - h.last > UndoHistory::kTogether || h.undo.empty()) {
    h.undo.push_back(before);
    // (at most kMost edits, and at most kMostNumbers numbers held: a large typed problem keeps few)
    const auto numbers = [](const Document& d) {
      const attn::Problem& p = d.typed;
      return static_cast<double>(p.q.size() + p.k.size() + p.v.size() + p.query.size() + p.key.size() +
                                 p.value.size() + p.in_proj_weight.size() + d.inputs.x.size() +
                                 d.inputs.x_kv.size());
    };
    double held = 0;
    for (const Document& d : h.undo) held += numbers(d);
    while (h.undo.size() > 1 && (h.undo.size() > UndoHistory::kMost || held > UndoHistory::kMostNumbers)) {
      held -= numbers(h.undo.front());
      h.undo.erase(h.undo.begin());
    }
  }
  h.last = now;
  h.redo.clear();
}

bool undo_edit(AppState& s, UndoHistory& h) {
  h.last = -1e9;  // (the next edit is one of its own)
  return h.replaying = swap_with(s, h.undo, h.redo);
}

bool redo_edit(AppState& s, UndoHistory& h) {
  h.last = -1e9;
  return h.replaying = swap_with(s, h.redo, h.undo);
}

}  // namespace state
