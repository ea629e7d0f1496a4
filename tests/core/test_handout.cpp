// Handout.*: the handouts hold the numbers on screen — CSV and JSON of the shown head equal the result the
// views draw, the LaTeX writes the same arithmetic as the narration (every term), a matrix PNG is coloured
// cell by cell as the heatmap is — and refusals name why.
#include <gtest/gtest.h>

#include <sstream>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include "app/derive.h"
#include "attn/handout.h"
#include "attn/text.h"
#include "state/handout.h"
#include "state/palette.h"

namespace {

state::AppState derived() {
  state::AppState s = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  derive(s);
  return s;
}

// The rows of CSV block `name`: label, values.
std::vector<std::vector<std::string>> csv_block(const std::string& csv, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(csv);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# ", 0) == 0) {
      inside = line.rfind("# " + name + " (", 0) == 0;
      std::getline(in, line);  // (the header row)
      continue;
    }
    if (!inside || line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST(Handout, CsvAndJsonHoldTheNumbersOnScreen) {
  const state::AppState s = derived();
  const state::HandoutFile csv = state::make_handout(s, state::HandoutKind::Csv, 0, ATTN_FONT_PATH);
  EXPECT_EQ(csv.name, "attention-coreference-numbers.csv");
  const attn::HeadTrace<double>& t = s.derived().result.heads[0];
  const auto weights = csv_block(csv.bytes, "weights a = softmax(m)");
  ASSERT_EQ(weights.size(), static_cast<size_t>(t.weights.rows()));
  for (Eigen::Index i = 0; i < t.weights.rows(); ++i) {
    ASSERT_EQ(weights[static_cast<size_t>(i)].size(), static_cast<size_t>(t.weights.cols()) + 1);
    for (Eigen::Index j = 0; j < t.weights.cols(); ++j)
      EXPECT_NEAR(std::stod(weights[static_cast<size_t>(i)][static_cast<size_t>(j) + 1]), t.weights(i, j),
                  1e-9);
  }
  EXPECT_EQ(weights[7][0], "it");
  EXPECT_EQ(csv_block(csv.bytes, "X (embeddings)").size(), 11u);  // (a scenario: X and W_Q, W_K, W_V too)
  const attn::Json json =
      attn::Json::parse(state::make_handout(s, state::HandoutKind::Json, 0, ATTN_FONT_PATH).bytes);
  EXPECT_DOUBLE_EQ(json["output O = A·V"]["values"][7][0].get<double>(), t.output(7, 0));
  EXPECT_EQ(json["Q"]["rows"][7], "it");
}

TEST(Handout, LatexWritesEveryTermOfTheStepAndTheRowsSoftmax) {
  state::AppState s = derived();
  s.step_index = attn::step_index(attn::Stage::Scores, 7, 1, attn::Phase::Cell, 11, 11, s.granularity);
  const std::string step = state::make_handout(s, state::HandoutKind::LatexStep, 0, ATTN_FONT_PATH).bytes;
  // (the scenario's columns are its features: each term is named)
  EXPECT_NE(step.find("s_{7,1} = q_{7}\\cdot k_{1} = \\text{animate} (9.00)(1.00) + "), std::string::npos)
      << step;
  EXPECT_EQ(step.find("smaller terms"), std::string::npos) << step;  // all 6 terms
  const std::string row = state::make_handout(s, state::HandoutKind::LatexRow, 0, ATTN_FONT_PATH).bytes;
  EXPECT_NE(row.find("Softmax of the row of it"), std::string::npos);
  EXPECT_NE(row.find("animal & $"), std::string::npos);
  EXPECT_NE(row.find("\\begin{tabular}"), std::string::npos);
  EXPECT_EQ(attn::latex_math("ŝ₁₂,₃ = s₁₂,₃ × 1/√6 = −∞"),
            "\\hat{s}_{12,3} = s_{12,3} \\times  1/\\sqrt6 = -\\infty ");
  EXPECT_EQ(attn::latex_math("max₇ = exp(x)"), "\\max _{7} = \\exp (x)");
  EXPECT_EQ(attn::latex_math("s₇,₄ = Σₘ Re(qₘ·conj(kₘ)·exp(i·3·θₘ))"),  // (a RoPE score)
            "s_{7,4} = \\sum _{m} \\text{Re}(q_{m}\\cdot \\text{conj}(k_{m})\\cdot \\exp (i\\cdot 3\\cdot "
            "\\theta _{m}))");
  // Words said in another language stay whole words: the Spanish step through the same engine.
  EXPECT_EQ(attn::latex_math("(6 ⟦términos⟧)"), "(6 \\text{términos})");
  const attn::Catalog& spanish = *attn::catalog_for("es");
  EXPECT_NE(attn::latex_math(attn::say_formula(spanish, "l = 0: ⟦formula.no_allowed_key⟧", false, true))
                .find("\\text{" + spanish.messages.at("formula.no_allowed_key") + "}"),
            std::string::npos);
  state::AppState es = s;
  es.view.language = "es";
  es.step_index = attn::step_index(attn::Stage::Softmax, 7, 0, attn::Phase::Max, 11, 11, es.granularity);
  const std::string paso = state::make_handout(es, state::HandoutKind::LatexStep, 0, ATTN_FONT_PATH).bytes;
  EXPECT_NE(paso.find("\\text{en}"), std::string::npos) << paso;  // "max … (en “animal”)"
  EXPECT_EQ(attn::latex_text("50% of $x_1 & {y}"), "50\\% of \\$x\\_1 \\& \\{y\\}");
}

TEST(Handout, AMatrixPictureIsColouredAsTheHeatmap) {
  const state::AppState s = derived();
  const std::vector<attn::NamedMatrix> ms = state::shown_matrices(s);
  int weights = -1;
  for (size_t i = 0; i < ms.size(); ++i)
    if (ms[i].name.rfind("weights", 0) == 0) weights = static_cast<int>(i);
  ASSERT_GE(weights, 0);
  const state::HandoutFile f = state::make_handout(s, state::HandoutKind::MatrixPng, weights, ATTN_FONT_PATH);
  EXPECT_EQ(f.mime, "image/png");
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(f.bytes.data()),
                                            static_cast<int>(f.bytes.size()), &w, &h, &n, 4);
  ASSERT_NE(px, nullptr);
  EXPECT_GT(w, 11 * 48);
  EXPECT_GT(h, 11 * 48);
  // The bottom-right cell (tired, tired), read near its corner (away from the printed value).
  const int cell = 48, x = w - 24 - cell + 4, y = h - 24 - cell + 4;
  const std::array<float, 3> want =
      state::palette_rgb(state::Palette::Sequential, s.derived().result.heads[0].weights(10, 10));
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(px[(y * w + x) * 4 + k], want[k] * 255, 2.0) << k;
  stbi_image_free(px);
  EXPECT_THROW(state::make_handout(s, state::HandoutKind::MatrixPng, 99, ATTN_FONT_PATH), attn::ProblemError);
}

TEST(Handout, LongInputsAreReferredToTheCommandLine) {
  state::AppState s = state::default_state();
  state::state_from_json(s, attn::Json::parse(R"({"problem": {"random": {"n": 100, "d_model": 8}}})"));
  derive(s);
  try {
    state::make_handout(s, state::HandoutKind::Csv, 0, ATTN_FONT_PATH);
    FAIL();
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find("attnlab-cli run --format csv"), std::string::npos) << e.what();
  }
}
