// UiRender.*: every panel renders headless (ImGui without a renderer) for several frames at 1×, 2× and 3×,
// with the font the app uses, without ImGui asserts (they throw here: ui/imgui_config.h); also with a
// multi-head problem and an error.
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/derive.h"
#include "compute/cpu_backend.h"
#include "model/gpt2.h"
#include "ui/imgui_config.h"
#include "ui/layout.h"
#include "state/lesson.h"
#include "ui/panels.h"
#include "ui/style.h"

namespace {

// In these tests a failed ImGui assert is an exception, so misuse fails the test that caused it.
struct ImGuiAssertsThrow : ::testing::Environment {
  void SetUp() override { ui::set_imgui_asserts_throw(true); }
};
::testing::Environment* const imgui_asserts = ::testing::AddGlobalTestEnvironment(new ImGuiAssertsThrow);

struct Display {
  float w = 1366, h = 768;
};

// ui::headless_context of the display's size: the app's font at `scale`, or ImGui's own when scale is 0.
ImGuiIO& headless_context(Display display, float scale = 0) {
  EXPECT_TRUE(ui::headless_context(display.w, display.h, scale > 0 ? ATTN_FONT_PATH : "", scale));
  return ImGui::GetIO();
}

// Renders `frames` frames of s, deriving what the app derives; returns the most vertices one frame drew.
// `problems` receives what did not fit in the last frame (ui/layout.h).
int render_frames(state::AppState& s, float scale, int frames, Display display = {},
                  std::vector<std::string>* problems = nullptr) {
  ImGuiIO& io = headless_context(display, scale);
  ui::apply_style(scale, s.view.high_contrast);
  int most = 0;
  for (int f = 0; f < frames; ++f) {
    const bool changed = s.dirty;
    derive(s);                                // (app/derive.h: exactly what the app does before a frame)
    if (changed) state::refresh_variants(s);  // every view's data, whichever view is open
    io.MousePos = ImVec2(700.0f + 10.0f * static_cast<float>(f), 500);  // hover the weights heatmap
    ImGui::NewFrame();
    ui::draw_frame(s);
    ImGui::Render();
    EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 1000);
    most = std::max(most, ImGui::GetDrawData()->TotalVtxCount);
  }
  if (problems) *problems = ui::layout_problems(s, ui::layout_boxes(), display.w, display.h);
  ImGui::DestroyContext();
  return most;
}

}  // namespace

TEST(UiRender, ImGuiMisuseThrows) {
  headless_context({640, 480});
  ImGui::NewFrame();
  EXPECT_THROW(ImGui::PopStyleVar(), ui::ImGuiMisuse);  // (nothing was pushed)
  ImGui::EndFrame();
  ImGui::DestroyContext();
}

TEST(UiRender, EveryPanelAtEveryScaleAndStage) {
  for (float scale : {1.0f, 2.0f, 3.0f})
    for (int panel = 0; panel < state::kPanelCount; ++panel) {
      state::AppState s = state::default_state();
      s.view.ui_scale = scale;
      s.view.panel = static_cast<state::Panel>(panel);
      for (int stage = 0; stage < attn::kStageCount; ++stage) {
        s.step_index = attn::stage_start(static_cast<attn::Stage>(stage), 11, 11, s.granularity) + 13;
        render_frames(s, scale, 2);
      }
    }
}

TEST(UiRender, RowGranularityPlayingAndDirectInputs) {
  state::AppState s = state::default_state();
  s.granularity = attn::Granularity::Row;
  s.playing = true;
  render_frames(s, 1.0f, 3);
  state::state_from_json(
      s,
      attn::Json::parse(
          R"({"problem":{"tokens":["a","b"],"q":[[1,2],[3,4]],"k":[[1,0],[0,1]],"v":[[1],[2]]},"view":{"panel":"edit"}})"));
  render_frames(s, 1.0f, 2);
}

TEST(UiRender, MoreTokensThanTheStepThroughShows) {
  state::AppState s = state::default_state();
  s.sentence.clear();
  for (int i = 0; i < 70; ++i) s.sentence += "w" + std::to_string(i) + " ";
  state::rebuild_from_sentence(s);
  render_frames(s, 1.0f, 2);
}

// The browser's WebGL2 buffers have limits (n = 3500 once drew 12 M cells): every view of a long sequence
// draws a bounded number of vertices, whatever n is.
TEST(UiRender, LongSequencesDrawBoundedVertices) {
  state::AppState s = state::default_state();
  state::state_from_json(s, attn::Json::parse(R"({"problem": {"random": {"n": 1500, "d_model": 8}}})"));
  for (int panel = 0; panel < state::kPanelCount; ++panel) {
    s.view.panel = static_cast<state::Panel>(panel);
    EXPECT_LT(render_frames(s, 2.0f, 2), 400000) << state::kViews[panel].id;
  }
  EXPECT_EQ(s.derived().weights_map.rows_per_block,
            12);  // ⌈1500 / 128⌉, as shaders/attention_map.wgsl blocks them
  EXPECT_EQ(s.derived().weights_map.map.rows(), 125);
  EXPECT_NEAR(s.derived().weights_map.map.row(7).sum(), 1.0, 1e-6);  // (f32 weights)
}

TEST(UiRender, HighContrastMultiHeadAndError) {
  state::AppState s = state::default_state();
  s.view.high_contrast = true;
  state::state_from_json(
      s,
      attn::Json::parse(
          R"({"problem":{"random":{"seed":1,"n":9,"d_model":16,"num_heads":4,"num_kv_heads":2},"mask":"causal"},"view":{"head":3}})"));
  render_frames(s, 1.0f, 3);
  s.update_derived().error = "q: example error";
  render_frames(s, 1.5f, 2);
}

// Every non-ASCII character in our sources, scenarios, lessons and catalogs has a glyph: a missing
// range shows as "?" on screen (it once did for ŝ, the scaled score).
TEST(UiRender, FontHasEveryCharacterOurTextUses) {
  ImGui::CreateContext();
  ASSERT_TRUE(ui::load_fonts(ATTN_FONT_PATH, 1.0f));
  ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
  int checked = 0;
  for (const char* dir :
       {ATTN_SOURCE_DIR, ATTN_SCENARIO_DIR, ATTN_ASSETS_DIR "/text", ATTN_ASSETS_DIR "/lessons"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (size_t i = 0; i < text.size();) {
        unsigned int c = static_cast<unsigned char>(text[i]);
        const int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;  // UTF-8 continuation bytes
        c &= extra == 0 ? 0x7F : 0x3F >> extra;
        for (int k = 1; k <= extra && i + k < text.size(); ++k) c = c << 6 | (text[i + k] & 0x3F);
        i += static_cast<size_t>(extra) + 1;
        if (c < 0x80) continue;
        ++checked;
        EXPECT_NE(font->FindGlyphNoFallback(static_cast<ImWchar>(c)), nullptr)
            << "missing glyph U+" << std::hex << c << " used in " << entry.path();
      }
    }
  }
  EXPECT_GT(checked, 500);  // (the files were read: the sources are full of √, ·, −, …)
  ImGui::DestroyContext();
}

// A language's own letters come from its catalog: Ж (U+0416) is in no built-in range, so only a catalog that
// uses it puts it in the atlas.
TEST(UiRender, GlyphsComeFromTheCatalog) {
  ImGui::CreateContext();
  attn::Catalog c;
  c.messages["t.x"] = "Жук";
  ASSERT_TRUE(ui::load_fonts(ATTN_FONT_PATH, 1.0f));
  EXPECT_EQ(ImGui::GetIO().Fonts->Fonts[0]->FindGlyphNoFallback(0x0416), nullptr);
  ASSERT_TRUE(ui::load_fonts(ATTN_FONT_PATH, 1.0f, c));
  EXPECT_NE(ImGui::GetIO().Fonts->Fonts[0]->FindGlyphNoFallback(0x0416), nullptr);
  ImGui::DestroyContext();
}

TEST(UiRender, EveryVariantsSectionWithMasksHeadsAndVariants) {
  const char* states[] = {
      R"({"problem": {"variant": "linear", "feature_map": "relu"}})",
      R"({"problem": {"variant": "flash", "tile": {"q": 3, "k": 2}, "mask": {"strided": 3, "global": [0]}}})",
      R"({"problem": {"mask": {"window": 2, "causal": false}}})",
      R"({"problem": {"mask": {"block": 4}}})",
      R"({"problem": {"mask": {"padding": 0}}})",
  };
  for (int section = 0; section < state::kVariantSectionCount; ++section)
    for (const char* st : states) {
      state::AppState s = state::default_state();
      attn::Json j = attn::Json::parse(st);
      attn::Json p = state::state_to_json(s)["problem"];
      p.update(j["problem"]);
      state::state_from_json(s, {{"problem", p}});
      s.view.panel = state::Panel::Variants;
      s.view.variants.section = static_cast<state::VariantSection>(section);
      s.view.variants.flash_step = 5;
      render_frames(s, 1.0f, 2);
      render_frames(s, 2.0f, 1);
    }
}

namespace {

// A GPT-2 of the given shape with seeded random weights and the bundled model's tokenizer.
std::shared_ptr<const model::Gpt2> random_gpt2(int layers, int heads, int embd, int positions) {
  static const model::Gpt2 bundled =
      model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9);
  auto m = std::make_shared<model::Gpt2>();
  m->name = "random-gpt2";
  m->card = "a random GPT-2 for layout tests";
  m->config = bundled.config;
  m->config.n_layer = layers, m->config.n_head = heads, m->config.n_embd = embd;
  m->config.n_positions = positions;
  m->tokenizer = bundled.tokenizer;
  const int V = m->config.vocab_size, E = embd;
  std::srand(3);
  const auto rnd = [](int r, int c) { return attn::MatF(attn::MatF::Random(r, c) * 0.3f); };
  const auto ones = [](int n) { return attn::VecF(attn::VecF::Ones(n)); };
  const auto zeros = [](int n) { return attn::VecF(attn::VecF::Zero(n)); };
  m->wte = rnd(V, E);
  m->wpe = rnd(positions, E);
  for (int l = 0; l < layers; ++l)
    m->layers.push_back({ones(E), zeros(E), rnd(E, 3 * E), zeros(3 * E), rnd(E, E), zeros(E), ones(E),
                         zeros(E), rnd(E, 4 * E), zeros(4 * E), rnd(4 * E, E), zeros(E)});
  m->ln_f_w = ones(E);
  m->ln_f_b = zeros(E);
  return m;
}

}  // namespace

// GPT-2 small's 12 × 12 heads: the Model view puts each layer's heads on as many rows as fit, so nothing is
// cut off on a laptop or on a projector (1920×1080 with the UI at 2×); the 4-head bundled model fits too.
TEST(UiLayout, ModelViewFitsTwelveHeadsAndTheBundledModel) {
  for (const bool twelve : {true, false})
    for (const auto& [display, scale] : {std::pair{Display{1366, 768}, 1.0f}, {Display{1920, 1080}, 2.0f}}) {
      state::AppState s = state::default_state();
      s.model = twelve ? random_gpt2(12, 12, 24, 64)
                       : std::make_shared<const model::Gpt2>(
                             model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9));
      state::use_model(s);
      s.view.ui_scale = scale;
      s.view.panel = state::Panel::Model;
      std::vector<std::string> problems;
      render_frames(s, scale, 3, display, &problems);
      EXPECT_TRUE(s.derived().model_run.error.empty()) << s.derived().model_run.error;
      EXPECT_EQ(s.derived().model_run.heads.size(), twelve ? 144u : 8u);
      for (const std::string& p : problems) ADD_FAILURE() << display.w << "×" << display.h << ": " << p;
    }
}

// The check itself can fail: a table wider than its window is reported with its width.
TEST(UiLayout, ReportsContentCutOffAtTheRight) {
  headless_context({800, 600});
  for (int f = 0; f < 3; ++f) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(300, 200));
    ImGui::Begin("Narrow", nullptr, ImGuiWindowFlags_NoSavedSettings);
    if (ImGui::BeginTable("##wide", 8, ImGuiTableFlags_SizingFixedFit)) {
      for (int c = 0; c < 8; ++c) ImGui::TableNextColumn(), ImGui::Text("column number %d", c);
      ImGui::EndTable();
    }
    ImGui::End();
    ImGui::Render();
  }
  const std::vector<std::string> problems = ui::layout_problems(ui::layout_boxes(), 800, 600);
  ImGui::DestroyContext();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("Narrow/table: content 8"), std::string::npos) << problems[0];
}

namespace {

// Every view and every part of the Variants view at each size, in `language`, on the default scenario and on
// the real model: nothing is cut off, nothing overlaps.
void expect_every_view_fits(const std::vector<std::pair<Display, float>>& sizes, const char* language) {
  const auto bundled = std::make_shared<const model::Gpt2>(
      model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9));
  for (const auto& [display, scale] : sizes)
    for (const bool real_model : {false, true})
      for (int panel = 0; panel < state::kPanelCount; ++panel)
        for (int section = 0;
             section < (panel == static_cast<int>(state::Panel::Variants) ? state::kVariantSectionCount : 1);
             ++section) {
          state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
          s.model = bundled;
          if (real_model) state::use_model(s);
          s.view.language = language;
          s.view.ui_scale = scale;
          s.view.panel = static_cast<state::Panel>(panel);
          s.view.variants.section = static_cast<state::VariantSection>(section);
          s.view.variants.flash_step = 5;             // (a tile with numbers, not the first)
          s.settings.tile_q = s.settings.tile_k = 8;  // (and tiles larger than the default)
          std::vector<std::string> problems;
          render_frames(s, scale, 5, display, &problems);
          for (const std::string& p : problems)
            ADD_FAILURE() << language << ", " << display.w << "×" << display.h << " at " << scale << "×, "
                          << (real_model ? "model, " : "") << state::kViews[panel].id
                          << (section ? std::string("/") + state::kVariantParts[section].id : "") << ": "
                          << p;
        }
}

}  // namespace

// The classroom sizes (issue 11): a small projector (1280×720, UI 1.5×), a laptop (1366×768, 1×), a projector
// (1920×1080, 2×) and a 4K screen (3840×2160, 3×).
TEST(UiLayout, EveryViewFitsAtClassroomSizes) {
  expect_every_view_fits(
      {{{1280, 720}, 1.5f}, {{1366, 768}, 1.0f}, {{1920, 1080}, 2.0f}, {{3840, 2160}, 3.0f}}, "en");
}

// Spanish words are longer than English ones: every view fits in Spanish too, at the two sizes a classroom
// meets most (a laptop, and a 1080p projector at 2×).
TEST(UiLayout, EveryViewFitsInSpanish) {
  expect_every_view_fits({{{1366, 768}, 1.0f}, {{1920, 1080}, 2.0f}}, "es");
}

// The Projector preset (View menu, P): input panel hidden, high contrast, the UI scaled to the screen; every
// view fits with it too, and switching it off gives the laptop layout back.
TEST(UiLayout, ProjectorPresetFitsAndSwitchesBack) {
  for (const Display display : {Display{1280, 720}, Display{1920, 1080}, Display{3840, 2160}})
    for (int panel = 0; panel < state::kPanelCount; ++panel) {
      state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
      state::set_projector(s, true, display.w, display.h);
      EXPECT_FALSE(s.view.input_panel);
      EXPECT_TRUE(s.view.high_contrast);
      // (larger at every classroom size: 1.25× on 1280×720, 1.75× on 1920×1080, 3× on 4K)
      EXPECT_FLOAT_EQ(s.view.ui_scale, display.w == 1280 ? 1.25f : display.w == 1920 ? 1.75f : 3.0f);
      s.view.panel = static_cast<state::Panel>(panel);
      std::vector<std::string> problems;
      render_frames(s, s.view.ui_scale, 4, display, &problems);
      for (const std::string& p : problems)
        ADD_FAILURE() << display.w << "×" << display.h << " projector, " << state::kViews[panel].id << ": "
                      << p;
      state::set_projector(s, false, display.w, display.h);
      EXPECT_TRUE(s.view.input_panel);
      EXPECT_FALSE(s.view.high_contrast);
      EXPECT_FLOAT_EQ(s.view.ui_scale, 1.0f);
    }
}

// Every page of every shipped lesson, on a laptop and on a projector (and with the Projector preset): the
// lesson panel, its prediction (open, then revealed) and the view the page opens all fit.
TEST(UiLayout, EveryLessonPageFits) {
  state::AppState base = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  base.model = std::make_shared<const model::Gpt2>(
      model::load_gpt2_dir(std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen", 1e9));
  std::vector<std::string> skipped;
  base.lessons = state::load_lessons(std::string(ATTN_ASSETS_DIR) + "/lessons", base, &skipped);
  EXPECT_TRUE(skipped.empty()) << skipped.front();
  const std::pair<Display, float> sizes[] = {{{1366, 768}, 1.0f}, {{1920, 1080}, 2.0f}};
  for (int l = 0; l < static_cast<int>(base.lessons.size()); ++l)
    for (int p = 0; p < static_cast<int>(base.lessons[static_cast<size_t>(l)].pages.size()); ++p)
      for (const auto& [display, scale] : sizes)
        for (const char* language : {"en", "es"})
          for (const bool revealed : {false, true}) {
            state::AppState s = base;
            s.view.ui_scale = scale;
            s.view.language = language;
            state::open_lesson(s, l, p);
            s.lesson.revealed = revealed;
            std::vector<std::string> problems;
            render_frames(s, scale, 3, display, &problems);
            for (const std::string& why : problems)
              ADD_FAILURE() << base.lessons[static_cast<size_t>(l)].id << " page " << p + 1 << " in "
                            << language << " at " << display.w << "×" << display.h
                            << (revealed ? " revealed: " : ": ") << why;
          }
}
