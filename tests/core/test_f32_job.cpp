// F32Job.*: the CPU half of the WebGPU backend. The GPU is simulated with the plain-loop reference
// (attn::ref) reading the job's buffers exactly as the WGSL kernels index them; the finished Result must
// equal attn::run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "attn/format.h"
#include "attn/json_io.h"
#include "attn/ref.h"
#include "attn/fast.h"
#include "compute/cpu_backend.h"
#include "compute/f32_job.h"
#include "compute/gpu_jobs.h"
#include "test_util.h"

namespace {

// What scores.wgsl + softmax_rows.wgsl + weighted_sum.wgsl compute, with attn::ref on the job's layout.
void simulate_three_pass(compute::F32Job& job) {
  compute::allocate_outputs(job, "3-pass", true);
  // The mask decoded from the job's own fields, as shaders/common.wgsl attends() does (not from the Problem).
  std::vector<unsigned char> a(static_cast<size_t>(job.L) * job.S);
  for (int i = 0; i < job.L; ++i)
    for (int j = 0; j < job.S; ++j) {
      const compute::GpuParams& gp = job.params;
      const int pos = i + job.S - job.L;
      const int lo = gp.window == 0 ? 0 : std::clamp(pos - static_cast<int>(gp.window) + 1, 0, job.S);
      const int hi =
          std::clamp(std::min(gp.causal ? pos + 1 : job.S, static_cast<int>(gp.key_end)), 0, job.S);
      const bool ok =
          gp.explicit_mask ? job.allowed[static_cast<size_t>(i) * job.S + j] != 0 : lo <= j && j < hi;
      a[static_cast<size_t>(i) * job.S + j] = ok ? 1 : 0;
    }
  for (int head = 0; head < job.h; ++head) {
    const int kvh = head * job.g / job.h;
    auto slice = [](const std::vector<float>& v, size_t at, size_t n) {
      return std::vector<double>(v.begin() + static_cast<long>(at), v.begin() + static_cast<long>(at + n));
    };
    const std::vector<double> q =
        slice(job.q, static_cast<size_t>(head) * job.L * job.d, static_cast<size_t>(job.L) * job.d);
    const std::vector<double> k =
        slice(job.k, static_cast<size_t>(kvh) * job.S * job.d, static_cast<size_t>(job.S) * job.d);
    const std::vector<double> v =
        slice(job.v, static_cast<size_t>(kvh) * job.S * job.dv, static_cast<size_t>(job.S) * job.dv);
    std::vector<double> s = attn::ref::scores(q, k, a, job.L, job.S, job.d, job.multiplier);
    for (int i = 0; i < job.L; ++i)  // ALiBi's bias, as common.wgsl alibi_bias adds it (0 without)
      for (int j = 0; j < job.S; ++j)
        s[static_cast<size_t>(i) * job.S + j] += compute::alibi(job, head, i, j);
    for (size_t x = 0; x < s.size(); ++x)
      job.scores[static_cast<size_t>(head) * job.L * job.S + x] =
          std::isinf(s[x]) ? -3.0e38f : static_cast<float>(s[x]);
    attn::ref::softmax_rows(s, job.L, job.S);
    for (size_t x = 0; x < s.size(); ++x)
      job.weights[static_cast<size_t>(head) * job.L * job.S + x] = static_cast<float>(s[x]);
    const std::vector<double> o = attn::ref::weighted_sum(s, v, job.L, job.S, job.dv);
    for (size_t x = 0; x < o.size(); ++x)
      job.out[static_cast<size_t>(head) * job.L * job.dv + x] = static_cast<float>(o[x]);
  }
}

void expect_matches_run(const attn::Problem& p) {
  compute::F32Job job = compute::prepare_f32_job(p);
  simulate_three_pass(job);
  const attn::Result gpu = compute::finish_f32_job(job, "3-pass");
  attn::Problem p64 = p;
  p64.precision = attn::Precision::F64;
  const attn::Result cpu = attn::run(p64);
  EXPECT_EQ(gpu.stats.backend, "webgpu");
  EXPECT_EQ(gpu.stats.path, "3-pass");
  ASSERT_EQ(gpu.output.rows(), cpu.output.rows());
  ASSERT_EQ(gpu.output.cols(), cpu.output.cols());
  EXPECT_TRUE(test::all_close(gpu.output, cpu.output, 2e-5));
  for (size_t i = 0; i < cpu.heads.size(); ++i) {
    EXPECT_TRUE(test::all_close(gpu.heads[i].weights, cpu.heads[i].weights, 2e-6));
    EXPECT_EQ(gpu.heads[i].kv_head, cpu.heads[i].kv_head);
    EXPECT_EQ(gpu.heads[i].fully_masked, cpu.heads[i].fully_masked);
    for (Eigen::Index r = 0; r < cpu.heads[i].masked.rows(); ++r)
      for (Eigen::Index c = 0; c < cpu.heads[i].masked.cols(); ++c)
        EXPECT_EQ(std::isinf(gpu.heads[i].masked(r, c)), std::isinf(cpu.heads[i].masked(r, c)));
  }
}

attn::Problem random_problem(int n, int E, int h, int g, attn::MaskSpec::Kind mask) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {11, n, E, h, g};
  p.mask.kind = mask;
  p.mask.window = 3;
  return p;
}

}  // namespace

TEST(F32Job, GroupedHeadsWithCausalMask) {
  expect_matches_run(random_problem(9, 24, 6, 2, attn::MaskSpec::Kind::Causal));
}
TEST(F32Job, PositionsThroughTheSimulatedKernels) {
  for (attn::PositionSpec::Kind kind : {attn::PositionSpec::Kind::Rope, attn::PositionSpec::Kind::Alibi,
                                        attn::PositionSpec::Kind::Sinusoidal}) {
    attn::Problem p = random_problem(9, 12, 6, 2, attn::MaskSpec::Kind::Causal);
    p.position.kind = kind;
    p.position.start = 2;
    expect_matches_run(p);
  }
  for (const auto& [L, S] : {std::pair{3, 11}, std::pair{11, 4}}) {  // cross-attention both ways
    attn::Problem p;
    p.q = attn::MatD::Random(L, 4);
    p.k = attn::MatD::Random(S, 4);
    p.v = attn::MatD::Random(S, 3);
    p.mask.kind = attn::MaskSpec::Kind::Causal;
    p.mask.global = {0};  // (every row sees key 0: no fully masked rows for L > S)
    for (attn::PositionSpec::Kind kind : {attn::PositionSpec::Kind::Rope, attn::PositionSpec::Kind::Alibi}) {
      p.position.kind = kind;
      expect_matches_run(p);
    }
  }
}

TEST(F32Job, MultiQueryWithWindow) {
  expect_matches_run(random_problem(13, 16, 4, 1, attn::MaskSpec::Kind::Window));
}

TEST(F32Job, DirectCrossAttentionWithFullyMaskedRow) {
  attn::Problem p;
  p.q = attn::MatD::Random(3, 5);
  p.k = attn::MatD::Random(4, 5);
  p.v = attn::MatD::Random(4, 2);
  p.mask.kind = attn::MaskSpec::Kind::Explicit;
  p.mask.allowed = attn::MaskMat{{1, 0, 1, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}};
  p.temperature = 0.5;
  expect_matches_run(p);
  const compute::F32Job job = compute::prepare_f32_job(p);
  EXPECT_EQ(job.params.explicit_mask, 1u);
  EXPECT_EQ(job.allowed.size(), 12u);
  EXPECT_FLOAT_EQ(job.multiplier, static_cast<float>(1 / std::sqrt(5.0) / 0.5));
}

TEST(F32Job, FlashResultHasNoWeightsAndNullInJson) {
  compute::F32Job job = compute::prepare_f32_job(random_problem(5, 8, 2, 2, attn::MaskSpec::Kind::None));
  compute::allocate_outputs(job, "flash", false);
  EXPECT_EQ(job.lse.size(), 10u);
  EXPECT_TRUE(job.weights.empty());
  const attn::Result r = compute::finish_f32_job(job, "flash");
  EXPECT_TRUE(attn::result_to_json(r, job.problem, false)["attention_weights"].is_null());
  EXPECT_EQ(r.allowed.size(), 0);  // never the L×S mask: at n = 65 536 it would not fit
}

TEST(F32Job, GpuFitIsCheckedBeforeAnyWorkWithTheBytesNeeded) {
  attn::Problem p = random_problem(65536, 1024, 16, 16, attn::MaskSpec::Kind::Causal);
  try {
    compute::check_gpu_fits(p, 128.0 * 1024 * 1024);
    FAIL() << "accepted";
  } catch (const attn::ProblemError& e) {
    EXPECT_STREQ(e.what(),
                 "q: 16 heads × 65536 tokens × 64 need 256 MiB in one GPU buffer; this GPU allows 128 MiB "
                 "(maxStorageBufferBindingSize). Use fewer tokens or heads.");
  }
  EXPECT_NO_THROW(compute::check_gpu_fits(random_problem(65536, 64, 1, 1, attn::MaskSpec::Kind::None),
                                          128.0 * 1024 * 1024));
  attn::Problem wide;
  wide.q = attn::MatD::Ones(2, 129);
  wide.k = attn::MatD::Ones(2, 129);
  wide.v = attn::MatD::Ones(2, 1);
  EXPECT_THROW(compute::check_gpu_fits(wide, 1e9), attn::ProblemError);
}

// Fast.*: the fast f32 CPU path (attn/fast.h through compute::run_cpu with weights = false).
TEST(Fast, ExpMatchesStdExp) {
  for (float x : {0.0f, -1e-3f, -0.5f, -1.0f, -10.0f, -30.0f, -80.0f})
    EXPECT_NEAR(attn::fast::exp_nonpositive(x) / std::exp(x), 1.0f, 3e-7f) << x;
  EXPECT_EQ(attn::fast::exp_nonpositive(-INFINITY), 0.0f);
  EXPECT_EQ(attn::fast::exp_nonpositive(-100.0f), 0.0f);
}

TEST(Fast, OutputMatchesTheTracedPathForEveryMask) {
  using K = attn::MaskSpec::Kind;
  for (K kind : {K::None, K::Causal, K::Window, K::Padding, K::Explicit}) {
    attn::Problem p = random_problem(37, 24, 3, 1, kind);
    if (kind == K::Explicit) {
      p = attn::materialize(p);
      p.mask.allowed = attn::MaskMat::Ones(37, 37);
      p.mask.allowed.row(4).setZero();  // one fully masked row
      p.mask.allowed(9, 3) = 0;
    }
    p.mask.valid_len = 20;
    p.mask.window = 5;
    attn::RunOptions fast;
    fast.weights = false;
    fast.threads = kind == K::Causal ? 2 : 1;
    const attn::Result a = compute::run_cpu(p, fast);
    attn::Problem p64 = p;
    p64.precision = attn::Precision::F64;
    const attn::Result b = attn::run(p64);
    EXPECT_EQ(a.stats.path, "fast");
    EXPECT_EQ(a.stats.backend, "cpu");
    EXPECT_TRUE(test::all_close(a.output, b.output, 2e-5)) << static_cast<int>(kind);
    EXPECT_EQ(a.heads[0].weights.size(), 0);
  }
}

// One test per kernel of this build (AVX-512, AVX2 + FMA, 4 lanes), pinned with use_kernel; a kernel this CPU
// cannot run is reported as skipped (ctest lists it), never passed silently.
class FastKernel : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!attn::fast::use_kernel(GetParam().c_str())) GTEST_SKIP() << "this CPU cannot run " << GetParam();
  }
  void TearDown() override { attn::fast::use_kernel(""); }
};

std::vector<std::string> kernel_names() {
  std::vector<std::string> names;
  for (const attn::fast::Kernel& k : attn::fast::kernels()) names.emplace_back(k.name);
  return names;
}

// "avx2+fma" → "avx2_fma", "4 lanes" → "lanes4": a kernel's name as a test name.
std::string kernel_test_name(const ::testing::TestParamInfo<std::string>& kernel) {
  std::string id;
  for (char c : kernel.param)
    if (std::isalnum(static_cast<unsigned char>(c)))
      id += c;
    else if (!id.empty() && id.back() != '_')
      id += '_';
  if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0])))
    id = id.substr(id.find('_') + 1) + id.substr(0, id.find('_'));
  return id;
}

INSTANTIATE_TEST_SUITE_P(Fast, FastKernel, ::testing::ValuesIn(kernel_names()), kernel_test_name);

// The kernel on shapes that cross every edge of the tiling: query blocks cut short, several 256-key tiles and
// a short last one, d and d_v that fill no panel, cross-attention (L ≠ S), and each mask kind, against the
// f64 reference.
TEST_P(FastKernel, MatchesTheReferenceAcrossTileEdges) {
  using K = attn::MaskSpec::Kind;
  struct Shape {
    int L, S, d, dv;
  };
  {
    for (const Shape sh :
         {Shape{1, 1, 1, 1}, Shape{7, 300, 5, 3}, Shape{600, 530, 24, 17}, Shape{13, 1000, 64, 64}})
      for (K kind : {K::None, K::Causal, K::Window, K::Padding, K::Strided, K::Explicit}) {
        attn::Problem p;
        p.q = attn::MatD::Random(sh.L, sh.d);
        p.k = attn::MatD::Random(sh.S, sh.d) * 3.0;  // (sharp rows: the running max moves between tiles)
        p.v = attn::MatD::Random(sh.S, sh.dv);
        p.mask.kind = kind;
        p.mask.window = 40;
        p.mask.stride = 7;
        p.mask.valid_len = std::max(1, sh.S - 50);
        if (kind == K::Explicit) {
          p.mask.allowed = attn::MaskMat::Ones(sh.L, sh.S);
          for (int i = 0; i < sh.L; ++i)
            for (int j = 0; j < sh.S; ++j)
              if ((i * 7 + j * 3) % 5 == 0) p.mask.allowed(i, j) = 0;
          if (sh.L > 2) p.mask.allowed.row(2).setZero();  // one fully masked row: zeros
        }
        attn::RunOptions fast;
        fast.weights = false;
        const attn::Result a = compute::run_cpu(p, fast);
        attn::Problem p64 = p;
        p64.precision = attn::Precision::F64;
        const attn::Result b = attn::run(p64);
        EXPECT_TRUE(test::all_close(a.output, b.output, 3e-5))
            << attn::fast::kernel_name() << " L=" << sh.L << " S=" << sh.S << " d=" << sh.d << " dv=" << sh.dv
            << " mask " << static_cast<int>(kind);
      }
  }
}

// A score beyond f32 is an error that says so, never a row of zeros.
TEST_P(FastKernel, AScoreBeyondF32IsReportedNotZeroed) {
  attn::Problem p;
  p.q = attn::MatD::Constant(3, 2, 1e20);
  p.k = attn::MatD::Constant(300, 2, 1e20);
  p.v = attn::MatD::Ones(300, 1);
  attn::RunOptions fast;
  fast.weights = false;
  try {
    compute::run_cpu(p, fast);
    ADD_FAILURE() << GetParam() << ": no error";
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find("overflow"), std::string::npos) << GetParam() << ": " << e.what();
  }
}

// Threads cut the rows anywhere (not on block edges); masks give each row its own range of keys, across
// several tiles: a row's numbers must not depend on which rows share its block.
TEST(Fast, ThreadsGiveTheSameBits) {
  using K = attn::MaskSpec::Kind;
  for (K kind : {K::None, K::Causal, K::Window, K::Strided}) {
    attn::Problem p = random_problem(701, 32, 2, 2, kind);
    p.mask.window = 300;
    p.mask.stride = 5;
    attn::RunOptions one, three;
    one.weights = three.weights = false;
    three.threads = 3;
    EXPECT_EQ(compute::run_cpu(p, one).output, compute::run_cpu(p, three).output) << static_cast<int>(kind);
  }
  // Wide enough that the input projections are split too (701 · 128 · 128 multiply-adds), with a bias.
  attn::Problem wide = random_problem(701, 128, 2, 1, K::None);
  attn::RunOptions one, three;
  one.weights = three.weights = false;
  three.threads = 3;
  ASSERT_GT(compute::fast_threads(compute::prepare_f32_job(wide), 3), 1);
  for (int threads : {2, 3, 5}) {
    three.threads = threads;
    EXPECT_EQ(compute::prepare_f32_job(wide, 1).q, compute::prepare_f32_job(wide, threads).q) << threads;
    EXPECT_EQ(compute::run_cpu(wide, one).output, compute::run_cpu(wide, three).output) << threads;
  }
}

// The uniform block C++ fills is the one shaders/common.wgsl declares: the same members in the same order,
// each 4 bytes (the static_asserts in gpu_params.h check the C++ side's offsets).
TEST(GpuParams, MatchesCommonWgsl) {
  std::ifstream in(ATTN_SOURCE_DIR "/../shaders/common.wgsl");
  ASSERT_TRUE(in) << "shaders/common.wgsl";
  std::stringstream text;
  text << in.rdbuf();
  const std::string src = text.str();
  const size_t open = src.find("struct Params {"), close = src.find("};", open);
  ASSERT_NE(open, std::string::npos);
  const std::string body = src.substr(open, close - open);
  std::vector<std::string> fields;
  const std::regex member(R"(\n\s*(\w+)\s*:\s*(u32|f32)\s*,)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), member); it != std::sregex_iterator(); ++it)
    fields.push_back((*it)[1]);
  ASSERT_EQ(fields.size(), std::size(compute::kGpuParamFields));
  for (size_t i = 0; i < fields.size(); ++i)
    EXPECT_EQ(fields[i], compute::kGpuParamFields[i]) << "member " << i;
}

// Every mask reaches the kernels as a key range or as the explicit matrix, and the range reproduces the mask.
TEST(GpuParams, EveryMaskKindAsRangeOrMatrix) {
  for (const attn::MaskKindInfo& kind : attn::kMaskKinds) {
    if (kind.kind == attn::MaskSpec::Kind::Explicit) continue;
    attn::Problem p = random_problem(7, 8, 2, 2, kind.kind);
    if (kind.param) p.mask.*kind.param = 3;
    const compute::F32Job job = compute::prepare_f32_job(p);
    EXPECT_EQ(job.params.explicit_mask == 1, !attn::mask_is_range(p.mask)) << kind.text_id;
    expect_matches_run(p);
  }
}

// The long-sequence view's exact row: from q, k, the mask and the row's log-sum-exp (as flash writes it), the
// same weights attn::run gives; the job store answers by id and forgets a finished job.
// What "auto" runs on the GPU is decided here, not in the page: 3-pass while the score matrix fits one buffer
// (the device's limit and kScoreBufferCap) and its weights fit memory; flash otherwise, saying which limit
// chose it (a message, said in English by the JSON API and in the learner's language by the app); flash
// without a word when the Problem asks for it. gpu_prepare hands the choice to the page, gpu_finish the why.
TEST(GpuJobs, ThePathIsChosenInCppWithItsReason) {
  attn::Problem p = random_problem(16, 8, 2, 1, attn::MaskSpec::Kind::None);
  const double bytes = compute::score_matrix_bytes(p);
  const auto english = [](const compute::GpuPath& c) { return attn::say(attn::english(), c.why); };
  EXPECT_EQ(compute::choose_gpu_path(p, 1e9, true).path, "3-pass");
  EXPECT_EQ(compute::choose_gpu_path(p, 1e9, true).why.id, "");

  const compute::GpuPath small = compute::choose_gpu_path(p, bytes - 1, true);
  EXPECT_EQ(small.path, "flash");
  EXPECT_NE(english(small).find(" score matrix needs " + attn::human_bytes(bytes)), std::string::npos)
      << english(small);
  EXPECT_NE(english(small).find("flash path"), std::string::npos) << english(small);
  const std::string spanish = attn::say(*attn::catalog_for("es"), small.why);
  EXPECT_NE(spanish.find("ruta flash"), std::string::npos) << spanish;

  const compute::GpuPath memory = compute::choose_gpu_path(p, 1e9, false);
  EXPECT_EQ(memory.path, "flash");
  EXPECT_NE(english(memory).find("WebAssembly memory"), std::string::npos) << english(memory);

  p.variant = attn::Variant::Flash;
  EXPECT_EQ(compute::choose_gpu_path(p, 1, false).path, "flash");
  EXPECT_EQ(compute::choose_gpu_path(p, 1, false).why.id, "");

  attn::Problem standard = random_problem(16, 8, 2, 1, attn::MaskSpec::Kind::None);
  EXPECT_GT(bytes, 0);
  EXPECT_LT(bytes, compute::kScoreBufferCap);
  const attn::Json header = compute::gpu_prepare(standard, bytes - 1);
  ASSERT_FALSE(header.contains("error")) << header.dump();
  EXPECT_EQ(header["path"], "flash");
  EXPECT_TRUE(header.contains("notice"));
  const int id = header["id"].get<int>();
  compute::gpu_outputs(id, "flash", false);
  attn::Message why;
  const attn::Result r = compute::gpu_finish(id, "flash", 1.0, "wall", 1.0, nullptr, &why);
  EXPECT_EQ(why.id, "gpu.path.score_matrix");
  EXPECT_EQ(r.stats.notice, header["notice"].get<std::string>());
}

TEST(GpuJobs, ExactRowWeightsAndTheJobStore) {
  attn::Problem p = random_problem(12, 16, 2, 1, attn::MaskSpec::Kind::Window);
  const attn::Json header = compute::gpu_prepare(p, 1e9);
  ASSERT_FALSE(header.contains("error")) << header.dump();
  const int id = header["id"].get<int>();
  compute::gpu_outputs(id, "flash", false);
  compute::F32Job& job = const_cast<compute::F32Job&>(compute::gpu_job(id));
  for (int head = 0; head < job.h; ++head)
    for (int i = 0; i < job.L; ++i) {  // what flash_attention.wgsl writes: m + ln l over the allowed keys
      const int kvh = head * job.g / job.h;
      double m = -1e300, l = 0;
      std::vector<double> s;
      for (int j = 0; j < job.S; ++j) {
        if (!attn::mask_allows(job.problem.mask, i, j, job.L, job.S)) continue;
        double dot = 0;
        for (int c = 0; c < job.d; ++c)
          dot += double(job.q[(size_t(head) * job.L + i) * job.d + c]) *
                 job.k[(size_t(kvh) * job.S + j) * job.d + c];
        s.push_back(dot * job.multiplier);
        m = std::max(m, s.back());
      }
      for (double x : s) l += std::exp(x - m);
      job.lse[size_t(head) * job.L + i] = static_cast<float>(m + std::log(l));
    }
  const attn::Result want = attn::run(p);
  const std::vector<double> row = compute::exact_row_weights(job, 1, 7);
  for (int j = 0; j < job.S; ++j) EXPECT_NEAR(row[size_t(j)], want.heads[1].weights(7, j), 1e-5) << j;
  EXPECT_THROW(compute::exact_row_weights(job, 2, 0), attn::ProblemError);
  const attn::Result r = compute::gpu_finish(id, "flash", 1.5, "timestamp-query", 2.0);
  EXPECT_EQ(r.stats.gpu_timer, "timestamp-query");
  EXPECT_THROW(compute::gpu_job(id), attn::ProblemError);  // gone
}
