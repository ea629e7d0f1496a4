// ProblemError (see error.h).
#include "attn/error.h"

#include "attn/utf8.h"

namespace attn {

ProblemError::ProblemError(const std::string& message) : std::runtime_error(printable(message)) {}

void fail_field(const std::string& field, const std::string& why) { throw ProblemError(field + ": " + why); }

}  // namespace attn
