// Editing numbers cell by cell: X, W_Q, W_K, W_V (Q, K, V follow) or Q, K, V directly (see panels.h).
#include <imgui.h>

#include <algorithm>

#include "ui/panels.h"
#include "ui/widgets.h"

namespace ui {

namespace {

// A drag-to-change grid over m; returns true if any cell changed.
bool edit_matrix(const char* id, attn::MatD& m, const std::vector<std::string>& rows,
                 const std::vector<std::string>& cols) {
  bool changed = false;
  const int ncols = static_cast<int>(m.cols());
  if (!ImGui::BeginTable(id, ncols + 1,
                         ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_SizingFixedFit))
    return false;
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("");
  for (int c = 0; c < ncols; ++c)
    ImGui::TableSetupColumn(c < static_cast<int>(cols.size()) ? cols[static_cast<size_t>(c)].c_str() : "");
  ImGui::TableHeadersRow();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(i < static_cast<Eigen::Index>(rows.size()) ? rows[static_cast<size_t>(i)].c_str()
                                                                      : "");
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      ImGui::TableNextColumn();
      ImGui::PushID(static_cast<int>(i * m.cols() + c));
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 3.6f);
      changed |= ImGui::DragScalar("##v", ImGuiDataType_Double, &m(i, c), 0.01f, nullptr, nullptr, "%.2f");
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
  return changed;
}

// Source::Model: the shown head's W_Q, W_K, W_V (columns of the layer's c_attn), written into the app's own
// copy of the model (editable_model), which is then marked edited.
void edit_model_weights(AppState& s) {
  const model::Gpt2& m = *s.model;
  const int E = m.config.n_embd, d = E / m.config.n_head, layer = s.model_inputs.layer,
            head = s.model_inputs.head;
  int& which = s.view.edit_matrix;
  which = std::clamp(which, 1, 3);
  const char* names[] = {"W_Q", "W_K", "W_V"};
  ImGui::TextWrapped("%s", say(s, "edit.model_intro",
                               {attn::count_arg("layer", layer), attn::count_arg("head", head),
                                attn::text_arg("matrix", names[which - 1]), attn::count_arg("rows", E),
                                attn::count_arg("cols", d)})
                               .c_str());
  int pick = which - 1;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::Combo((words(s, "edit.matrix") + "###matrix_model").c_str(), &pick, names, 3)) which = pick + 1;
  const Eigen::Index col = static_cast<Eigen::Index>((which - 1) * E + head * d);
  attn::MatD w = m.layers[static_cast<size_t>(layer)].c_attn_w.middleCols(col, d).cast<double>();
  if (m.edits > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", words(s, "edit.edited").c_str());
  }
  if (!edit_matrix("##wm", w, index_labels(E), index_labels(d))) return;
  model::Gpt2& edit = editable_model(s);
  edit.layers[static_cast<size_t>(layer)].c_attn_w.middleCols(col, d) = w.cast<float>();
}

}  // namespace

void panel_edit(AppState& s) {
  if (s.source == Source::Model && s.model) return edit_model_weights(s);
  int& which = s.view.edit_matrix;
  const std::string x_name = words(s, "edit.x_embeddings");
  const char* names[] = {x_name.c_str(), "W_Q", "W_K", "W_V", "Q", "K", "V"};
  if (s.problem().form != attn::Problem::Form::Direct) {
    ImGui::TextWrapped("%s", words(s, "edit.multi_head").c_str());
    return;
  }
  ImGui::TextWrapped("%s", words(s, "edit.intro").c_str());
  if (s.source == Source::Direct) which = std::max(which, 4);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  ImGui::Combo((words(s, "edit.matrix") + "###matrix").c_str(), &which, names, 7);
  if (s.source == Source::Direct) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", words(s, "edit.typed").c_str());
  }
  const std::vector<std::string> tokens = attn::query_labels(s.problem()),
                                 keys = attn::key_labels(s.problem());
  const std::vector<std::string> dims_k = index_labels(s.problem().q.cols()),
                                 dims_v = index_labels(s.problem().v.cols());
  const std::vector<std::string> dims = index_labels(s.inputs.w_q.cols());
  attn::Problem& typed = s.typed;  // (Q, K and V typed here are the problem from now on: Source::Direct)
  if (which >= 4 && s.source != Source::Direct) typed = s.problem();
  bool changed = false;
  switch (which) {
    case 0:
      changed = edit_matrix("##x", s.inputs.x, s.setup.tokens, s.features);
      break;
    case 1:
      changed = edit_matrix("##wq", s.inputs.w_q, s.features, dims);
      break;
    case 2:
      changed = edit_matrix("##wk", s.inputs.w_k, s.features, dims);
      break;
    case 3:
      changed = edit_matrix("##wv", s.inputs.w_v, s.features, index_labels(s.inputs.w_v.cols()));
      break;
    case 4:
      changed = edit_matrix("##q", typed.q, tokens, dims_k);
      break;
    case 5:
      changed = edit_matrix("##k", typed.k, keys, dims_k);
      break;
    default:
      changed = edit_matrix("##v", typed.v, keys, dims_v);
      break;
  }
  if (!changed) return;
  if (which >= 4) s.source = Source::Direct;
  s.dirty = true;
}

}  // namespace ui
