// Handouts from the app (the Handout menu, attnlab.handout()): the current head's numbers as CSV or JSON, the
// current step's worked formula or the current row's softmax as LaTeX, and one matrix as a PNG at print
// resolution with its token labels — made from the numbers on screen. A PNG of the whole view is the
// platform's (it reads the framebuffer). No ImGui here. Tests: tests/core/test_handout.cpp (Handout.*).
#pragma once

#include <string>
#include <vector>

#include "attn/handout.h"
#include "state/handout_types.h"
#include "state/words.h"

namespace state {

struct AppState;

// The menu's words for kHandouts[kind] in the app's language (the catalog's "handout.menu.<id>").
std::string handout_title(const Words& w, int kind);

// The matrices on screen for the shown head: X, W_Q, W_K, W_V when Q, K, V come from embeddings, then Q, K,
// V, the scores, scaled, masked, weights and output (attn::head_matrices).
// Their names stay as they are (the CSV's and JSON's names, the JS API's, the file names); matrix_title says
// one in the app's language ("weights a = softmax(m)" → "pesos a = softmax(m)"), a bare symbol (Q, W_K) as it
// is.
std::vector<attn::NamedMatrix> shown_matrices(const AppState& s);
std::string matrix_title(const Words& w, const std::string& name);

// The file for a handout (not ViewPng), from the state's current result; font_path: a TTF for the PNG's
// labels. Throws attn::ProblemError when there is nothing to hand out (no result, a sequence too long).
HandoutFile make_handout(const AppState& s, HandoutKind kind, int matrix, const std::string& font_path);

// A file name from the state: "attention-<scenario, model or sentence>-<what>.<ext>".
std::string handout_name(const AppState& s, const std::string& what, const char* ext);

// One matrix as a PNG: cells coloured as on screen with their values, token labels on the left and (rotated)
// on top, its name as the title; `cell` pixels per cell (48: about 4 mm at 300 dpi); the values written with
// `text`'s decimal sign.
std::string matrix_png(const attn::NamedMatrix& m, bool weights, const std::string& font_path, int cell = 48,
                       const attn::Catalog& text = attn::english());

}  // namespace state
