// Bpe.*: GPT-2's byte-level BPE — its pre-tokenizing regex, encoding and decoding every string, and bad
// vocabulary or merges files named; the JavaScript tokenizer comparison is in tests/golden/model_golden.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "app/derive.h"
#include "attn/run.h"
#include "model/forward.h"
#include "model/heads.h"
#include "model/model_json.h"
#include "model/safetensors.h"
#include "model_fixtures.h"
#include "state/share.h"
#include "test_util.h"

namespace {
using test::bundled;
using test::error_of;
using test::safetensors;
using test::slurp;
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
  const std::string vocab = slurp(test::kModelDir + "/vocab.json"),
                    merges = slurp(test::kModelDir + "/merges.txt");
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
