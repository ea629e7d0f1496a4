// Bpe.*, SafeTensors.*, Gpt2.*, Forward.*, KvCache.*, Heads.*, ModelJson.*: the model layer on the bundled
// model (assets/models/tiny-austen) and on small models built here; the oracle comparisons with PyTorch and
// the JavaScript tokenizer are in tests/golden/model_golden.py.
#include <gtest/gtest.h>

#include "test_util.h"

#include <cmath>
#include <functional>
#include <cstring>
#include <fstream>
#include <sstream>

#include "attn/run.h"
#include "model/forward.h"
#include "model/heads.h"
#include "model/model_json.h"
#include "model/safetensors.h"
#include "app/derive.h"
#include "state/share.h"

namespace {

using test::error_of;

const std::string kDir = std::string(ATTN_ASSETS_DIR) + "/models/tiny-austen";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const model::Gpt2& bundled() {
  static const model::Gpt2 m = model::load_gpt2_dir(kDir, 1e9);
  return m;
}

// A safetensors file from a header and data.
std::string safetensors(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + header + data;
}

}  // namespace

TEST(Bpe, PretokenizesLikeGpt2sRegex) {
  const auto pieces = [](const std::string& s) {
    std::vector<std::string> out;
    for (std::string_view p : model::pretokenize(s)) out.emplace_back(p);
    return out;
  };
  using V = std::vector<std::string>;
  // (each expectation printed by Python's regex module with GPT-2's pattern)
  EXPECT_EQ(pieces("It's 2026, isn't it?   ok"),
            (V{"It", "'s", " 2026", ",", " isn", "'t", " it", "?", "  ", " ok"}));
  EXPECT_EQ(pieces("a\n\nb  "), (V{"a", "\n", "\n", "b", "  "}));
  EXPECT_EQ(pieces(" x  y"), (V{" x", " ", " y"}));
  EXPECT_EQ(pieces("'LL we'll"), (V{"'", "LL", " we", "'ll"}));
  EXPECT_EQ(pieces("caf\xC3\xA9\xE2\x80\x94\xE6\x97\xA5\xE6\x9C\xAC 123abc"),
            (V{"caf\xC3\xA9", "\xE2\x80\x94", "\xE6\x97\xA5\xE6\x9C\xAC", " 123", "abc"}));
  EXPECT_EQ(pieces("\t\tx"), (V{"\t", "\t", "x"}));
  EXPECT_EQ(pieces("ab\xFF\xFE"
                   "cd"),
            (V{"ab", "\xFF\xFE", "cd"}));  // bytes that are not UTF-8: "other"
  EXPECT_TRUE(pieces("").empty());
}

TEST(Bpe, EncodesAndDecodesEveryString) {
  const model::Tokenizer& t = bundled().tokenizer;
  for (const char* s : {"It is a truth universally acknowledged", "  two  spaces ",
                        "caf\xC3\xA9 \xF0\x9F\x98\x80", "line\nbreak", "\xFF not UTF-8", ""}) {
    const std::vector<int> ids = t.encode(s);
    EXPECT_EQ(t.decode(ids), s);
    for (int id : ids) EXPECT_TRUE(id >= 0 && id < t.size());
  }
  EXPECT_EQ(t.encode(" the").size(), 1u);  // a common word is one token, as in real LLMs
  EXPECT_EQ(t.token(t.end_of_text()), "<|endoftext|>");
}

TEST(Bpe, BadFilesAreNamed) {
  const std::string vocab = slurp(kDir + "/vocab.json"), merges = slurp(kDir + "/merges.txt");
  EXPECT_EQ(error_of([&] { model::Tokenizer::load("[1, 2]", merges); }),
            "vocab.json: expected an object {token: id, …}");
  EXPECT_EQ(error_of([&] { model::Tokenizer::load("{\"a\": 0, \"b\": 0}", ""); }),
            "vocab.json: id 0 is given to two tokens");
  EXPECT_NE(error_of([&] { model::Tokenizer::load("{\"a\": 0, \"b\": 1}", ""); }).find("no token for byte 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              model::Tokenizer::load(vocab, "#version: 0.2\nĠ t\nonly\n");
            }).find("merges.txt line 3: \"only\" should be two tokens"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              model::Tokenizer::load(vocab, merges + "zzq qqz\n");
            }).find("(vocab.json and merges.txt disagree)"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              model::Tokenizer::load("{\"a\": " + std::string(100, '['), merges);
            }).find("vocab.json"),
            std::string::npos);
}

TEST(SafeTensors, ReadsF32F16Bf16AndRefusesBadFiles) {
  std::string data(12, '\0');
  const float f = 1.5f;
  std::memcpy(&data[0], &f, 4);
  const std::uint16_t half = 0x3C00, bf = 0xC000;  // 1.0 in f16, −2.0 in bf16
  std::memcpy(&data[4], &half, 2);
  std::memcpy(&data[6], &bf, 2);
  const std::uint16_t tiny = 0x0001;  // the smallest f16 subnormal: 2⁻²⁴
  std::memcpy(&data[8], &tiny, 2);
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"F16","shape":[1],"data_offsets":[4,6]},)"
      R"("c":{"dtype":"BF16","shape":[1,1],"data_offsets":[6,8]},)"
      R"("d":{"dtype":"F16","shape":[],"data_offsets":[8,10]},"__metadata__":{"format":"pt"}})";
  const std::string file = safetensors(header, data);
  const model::SafeTensors st = model::parse_safetensors(file, "t.safetensors");
  EXPECT_EQ(st.floats(*st.find("a"))[0], 1.5f);
  EXPECT_EQ(st.floats(*st.find("b"))[0], 1.0f);
  EXPECT_EQ(st.floats(*st.find("c"))[0], -2.0f);
  EXPECT_EQ(st.floats(*st.find("d"))[0], std::ldexp(1.0f, -24));
  const auto err = [](const std::string& bytes) {
    return error_of([&] { model::parse_safetensors(bytes, "x.safetensors"); });
  };
  EXPECT_EQ(err("abc"), "x.safetensors: is 3 bytes, too short for a header");
  EXPECT_NE(err(file.substr(0, 40)).find("header says it is"), std::string::npos);
  EXPECT_NE(err(safetensors(R"({"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", data))
                .find("dtype \"F64\" is not supported"),
            std::string::npos);
  EXPECT_NE(err(safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", data))
                .find("shape [2] of F32 needs 8 bytes, its data_offsets give 4"),
            std::string::npos);
  EXPECT_NE(
      err(safetensors(
              R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
              data))
          .find("overlap"),
      std::string::npos);
  EXPECT_NE(err(safetensors(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data))
                .find("outside the data"),
            std::string::npos);
  EXPECT_NE(err(safetensors("{\"a\": [[[[", data)).find("x.safetensors: header: "), std::string::npos);
}

TEST(Gpt2, LoadsTheBundledModel) {
  const model::Gpt2& m = bundled();
  EXPECT_EQ(m.name, "tiny-austen");
  EXPECT_GE(m.config.n_layer, 2);
  EXPECT_EQ(m.config.n_head, 4);
  EXPECT_GE(m.config.n_positions, 128);
  EXPECT_LE(m.parameters(), 1.2e6);
  EXPECT_NE(m.card.find("tiny GPT-2 trained by Attention Lab"), std::string::npos) << m.card;
  EXPECT_NE(model::describe_model(m)["parameters"], 0);
  // Too large for the limit: refused from config.json, with its size.
  const std::string config = slurp(kDir + "/config.json"), weights = slurp(kDir + "/model.safetensors"),
                    vocab = slurp(kDir + "/vocab.json"), merges = slurp(kDir + "/merges.txt");
  const model::Gpt2Files f{config, weights, vocab, merges, ""};
  EXPECT_NE(error_of([&] { model::load_gpt2(f, "x", 1e5); }).find("parameters need"), std::string::npos);
}

TEST(Forward, ItsAttentionIsTheAttnCoresAndAblationsChangeTheOutput) {
  const model::Gpt2& m = bundled();
  const std::vector<int> ids =
      m.tokenizer.encode("It is a truth universally acknowledged, that a single man");
  const model::Forward f = model::forward(m, ids);
  ASSERT_EQ(f.layers.size(), static_cast<size_t>(m.config.n_layer));
  EXPECT_EQ(f.logits.rows(), static_cast<long>(ids.size()));
  EXPECT_GT(f.loss, 0);
  // The step-through's problem for layer 1 gives the same weights as the forward pass kept.
  const attn::Result r = attn::run(model::layer_problem(m, 1, f.layers[1].x, ids));
  EXPECT_TRUE(test::all_close(r.heads[2].weights.cast<float>(), f.layers[1].weights[2], 1e-6));
  EXPECT_EQ(model::layer_problem(m, 0, f.layers[0].x, ids).tokens.front(), "It");
  // Switching a head off, or making it uniform, changes the prediction (and only from that layer on).
  const model::Forward off = model::forward(m, ids, {{1, 2, model::Ablation::Kind::Zero}});
  const model::Forward uni = model::forward(m, ids, {{1, 2, model::Ablation::Kind::Uniform}});
  EXPECT_EQ(off.layers[0].residual, f.layers[0].residual);
  EXPECT_EQ(off.layers[1].weights[2].sum(), 0.0f);
  EXPECT_NEAR(uni.layers[1].weights[2].row(4).sum(), 1.0f, 1e-6);
  EXPECT_NE(off.loss, f.loss);
  EXPECT_NE(uni.loss, f.loss);
  EXPECT_NE(
      error_of([&] { model::forward(m, std::vector<int>(m.config.n_positions + 1, 5)); }).find("context"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              model::forward(m, {1, 999999});
            }).find("token_ids[1]: 999999 is outside"),
            std::string::npos);
}

TEST(KvCache, DecodingGivesTheSameLogitsAsRecomputing) {
  const model::Gpt2& m = bundled();
  std::vector<int> ids = m.tokenizer.encode("Emma Woodhouse, handsome, clever, and rich");
  const model::Forward full = model::forward(m, ids);
  model::KvCache cache;
  const std::vector<model::DecodeStep> steps = model::prefill(m, ids, cache);
  ASSERT_EQ(steps.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i)
    EXPECT_TRUE(test::all_close(steps[i].logits.transpose(), full.logits.row(static_cast<long>(i)), 1e-4))
        << i;
  EXPECT_EQ(cache.tokens(), static_cast<int>(ids.size()));
  EXPECT_DOUBLE_EQ(cache.bytes(),
                   2.0 * m.config.n_layer * static_cast<double>(ids.size()) * m.config.n_embd * 4);
  EXPECT_LT(steps.back().multiply_adds_cached * 5, steps.back().multiply_adds_recompute);
  // The decode step of (the last layer, head 1) is a one-query problem: the last row of the full pass's
  // weights.
  const int last = m.config.n_layer - 1;
  const attn::Result r = attn::run(model::decode_problem(m, cache, steps.back(), last, 1));
  EXPECT_EQ(r.heads[0].weights.rows(), 1);
  EXPECT_LT((r.heads[0].weights.row(0).cast<float>() -
             full.layers[static_cast<size_t>(last)].weights[1].bottomRows(1))
                .cwiseAbs()
                .maxCoeff(),
            1e-5);
}

// A one-layer model built so that its one head is a previous-token head: one-hot positions, W_Q = 3·I, W_K
// shifting each position one place on. Its label must be measured as such.
TEST(Heads, APreviousTokenHeadBuiltSoIsLabelledSo) {
  model::Gpt2 m;
  m.tokenizer = bundled().tokenizer;
  const int P = 16, E = 16;
  m.config = {1, 1, E, P, m.tokenizer.size(), 1e-5, "gelu_new"};
  m.wte = attn::MatF::Zero(m.config.vocab_size, E);
  m.wpe = 8 * attn::MatF::Identity(P, E);
  model::Gpt2Layer l;
  l.ln_1_w = l.ln_2_w = attn::VecF::Ones(E);
  l.ln_1_b = l.ln_2_b = attn::VecF::Zero(E);
  l.c_attn_w = attn::MatF::Zero(E, 3 * E);
  l.c_attn_w.leftCols(E) = 3 * attn::MatF::Identity(E, E);
  for (int j = 0; j + 1 < E; ++j) l.c_attn_w(j, E + j + 1) = 3;  // key of position j looks like query j + 1
  l.c_attn_b = attn::VecF::Zero(3 * E);
  l.c_proj_w = attn::MatF::Zero(E, E);
  l.c_proj_b = attn::VecF::Zero(E);
  l.fc_w = attn::MatF::Zero(E, 4 * E);
  l.fc_b = attn::VecF::Zero(4 * E);
  l.proj_w = attn::MatF::Zero(4 * E, E);
  l.proj_b = attn::VecF::Zero(E);
  m.layers = {l};
  m.ln_f_w = attn::VecF::Ones(E);
  m.ln_f_b = attn::VecF::Zero(E);
  const std::vector<int> ids = m.tokenizer.encode("one two three four five six seven eight");
  const std::vector<model::HeadScores> s = model::score_heads(m, model::forward(m, ids));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_GT(s[0].previous, 0.9);
  EXPECT_EQ(s[0].label, "previous-token");
  // The bundled model's heads get labels too (measured on its own text).
  for (const model::HeadScores& h : model::score_heads(bundled(), model::forward(bundled(), ids)))
    EXPECT_FALSE(h.label.empty());
}

TEST(ModelJson, RequestsAreCheckedAndAnswered) {
  const auto req = [](const char* text) { return model::parse_model_request(attn::parse_json_text(text)); };
  EXPECT_EQ(error_of([&] { req(R"({"top": 5})"); }), "text: missing (or give token_ids)");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "token_ids": [1]})"); }),
            "text and token_ids: give one of them, not both");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "generate": -1})"); }),
            "generate: expected an integer 0…4096, got -1");
  EXPECT_EQ(error_of([&] { req(R"({"text": "a", "colour": 1})"); }).rfind("colour: unknown field", 0), 0u);
  const attn::Json out =
      model::run_model_json(bundled(), req(R"({"text": "She was", "top": 3, "generate": 4})"), 1e9);
  EXPECT_EQ(out["next"].size(), 3u);
  EXPECT_EQ(out["attention"].size(), static_cast<size_t>(bundled().config.n_layer));
  EXPECT_EQ(out["generated"]["token_ids"].size(), 4u);
  EXPECT_EQ(out["logits"].size(), static_cast<size_t>(bundled().config.vocab_size));
  EXPECT_NE(error_of([&] {
              model::run_model_json(bundled(), req(R"({"text": "She was"})"), 1000);
            }).find("numbers ("),
            std::string::npos);
}

// ModelState.*: the app with Source::Model — the step-through's problem is the chosen layer's real attention,
// links name the model and carry text, layer, head, ablations and generation; edits mark the model edited.
namespace {
ui::AppState model_app() {
  ui::AppState s = ui::default_state();
  s.model = std::make_shared<const model::Gpt2>(bundled());
  return s;
}
}  // namespace

TEST(ModelState, TheStepThroughShowsARealHead) {
  ui::AppState s = model_app();
  ui::state_from_json(
      s, attn::parse_json_text(
             R"({"inputs": {"source": "model", "text": "She was the youngest of the two daughters",
                                 "layer": 1, "head": 2}, "view": {"panel": "model"}})"));
  derive(s);
  ASSERT_EQ(s.source, ui::Source::Model);
  ASSERT_TRUE(s.derived().error.empty()) << s.derived().error;
  const std::vector<int> ids = s.model->tokenizer.encode("She was the youngest of the two daughters");
  EXPECT_EQ(s.problem.query_len(), static_cast<int>(ids.size()));
  EXPECT_EQ(s.problem.heads(), s.model->config.n_head);
  EXPECT_EQ(s.view.head, 2);
  EXPECT_EQ(s.problem.mask.kind, attn::MaskSpec::Kind::Causal);
  // The weights the step-through shows are the forward pass's own for that head.
  EXPECT_LT(
      (s.derived().result.heads[2].weights.cast<float>() - s.derived().model_run.forward.layers[1].weights[2])
          .cwiseAbs()
          .maxCoeff(),
      1e-6);
  EXPECT_EQ(s.derived().model_run.heads.size(),
            static_cast<size_t>(s.model->config.n_layer * s.model->config.n_head));
  EXPECT_EQ(s.derived().model_run.next.size(), 10u);
  // A link names the model and says the text, layer and head; opening it shows the same.
  const attn::Json link = ui::link_state(s);
  EXPECT_EQ(link["inputs"]["model"], "tiny-austen");
  EXPECT_EQ(link["inputs"]["layer"], 1);
  EXPECT_FALSE(link["problem"].contains("query"));  // the numbers follow from the model
  ui::AppState other = model_app();
  EXPECT_TRUE(ui::open_shared(other, attn::dump_json(link))) << ui::notice_text(other);
  derive(other);
  EXPECT_EQ(other.problem.query, s.problem.query);
  EXPECT_EQ(ui::state_to_json(other)["inputs"], ui::state_to_json(s)["inputs"]);
  // A link that names a model not open here says so.
  attn::Json elsewhere = link;
  elsewhere["inputs"]["model"] = "gpt2-xl";
  EXPECT_FALSE(ui::open_shared(other, attn::dump_json(elsewhere)));
  EXPECT_NE(ui::notice_text(other).find("inputs.model: \"gpt2-xl\" is not open here"), std::string::npos)
      << ui::notice_text(other);
}

TEST(ModelState, AblationGenerationAndDecodeSteps) {
  ui::AppState s = model_app();
  ui::state_from_json(
      s, attn::parse_json_text(
             R"({"inputs": {"source": "model", "text": "Emma Woodhouse, handsome, clever, and rich",
                                 "layer": 1, "head": 1, "ablations": [{"layer": 0, "head": 3, "kind": "zero"}],
                                 "generated": true, "generate": 4, "decode_step": 2}})"));
  derive(s);
  ASSERT_TRUE(s.derived().model_run.error.empty()) << s.derived().model_run.error;
  EXPECT_NE(s.derived().model_run.forward.loss, s.derived().model_run.base.loss);
  ASSERT_EQ(s.derived().model_run.steps.size(), 4u);
  // The decode step of generated token 2: one query row against every cached key so far.
  EXPECT_EQ(s.problem.form, attn::Problem::Form::Direct);
  EXPECT_EQ(s.problem.query_len(), 1);
  EXPECT_EQ(s.problem.key_len(), s.derived().model_run.steps[2].position + 1);
  EXPECT_TRUE(s.derived().error.empty()) << s.derived().error;
  EXPECT_EQ(error_of([&] {
              ui::state_from_json(s, attn::parse_json_text(R"({"inputs": {"source": "model", "layer": 9}})"));
            }),
            "inputs.layer: expected an integer 0…" + std::to_string(s.model->config.n_layer - 1) + ", got 9");
  EXPECT_NE(error_of([&] {
              ui::state_from_json(s, attn::parse_json_text(R"({"inputs": {"source": "model", "text": ")" +
                                                           std::string(2000, 'x') + R"("}})"));
            }).find("more than the model's context"),
            std::string::npos);
  // Editing a weight makes the app's own copy, marked edited; the link then carries numbers, and the heads'
  // induction scores are measured again on the edited weights (an edit changes no pointer).
  derive(s);
  const std::vector<double> induction = s.derived().model_run.induction;
  model::Gpt2& m = ui::editable_model(s);
  for (int r = 0; r < m.config.n_embd; ++r) m.layers[0].c_attn_w(r, 0) *= 40;  // (layer 0, head 0's W_Q)
  EXPECT_EQ(s.model->edits, 1);
  EXPECT_EQ(bundled().edits, 0);
  derive(s);
  EXPECT_EQ(ui::link_state(s)["inputs"]["source"], "direct");
  ASSERT_EQ(s.derived().model_run.induction_edits, 1);
  EXPECT_NE(s.derived().model_run.induction, induction);
  ui::editable_model(s).layers[0].c_attn_w(0, 0) += 1;  // (the same copy, edited again: measured again)
  EXPECT_EQ(s.model->edits, 2);
  derive(s);
  EXPECT_EQ(s.derived().model_run.induction_edits, 2);
}
