// The Problem/Result JSON contract (DESIGN.md): one parser for every client (CLI, UI state, JS API, tests).
// Parse errors throw ProblemError with "field: reason". Tests: tests/core/test_json_io.cpp (JsonIo.*).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "attn/json_text.h"
#include "attn/problem.h"
#include "attn/run.h"

namespace attn {

Problem parse_problem(const Json& j);             // parses and validates; throws ProblemError
Problem parse_problem_text(const std::string& s,  // through parse_json_text: deep, non-UTF-8 and
                           std::vector<std::string>* notes = nullptr);  // malformed text are ProblemErrors
Json problem_to_json(const Problem& p);

Json matrix_to_json(const MatD& m);  // array of rows; −∞ and NaN become null
MatD matrix_from_json(const Json& j,
                      const std::string& field);  // rectangular; finiteness is checked by validate
std::vector<std::string> labels_from_json(const Json& j, const std::string& field);  // array of strings
MaskSpec mask_from_json(const Json& j);
// The inverse of mask_from_json: "none" | "causal" | {window} | {padding} | 0/1.
Json mask_to_json(const MaskSpec& m);
PositionSpec position_from_json(const Json& j);  // position_json.cpp: "rope" | {"rope": {base, dims, …}} | …
Json position_to_json(const PositionSpec& s);  // the inverse
// A matrix's place in the Result JSON: nested arrays (non-finite → null) unless a writer says otherwise (the
// browser bridge puts the numbers beside the JSON as binary: app/bridge.cpp binary_matrices).
using MatrixWriter = std::function<Json(const MatD&)>;
Json result_to_json(const Result& r, const Problem& p, bool with_trace, const MatrixWriter& write = {});

// {"error": message}, the message made valid UTF-8
Json error_json(const std::string& message);

}  // namespace attn
