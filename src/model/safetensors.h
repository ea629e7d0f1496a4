// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}, then the raw little-endian data.
// Parsing checks everything against the file before any tensor is read. Tests:
// tests/core/test_safetensors.cpp (SafeTensors.*); fuzzed by tests/fuzz/fuzz_safetensors.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace model {

struct TensorInfo {
  std::string name;
  std::string dtype;                // "F32" | "F16" | "BF16"
  std::vector<std::int64_t> shape;  // empty for a scalar
  std::size_t begin = 0, end = 0;   // byte range within the data section
  std::size_t elements() const;
};

struct SafeTensors {
  std::vector<TensorInfo> tensors;
  std::string_view data;  // the data section (a view into the file's bytes, which the caller keeps)

  const TensorInfo* find(std::string_view name) const;  // nullptr when absent
  // The tensor as f32 (F16 and BF16 converted), row-major in its shape.
  std::vector<float> floats(const TensorInfo& t) const;
};

// Parses file (its bytes, kept by the caller for as long as the result is used). Throws attn::ProblemError
// "<file_name>: …" naming the tensor and what was expected: a truncated header, a header that is not JSON, an
// unknown dtype, a shape that disagrees with its byte range, a range outside the file or overlapping another.
SafeTensors parse_safetensors(std::string_view file, const std::string& file_name);

}  // namespace model
