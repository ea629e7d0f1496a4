// Head scores and labels (see heads.h).
#include "model/heads.h"

#include <algorithm>
#include <cmath>

#include "attn/rng.h"

namespace model {

std::vector<double> induction_scores(const Gpt2& m, int repeat_len) {
  const int n_heads = m.config.n_layer * m.config.n_head;
  attn::Rng rng{12345};
  std::vector<int> segment;
  const int lo = std::min(256, m.config.vocab_size - 1), span = std::max(1, m.tokenizer.size() - 1 - lo);
  for (int i = 0; i < repeat_len; ++i)
    segment.push_back(lo + static_cast<int>(rng.next() % static_cast<std::uint64_t>(span)));
  std::vector<int> repeated;
  for (int r = 0; r < 3 && static_cast<int>(repeated.size()) + repeat_len <= m.config.n_positions; ++r)
    repeated.insert(repeated.end(), segment.begin(), segment.end());
  std::vector<double> out(static_cast<size_t>(n_heads), 0.0);
  if (static_cast<int>(repeated.size()) < 2 * repeat_len) return out;  // (a context too short to repeat in)
  const Forward rep = forward(m, repeated);
  for (int layer = 0; layer < m.config.n_layer; ++layer)
    for (int h = 0; h < m.config.n_head; ++h) {
      const attn::MatF& r = rep.layers[static_cast<size_t>(layer)].weights[static_cast<size_t>(h)];
      double sum = 0;
      int count = 0;
      for (int i = repeat_len; i < static_cast<int>(repeated.size()); ++i, ++count)
        sum += r(i, i - repeat_len + 1);
      out[static_cast<size_t>(layer * m.config.n_head + h)] = sum / std::max(1, count);
    }
  return out;
}

std::vector<HeadScores> score_heads(const Gpt2& m, const Forward& f, const std::vector<double>& induction) {
  const int T = static_cast<int>(f.ids.size());
  std::vector<HeadScores> out;
  for (int layer = 0; layer < m.config.n_layer; ++layer)
    for (int h = 0; h < m.config.n_head; ++h) {
      HeadScores s;
      s.layer = layer;
      s.head = h;
      const attn::MatF& a = f.layers[static_cast<size_t>(layer)].weights[static_cast<size_t>(h)];
      for (int i = 1; i < T; ++i) {
        s.previous += a(i, i - 1);
        s.first += a(i, 0);
        s.self += a(i, i);
        double ent = 0;
        for (int j = 0; j <= i; ++j) ent -= a(i, j) > 0 ? a(i, j) * std::log(a(i, j)) : 0;
        s.broad += ent / std::log(i + 1.0);
      }
      const double n = std::max(1, T - 1);
      s.previous /= n, s.first /= n, s.self /= n, s.broad /= n;
      const size_t at = static_cast<size_t>(layer * m.config.n_head + h);
      s.induction = at < induction.size() ? induction[at] : 0;
      // The strongest pattern above its threshold names the head.
      // (thresholds: well above chance for a text of tens of tokens; a tiny model's heads are rarely pure)
      const std::pair<double, const char*> cands[] = {{s.induction / 0.3, "induction"},
                                                      {s.previous / 0.3, "previous-token"},
                                                      {s.first / 0.3, "first-token"},
                                                      {s.self / 0.3, "self"},
                                                      {s.broad / 0.85, "broad"}};
      const auto best = std::max_element(std::begin(cands), std::end(cands),
                                         [](const auto& x, const auto& y) { return x.first < y.first; });
      s.label = best->first >= 1 && T > 1 ? best->second : "mixed";
      out.push_back(s);
    }
  return out;
}

std::vector<HeadScores> score_heads(const Gpt2& m, const Forward& f, int repeat_len) {
  return score_heads(m, f, induction_scores(m, repeat_len));
}

}  // namespace model
