// Budget.*: the estimate of budget.h bounds what a run really allocates (counted by replacing malloc
// for this test binary), without overstating it more than 4×; over-limit problems are refused before any
// work, with the numbers.
#include <gtest/gtest.h>

#include <atomic>
#include <malloc.h>

#include <cstdlib>

#include "attn/budget.h"
#include "compute/cpu_backend.h"

namespace {

std::atomic<long long> g_current{0}, g_peak{0};

void count(long long delta) {
  const long long now = g_current += delta;
  long long peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
}

}  // namespace

// Every allocation of this binary goes through these (Eigen calls malloc directly, operator new calls it
// too): glibc's own functions do the work, the sizes they really reserved are counted.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  void* p = __libc_malloc(n);
  if (p) count(static_cast<long long>(malloc_usable_size(p)));
  return p;
}
void* calloc(std::size_t n, std::size_t size) {
  void* p = __libc_calloc(n, size);
  if (p) count(static_cast<long long>(malloc_usable_size(p)));
  return p;
}
void* realloc(void* old, std::size_t n) {
  const long long before = old ? static_cast<long long>(malloc_usable_size(old)) : 0;
  void* p = __libc_realloc(old, n);
  if (p)
    count(static_cast<long long>(malloc_usable_size(p)) - before);
  else if (n == 0)
    count(-before);
  return p;
}
void free(void* p) {
  if (p) count(-static_cast<long long>(malloc_usable_size(p)));
  __libc_free(p);
}
}

namespace {

// Peak bytes allocated while parsing, running and writing the JSON of `text`, and the estimate.
std::pair<double, double> measure(const std::string& text, bool weights, int json) {
  attn::RunOptions o;
  o.weights = weights;
  o.json = json;
  const long long start = g_current.load();
  g_peak = start;
  double estimate = 0;
  {
    const attn::Problem p = attn::parse_problem_text(text);
    estimate = attn::estimate_budget(p, o).bytes;
    const attn::Result r = compute::run_cpu(p, o);
    if (json > 0) {
      const attn::Json j = attn::result_to_json(r, p, json == 2);
      const std::string s = attn::dump_json(j);
      EXPECT_GT(s.size(), 10u);
    }
  }
  return {static_cast<double>(g_peak.load() - start), estimate};
}

}  // namespace

TEST(Budget, EstimateBoundsWhatRunsAllocate) {
  struct Case {
    const char* text;
    bool weights;
    int json;
  } cases[] = {
      {R"({"random":{"n":300,"d_model":16}})", true, 1},
      {R"({"random":{"n":300,"d_model":16}})", true, 2},
      {R"({"random":{"n":200,"d_model":32,"num_heads":4,"num_kv_heads":2},"precision":"f64"})", true, 2},
      {R"({"random":{"n":200,"d_model":32,"num_heads":4},"variant":"linear"})", true, 1},
      {R"({"random":{"n":200,"d_model":32,"num_heads":4},"variant":"flash"})", true, 1},
      {R"({"random":{"n":300,"d_model":16},"mask":{"window":8,"global":[0,9]}})", true, 0},
      {R"({"random":{"n":1000,"d_model":64}})", false, 1},
      {R"({"random":{"n":1000,"d_model":64},"mask":{"strided":8}})", false, 1},
      {R"({"random":{"n":1000,"d_model":64,"num_heads":4},"variant":"linear"})", false, 1},
      {R"({"q":[[1,2],[3,4],[5,6]],"k":[[1,0],[0,1]],"v":[[1],[2]]})", true, 2},
      {R"({"random":{"n":200,"d_model":32,"num_heads":4},"position":"alibi","mask":"causal"})", true, 2},
      {R"({"random":{"n":200,"d_model":32,"num_heads":4},"position":"alibi","variant":"flash"})", true, 1},
      {R"({"random":{"n":200,"d_model":32,"num_heads":4},"position":"rope","precision":"f64"})", true, 2},
      {R"({"random":{"n":300,"d_model":16},"position":{"learned":{"start":100}}})", true, 1},
      {R"({"random":{"n":1000,"d_model":64,"num_heads":4},"position":"alibi"})", false, 1},
      {R"({"random":{"n":1000,"d_model":64,"num_heads":4},"position":"rope"})", false, 1},
  };
  for (const Case& c : cases) {
    const auto [peak, estimate] = measure(c.text, c.weights, c.json);
    EXPECT_LE(peak, estimate) << c.text << " weights=" << c.weights << " json=" << c.json;
    if (estimate > 1 << 20) {  // (below that the fixed allowance for names and stats dominates)
      EXPECT_GE(peak, estimate / 4) << c.text << " weights=" << c.weights << " json=" << c.json;
    }
  }
}

TEST(Budget, RefusesBeforeAnyWorkWithTheNumbers) {
  attn::Problem p = attn::parse_problem_text(R"({"random":{"n":200000,"d_model":8}})");
  const long long before = g_current.load();
  g_peak = before;
  try {
    compute::run_cpu(p);
    ADD_FAILURE() << "ran n = 200000 with weights";
  } catch (const attn::ProblemError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("random.n: 200000×200000 tokens"), std::string::npos) << m;
    EXPECT_NE(m.find("TiB of memory; the limit here is 1.0 GiB"), std::string::npos) << m;
  }
  EXPECT_LT(g_peak.load() - before, 1 << 20);  // refused from the shapes, nothing big allocated first
  // Output only: no L×S matrix, so the memory fits, but the work does not.
  attn::RunOptions fast;
  fast.weights = false;
  try {
    compute::run_cpu(p, fast);
    ADD_FAILURE() << "ran n = 200000 output-only with the default work limit";
  } catch (const attn::ProblemError& e) {
    EXPECT_NE(std::string(e.what()).find("operations"), std::string::npos) << e.what();
  }
  // A width of 10⁹ is refused by its weights (E²), in microseconds, not after generating them.
  p = attn::parse_problem_text(R"({"random":{"n":1,"d_model":1000000000}})");
  EXPECT_THROW(compute::run_cpu(p), attn::ProblemError);
}

TEST(Budget, TraceAndJsonCount) {
  const attn::Problem p = attn::parse_problem_text(R"({"random":{"n":2000,"d_model":8}})");
  attn::RunOptions plain, json, trace;
  json.json = 1;
  trace.json = 2;
  const double a = attn::estimate_budget(p, plain).bytes, b = attn::estimate_budget(p, json).bytes,
               c = attn::estimate_budget(p, trace).bytes;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_GT(c, 4 * 2000.0 * 2000 * 64);  // five L×S matrices as JSON numbers
  EXPECT_THROW(attn::check_budget(p, trace), attn::ProblemError);
  EXPECT_NO_THROW(attn::check_budget(p, plain));
}
