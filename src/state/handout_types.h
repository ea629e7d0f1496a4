// The handouts the app makes, as one table (id, English title, extension, MIME type), the request the Handout
// menu leaves for the app shell, and the file it gets back (see handout.h for what makes them). Apart from
// handout.h so that AppState holds a request without including what reads AppState. Tests:
// tests/core/test_handout.cpp (Handout.*).
#pragma once

#include <string>

namespace state {

// One table: id (the JS API's name), the menu's title in English (its words on screen: handout_title), the
// file's extension and MIME type.
enum class HandoutKind { ViewPng, MatrixPng, Csv, Json, LatexStep, LatexRow };
struct HandoutInfo {
  const char* id;
  const char* title;
  const char* ext;
  const char* mime;
};
constexpr int kHandoutCount = 6;
constexpr HandoutInfo kHandouts[kHandoutCount] = {
    {"view_png", "This view as a picture (PNG)", "png", "image/png"},
    {"matrix_png", "One matrix at print resolution (PNG)", "png", "image/png"},
    {"csv", "The numbers of this head (CSV)", "csv", "text/csv"},
    {"json", "The numbers of this head (JSON)", "json", "application/json"},
    {"latex_step", "This step's worked formula (LaTeX)", "tex", "application/x-tex"},
    {"latex_row", "This row's softmax (LaTeX)", "tex", "application/x-tex"},
};

// A request the app shell serves (it owns the framebuffer and the download or the file system).
struct HandoutRequest {
  int kind = -1;   // HandoutKind, −1: none pending
  int matrix = 0;  // for MatrixPng: an index into shown_matrices()
};

struct HandoutFile {
  std::string name;  // "attention-coreference-weights.png"
  std::string mime;
  std::string bytes;
};

}  // namespace state
