// Handouts from the app (see handout.h): picking the numbers on screen, and drawing one matrix into a PNG
// with stb_truetype (labels) and stb_image_write.
#include "state/handout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "attn/json_read.h"
#include "attn/sentence.h"
#include "state/app_state.h"
#include "state/narration.h"
#include "state/palette.h"

namespace state {

namespace {

const attn::HeadTrace<double>& head_of(const AppState& s) {
  if (!s.derived().has_result || s.derived().result.heads.empty() || s.dirty)
    attn::fail_field("handout", "nothing is computed yet (" +
                                    (s.derived().error.empty() ? "recomputing" : s.derived().error) + ")");
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.derived().result.heads.size()) - 1);
  const attn::HeadTrace<double>& t = s.derived().result.heads[static_cast<size_t>(h)];
  if (t.weights.rows() > kMaxStepTokens || t.weights.cols() > kMaxStepTokens)
    attn::fail_field("handout", "the app hands out up to " + std::to_string(kMaxStepTokens) +
                                    " tokens; for longer inputs use attnlab-cli run --format csv");
  return t;
}

attn::ExplainInput explain_input(const AppState& s) { return explain_input(s, head_of(s), s.view.head); }

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 32) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "input" : out;
}

// [SECTION] a matrix as a PNG

struct Canvas {
  int w, h;
  std::vector<unsigned char> px;  // RGBA
  Canvas(int width, int height) : w(width), h(height), px(static_cast<size_t>(width) * height * 4, 255) {}
  void fill(int x0, int y0, int x1, int y1, const std::array<float, 3>& c) {
    for (int y = std::max(0, y0); y < std::min(h, y1); ++y)
      for (int x = std::max(0, x0); x < std::min(w, x1); ++x)
        for (int k = 0; k < 3; ++k)
          px[(static_cast<size_t>(y) * w + x) * 4 + k] = static_cast<unsigned char>(c[k] * 255);
  }
  void blend(int x, int y, unsigned char alpha, const std::array<float, 3>& c) {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    unsigned char* p = &px[(static_cast<size_t>(y) * w + x) * 4];
    const float a = alpha / 255.0f;
    for (int k = 0; k < 3; ++k) p[k] = static_cast<unsigned char>(p[k] * (1 - a) + c[k] * 255 * a);
  }
};

// Glyphs from one TTF through stb_truetype.
class Font {
 public:
  explicit Font(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    ttf_ = ss.str();
    ok_ = !ttf_.empty() && stbtt_InitFont(&info_, reinterpret_cast<const unsigned char*>(ttf_.data()), 0);
    if (!ok_) attn::fail_field("handout", "the font " + path + " could not be read");
  }
  // Width in pixels of UTF-8 text at pixel height px.
  float width(const std::string& text, float px) const {
    float w = 0;
    each(text, [&](int cp) {
      int adv, lsb;
      stbtt_GetCodepointHMetrics(&info_, cp, &adv, &lsb);
      w += adv * stbtt_ScaleForPixelHeight(&info_, px);
    });
    return w;
  }
  // Draws text with its top-left at (x, y); rotated: reading upwards from (x, y) = its baseline's start.
  void draw(Canvas& c, const std::string& text, float x, float y, float px, const std::array<float, 3>& rgb,
            bool rotated = false) const {
    const float scale = stbtt_ScaleForPixelHeight(&info_, px);
    int ascent, descent, gap;
    stbtt_GetFontVMetrics(&info_, &ascent, &descent, &gap);
    float pen = 0;
    each(text, [&](int cp) {
      int gw = 0, gh = 0, xo = 0, yo = 0, adv = 0, lsb = 0;
      unsigned char* bmp = stbtt_GetCodepointBitmap(&info_, scale, scale, cp, &gw, &gh, &xo, &yo);
      for (int j = 0; j < gh; ++j)
        for (int i = 0; i < gw; ++i) {
          const float gx = pen + static_cast<float>(xo + i), gy = static_cast<float>(ascent) * scale + yo + j;
          if (rotated)  // (x, y) is the baseline start; the text runs up the page
            c.blend(static_cast<int>(x + gy - static_cast<float>(ascent) * scale), static_cast<int>(y - gx),
                    bmp[j * gw + i], rgb);
          else
            c.blend(static_cast<int>(x + gx), static_cast<int>(y + gy), bmp[j * gw + i], rgb);
        }
      stbtt_FreeBitmap(bmp, nullptr);
      stbtt_GetCodepointHMetrics(&info_, cp, &adv, &lsb);
      pen += adv * scale;
    });
  }

 private:
  template <typename F>
  static void each(const std::string& s, F f) {
    for (size_t i = 0; i < s.size();) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : 3;
      int cp = extra == 0 ? c : c & (0x3F >> extra);
      for (int k = 1; k <= extra && i + k < s.size(); ++k)
        cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      i += static_cast<size_t>(extra) + 1;
      f(cp);
    }
  }
  std::string ttf_;
  stbtt_fontinfo info_{};
  bool ok_ = false;
};

std::string value_text(double x, const attn::Catalog& text) {
  if (std::isinf(x)) return x < 0 ? "−∞" : "∞";
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(x) >= 100 ? "%.0f" : std::fabs(x) >= 10 ? "%.1f" : "%.2f", x);
  std::string s = attn::decimals(text, buf);
  if (s[0] == '-') s = "−" + s.substr(1);
  return s;
}

}  // namespace

std::string matrix_png(const attn::NamedMatrix& m, bool weights, const std::string& font_path, int cell,
                       const attn::Catalog& text) {
  const Font font(font_path);
  const float label_px = cell * 0.5f, value_px = cell * 0.36f, title_px = cell * 0.7f;
  const int R = static_cast<int>(m.m.rows()), C = static_cast<int>(m.m.cols());
  float left = 0, top = 0;
  for (const std::string& r : m.rows) left = std::max(left, font.width(r, label_px));
  for (const std::string& c : m.cols) top = std::max(top, font.width(c, label_px));
  const int pad = cell / 2, gl = static_cast<int>(left) + pad, gt = static_cast<int>(top) + pad;
  const int title_h = static_cast<int>(title_px * 1.6f);
  const int W = pad + gl + C * cell + pad, H = pad + title_h + gt + R * cell + pad;
  if (static_cast<double>(W) * H > 64e6) attn::fail_field("handout", "the picture would be too large");
  Canvas canvas(W, H);
  const std::array<float, 3> ink = {0.1f, 0.1f, 0.1f};
  font.draw(canvas, m.name, static_cast<float>(pad), static_cast<float>(pad), title_px, ink);
  const int x0 = pad + gl, y0 = pad + title_h + gt;
  double range = 0;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j)
      if (std::isfinite(m.m(i, j))) range = std::max(range, std::fabs(m.m(i, j)));
  if (range == 0) range = 1;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      const double x = m.m(i, j);
      const std::array<float, 3> fill = !std::isfinite(x) ? std::array<float, 3>{0.35f, 0.35f, 0.35f}
                                        : weights         ? palette_rgb(Palette::Sequential, x)
                                                          : palette_rgb(Palette::Diverging, x / range);
      canvas.fill(x0 + j * cell + 1, y0 + i * cell + 1, x0 + (j + 1) * cell, y0 + (i + 1) * cell, fill);
      const float lum = 0.2126f * fill[0] + 0.7152f * fill[1] + 0.0722f * fill[2];
      const std::string v = value_text(x, text);
      const float vw = font.width(v, value_px);
      font.draw(canvas, v, x0 + j * cell + (cell - vw) * 0.5f, y0 + i * cell + (cell - value_px) * 0.45f,
                value_px, lum > 0.5f ? std::array<float, 3>{0, 0, 0} : std::array<float, 3>{1, 1, 1});
    }
  for (int i = 0; i < R && i < static_cast<int>(m.rows.size()); ++i)
    font.draw(canvas, m.rows[static_cast<size_t>(i)],
              x0 - pad * 0.4f - font.width(m.rows[static_cast<size_t>(i)], label_px),
              y0 + i * cell + (cell - label_px) * 0.45f, label_px, ink);
  for (int j = 0; j < C && j < static_cast<int>(m.cols.size()); ++j)
    font.draw(canvas, m.cols[static_cast<size_t>(j)], x0 + j * cell + (cell - label_px) * 0.5f,
              y0 - pad * 0.4f, label_px, ink, true);
  std::string out;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size);
      },
      &out, W, H, 4, canvas.px.data(), W * 4);
  return out;
}

std::string handout_title(const Words& w, int kind) {
  return words(w, std::string("handout.menu.") + kHandouts[std::clamp(kind, 0, kHandoutCount - 1)].id);
}

std::string matrix_title(const Words& w, const std::string& name) {
  static const std::pair<const char*, const char*> kTitles[] = {
      {"X (embeddings)", "handout.matrix.x"},
      {"scores s = Q·Kᵀ", "handout.matrix.scores"},
      {"scaled ŝ", "handout.matrix.scaled"},
      {"masked m", "handout.matrix.masked"},
      {"weights a = softmax(m)", "handout.matrix.weights"},
      {"output O = A·V", "handout.matrix.output"}};
  for (const auto& [english, id] : kTitles)
    if (name == english) return words(w, id);
  return name;
}

std::vector<attn::NamedMatrix> shown_matrices(const AppState& s) {
  const attn::HeadTrace<double>& t = head_of(s);
  std::vector<attn::NamedMatrix> out;
  if (s.source == Source::Embeddings && s.problem().heads() == 1 && s.inputs.x.rows() == t.q.rows()) {
    const std::vector<std::string> tokens = attn::query_labels(s.problem());
    const std::vector<std::string> feats =
        s.features.empty() ? attn::index_labels(s.inputs.x.cols()) : s.features;
    out.push_back({"X (embeddings)", s.inputs.x, tokens, feats});
    out.push_back({"W_Q", s.inputs.w_q, feats, attn::index_labels(s.inputs.w_q.cols())});
    out.push_back({"W_K", s.inputs.w_k, feats, attn::index_labels(s.inputs.w_k.cols())});
    out.push_back({"W_V", s.inputs.w_v, feats, attn::index_labels(s.inputs.w_v.cols())});
  }
  const int h = std::clamp(s.view.head, 0, static_cast<int>(s.derived().result.heads.size()) - 1);
  for (attn::NamedMatrix& m : attn::head_matrices(s.problem(), s.derived().result, h))
    out.push_back(std::move(m));
  return out;
}

std::string handout_name(const AppState& s, const std::string& what, const char* ext) {
  const std::string from = !s.scenario_id.empty()       ? s.scenario_id
                           : s.source == Source::Model  ? (s.model ? s.model->name : "model")
                           : s.source == Source::Direct ? "typed"
                                                        : slug(s.sentence);
  return "attention-" + slug(from) + "-" + slug(what) + "." + ext;
}

HandoutFile make_handout(const AppState& s, HandoutKind kind, int matrix, const std::string& font_path) {
  const HandoutInfo& info = kHandouts[static_cast<int>(kind)];
  switch (kind) {
    case HandoutKind::ViewPng:
      attn::fail_field("handout", "a picture of the view is taken by the app shell");
    case HandoutKind::MatrixPng: {
      const std::vector<attn::NamedMatrix> ms = shown_matrices(s);
      if (matrix < 0 || matrix >= static_cast<int>(ms.size()))
        attn::fail_field("handout.matrix", "expected 0…" + std::to_string(ms.size() - 1));
      const attn::NamedMatrix& m = ms[static_cast<size_t>(matrix)];
      attn::NamedMatrix titled = m;  // (the picture's title in the app's language, the file's name English)
      titled.name = matrix_title(s, m.name);
      return {handout_name(s, m.name, info.ext), info.mime,
              matrix_png(titled, m.name.rfind("weights", 0) == 0, font_path, 48, catalog(s))};
    }
    case HandoutKind::Csv:
      return {handout_name(s, "numbers", info.ext), info.mime, attn::matrices_csv(shown_matrices(s))};
    case HandoutKind::Json:
      return {handout_name(s, "numbers", info.ext), info.mime,
              attn::dump_json(attn::matrices_json(shown_matrices(s)), 1)};
    case HandoutKind::LatexStep:
      return {handout_name(s, "step", info.ext), info.mime,
              attn::latex_step(explain_input(s), s.step(), catalog(s))};
    case HandoutKind::LatexRow: {
      const attn::ExplainInput in = explain_input(s);
      return {handout_name(s, "row-softmax", info.ext), info.mime,
              attn::latex_row_softmax(*in.trace, s.step().query, in.query_labels, in.key_labels)};
    }
  }
  attn::fail_field("handout", "unknown kind");
}

}  // namespace state
