// Undo and redo of edits (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y, the input panel's Undo): the document's data — the
// sentence, the vectors, the problem's settings, the model's inputs — as it was before each edit; the view,
// the step and an open lesson stay as they are. Edits close together (typing) are one. No ImGui here.
// Tests: tests/core/test_undo.cpp (Undo.*).
#pragma once

#include "state/app_state.h"

namespace state {

// After a frame in which the document's data changed (s.dirty): remembers `before` (the document at the
// frame's start) unless the last edit was moments ago; a new edit clears what redo had.
void remember_edit(UndoHistory& h, const Document& before, double now);
// Puts the data back as it was before the last edit (or as it was before the undo); false when nothing is
// left to undo (redo).
bool undo_edit(AppState& s, UndoHistory& h);
bool redo_edit(AppState& s, UndoHistory& h);

}  // namespace state
