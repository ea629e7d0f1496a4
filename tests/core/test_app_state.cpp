// AppState.*: getState/setState JSON round trip; invalid states are refused with a message and change
// nothing.
#include <gtest/gtest.h>

#include "attn/cost.h"
#include "attn/scenario.h"
#include "test_util.h"
#include "app/derive.h"
#include "attn/format.h"
#include "state/app_state.h"
#include "state/share.h"

namespace {
void expect_refused(state::AppState& s, const std::string& text, const char* fragment) {
  const attn::Json before = state::state_to_json(s);
  try {
    state::state_from_json(s, attn::Json::parse(text));
    ADD_FAILURE() << "accepted " << text;
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  EXPECT_EQ(state::state_to_json(s), before) << "state changed by a refused setState";
}
}  // namespace

TEST(AppState, DefaultShowsTheDefaultSentence) {
  const state::AppState s = state::default_state();
  EXPECT_EQ(s.problem().tokens.front(), "The");
  EXPECT_EQ(s.problem().query_len(), 11);  // didn't is one token
  EXPECT_TRUE(s.dirty);
}

// The Problem is derived, never stored: the document holds the inputs and the settings (typed q/k/v only for
// Source::Direct); a panel edits them and marks the document dirty, and the frame's derive() builds the
// Problem — nothing else to call.
TEST(AppState, TheProblemIsDerivedFromInputsAndSettings) {
  state::AppState s = state::default_state();
  derive(s);
  EXPECT_EQ(s.typed.q.size(), 0);  // (a sentence's document holds no q, k, v)
  s.settings.temperature = 2.5;    // as the input panel's slider does
  s.inputs.x(0, 0) += 1;           // as the Edit view does
  s.dirty = true;
  derive(s);
  EXPECT_EQ(s.problem().temperature, 2.5);
  EXPECT_TRUE(s.problem().q.row(0).isApprox(s.inputs.x.row(0) * s.inputs.w_q));
  s.setup.heads = 3;  // heads that do not fit the widths fall back to one, in the document too
  s.dirty = true;
  derive(s);
  EXPECT_EQ(s.setup.heads, 1);
  EXPECT_EQ(s.problem().heads(), 1);
  const attn::Problem shown = s.problem();
  state::state_from_json(s, attn::Json::parse(R"({"inputs":{"source":"direct"}})"));
  EXPECT_EQ(s.typed.q, shown.q);  // typed from now on: the numbers as they were
  s.settings.mask.kind = attn::MaskSpec::Kind::Causal;
  s.dirty = true;
  derive(s);
  EXPECT_EQ(s.problem().mask.kind, attn::MaskSpec::Kind::Causal);
  EXPECT_EQ(s.problem().q, shown.q);
}

TEST(AppState, RoundTrip) {
  state::AppState s = state::default_state();
  s.view.ui_scale = 2;
  s.step_index = 40;
  const attn::Json j = state::state_to_json(s);
  EXPECT_EQ(j["step"]["index"], 40);
  EXPECT_EQ(j["step"]["total"], 4 * 11 * 11 + 11 * (2 * 11 + 2));
  EXPECT_EQ(j["inputs"]["source"], "embeddings");
  EXPECT_EQ(j["inputs"]["x"].size(), 11u);
  state::AppState t = state::default_state();
  state::state_from_json(t, j);
  EXPECT_EQ(state::state_to_json(t), j);
}

TEST(AppState, StepByStageQueryKey) {
  state::AppState s = state::default_state();
  state::state_from_json(s, attn::Json::parse(R"({"step":{"stage":"softmax","query":2,"key":3}})"));
  const attn::Step st = s.step();
  EXPECT_EQ(st.stage, attn::Stage::Softmax);
  EXPECT_EQ(st.query, 2);
  EXPECT_EQ(st.key, 3);
}

TEST(AppState, NewProblemRecomputesAndUpdatesSentence) {
  state::AppState s = state::default_state();
  s.dirty = false;
  state::state_from_json(
      s, attn::Json::parse(
             R"({"problem":{"tokens":["hi","there"],"q":[[1],[2]],"k":[[1],[1]],"v":[[1],[0]]}})"));
  EXPECT_TRUE(s.dirty);
  EXPECT_EQ(s.sentence, "hi there");
}

TEST(AppState, InputsRebuildQkvAndDirectProblemsDetach) {
  state::AppState s = state::default_state();
  attn::Json j = state::state_to_json(s);
  j["inputs"]["x"][2][0] = 5.0;  // edit one embedding cell
  state::state_from_json(s, j);
  EXPECT_EQ(s.inputs.x(2, 0), 5.0);
  EXPECT_TRUE(s.problem().q.row(2).isApprox(s.inputs.x.row(2) * s.inputs.w_q));
  state::state_from_json(s, attn::Json::parse(R"({"problem":{"q":[[1]],"k":[[1]],"v":[[1]]}})"));
  EXPECT_EQ(s.source, state::Source::Direct);
  EXPECT_EQ(state::state_to_json(s)["inputs"]["source"], "direct");
}

TEST(AppState, SteppingAndPlayback) {
  state::AppState s = state::default_state();
  const int L = 11, S = 11;
  state::step_by(s, 3);
  EXPECT_EQ(s.step_index, 3);
  state::step_by(s, -10);
  EXPECT_EQ(s.step_index, 0);
  state::jump_stage(s, 1);
  EXPECT_EQ(s.step().stage, attn::Stage::Scale);
  state::step_by(s, 2);
  state::jump_stage(s, -1);  // back to this stage's start
  EXPECT_EQ(s.step_index, attn::stage_start(attn::Stage::Scale, L, S, s.granularity));
  state::jump_stage(s, -1);  // then the previous stage
  EXPECT_EQ(s.step_index, 0);
  s.playing = true;
  s.steps_per_second = 10;
  state::advance_playback(s, 0.35);
  EXPECT_EQ(s.step_index, 3);
  state::step_to(s, 1 << 20);
  EXPECT_EQ(s.step_index, s.step().total - 1);
  EXPECT_FALSE(s.playing) << "reaching the end stops playback";
}

TEST(AppState, StageJumpsKeepTheQueryRow) {
  state::AppState s = state::default_state();
  state::select_query(s, 7);
  EXPECT_EQ(s.step().query, 7);
  state::jump_stage(s, 1);
  EXPECT_EQ(s.step().stage, attn::Stage::Scale);
  EXPECT_EQ(s.step().query, 7);
  state::jump_stage(s, 1);
  state::jump_stage(s, 1);
  EXPECT_EQ(s.step().phase, attn::Phase::Max);  // softmax is entered at its first part
  state::jump_stage(s, -1);
  EXPECT_EQ(s.step().stage, attn::Stage::Mask);
  EXPECT_EQ(s.step().query, 7);
  state::select_query(s, 99);
  EXPECT_EQ(s.step().query, 10);  // clamped to the last token
}

TEST(AppState, ScenarioLoadsAtItsFocus) {
  attn::Scenario sc = attn::parse_scenario(attn::Json::parse(R"({"title":"t","framing":"f","sentence":"a b c",
    "focus":"c","features":["f0","f1"],"x":[[1,0],[0,1],[1,1]],"w_q":[[1],[0]],"w_k":[[1],[1]],"w_v":[[2],[0]],
    "mask":"causal"})"),
                                           "tiny");
  state::AppState s = state::default_state({sc});
  EXPECT_EQ(s.scenario_id, "");  // only "coreference" is loaded by default
  state::state_from_json(s, attn::Json::parse(R"({"inputs":{"scenario":"tiny"}})"));
  EXPECT_EQ(s.scenario_id, "tiny");
  EXPECT_EQ(s.step().query, 2);
  EXPECT_EQ(s.problem().mask.kind, attn::MaskSpec::Kind::Causal);
  EXPECT_EQ(s.features[1], "f1");
  EXPECT_THROW(state::state_from_json(s, attn::Json::parse(R"({"inputs":{"scenario":"nope"}})")),
               attn::ProblemError);
  expect_refused(s, R"({"inputs":{"scenario":"tiny","key_sentence":"le chat"}})",
                 "inputs.key_sentence: not with a scenario alone");
  expect_refused(s, R"({"inputs":{"scenario":"tiny","source":"direct"}})", "inputs.source");
  state::rebuild_from_sentence(s);
  state::next_scenario(s, 1);
  EXPECT_EQ(s.scenario_id, "tiny");
}

TEST(AppState, NarrationJsonMirrorsTheCurrentStep) {
  state::AppState s = state::default_state();
  s.update_derived().result = attn::run(s.problem());
  s.update_derived().has_result = true;
  s.dirty = false;
  state::state_from_json(
      s, attn::Json::parse(R"({"step":{"stage":"softmax","query":1,"key":2,"phase":"divide"}})"));
  const attn::Json j = state::narration_json(s);
  EXPECT_NE(j["formula"].get<std::string>().find("a₁,₂"), std::string::npos) << j.dump();
  EXPECT_EQ(j["values"].size(), 11u);
  EXPECT_EQ(j["values"][2], attn::fmt(s.derived().result.heads[0].weights(1, 2)));
}

TEST(AppState, RefusesBadStates) {
  state::AppState s = state::default_state();
  expect_refused(s, "[]", "state");
  expect_refused(s, R"({"steps":{}})", "steps");
  expect_refused(s, R"({"view":{"ui_scale":9}})", "view.ui_scale");
  expect_refused(s, R"({"view":{"head":3}})", "view.head");
  expect_refused(s, R"({"step":{"index":100000}})", "step.index");
  expect_refused(s, R"({"step":{"stage":"dance"}})", "step.stage");
  expect_refused(s, R"({"step":{"stage":"softmax","phase":"jump"}})", "step.phase");
  expect_refused(s, R"({"view":{"panel":"cinema"}})", "view.panel");
  expect_refused(s, R"({"inputs":{"sentence":"a b","x":[[1]],"w_q":[[1]],"w_k":[[1]],"w_v":[[1]]}})",
                 "inputs.x");
  expect_refused(s, R"({"inputs":[1]})", "inputs");
  expect_refused(s, R"({"inputs":{"sentence":"a b","x":[[1],[2]]}})", "inputs.w_q: missing");
  expect_refused(s, R"({"inputs":{"sentence":"a b","d_model":0}})", "inputs.d_model: must be 1…64");
  expect_refused(s, R"({"inputs":{"sentence":"a b","d_k":"4"}})", "inputs.d_k: expected an integer");
  expect_refused(s, R"({"inputs":{"sentence":"a","d_k":2,"x":[[1]],"w_q":[[1]],"w_k":[[1]],"w_v":[[1]]}})",
                 "inputs.d_k: only with random vectors");
  expect_refused(s, R"({"problem":{"q":[[1,2]],"k":[[1]],"v":[[1]]}})", "problem: k");
  expect_refused(s, R"({"view":{"ui_scale":2},"problem":{"q":"x"}})", "problem");  // all or nothing
}

// setState changes the document only: what is derived and the jobs asked for stay as they were until the
// app shell derives again (a trace is never copied to apply a state).
TEST(AppState, SetStateTouchesOnlyTheDocument) {
  state::AppState s = state::default_state();
  s.update_derived().result.heads.resize(1);
  s.update_derived().has_result = true;
  s.update_derived().result_version = 7;
  s.update_derived().perf.push_back(state::perf_point({"perf.backend.native", {}}, 128, 1.5));
  s.update_derived().gpu_report = {"status.gpu_check_other", {}};
  s.jobs.share_requested = true;
  s.dirty = false;
  state::state_from_json(s,
                         attn::Json::parse(R"({"problem":{"temperature":0.5},"view":{"panel":"tokens"}})"));
  EXPECT_EQ(s.problem().temperature, 0.5);
  EXPECT_EQ(s.view.panel, state::Panel::Tokens);
  EXPECT_TRUE(s.dirty);  // the app shell derives again
  EXPECT_EQ(s.derived().result.heads.size(), 1u);
  EXPECT_EQ(s.derived().result_version, 7);
  EXPECT_EQ(s.derived().perf.size(), 1u);
  EXPECT_EQ(s.derived().gpu_report.id, "status.gpu_check_other");
  EXPECT_TRUE(s.jobs.share_requested);
}

// The step view's WebGPU numbers: a result for the current problem is shown and compared with the CPU; one
// that arrives after the problem changed is discarded; a fallback or error shows the CPU's numbers.
TEST(AppState, GpuViewAcceptsCurrentAndDiscardsStale) {
  state::AppState s = state::default_state();
  s.update_derived().result = attn::run(s.problem());
  s.update_derived().has_result = true;
  s.update_derived().result_version = 3;
  s.view.backend = state::Backend::WebGpu;
  attn::Result gpu = s.derived().result;
  gpu.heads[0].weights(0, 0) += 2e-7;  // what f32 rounding on a GPU could do
  gpu.stats.backend = "webgpu";
  gpu.stats.path = "3-pass";
  gpu.stats.gpu_time_ms = 0.25;
  const attn::Json j = attn::result_to_json(gpu, s.problem(), true);

  s.update_derived().gpu.in_flight = 2;
  state::accept_gpu_view(s, 2, j);  // ran for version 2; the learner has since made version 3
  EXPECT_EQ(s.derived().gpu.discarded, 1);
  EXPECT_EQ(s.derived().gpu.in_flight, -1);
  EXPECT_EQ(state::gpu_head(s), nullptr);

  state::accept_gpu_view(s, 3, j);
  const state::GpuView::Head* h = state::gpu_head(s);
  ASSERT_NE(h, nullptr);
  EXPECT_DOUBLE_EQ(h->weights(0, 0), gpu.heads[0].weights(0, 0));
  EXPECT_NEAR(s.derived().gpu.max_diff, 2e-7, 1e-12);
  EXPECT_NE(state::say(s, s.derived().gpu.status).find("3-pass"), std::string::npos)
      << state::say(s, s.derived().gpu.status);
  s.view.backend = state::Backend::Cpu;
  EXPECT_EQ(state::gpu_head(s), nullptr);  // switched back: the CPU's numbers
  s.view.backend = state::Backend::WebGpu;

  attn::Json fell_back = j;
  fell_back["stats"]["backend"] = "cpu";
  fell_back["stats"]["notice"] = "WebGPU failed (no adapter); computed on the CPU instead";
  state::accept_gpu_view(s, 3, fell_back);
  EXPECT_EQ(state::gpu_head(s), nullptr);
  EXPECT_NE(state::say(s, s.derived().gpu.status).find("no adapter"), std::string::npos)
      << state::say(s, s.derived().gpu.status);
  state::accept_gpu_view(s, 3, attn::error_json("gpu: lost"));
  EXPECT_NE(state::say(s, s.derived().gpu.status).find("gpu: lost"), std::string::npos)
      << state::say(s, s.derived().gpu.status);
}

TEST(AppState, BackendRoundTripsAndRefusesUnknown) {
  state::AppState s = state::default_state();
  state::state_from_json(s, attn::Json::parse(R"({"view": {"backend": "webgpu"}})"));
  EXPECT_EQ(s.view.backend, state::Backend::WebGpu);
  EXPECT_EQ(state::state_to_json(s)["view"]["backend"], "webgpu");
  expect_refused(s, R"({"view": {"backend": "tpu"}})", "view.backend");
}

// The Variants view's data: every variant on the sentence, heads split and grouped, flash walkthrough
// narrated.
TEST(AppState, VariantsOnTheSentence) {
  state::AppState s = state::default_state();
  s.setup.d_model = s.setup.d_k = 8;
  state::rebuild_from_sentence(s);
  s.update_derived().result = attn::run(s.problem());
  s.update_derived().has_result = true;
  state::refresh_variants(s);
  ASSERT_EQ(s.derived().variants.runs.size(), 3u);
  EXPECT_EQ(s.derived().variants.runs[0].max_diff, 0);
  EXPECT_LT(s.derived().variants.runs[1].max_diff, 1e-6);  // flash (f64) vs standard (f32)
  EXPECT_GT(s.derived().variants.runs[2].max_diff, 1e-3);  // linear changes the answer
  EXPECT_FALSE(s.derived().variants.flash.empty());
  EXPECT_EQ(state::say(s, s.derived().variants.grouped_why.id, {}),
            "One head: grouping needs several query heads (h > 1).");

  state::state_from_json(s,
                         attn::Json::parse(R"({"inputs": {"sentence": "a b c d e", "heads": 4, "kv_heads": 2,
      "x": [[1,0,0,0,1,0,0,0],[0,1,0,0,0,1,0,0],[0,0,1,0,0,0,1,0],[0,0,0,1,0,0,0,1],[1,1,0,0,0,0,1,1]],
      "w_q": [[1,0,0,0,0,0,0,1],[0,1,0,0,0,0,1,0],[0,0,1,0,0,1,0,0],[0,0,0,1,1,0,0,0],[1,0,0,0,0,0,0,0],[0,1,0,0,0,0,0,0],[0,0,1,0,0,0,0,0],[0,0,0,1,0,0,0,0]],
      "w_k": [[1,0,0,0,0,0,0,0],[0,1,0,0,0,0,0,0],[0,0,1,0,0,0,0,0],[0,0,0,1,0,0,0,0],[0,0,0,0,1,0,0,0],[0,0,0,0,0,1,0,0],[0,0,0,0,0,0,1,0],[0,0,0,0,0,0,0,1]],
      "w_v": [[1,0,0,0,0,0,0,0],[0,1,0,0,0,0,0,0],[0,0,1,0,0,0,0,0],[0,0,0,1,0,0,0,0],[0,0,0,0,1,0,0,0],[0,0,0,0,0,1,0,0],[0,0,0,0,0,0,1,0],[0,0,0,0,0,0,0,1]]},
      "view": {"panel": "variants", "variants": {"section": "flash", "flash_step": 1}}})"));
  EXPECT_EQ(s.problem().heads(), 4);
  EXPECT_EQ(s.problem().kv_heads(), 2);
  s.update_derived().result = attn::run(s.problem());
  ++s.update_derived().result_version;
  state::refresh_variants(s);
  ASSERT_EQ(s.derived().variants.grouped.size(), 3u);  // g = 4, 2, 1
  EXPECT_EQ(s.derived().variants.grouped[0].kv_heads, 4);
  EXPECT_EQ(s.derived().variants.grouped[0].max_diff, 0);
  EXPECT_TRUE(state::flash_walkthrough_shown(s));
  const attn::Json n = state::narration_json(s);
  EXPECT_NE(n["title"].get<std::string>().find("tile step 2"), std::string::npos) << n.dump();
  const attn::Json st = state::state_to_json(s);
  EXPECT_EQ(st["inputs"]["heads"], 4);
  EXPECT_EQ(st["view"]["variants"]["section"], "flash");
  state::AppState t = state::default_state();
  state::state_from_json(t, st);
  EXPECT_EQ(t.problem().kv_heads(), 2);
  EXPECT_THROW(state::state_from_json(t, attn::Json::parse(R"({"view": {"variants": {"section": "gpu"}}})")),
               attn::ProblemError);
}

// Cross-attention: queries from the sentence, keys and values from another one; every variant still runs.
TEST(AppState, CrossAttentionFromAnotherSentence) {
  state::AppState s = state::default_state();
  s.sentence = "the cat sat";
  s.key_sentence = "le chat était assis là";
  s.settings.mask.kind = attn::MaskSpec::Kind::Causal;
  state::rebuild_from_sentence(s);
  EXPECT_EQ(s.problem().query_len(), 3);
  EXPECT_EQ(s.problem().key_len(), 5);
  EXPECT_EQ(attn::key_labels(s.problem())[1], "chat");
  s.update_derived().result = attn::run(s.problem());
  s.update_derived().has_result = true;
  state::refresh_variants(s);
  for (const state::VariantRun& r : s.derived().variants.runs)
    EXPECT_TRUE(r.note.id.empty()) << r.name.id << ": " << attn::say(attn::english(), r.note);
  EXPECT_LT(s.derived().variants.runs[1].max_diff, 1e-6);
  const attn::Json j = state::state_to_json(s);
  EXPECT_EQ(j["inputs"]["key_sentence"], "le chat était assis là");
  state::AppState t = state::default_state();
  state::state_from_json(t, j);
  EXPECT_EQ(t.problem().key_len(), s.problem().key_len());
  EXPECT_TRUE(test::all_close(t.problem().k, s.problem().k, 1e-12));
  attn::Json bad = j;
  bad["inputs"]["x_kv"] = attn::Json::parse("[[1, 2]]");
  EXPECT_THROW(state::state_from_json(t, bad), attn::ProblemError);
}

// A sentence without vectors gets random ones, seeded as the input panel seeds them: a short link reproduces
// the same numbers whatever state the page was in.
TEST(AppState, SentenceWithoutVectorsGetsSeededRandomOnes) {
  const char* link =
      R"({"inputs":{"sentence":"the cat sat on the mat","seed":7,"d_model":6,"d_k":6,"heads":2}})";
  state::AppState s = state::default_state();
  state::state_from_json(s, attn::Json::parse(link));
  attn::SentenceSetup setup;
  setup.tokens = {"the", "cat", "sat", "on", "the", "mat"};
  setup.d_model = setup.d_k = 6;
  setup.seed = 7;
  const attn::SentenceInputs want = attn::sentence_inputs(setup);
  EXPECT_EQ(s.inputs.x, want.x);
  EXPECT_EQ(s.inputs.w_k, want.w_k);
  EXPECT_EQ(s.problem().heads(), 2);
  EXPECT_EQ(s.problem().query_len(), 6);
  state::AppState t = state::default_state();
  state::state_from_json(t,
                         attn::Json::parse(R"({"inputs":{"sentence":"x y","seed":2,"d_model":3,"d_k":2}})"));
  state::state_from_json(t, attn::Json::parse(link));
  EXPECT_EQ(state::state_to_json(t), state::state_to_json(s));
  state::state_from_json(t, attn::Json::parse(R"({"inputs":{"sentence":"a b c"}})"));  // the panel's defaults
  EXPECT_EQ(t.inputs.x.cols(), attn::SentenceSetup{}.d_model);
  EXPECT_EQ(t.inputs.w_q.cols(), attn::SentenceSetup{}.d_k);
  EXPECT_EQ(t.setup.seed, attn::SentenceSetup{}.seed);
}

// A problem of settings only changes those settings and keeps the sentence (q, k, v still from the inputs).
TEST(AppState, SettingsOnlyProblemKeepsTheSentence) {
  state::AppState s = state::default_state();
  const attn::MatD q = s.problem().q;
  state::state_from_json(s, attn::Json::parse(R"({"problem":{"mask":{"window":3},"temperature":2}})"));
  EXPECT_EQ(s.source, state::Source::Embeddings);
  EXPECT_EQ(s.problem().mask.kind, attn::MaskSpec::Kind::Window);
  EXPECT_EQ(s.problem().temperature, 2.0);
  EXPECT_EQ(s.problem().q, q);
  EXPECT_TRUE(s.dirty);
  expect_refused(s, R"({"problem":{"variant":"linear"}})", "problem: ");  // linear takes none/causal masks
  expect_refused(s, R"({"problem":{"mask":"diagonal"}})", "problem: mask");
}

namespace {

// The default sentence at d_model = d_k = 8 split into `heads` heads, computed, with the Variants view's
// data.
state::AppState sentence_with_variants(int heads) {
  state::AppState s = state::default_state();
  s.setup.d_model = s.setup.d_k = 8;
  s.setup.heads = heads;
  state::rebuild_from_sentence(s);
  s.update_derived().result = attn::run(s.problem());
  s.update_derived().has_result = true;
  state::refresh_variants(s);
  return s;
}

}  // namespace

// Variants → Positions on the sentence: the same input with each scheme; RoPE's and ALiBi's scores do not
// move when every position does, the sinusoidal table's do; the input panel's choice reaches the problem
// (sinusoidal into x before the projections, RoPE as the problem's own) and travels in a link.
TEST(AppState, VariantsPositionsOnTheSentence) {
  state::AppState s = sentence_with_variants(2);
  const std::vector<state::PositionRun>& runs = s.derived().variants.positions;
  ASSERT_EQ(runs.size(), 4u);
  using K = attn::PositionSpec::Kind;
  for (const state::PositionRun& r : runs) {
    EXPECT_TRUE(r.note.id.empty()) << r.note.id;
    ASSERT_EQ(r.weights.size(), 2u);
    if (r.kind == K::Sinusoidal) {
      EXPECT_GT(r.shift_scores, 1e-3);
      EXPECT_GT(r.vs_none, 1e-3);
    } else {
      EXPECT_LT(r.shift_scores, 1e-5) << static_cast<int>(r.kind);  // (f32: rounding of the rotations)
    }
  }
  EXPECT_EQ(runs[0].vs_none, 0);
  const int n = s.problem().query_len();  // the work each adds: (L + 2S)·d_model, 2·d_rot·(h·L + g·S), h·L·S
  EXPECT_EQ(runs[1].extra, 3 * n * 8);
  EXPECT_EQ(runs[2].extra, 2 * 4 * (2 * n + s.problem().kv_heads() * n));
  EXPECT_EQ(runs[3].extra, 2 * n * n);
  const state::PositionReach& x = s.derived().variants.reach;
  EXPECT_EQ(x.n, s.problem().key_len());
  EXPECT_GT(x.rope_far, x.rope_seen);
  EXPECT_DOUBLE_EQ(x.alibi_far / x.alibi_seen, (4.0 * x.n - 1) / (x.n - 1));

  s.setup.position.kind = K::Sinusoidal;  // as the input panel's menu sets it
  state::refresh_problem(s);
  EXPECT_EQ(s.problem().position.kind, K::None);  // (added to x already)
  EXPECT_NEAR(s.problem().query(1, 0), s.inputs.x(1, 0) + std::sin(1.0), 1e-12);
  s.setup.position.kind = K::Rope;
  state::refresh_problem(s);
  EXPECT_EQ(s.problem().position.kind, K::Rope);
  const attn::Json link = state::state_to_json(s);
  EXPECT_EQ(link["inputs"]["position"], "rope");
  state::AppState t = state::default_state();
  state::state_from_json(t, link);
  EXPECT_EQ(t.setup.position.kind, K::Rope);
  EXPECT_EQ(t.problem().position.kind, K::Rope);
  attn::Json bad = link;
  bad["inputs"]["position"] = "learned";
  EXPECT_NE(test::error_of([&] {
              state::state_from_json(t, bad);
            }).find("a learned table comes with a trained model"),
            std::string::npos);
  bad["inputs"]["position"] = attn::Json::parse(R"({"rope": {"dims": 9}})");
  EXPECT_NE(test::error_of([&] { state::state_from_json(t, bad); }).find("position.rope.dims"),
            std::string::npos);
  EXPECT_EQ(t.problem().position.kind, K::Rope);  // (a refused link changes nothing)
}

// Heads → MLA beside GQA: the latent's output change on the sentence, the absorbed scores equal, a full
// latent changes nothing.
TEST(AppState, VariantsLatentBesideGrouped) {
  state::AppState s = sentence_with_variants(4);
  const std::vector<state::LatentRun>& runs = s.derived().variants.latent;
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].d_c, 2);
  EXPECT_EQ(runs[2].d_c, 8);
  EXPECT_GT(runs[0].max_diff, 1e-3);
  EXPECT_LT(runs[2].max_diff, 1e-5);  // (f32)
  for (const state::LatentRun& r : runs) EXPECT_LT(r.scores_gap, 1e-12);
  const double S = s.problem().key_len();  // through the latent: S·E·d_c down, S·d_c·2E up (MHA: S·E·2E)
  EXPECT_EQ(runs[0].projections, S * 8 * 2 + S * 2 * 16);
  EXPECT_EQ(attn::kv_projection_mul_adds(S, 8, 8), S * 8 * 16);
}

// A copied link (Share) keeps the sentence's position, for a seeded sentence and for a scenario; a scenario
// link whose position does not fit its heads is refused.
TEST(AppState, LinksKeepThePosition) {
  state::AppState s = state::default_state();
  s.setup.position.kind = attn::PositionSpec::Kind::Alibi;
  state::refresh_problem(s);
  const attn::Json link = state::link_state(s);
  ASSERT_TRUE(link["inputs"].contains("position")) << link.dump();
  state::AppState t = state::default_state();
  state::state_from_json(t, link);
  EXPECT_EQ(t.problem().position.kind, attn::PositionSpec::Kind::Alibi);
  state::AppState u = state::default_state(attn::load_scenarios(ATTN_SCENARIO_DIR));
  const std::string refused = test::error_of([&] {
    state::state_from_json(
        u, attn::Json::parse(
               R"({"inputs": {"scenario": "coreference", "position": {"alibi": {"slopes": [1, 2]}}}})"));
  });
  EXPECT_NE(refused.find("2 slopes for 1 heads"), std::string::npos) << refused;
}

// The Performance panel's memory per way is derived once per largest n, never while drawing: dense attention
// holds its n×n scores (4× the bytes at 2n), a 64-wide window about 64 per row, flash only its tiles.
TEST(AppState, PerfMemoryIsDerivedAtTheLargestN) {
  state::AppState s = state::default_state();
  derive(s);
  EXPECT_EQ(s.derived().perf_memory.n, 0);
  EXPECT_TRUE(s.derived().perf_memory.ways.empty());
  s.update_derived().perf.push_back(state::perf_point({"perf.backend.native", {}}, 1024, 1.5));
  s.update_derived().perf.push_back(state::perf_point({"perf.backend.native", {}}, 512, 0.5));
  refresh_perf_memory(s);
  const state::PerfMemory at_1024 = s.derived().perf_memory;
  ASSERT_EQ(at_1024.n, 1024);
  ASSERT_EQ(at_1024.ways.size(), 4u);
  const double dense = at_1024.ways[0].intermediate_bytes, window = at_1024.ways[1].intermediate_bytes,
               flash = at_1024.ways[2].intermediate_bytes;
  EXPECT_GT(dense, 8 * window);
  EXPECT_GT(window, flash);
  s.update_derived().perf.push_back(state::perf_point({"perf.backend.native", {}}, 2048, 4.0));
  derive(s);
  ASSERT_EQ(s.derived().perf_memory.n, 2048);
  EXPECT_NEAR(s.derived().perf_memory.ways[0].intermediate_bytes / dense, 4.0, 0.1);
  EXPECT_LT(s.derived().perf_memory.ways[2].intermediate_bytes / flash, 2.5);
}
