// Helpers shared by the core tests.
#pragma once

#include <functional>
#include <string>

#include "attn/problem.h"

namespace test {

// The message of the ProblemError f throws, or "(accepted)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const attn::ProblemError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace test
