// Handouts: CSV, JSON and LaTeX of a head's numbers (see handout.h).
#include "attn/handout.h"

#include <cmath>
#include <cstdio>
#include <cctype>
#include <cstring>

#include "attn/json_io.h"
#include "attn/sentence.h"

namespace attn {

namespace {

std::string number(double x) {
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
    return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Decodes one UTF-8 code point at s[i] (advancing i); 0xFFFD for a broken sequence.
unsigned next_code_point(const std::string& s, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (extra < 0 || i + static_cast<size_t>(extra) >= s.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return 0xFFFD;
  }
  unsigned cp = extra == 0 ? c : c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k)
    cp = cp << 6 | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

}  // namespace

std::vector<NamedMatrix> head_matrices(const Problem& p, const Result& r, int head) {
  const HeadTrace<double>& t = r.heads.at(static_cast<size_t>(head));
  const std::vector<std::string> q = query_labels(p), k = key_labels(p);
  return {{"Q", t.q, q, index_labels(t.q.cols())},
          {"K", t.k, k, index_labels(t.k.cols())},
          {"V", t.v, k, index_labels(t.v.cols())},
          {"scores s = Q·Kᵀ", t.scores, q, k},
          {"scaled ŝ", t.scaled, q, k},
          {"masked m", t.masked, q, k},
          {"weights a = softmax(m)", t.weights, q, k},
          {"output O = A·V", t.output, q, index_labels(t.output.cols())}};
}

std::string matrices_csv(const std::vector<NamedMatrix>& ms) {
  std::string out;
  for (const NamedMatrix& nm : ms) {
    out += "# " + nm.name + " (" + std::to_string(nm.m.rows()) + "×" + std::to_string(nm.m.cols()) + ")\n";
    out += "";
    for (Eigen::Index c = 0; c < nm.m.cols(); ++c)
      out += "," + csv_field(c < static_cast<Eigen::Index>(nm.cols.size()) ? nm.cols[static_cast<size_t>(c)]
                                                                           : std::to_string(c));
    out += "\n";
    for (Eigen::Index r = 0; r < nm.m.rows(); ++r) {
      out += csv_field(r < static_cast<Eigen::Index>(nm.rows.size()) ? nm.rows[static_cast<size_t>(r)]
                                                                     : std::to_string(r));
      for (Eigen::Index c = 0; c < nm.m.cols(); ++c) out += "," + number(nm.m(r, c));
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

Json matrices_json(const std::vector<NamedMatrix>& ms) {
  Json out = Json::object();
  for (const NamedMatrix& nm : ms)
    out[nm.name] = {{"rows", nm.rows}, {"cols", nm.cols}, {"values", matrix_to_json(nm.m)}};
  return out;
}

std::string latex_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '#':
      case '$':
      case '%':
      case '&':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

// (Long on purpose: one pass over the formula, a small state machine whose cases share its position.)
std::string latex_math(const std::string& formula) {
  std::string out, word, subs;
  const auto flush_word = [&] {
    if (word.empty()) return;
    if (word == "exp" || word == "max" || word == "min")
      out += "\\" + word + " ";
    else if (word == "softmax")
      out += "\\operatorname{softmax}";
    else if (word.size() == 1)
      out += word;
    else
      out += "\\text{" + latex_text(word) + "}";
    word.clear();
  };
  const auto flush_subs = [&] {
    if (subs.empty()) return;
    out += "_{" + subs + "}";
    subs.clear();
  };
  for (size_t i = 0; i < formula.size();) {
    const size_t start = i;
    const unsigned cp = next_code_point(formula, i);
    if (cp >= 0x2080 && cp <= 0x2089) {  // ₀…₉
      flush_word();
      subs += static_cast<char>('0' + (cp - 0x2080));
      continue;
    }
    if (cp == 0x2098) {  // ₘ (RoPE's pair index)
      flush_word();
      subs += 'm';
      continue;
    }
    if (cp == 0x208B) {  // ₋
      flush_word();
      subs += '-';
      continue;
    }
    if (cp == ',' && !subs.empty() && i < formula.size() && formula.compare(i, 2, "\xE2\x82") == 0) {
      subs += ',';  // (s₇,₀: the comma between two subscripts)
      continue;
    }
    if (cp == ',' && !subs.empty() && i < formula.size() && std::strchr("ij", formula[i])) {
      subs += ',';  // (Σ₇,j)
      subs += formula[i++];
      continue;
    }
    flush_subs();
    if (cp == 0x27E6) {  // ⟦words⟧ (say_formula's marks): text as it is, in any language
      flush_word();
      const size_t end = formula.find("\xE2\x9F\xA7", i);  // ⟧
      out += "\\text{" + latex_text(formula.substr(i, end == std::string::npos ? end : end - i)) + "}";
      i = end == std::string::npos ? formula.size() : end + 3;
      continue;
    }
    if (cp < 0x80 && std::isalpha(static_cast<int>(cp))) {
      word += static_cast<char>(cp);
      continue;
    }
    flush_word();
    switch (cp) {
      case 0x015D:
        out += "\\hat{s}";
        break;  // ŝ
      case 0x00B7:
        out += "\\cdot ";
        break;  // ·
      case 0x1D40:
        out += "^{\\top}";
        break;  // ᵀ
      case 0x2212:
        out += "-";
        break;  // −
      case 0x221E:
        out += "\\infty ";
        break;  // ∞
      case 0x00D7:
        out += "\\times ";
        break;  // ×
      case 0x2026:
        out += "\\dots ";
        break;  // …
      case 0x03A3:
        out += "\\sum ";
        break;  // Σ
      case 0x03B8:
        out += "\\theta ";
        break;  // θ
      case 0x221A:
        out += "\\sqrt";
        break;  // √ (its argument follows: \sqrt6 reads as √6)
      case 0x201C:
        out += "``";
        break;  // “
      case 0x201D:
        out += "''";
        break;  // ”
      case 0x2264:
        out += "\\le ";
        break;  // ≤
      case 0x2260:
        out += "\\ne ";
        break;  // ≠
      case 0x2248:
        out += "\\approx ";
        break;  // ≈
      case '_':
        out += "_";
        break;
      case '#':
      case '$':
      case '%':
      case '&':
      case '{':
      case '}':
        out += '\\';
        out += static_cast<char>(cp);
        break;
      default:
        if (cp < 0x80)
          out += static_cast<char>(cp);
        else  // anything else as text (a letter of a token label)
          out += "\\text{" + formula.substr(start, i - start) + "}";
    }
  }
  flush_subs();
  flush_word();
  return out;
}

std::string latex_step(const ExplainInput& in, const Step& step, const Catalog& text) {
  ExplainInput all = in;
  all.max_terms = 1 << 20;  // (every term of a dot product, for paper)
  const StepExplanation e = explain_step(all, step);
  const std::string title = say(text, e.title);
  return "% " + title + "\n\\paragraph{" + latex_text(title) + "}\n" + latex_text(say(text, e.narration)) +
         "\n\\[\n  " + latex_math(say_formula(text, e.formula, false, true)) + "\n\\]\n";
}

std::string latex_row_softmax(const HeadTrace<double>& t, int row,
                              const std::vector<std::string>& query_labels,
                              const std::vector<std::string>& key_labels) {
  const std::string i = std::to_string(row);
  const double m = t.row_max(row), sum = t.row_sum(row);
  std::string out =
      "% the softmax of row " + i + " (\"" + query_labels.at(static_cast<size_t>(row)) + "\")\n";
  out += "\\paragraph{Softmax of the row of " + latex_text(query_labels[static_cast<size_t>(row)]) + "}\n";
  if (t.fully_masked[static_cast<size_t>(row)])
    return out + "Every key is masked in this row: its weights are all 0 and its output is 0.\n";
  out += "\\[\n  a_{" + i + ",j} = \\frac{e^{m_{" + i + ",j} - " + fmt(m) + "}}{\\sum_{j'} e^{m_{" + i +
         ",j'} - " + fmt(m) + "}} = \\frac{e^{m_{" + i + ",j} - " + fmt(m) + "}}{" + fmt(sum) + "}\n\\]\n";
  out += "\\begin{tabular}{lrrr}\n  key & $m_{" + i + ",j}$ & $e^{m - " + fmt(m) + "}$ & $a_{" + i +
         ",j}$ \\\\ \\hline\n";
  for (Eigen::Index j = 0; j < t.masked.cols(); ++j) {
    const double x = t.masked(row, j);
    out += "  " + latex_text(key_labels.at(static_cast<size_t>(j))) + " & $" + latex_math(fmt(x)) + "$ & $" +
           latex_math(fmt(std::isinf(x) ? 0.0 : std::exp(x - m))) + "$ & $" +
           latex_math(fmt(t.weights(row, j))) + "$ \\\\\n";
  }
  out += "  \\hline\n  & max $= " + latex_math(fmt(m)) + "$ & $\\sum = " + fmt(sum) + "$ & $1$ \\\\\n";
  return out + "\\end{tabular}\n";
}

}  // namespace attn
