// Numbers as formulas and the UI print them: 2 decimals (3 significant digits below 0.01), a real minus sign,
// −∞ for blocked scores, subscript indices. At the bottom of attn (the text catalog formats with it too).
// Tests: tests/core/test_explain.cpp (Explain.*), tests/core/test_formula.cpp (Formula.*).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace attn {

// 2 decimals (3 significant digits below 0.01), a real minus sign, ±∞ and NaN spelled out.
std::string fmt(double x);
// 3 significant digits, for numbers 2 decimals would round away (ALiBi's slopes: 0.0625, 0.00391).
std::string fmt3(double x);
// x with `decimals` decimals and a real minus sign ("−0.125").
std::string fmt_fixed(double x, int decimals);
// A size for people: "512 bytes", "1.5 KiB", "256.0 MiB", "1.0 GiB" (binary units, 1 decimal above bytes).
std::string human_bytes(double bytes);
// Subscript digits: 12 → "₁₂".
std::string subscript(int n);
// A vector as "(0.10, −0.20, …)"; at most max_items entries, then "…".
std::string fmt_vector(const std::vector<double>& v, std::size_t max_items = 6);

}  // namespace attn
