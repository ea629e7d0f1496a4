// GPT-2's byte-level BPE tokenizer: its pre-tokenisation regex (written out by hand over Unicode tables), its
// byte↔unicode map, and merges by rank, from a Hugging Face vocab.json + merges.txt. The Python twin is
// tests/model/bpe.py; tests: tests/core/test_bpe.cpp (Bpe.*), tests/golden/model_golden.py, fuzz_tokenizer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace model {

class Tokenizer {
 public:
  // Parses both files; throws attn::ProblemError naming the file and what is wrong (not JSON, an id used
  // twice, a merge whose parts or result are not in the vocabulary, a byte with no token).
  static Tokenizer load(std::string_view vocab_json, std::string_view merges_txt);

  std::vector<int> encode(std::string_view text) const;  // text as UTF-8 (invalid bytes are encoded as bytes)
  std::string decode(
      const std::vector<int>& ids) const;  // the bytes the ids stand for (may end mid-character)
  std::string token(int id) const;         // one token's text as valid UTF-8 ("?" for no id)
  // …as a label a learner can see: a newline as ↵, a tab as ⇥, a token of spaces alone as ␣ each (" " would
  // be an invisible label, "\n" would break its line).
  std::string shown(int id) const;
  int size() const { return static_cast<int>(tokens_.size()); }
  int end_of_text() const { return eot_; }  // id of <|endoftext|>, or −1

 private:
  std::vector<std::string> tokens_;  // id → token in the byte↔unicode alphabet (as in vocab.json)
  std::vector<std::string> bytes_;   // id → the raw bytes it stands for
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<std::uint64_t, std::pair<int, int>> merges_;  // (left id, right id) → (rank, merged id)
  int byte_id_[256] = {};
  int eot_ = -1;
};

// The pre-tokens of GPT-2's regex 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// as byte ranges of text (exposed for tests).
std::vector<std::string_view> pretokenize(std::string_view text);

}  // namespace model
