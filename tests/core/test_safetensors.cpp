// SafeTensors.*: f32, f16 and bf16 tensors read from safetensors files built here, and every bad file refused
// by name.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "app/derive.h"
#include "attn/run.h"
#include "model/forward.h"
#include "model/heads.h"
#include "model/model_json.h"
#include "model/safetensors.h"
#include "model_fixtures.h"
#include "state/share.h"
#include "test_util.h"

namespace {
using test::bundled;
using test::error_of;
using test::safetensors;
using test::slurp;
}  // namespace

TEST(SafeTensors, ReadsF32F16Bf16AndRefusesBadFiles) {
  std::string data(12, '\0');
  const float f = 1.5f;
  std::memcpy(&data[0], &f, 4);
  const std::uint16_t half = 0x3C00, bf = 0xC000;  // 1.0 in f16, −2.0 in bf16
  std::memcpy(&data[4], &half, 2);
  std::memcpy(&data[6], &bf, 2);
  const std::uint16_t tiny = 0x0001;  // the smallest f16 subnormal: 2⁻²⁴
  std::memcpy(&data[8], &tiny, 2);
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"F16","shape":[1],"data_offsets":[4,6]},)"
      R"("c":{"dtype":"BF16","shape":[1,1],"data_offsets":[6,8]},)"
      R"("d":{"dtype":"F16","shape":[],"data_offsets":[8,10]},"__metadata__":{"format":"pt"}})";
  const std::string file = safetensors(header, data);
  const model::SafeTensors st = model::parse_safetensors(file, "t.safetensors");
  EXPECT_EQ(st.floats(*st.find("a"))[0], 1.5f);
  EXPECT_EQ(st.floats(*st.find("b"))[0], 1.0f);
  EXPECT_EQ(st.floats(*st.find("c"))[0], -2.0f);
  EXPECT_EQ(st.floats(*st.find("d"))[0], std::ldexp(1.0f, -24));
  const auto err = [](const std::string& bytes) {
    return error_of([&] { model::parse_safetensors(bytes, "x.safetensors"); });
  };
  EXPECT_EQ(err("abc"), "x.safetensors: is 3 bytes, too short for a header");
  EXPECT_NE(err(file.substr(0, 40)).find("header says it is"), std::string::npos);
  EXPECT_NE(err(safetensors(R"({"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", data))
                .find("dtype \"F64\" is not supported"),
            std::string::npos);
  EXPECT_NE(err(safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", data))
                .find("shape [2] of F32 needs 8 bytes, its data_offsets give 4"),
            std::string::npos);
  EXPECT_NE(
      err(safetensors(
              R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
              data))
          .find("overlap"),
      std::string::npos);
  EXPECT_NE(err(safetensors(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data))
                .find("outside the data"),
            std::string::npos);
  EXPECT_NE(err(safetensors("{\"a\": [[[[", data)).find("x.safetensors: header: "), std::string::npos);
}
