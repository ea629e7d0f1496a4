// safetensors parsing and f16/bf16 → f32 (see safetensors.h).
#include "model/safetensors.h"

#include <algorithm>
#include <cstring>

#include "attn/json_text.h"
#include "attn/problem.h"

namespace model {

namespace {

std::size_t dtype_size(const std::string& dtype) {
  return dtype == "F32" ? 4 : dtype == "F16" || dtype == "BF16" ? 2 : 0;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16;
  std::uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) mant <<= 1, --exp;
      bits = sign | (exp << 23) | ((mant & 0x3FF) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000 | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

}  // namespace

std::size_t TensorInfo::elements() const {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

const TensorInfo* SafeTensors::find(std::string_view name) const {
  for (const TensorInfo& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<float> SafeTensors::floats(const TensorInfo& t) const {
  std::vector<float> out(t.elements());
  const char* p = data.data() + t.begin;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (t.dtype == "F32") {
      std::memcpy(&out[i], p + 4 * i, 4);  // (little-endian hosts: x86, WebAssembly)
    } else {
      std::uint16_t h;
      std::memcpy(&h, p + 2 * i, 2);
      if (t.dtype == "F16") {
        out[i] = half_to_float(h);
      } else {
        const std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      }
    }
  }
  return out;
}

SafeTensors parse_safetensors(std::string_view file, const std::string& name) {
  if (file.size() < 8)
    attn::fail_field(name, "is " + std::to_string(file.size()) + " bytes, too short for a header");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file[static_cast<std::size_t>(i)]);
  if (n > file.size() - 8)
    attn::fail_field(name, "its header says it is " + std::to_string(n) + " bytes, but the file has only " +
                               std::to_string(file.size() - 8) + " after the length (cut short?)");
  if (n > (100u << 20))
    attn::fail_field(name, "its header is " + std::to_string(n) + " bytes; 100 MiB at most");
  attn::Json header;
  try {
    header = attn::parse_json_text(file.substr(8, n));
  } catch (const attn::ProblemError& e) {
    attn::fail_field(name, std::string("header: ") + e.what());
  }
  if (!header.is_object())
    attn::fail_field(name, "header: expected a JSON object {tensor: {dtype, shape, data_offsets}}");
  SafeTensors st;
  st.data = file.substr(8 + n);
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    const std::string where = "tensor \"" + attn::printable(it.key()) + "\"";
    const attn::Json& m = it.value();
    if (!m.is_object() || !m.contains("dtype") || !m.contains("shape") || !m.contains("data_offsets"))
      attn::fail_field(name, where + ": expected {dtype, shape, data_offsets}");
    TensorInfo t;
    t.name = it.key();
    if (!m["dtype"].is_string()) attn::fail_field(name, where + ": dtype should be a string");
    t.dtype = m["dtype"].get<std::string>();
    if (!dtype_size(t.dtype))
      attn::fail_field(name,
                       where + ": dtype " + attn::brief(m["dtype"]) + " is not supported (F32, F16 or BF16)");
    const attn::Json& shape = m["shape"];
    if (!shape.is_array() || shape.size() > 8)
      attn::fail_field(name, where + ": shape should be an array of sizes");
    double elements = 1;
    for (const attn::Json& d : shape) {
      if (!d.is_number_integer() || d.get<double>() < 0 || d.get<double>() > 1e12)
        attn::fail_field(name, where + ": shape " + attn::brief(shape) + " should hold sizes ≥ 0");
      t.shape.push_back(d.get<std::int64_t>());
      elements *= d.get<double>();
    }
    const attn::Json& off = m["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      attn::fail_field(name, where + ": data_offsets should be [begin, end]");
    t.begin = off[0].get<std::size_t>();
    t.end = off[1].get<std::size_t>();
    if (t.begin > t.end || t.end > st.data.size())
      attn::fail_field(name, where + ": bytes " + std::to_string(t.begin) + "…" + std::to_string(t.end) +
                                 " are outside the data (" + std::to_string(st.data.size()) +
                                 " bytes; cut short?)");
    if (elements * static_cast<double>(dtype_size(t.dtype)) != static_cast<double>(t.end - t.begin))
      attn::fail_field(
          name,
          where + ": shape " + attn::brief(shape) + " of " + t.dtype + " needs " +
              std::to_string(static_cast<long long>(elements * static_cast<double>(dtype_size(t.dtype)))) +
              " bytes, its data_offsets give " + std::to_string(t.end - t.begin));
    st.tensors.push_back(std::move(t));
  }
  std::vector<const TensorInfo*> by_start;
  for (const TensorInfo& t : st.tensors) by_start.push_back(&t);
  std::sort(by_start.begin(), by_start.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (std::size_t i = 1; i < by_start.size(); ++i)
    if (by_start[i]->begin < by_start[i - 1]->end && by_start[i]->begin < by_start[i]->end)
      attn::fail_field(name, "tensors \"" + attn::printable(by_start[i - 1]->name) + "\" and \"" +
                                 attn::printable(by_start[i]->name) + "\" overlap");
  return st;
}

}  // namespace model
