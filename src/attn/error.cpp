// ProblemError (see error.h).
#include "attn/error.h"

#include "attn/utf8.h"

namespace attn {

ProblemError::ProblemError(const std::string& message) : std::runtime_error(printable(message)) {}

}  // namespace attn
