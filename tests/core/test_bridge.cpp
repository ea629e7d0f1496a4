// Bridge.*: the page's door into C++ (app::bridge_call, src/app/bridge_core.cpp) called natively, as
// web/bridge.js calls it in the browser: errors are answers, matrices travel beside the JSON, the GPU jobs'
// path and notices come from C++, and the commands that change the app change only what they name.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "app/bridge_core.h"
#include "app/derive.h"
#include "attn/format.h"
#include "model_fixtures.h"
#include "compute/gpu_jobs.h"
#include "state/app_state.h"

namespace {

using attn::Json;

Json call(state::AppState& s, const char* name, const Json& args = Json::object(),
          std::string_view payload = {}) {
  return app::bridge_call(s, name, args.dump(), payload);
}

const char* kProblem = R"({"random": {"seed": 3, "n": 16, "d_model": 8, "num_heads": 2}})";

}  // namespace

// An unknown command, arguments that are not JSON, a problem that does not parse: each an {"error"} naming
// it, and the next call works.
TEST(Bridge, ErrorsAreAnswers) {
  state::AppState s = state::default_state();
  EXPECT_EQ(call(s, "no_such")["error"], "bridge: unknown command \"no_such\"");
  EXPECT_NE(app::bridge_call(s, "run", "{not json", kProblem).value("error", "").find("JSON"),
            std::string::npos);
  EXPECT_NE(call(s, "run", Json::object(), R"({"q": 1})").value("error", "").find("q"), std::string::npos);
  EXPECT_EQ(call(s, "request", {{"what", "dance"}})["error"],
            "what: unknown \"dance\" (known: measure, gpu_check, share)");
  EXPECT_FALSE(call(s, "run", Json::object(), kProblem).contains("error"));
}

// A Result's matrices come as {"$f64": [offset, rows, cols]} into the "$blob" block; the CPU run the page
// made after WebGPU failed says so in its notice.
TEST(Bridge, RunAnswersMatricesBesideTheJsonAndSaysWhenTheGpuFailed) {
  state::AppState s = state::default_state();
  const Json r = call(s, "run", {{"gpu_failed", "no adapter"}}, kProblem);
  ASSERT_FALSE(r.contains("error")) << r.dump();
  ASSERT_TRUE(r.contains("$blob"));
  const Json& ref = r["output"]["$f64"];
  ASSERT_TRUE(ref.is_array());
  EXPECT_EQ(ref[1], 16);
  const auto* block = reinterpret_cast<const double*>(r["$blob"][0].get<std::uintptr_t>());
  const attn::Result want = attn::run(attn::parse_problem_text(kProblem));
  EXPECT_NEAR(block[ref[0].get<size_t>() + 1], want.output(0, 1), 1e-12);
  EXPECT_EQ(r["stats"]["notice"], "WebGPU failed (no adapter); computed on the CPU instead");
  EXPECT_FALSE(call(s, "run", Json::object(), kProblem)["stats"].contains("notice"));
}

// The GPU path "auto" runs is chosen in C++ with its reason; the Result the page gets back says it in
// English, the step view in the learner's language; the overview's stats are written here too.
TEST(Bridge, GpuJobsCarryThePathAndItsReason) {
  state::AppState s = state::default_state();
  const attn::Problem p = attn::parse_problem_text(kProblem);
  const double score = compute::score_matrix_bytes(p);
  const Json header = call(s, "gpu_prepare", {{"max_buffer_bytes", score - 1}}, kProblem);
  ASSERT_FALSE(header.contains("error")) << header.dump();
  EXPECT_EQ(header["path"], "flash");
  const int id = header["id"];
  ASSERT_FALSE(call(s, "gpu_outputs", {{"id", id}, {"path", "flash"}}).contains("error"));
  const Json r =
      call(s, "gpu_finish", {{"id", id}, {"path", "flash"}, {"auto", true}, {"gpu_ms", 1.0}, {"for", "run"}});
  EXPECT_NE(r["stats"].value("notice", "").find("score matrix needs " + attn::human_bytes(score)),
            std::string::npos)
      << r.dump();

  // A caller that asked for flash itself gets no word about limits.
  const Json asked = call(s, "gpu_prepare", {{"max_buffer_bytes", score - 1}}, kProblem);
  call(s, "gpu_outputs", {{"id", asked["id"]}, {"path", "flash"}});
  EXPECT_FALSE(
      call(s, "gpu_finish", {{"id", asked["id"]}, {"path", "flash"}, {"for", "run"}})["stats"].contains(
          "notice"));

  // The step view: the problem on screen, its status said in Spanish.
  recompute_if_dirty(s);
  s.view.language = "es";
  s.view.backend = state::Backend::WebGpu;
  // (room for q, k, v and the output, not for the score matrix)
  const Json app = call(s, "gpu_prepare", {{"app", true}, {"max_buffer_bytes", 300}});
  ASSERT_FALSE(app.contains("error")) << app.dump();
  EXPECT_EQ(app["version"], s.derived().result_version);
  call(s, "gpu_outputs", {{"id", app["id"]}, {"path", app["path"]}, {"trace", true}});
  call(s, "gpu_finish",
       {{"id", app["id"]},
        {"path", app["path"]},
        {"auto", true},
        {"for", "view"},
        {"version", app["version"]}});
  const std::string status = call(s, "gpu_view")["status"];
  EXPECT_NE(status.find("ruta flash"), std::string::npos) << status;

  // The overview's row and stats.
  const Json ov = call(s, "gpu_prepare", {{"max_buffer_bytes", 1e9}}, kProblem);
  call(s, "gpu_outputs", {{"id", ov["id"]}, {"path", "flash"}});
  EXPECT_NE(call(s, "gpu_row", {{"id", ov["id"]}, {"size", 0}}).value("error", "").find("size"),
            std::string::npos);
  const Json row = call(s, "gpu_row", {{"id", ov["id"]}, {"size", 5}, {"row", 2}, {"flash_ms", 1.5}});
  ASSERT_FALSE(row.contains("error")) << row.dump();
  EXPECT_EQ(row["stats"]["block_rows"], 4);  // 16 rows in 5 blocks of at most 4
  EXPECT_EQ(row["stats"]["flash_gpu_ms"], 1.5);
  EXPECT_EQ(row["row_weights"].size(), 16u);
  call(s, "gpu_cancel", {{"id", ov["id"]}});
}

// The WebGPU sweep: flash then 3-pass from n = 128, a report out of turn refused, an error stops it.
TEST(Bridge, TheGpuSweepIsStateNotStatics) {
  state::AppState s = state::default_state();
  EXPECT_NE(call(s, "perf_next", {{"ms", 1.0}}).value("error", "").find("no WebGPU sweep"),
            std::string::npos);
  Json next = call(s, "perf_next", {{"adapter", "test/gpu"}});
  EXPECT_EQ(next["path"], "flash");
  EXPECT_EQ(next["n"], 128);
  next = call(s, "perf_next", {{"ms", 2.0}});
  EXPECT_EQ(next["n"], 256);
  EXPECT_EQ(s.derived().perf.size(), 1u);
  next = call(s, "perf_next", {{"ms", 5000.0}});  // over 3 s: the next path
  EXPECT_EQ(next["path"], "3-pass");
  EXPECT_EQ(next["n"], 128);
  EXPECT_EQ(call(s, "perf_next", {{"error", "lost"}})["done"], true);
  EXPECT_TRUE(call(s, "perf_next", {{"ms", 1.0}}).contains("error"));
}

// A notice the page raises is said in the app's language; a link opened from the address changes the state.
TEST(Bridge, NoticesAndLinks) {
  state::AppState s = state::default_state();
  call(s, "set_notice", {{"id", "notice.link_copied_long"}, {"args", {{"chars", 9120}}}});
  const std::string english = call(s, "notice")["notice"];
  EXPECT_NE(english.find("(9120 characters)"), std::string::npos) << english;
  s.view.language = "es";
  const std::string spanish = call(s, "notice")["notice"];
  EXPECT_NE(spanish, english);
  EXPECT_NE(spanish.find("9120"), std::string::npos) << spanish;
  const std::string link = call(s, "link_state");
  state::AppState other = state::default_state();
  other.settings.temperature = 3;
  EXPECT_EQ(call(other, "open_link", Json::object(), link)["opened"], true) << state::notice_text(other);
  EXPECT_EQ(other.problem().temperature, s.problem().temperature);
}

// attnlab.explain and attnlab.patch: the page asks the open model, with the CLI's answers; every field of the
// request is checked and named.
TEST(Bridge, ExplainAndPatchTheOpenModel) {
  state::AppState s = state::default_state();
  EXPECT_EQ(call(s, "explain", Json::object(), R"({"text": "a b", "target": 0})")["error"],
            "model: none is open");
  s.model = std::make_shared<model::Gpt2>(test::bundled());
  const Json e = call(s, "explain", Json::object(),
                      R"({"text": "She was the youngest of the two daughters of a most", "target": " good",
                          "contrast": 262, "steps": 4})");
  ASSERT_FALSE(e.contains("error")) << e.dump();
  EXPECT_EQ(e["target"]["token"], " good");
  EXPECT_EQ(e["attribution"]["ig_steps"], 4);
  EXPECT_NEAR(e["dla"]["total"].get<double>(), e["logit"].get<double>(), 1e-9);
  EXPECT_EQ(e["logit_lens"].size(), static_cast<size_t>(s.model->config.n_layer) + 1);
  const Json p = call(s, "patch", Json::object(),
                      R"({"clean": "Elizabeth met Mr. Darcy at the ball, and Elizabeth",
                          "corrupt": "Jane met Mr. Darcy at the ball, and Elizabeth", "target": " met"})");
  ASSERT_FALSE(p.contains("error")) << p.dump();
  EXPECT_EQ(p["heads"].size(), static_cast<size_t>(s.model->config.n_layer));
  EXPECT_EQ(p["positions"][0][0].size(), p["tokens"].size());
  const auto error = [&](const char* name, const char* request) {
    return call(s, name, Json::object(), request).value("error", "");
  };
  EXPECT_NE(error("explain", R"({"text": "a", "target": " affectionate"})")
                .find("target: \" affectionate\" is 2 tokens"),
            std::string::npos);
  EXPECT_NE(error("explain", R"({"text": "a", "token_ids": [1], "target": 0})").find("text: give text"),
            std::string::npos);
  EXPECT_NE(error("explain", R"({"text": "a"})").find("target: missing"), std::string::npos);
  EXPECT_NE(error("explain", R"({"text": "a", "target": 0, "why": 1})").find("why: unknown field"),
            std::string::npos);
  EXPECT_NE(error("patch", R"({"clean": "a b", "corrupt": "a", "target": 0})").find("same token count"),
            std::string::npos);
  EXPECT_NE(error("patch", R"({"clean": "a b", "corrupt_ids": [1, -2], "target": 0})").find("corrupt_ids"),
            std::string::npos);
}
