// Tables that name an enum's values (stages, views, Variants parts): one entry {value, id} each, in the
// enum's order. The id is what JSON, links and lessons write and what the catalogs key the words by
// ("view.<id>"). Tests: tests/core/test_text.cpp (Text.EveryTableEntryHasItsWords),
// tests/core/test_app_state.cpp.
#pragma once

#include <cstddef>
#include <string>

#include "attn/json_read.h"

namespace attn {

template <typename E>
struct Named {
  E value;
  const char* id;
};

// Whether `other`, a table keyed by the same enum (its entries' .view), has one entry per entry of `table`,
// in the same order: for a table that adds what another layer needs, such as a view's draw function beside
// kViews' ids. Used in static_asserts, so a missing, extra or misplaced entry does not compile.
template <typename T, std::size_t N, typename E, std::size_t M>
constexpr bool same_keys(const T (&other)[N], const Named<E> (&table)[M]) {
  if (N != M) return false;
  for (std::size_t i = 0; i < N; ++i)
    if (other[i].view != table[i].value) return false;
  return true;
}

// The value whose id is the JSON string j; throws ProblemError "<field>: unknown "x" (known: a, b, …)".
template <typename E, std::size_t N>
E named_value(const Named<E> (&table)[N], const Json& j, const std::string& field) {
  std::string known;
  for (const Named<E>& n : table) {
    if (j.is_string() && j.get<std::string>() == n.id) return n.value;
    known += (known.empty() ? "" : ", ") + std::string(n.id);
  }
  fail_field(field, "unknown " + brief(j) + " (known: " + known + ")");
}

}  // namespace attn
