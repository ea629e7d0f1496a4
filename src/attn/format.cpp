// Numbers as formulas print them (see format.h).
#include "attn/format.h"

#include <cmath>
#include <cstdio>

namespace attn {

std::string fmt(double x) {
  if (std::isinf(x)) return x < 0 ? "−∞" : "∞";
  if (std::isnan(x)) return "NaN";
  char buf[32];
  if (x != 0 && std::fabs(x) < 0.01)
    std::snprintf(buf, sizeof buf, "%.3g", std::fabs(x));
  else
    std::snprintf(buf, sizeof buf, "%.2f", std::fabs(x));
  std::string s = buf;
  if (s == "0.00" || s == "0") return "0.00";
  return (x < 0 ? "−" : "") + s;
}

std::string fmt3(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

std::string subscript(int n) {
  static const char* kDigits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  if (n < 0) return "₋" + subscript(-n);
  if (n < 10) return kDigits[n];
  return subscript(n / 10) + kDigits[n % 10];
}

std::string fmt_vector(const std::vector<double>& v, size_t max_items) {
  std::string s = "(";
  for (size_t c = 0; c < v.size() && c < max_items; ++c) s += (c ? ", " : "") + fmt(v[c]);
  if (v.size() > max_items) s += ", …";
  return s + ")";
}

std::string fmt_fixed(double x, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(x));
  const std::string zero = "0." + std::string(static_cast<size_t>(decimals), '0');
  return (x < 0 && buf != zero ? "−" : "") + std::string(buf);
}

std::string human_bytes(double b) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) b /= 1024, ++u;
  char buf[48];
  if (u == 0)
    std::snprintf(buf, sizeof buf, b == 1 ? "1 byte" : "%.0f bytes", b);
  else
    std::snprintf(buf, sizeof buf, b >= 1e6 ? "%.1e %s" : "%.1f %s", b, units[u]);
  return buf;
}

}  // namespace attn
